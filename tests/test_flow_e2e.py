"""End to end: the real Prefect engine (embedded API), real Great Expectations, real
DuckDB views over real Parquet, on the five seed pages in raw/.

The flow runs ONCE for the module (a run costs seconds); every test reads its warehouse.
"""
from __future__ import annotations

import re
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import RAW, SHARED
from transforms.decode import decode_bytes
from transforms.to_simplified import normalize_text, to_simplified

from flows.warehouse import TABLES as LANDED_TABLES

TABLES = tuple(dict.fromkeys(("documents", "passages", "indicators", "quarantine", "runs") + LANDED_TABLES))
MARTS = ("fct_facts", "fct_timeseries", "fct_region_rollup", "dim_region")


@pytest.fixture(scope="module")
def landed(prefect_harness, tmp_path_factory):
    from flows.pipeline import gaoxin_flow
    warehouse = tmp_path_factory.mktemp("e2e-warehouse")
    summary = gaoxin_flow(raw=str(RAW), warehouse=str(warehouse))
    return warehouse, summary


@pytest.fixture()
def con(landed):
    warehouse, _ = landed
    # the views name their files relative to the warehouse: a client elsewhere points DuckDB there
    con = duckdb.connect(str(warehouse / "gaoxin.duckdb"), read_only=True,
                         config={"file_search_path": str(warehouse)})
    yield con
    con.close()


def _doc_id(con, prefix: str) -> str:
    return con.execute("select doc_id from documents where doc like ?", [prefix + "%"]).fetchone()[0]


def _page(prefix: str) -> str:
    """The decoded page the offsets point into."""
    path = next(RAW.glob(prefix + "*.txt"))
    return normalize_text(decode_bytes(path.read_bytes()).text)


def test_indicators_of_all_five_documents(con, landed):
    rows = con.execute("select doc, count(*) from indicators group by doc order by doc").fetchall()
    assert [doc for doc, _ in rows] == sorted(p.name for p in RAW.glob("*.txt"))
    assert len(rows) == 5 and all(n > 0 for _, n in rows)
    _, summary = landed
    assert summary["counts"]["documents_ingested"] == 5
    assert summary["counts"]["indicators_landed"] == sum(n for _, n in rows)


def test_every_table_view_is_queryable(con):
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    assert counts["documents"] == 5 and counts["runs"] == 1
    assert counts["passages"] > 0 and counts["indicators"] > 0
    assert counts["quarantine"] >= 0
    ok = con.execute("select count(*) from documents where status = 'ok'").fetchone()[0]
    assert ok == 5
    status, validated = con.execute("select status, validation_success from runs").fetchone()
    assert status == "completed" and validated in (True, False)


def test_004_kept_passages_are_simplified_and_its_spam_header_removed(con):
    doc_id = _doc_id(con, "004")
    script = con.execute("select script from documents where doc_id = ?", [doc_id]).fetchone()[0]
    assert script == "traditional"                     # the page itself is traditional
    kept = [t for (t,) in con.execute(
        "select text from passages where doc_id = ? and removed is null", [doc_id]).fetchall()]
    assert kept
    still_traditional = [t for t in kept if to_simplified(t) != t]
    assert not still_traditional, still_traditional[:3]
    spam = con.execute("select removed, rule from passages where doc_id = ? and text like '五月丁香%'",
                       [doc_id]).fetchall()
    assert spam == [("spam", "spam_lexicon")]


def test_paragraph_printed_twice_in_001_is_kept_once(con):
    doc_id = _doc_id(con, "001")
    copies = con.execute(
        "select passage_id, removed, dup_of from passages where doc_id = ? "
        "and text like '继启动企业创新积分工作试点后%' order by seq", [doc_id]).fetchall()
    assert len(copies) == 2
    kept = [pid for pid, removed, _ in copies if removed is None]
    assert len(kept) == 1
    dropped = [(removed, dup_of) for pid, removed, dup_of in copies if removed is not None]
    assert dropped == [("duplicate", kept[0])]


def test_every_line_of_every_page_is_in_exactly_one_passage(con):
    by_class: dict[str, int] = {}
    for path in sorted(RAW.glob("*.txt")):
        page = _page(path.name[:3])
        doc_id = con.execute("select doc_id from documents where doc = ?", [path.name]).fetchone()[0]
        rows = con.execute("select char_start, char_end, coalesce(removed, 'kept') from passages "
                           "where doc_id = ? order by char_start", [doc_id]).fetchall()
        assert rows[0][0] == 0 and rows[-1][1] == len(page)
        assert all(a[1] == b[0] for a, b in zip(rows, rows[1:])), "passages must tile the page"
        lines = 0
        for start, end, removed in rows:
            n = len(page[start:end].splitlines())
            lines += n
            by_class[removed] = by_class.get(removed, 0) + n
        assert lines == len(page.splitlines()), path.name
    grouped = dict(con.execute("select coalesce(removed, 'kept'), count(*) from passages group by 1").fetchall())
    assert set(grouped) == set(by_class) == {"kept", "spam", "boilerplate", "duplicate"}
    total = sum(len(_page(p.name[:3]).splitlines()) for p in RAW.glob("*.txt"))
    assert sum(by_class.values()) == total


def test_cli_csv_is_accepted_by_the_scorer(landed, capsys, tmp_path):
    from flows.cli import main
    warehouse, _ = landed
    capsys.readouterr()
    assert main(["query", "select * from indicators", "--warehouse", str(warehouse), "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    header = csv_text.splitlines()[0].split(",")
    assert {"doc", "value_base", "unit_base", "region", "indicator", "measure", "period", "target",
            "evidence"} <= set(header)
    score = SHARED / "eval" / "score.py"
    if not score.exists():
        pytest.skip("../shared/eval is absent")
    pred = tmp_path / "indicators.csv"
    pred.write_text(csv_text, "utf-8")
    proc = subprocess.run([sys.executable, str(score), "--gold", str(SHARED / "eval" / "gold"),
                           "--pred", str(pred)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    f1_line = next(line for line in proc.stdout.splitlines() if " F1=" in line)
    with capsys.disabled():
        print(f"\n[score.py] {f1_line}")
    assert float(re.search(r" F1=([\d.]+)", f1_line).group(1)) > 0.5


@pytest.mark.parametrize("view", MARTS)
def test_marts_are_queryable(con, view):
    columns = [c[0] for c in con.execute(f"select * from {view} limit 0").description]
    assert columns
    assert con.execute(f"select count(*) from {view}").fetchone()[0] > 0
