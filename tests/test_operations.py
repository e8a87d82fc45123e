"""Operating the pipeline: incremental runs, a kill in the middle of landing, two
writers at once, a corpus of bad input, `gaoxin run --strict`, and the deployment
(through the Prefect API, and prefect.yaml for `prefect deploy --all`).

Every flow run here goes through the real Prefect engine on the session's embedded
API (the `prefect_harness` fixture) with real Great Expectations and DuckDB.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import RAW, ROOT, seed

from flows.warehouse import TABLES as LANDED_TABLES

# Every table a run lands; all but `runs` (which records when each run happened) must be
# byte-identical when the input did not change.
ALL_TABLES = tuple(dict.fromkeys(("documents", "passages", "indicators", "quarantine", "runs") + LANDED_TABLES))
TABLES = tuple(t for t in ALL_TABLES if t != "runs")
# A paragraph no seed has, with a figure of its own.
NEW_PARAGRAPH = "2023年,杭州高新区(滨江)新认定省级科技型中小企业4321家,同比增长12.5%。"


# --------------------------------------------------------------------------- helpers

def run_flow(raw: Path, warehouse: Path) -> dict:
    from flows.pipeline import gaoxin_flow
    return gaoxin_flow(raw=str(raw), warehouse=str(warehouse))


def copy_raw(dst: Path, names: list[str] | None = None) -> Path:
    dst.mkdir(parents=True)
    for path in sorted(RAW.glob("*.txt")):
        if names is None or path.name[:3] in names:
            target = dst / path.name
            shutil.copyfile(path, target)
            target.chmod(stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    return dst


def append_paragraph(path: Path, paragraph: str = NEW_PARAGRAPH) -> None:
    data = path.read_bytes()
    path.write_bytes(data.rstrip(b"\n") + f"\n\n{paragraph}\n".encode())


def table(warehouse: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(warehouse / "current" / f"{name}.parquet")


def parquet_bytes(warehouse: Path) -> dict[str, bytes]:
    return {name: (warehouse / "current" / f"{name}.parquet").read_bytes() for name in TABLES}


def view_counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse / "gaoxin.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ALL_TABLES}
    finally:
        con.close()


def doc_id_of(warehouse: Path, prefix: str) -> str:
    docs = table(warehouse, "documents")
    return docs.loc[docs["doc"].str.startswith(prefix), "doc_id"].item()


def api_url() -> str:
    from prefect.settings import PREFECT_API_URL
    url = PREFECT_API_URL.value()
    assert url, "the prefect_harness fixture sets the API URL"
    return url


# --------------------------------------------------------------------------- incremental

@pytest.fixture(scope="module")
def incremental(prefect_harness, tmp_path_factory):
    """Four runs on one raw dir: as is, again unchanged, one page changed, one page added."""
    base = tmp_path_factory.mktemp("incremental")
    raw, warehouse = copy_raw(base / "raw"), base / "warehouse"
    out = {"raw": raw, "warehouse": warehouse}
    out["summary1"] = run_flow(raw, warehouse)
    out["bytes1"] = parquet_bytes(warehouse)
    out["summary2"] = run_flow(raw, warehouse)
    out["bytes2"] = parquet_bytes(warehouse)
    out["tables2"] = {name: table(warehouse, name) for name in TABLES}

    out["old_002"] = doc_id_of(warehouse, "002")
    append_paragraph(next(raw.glob("002*.txt")))
    out["summary3"] = run_flow(raw, warehouse)
    out["tables3"] = {name: table(warehouse, name) for name in TABLES}
    out["new_002"] = doc_id_of(warehouse, "002")

    passages = out["tables3"]["passages"]
    doc_000 = doc_id_of(warehouse, "000")
    candidates = passages[(passages["doc_id"] == doc_000) & passages["removed"].isna()
                          & ~passages["heading"] & (passages["text"].str.len() > 60)]
    repeated = candidates.iloc[len(candidates) // 2]
    page = seed("000")
    line = page[repeated["char_start"]:repeated["char_end"]].strip()
    (raw / "005_repeats_000.txt").write_text(
        "高新区动态\n\n" + NEW_PARAGRAPH.replace("4321", "2718") + "\n\n" + line + "\n", "utf-8")
    out["repeated"] = repeated
    out["summary4"] = run_flow(raw, warehouse)
    out["tables4"] = {name: table(warehouse, name) for name in TABLES}
    return out


def test_rerun_on_unchanged_input_changes_no_table(incremental):
    """`runs` is not compared: a re-run adds its own row (test_every_run_has_a_row_of_its_own)."""
    assert incremental["summary1"]["counts"]["documents_ingested"] == 5
    counts = incremental["summary2"]["counts"]
    assert counts["documents_unchanged"] == 5 and counts["documents_ingested"] == 0
    for name in TABLES:
        assert incremental["bytes1"][name] == incremental["bytes2"][name], f"{name}.parquet changed"
    # nothing changed, so nothing was validated again: the first run's result stands
    assert "validate" not in incremental["summary2"]["timings"]
    assert incremental["summary2"]["validation"]["run_id"] == incremental["summary1"]["run_id"]
    assert incremental["summary2"]["validation"]["suites"] == incremental["summary1"]["validation"]["suites"]


def test_every_run_has_a_row_of_its_own(incremental):
    runs = table(incremental["warehouse"], "runs")
    ids = [incremental[f"summary{i}"]["run_id"] for i in (1, 2, 3, 4)]
    assert len(set(ids)) == 4, ids
    assert runs["run_id"].tolist() == ids
    counts = [json.loads(c) for c in runs["counts"]]
    assert [c["documents_ingested"] for c in counts] == [5, 0, 1, 1]
    assert [c["documents_unchanged"] for c in counts] == [0, 5, 4, 5]


def test_changed_page_alone_is_reprocessed_and_leaves_no_stale_rows(incremental):
    counts = incremental["summary3"]["counts"]
    assert counts["documents_ingested"] == 1 and counts["documents_unchanged"] == 4
    old, new = incremental["old_002"], incremental["new_002"]
    assert old != new
    for name in TABLES:
        after = incremental["tables3"][name]
        assert not (after["doc_id"] == old).any(), f"stale rows of the old page in {name}"
        before_others = incremental["tables2"][name]
        before_others = before_others[before_others["doc_id"] != old].reset_index(drop=True)
        pd.testing.assert_frame_equal(after[after["doc_id"] != new].reset_index(drop=True), before_others,
                                      obj=f"{name} rows of the untouched pages")
    assert (incremental["tables3"]["documents"]["doc_id"] == new).sum() == 1
    figures = pd.concat([incremental["tables3"]["indicators"],
                         incremental["tables3"]["quarantine"].drop(columns=["failed_expectations"])])
    mine = figures[figures["doc_id"] == new]
    assert (mine["value"] == 4321).any(), "the new paragraph's figure was not extracted"
    # the views follow the live version (that of the last run of the fixture)
    con = duckdb.connect(str(incremental["warehouse"] / "gaoxin.duckdb"), read_only=True)
    try:
        for name in TABLES:
            assert con.execute(f"select count(*) from {name} where doc_id = ?", [old]).fetchone()[0] == 0
        assert con.execute("select count(*) from documents where doc_id = ?", [new]).fetchone()[0] == 1
    finally:
        con.close()


def test_new_page_repeating_a_landed_passage_points_at_it(incremental):
    counts = incremental["summary4"]["counts"]
    assert counts["documents_ingested"] == 1 and counts["documents_unchanged"] == 5
    passages = incremental["tables4"]["passages"]
    new_doc = doc_id_of(incremental["warehouse"], "005")
    repeated = incremental["repeated"]
    copies = passages[(passages["doc_id"] == new_doc) & (passages["text"] == repeated["text"])]
    assert len(copies) == 1
    assert copies.iloc[0]["removed"] == "duplicate"
    assert copies.iloc[0]["dup_of"] == repeated["passage_id"]
    original = passages[passages["passage_id"] == repeated["passage_id"]]
    assert len(original) == 1 and pd.isna(original.iloc[0]["removed"])
    # the new page's own paragraph is kept
    own = passages[(passages["doc_id"] == new_doc) & passages["text"].str.contains("2718")]
    assert len(own) == 1 and pd.isna(own.iloc[0]["removed"])


def test_a_new_pipeline_version_processes_every_page_again(prefect_harness, tmp_path, monkeypatch):
    from flows import pipeline
    raw, warehouse = copy_raw(tmp_path / "raw", ["000", "004"]), tmp_path / "warehouse"
    first = run_flow(raw, warehouse)
    assert run_flow(raw, warehouse)["counts"]["documents_unchanged"] == 2
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: "a-newer-extractor")
    counts = run_flow(raw, warehouse)["counts"]
    assert counts["documents_ingested"] == 2 and counts["documents_unchanged"] == 0
    assert counts["indicators_landed"] == first["counts"]["indicators_landed"]   # replaced, not added
    assert table(warehouse, "runs")["pipeline_version"].iloc[-1] == "a-newer-extractor"


# --------------------------------------------------------------------------- deletion is explicit

def cli_run(capsys, *args) -> tuple[int, str, str]:
    """`gaoxin run ARGS` in this process (the session's Prefect API): rc, stdout, stderr."""
    from flows.cli import main
    capsys.readouterr()
    rc = main(["run", *map(str, args)])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def lock_is_free(warehouse: Path) -> bool:
    from flows import warehouse as wh
    try:
        with wh.Warehouse(warehouse).exclusive():
            return True
    except wh.WarehouseBusy:
        return False


def assert_one_line_error(rc: int, out: str, err: str, says: str) -> None:
    assert rc == 1 and out == "", out
    assert err.startswith("gaoxin: ") and err.count("\n") == 1, err
    assert says in err and "Traceback" not in err, err


def test_an_empty_mistyped_or_half_emptied_raw_does_not_replace_the_warehouse(prefect_harness, tmp_path, capsys):
    from flows.raw import ShrinkRefused
    raw, warehouse = copy_raw(tmp_path / "raw"), tmp_path / "warehouse"
    assert cli_run(capsys, "--raw", raw, "--warehouse", warehouse)[0] == 0
    before, version = parquet_bytes(warehouse), os.readlink(warehouse / "current")
    (tmp_path / "empty").mkdir()
    half = copy_raw(tmp_path / "half", ["000", "001"])
    for raw_arg, says in ((tmp_path / "empty", "lacks 5 of the 5 pages the warehouse holds"),
                          (tmp_path / "rwa", "no such directory"),
                          (raw / "000_2bfb67fa06ce63bc.txt", "a file, not a directory"),
                          (half, "lacks 3 of the 5 pages")):
        assert_one_line_error(*cli_run(capsys, "--raw", raw_arg, "--warehouse", warehouse), says)
        assert os.readlink(warehouse / "current") == version and parquet_bytes(warehouse) == before
        assert lock_is_free(warehouse)
    # a scheduled run (the flow without the CLI) refuses too, and leaves the lock free
    with pytest.raises(ShrinkRefused, match="--allow-shrink"):
        run_flow(tmp_path / "empty", warehouse)
    assert os.readlink(warehouse / "current") == version and parquet_bytes(warehouse) == before
    assert lock_is_free(warehouse)
    # a mistyped --raw into a new warehouse creates nothing
    assert_one_line_error(*cli_run(capsys, "--raw", tmp_path / "rwa", "--warehouse", tmp_path / "new"),
                          "no such directory")
    assert not (tmp_path / "new").exists()


def test_pages_removed_from_raw_are_removed_from_the_tables_and_counted(prefect_harness, tmp_path, capsys):
    raw, warehouse = copy_raw(tmp_path / "raw"), tmp_path / "warehouse"
    assert cli_run(capsys, "--raw", raw, "--warehouse", warehouse)[0] == 0
    ids = {p.name: doc_id_of(warehouse, p.name[:3]) for p in raw.iterdir()}

    def gone_from_tables(names) -> bool:
        gone = {ids[n] for n in names}
        return all(not table(warehouse, t)["doc_id"].isin(gone).any() for t in TABLES)

    # one page of five gone: removed without asking
    next(raw.glob("004*")).unlink()
    rc, out, _ = cli_run(capsys, "--raw", raw, "--warehouse", warehouse)
    assert rc == 0 and "unchanged 4, rejected 0, duplicate 0, removed 1" in out
    assert gone_from_tables([n for n in ids if n.startswith("004")])
    # three of the four left gone: refused, then done when asked for
    for prefix in ("000", "001", "002"):
        next(raw.glob(prefix + "*")).unlink()
    assert_one_line_error(*cli_run(capsys, "--raw", raw, "--warehouse", warehouse), "lacks 3 of the 4 pages")
    rc, out, _ = cli_run(capsys, "--raw", raw, "--warehouse", warehouse, "--allow-shrink")
    assert rc == 0 and "unchanged 1, rejected 0, duplicate 0, removed 3" in out
    assert table(warehouse, "documents")["doc"].tolist() == [p.name for p in raw.iterdir()]
    assert gone_from_tables([n for n in ids if not n.startswith("003")])
    assert len(table(warehouse, "indicators")) > 0
    counts = [json.loads(c) for c in table(warehouse, "runs")["counts"]]
    assert [c["documents_removed"] for c in counts] == [0, 1, 3]


# --------------------------------------------------------------------------- identical pages

def test_a_byte_identical_copy_is_a_duplicate_and_no_id_collides(prefect_harness, tmp_path, capsys):
    from tests.conftest import clean_page
    raw, warehouse = copy_raw(tmp_path / "raw", ["000", "002"]), tmp_path / "warehouse"
    original = next(raw.glob("002*"))
    shutil.copyfile(original, raw / "002_copy.txt")          # sorts after the original

    def check(first: str, copies: list[str]) -> None:
        docs = table(warehouse, "documents").set_index("doc")
        doc_id = docs.loc[first, "doc_id"]
        assert docs.loc[first, "status"] == "ok" and pd.isna(docs.loc[first, "dup_of"])
        for name in copies:
            row = docs.loc[name]
            assert (row["status"], row["dup_of"], row["doc_id"]) == ("duplicate", first, doc_id)
            assert first in row["reason"]
        passages, indicators = table(warehouse, "passages"), table(warehouse, "indicators")
        quarantine = table(warehouse, "quarantine")
        figures = pd.concat([indicators, quarantine.drop(columns=["failed_expectations"])])
        assert passages["passage_id"].is_unique and figures["indicator_id"].is_unique
        assert not quarantine["failed_expectations"].str.contains("indicator_id_unique").any()
        # the page is segmented and extracted once: its passages are those of one copy
        assert (passages["doc_id"] == doc_id).sum() == len(clean_page(seed("002")))
        mine = figures[figures["doc_id"] == doc_id]
        assert (mine["doc"] == first).all() and (indicators["doc_id"] == doc_id).sum() > 0

    rc, out, _ = cli_run(capsys, "--raw", raw, "--warehouse", warehouse)
    assert rc == 0 and "duplicate 1," in out
    check(original.name, ["002_copy.txt"])
    # a copy whose name sorts first becomes the page, whatever was landed before
    shutil.copyfile(original, raw / "001_first_copy.txt")
    rc, out, _ = cli_run(capsys, "--raw", raw, "--warehouse", warehouse)
    assert rc == 0 and "duplicate 2," in out
    check("001_first_copy.txt", [original.name, "002_copy.txt"])
    (raw / "001_first_copy.txt").unlink()
    rc, out, _ = cli_run(capsys, "--raw", raw, "--warehouse", warehouse)
    assert rc == 0 and "duplicate 1, removed 1" in out
    check(original.name, ["002_copy.txt"])


# --------------------------------------------------------------------------- atomic landing

KILLED_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import flows
    from flows import warehouse as wh

    marker, raw, warehouse = sys.argv[1:4]
    real_write, written = wh._write, []

    def write_slowly(parts, schema, path, *args):
        written.append(Path(path).name)
        # documents, passages, articles and the unvalidated indicators are written before
        # validation: killed with validation done, the rows it passed about to be written
        if len(written) == 5:
            Path(marker).write_text(" ".join(written))
            time.sleep(600)
        return real_write(parts, schema, path, *args)

    wh._write = write_slowly
    from flows.pipeline import gaoxin_flow
    gaoxin_flow(raw=raw, warehouse=warehouse)
""")


def kill_run_at_landing(raw, warehouse, tmp_path):
    """Run the flow in a process of its own and SIGKILL it in the middle of landing (after
    validation, the rows it passed being written). Returns the file naming what it wrote."""
    marker, log = tmp_path / "landing", tmp_path / "killed-run.log"
    env = {**os.environ, "PREFECT_API_URL": api_url()}   # the session's API: no second server
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(marker), str(raw), str(warehouse)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 180
            while not marker.exists():
                assert proc.poll() is None, f"the run ended before landing:\n{log.read_text(errors='replace')[-3000:]}"
                assert time.monotonic() < deadline, "the run never reached landing"
                time.sleep(0.1)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return marker


def test_kill_in_the_middle_of_landing_leaves_the_previous_warehouse_whole(prefect_harness, tmp_path):
    raw, warehouse = copy_raw(tmp_path / "raw", ["001", "004"]), tmp_path / "warehouse"
    run_flow(raw, warehouse)
    before = view_counts(warehouse)
    version = os.readlink(warehouse / "current")
    append_paragraph(next(raw.glob("004*.txt")))      # the killed run would have landed a change

    marker = kill_run_at_landing(raw, warehouse, tmp_path)
    written = marker.read_text().split()
    assert written == ["documents.parquet", "passages.parquet", "articles.parquet",
                       "unvalidated-indicators.parquet", "indicators.parquet"]
    staging = [p for p in (warehouse / "versions").iterdir() if p.name.startswith(".staging-")]
    assert len(staging) == 1, "the run was not killed in the middle of landing"
    assert sorted(p.name for p in staging[0].iterdir()) == sorted(written[:4])

    # the previous version is still the live one, whole, and readable through the views
    assert os.readlink(warehouse / "current") == version
    assert view_counts(warehouse) == before
    for name in ALL_TABLES:
        assert len(table(warehouse, name)) == before[name]
    assert (warehouse / "current" / "validation.json").is_file()

    # and the next run completes, landing the change
    summary = run_flow(raw, warehouse)
    assert summary["counts"]["documents_ingested"] == 1 and summary["counts"]["documents_unchanged"] == 1
    assert os.readlink(warehouse / "current") != version
    after = view_counts(warehouse)
    assert after["documents"] == 2 and after["passages"] > before["passages"]


# --------------------------------------------------------------------------- one writer

def test_second_writer_exits_1_with_a_clear_message_and_writes_nothing(prefect_harness, tmp_path, capsys):
    from flows import warehouse as wh
    from flows.cli import main
    warehouse = tmp_path / "warehouse"
    with wh.Warehouse(warehouse).exclusive():
        capsys.readouterr()
        rc = main(["run", "--raw", str(RAW), "--warehouse", str(warehouse)])
        err = capsys.readouterr().err
    assert rc == 1
    assert f"gaoxin: another gaoxin run is writing to {warehouse}" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in warehouse.iterdir()) == [".lock"]


# --------------------------------------------------------------------------- bad input

BIG_PAGE_BYTES = 50 * 1024 * 1024


def png_bytes() -> bytes:
    """A real 16x16 PNG: signature, IHDR, IDAT, IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    width = height = 16
    raw_rows = b"".join(b"\x00" + b"".join(bytes((x * 16, y * 16, 128)) for x in range(width))
                        for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw_rows)) + chunk(b"IEND", b""))


def spam_page() -> str:
    model = seed("004").split("\n", 1)[0]
    from transforms.to_simplified import to_simplified
    terms = to_simplified(model).split(",")
    lines = [",".join(terms[i:] + terms[:i]) for i in range(len(terms))]
    lines += [",".join(reversed(t)) for t in (terms, terms[1:], terms[:-1])]
    return "\n\n".join(lines) + "\n"


def big_page() -> bytes:
    paragraphs = [p for prefix in ("000", "001", "002", "003") for p in seed(prefix).split("\n") if p.strip()]
    block = "\n\n".join(paragraphs).encode() + b"\n\n"
    return (block * (BIG_PAGE_BYTES // len(block) + 1))[:BIG_PAGE_BYTES].rsplit(b"\n", 1)[0] + b"\n"


def bad_corpus(raw: Path) -> dict[str, dict]:
    """name -> what its documents row must say. Built at test time: no binary fixtures."""
    big5_text = "\n".join(line for line in seed("004").split("\n") if _encodable(line, "big5"))
    # seed 003 with other figures (the UTF-16 page is seed 003 too: it must not be its duplicate)
    mid = seed("003").translate(str.maketrans("0123456789", "1234567890")).encode()
    cut = mid.index(b"\n", len(mid) // 2)
    files = {
        "gbk.txt": (seed("002").encode("gbk"), {"status": "ok", "encoding": "gb18030", "indicators": True}),
        "big5.txt": (big5_text.encode("big5"), {"status": "ok", "encoding": "big5", "script": "traditional",
                                                "indicators": True}),
        "utf16_bom.txt": (seed("001").encode("utf-16"), {"status": "ok", "encoding": "utf-16",
                                                         "indicators": True}),
        "utf16_nobom.txt": (seed("003").encode("utf-16-le"), {"status": "ok", "encoding": "utf-16-le",
                                                              "indicators": True}),
        "utf8_bom.txt": (seed("000").encode("utf-8-sig"), {"status": "ok", "encoding": "utf-8-sig"}),
        "empty.txt": (b"", {"status": "rejected", "reason": "empty"}),
        "image.txt": (png_bytes(), {"status": "rejected", "reason": "PNG image"}),
        "random.bin": (_random_bytes(4096), {"status": "rejected", "reason": "not text"}),
        "spam_only.txt": (spam_page().encode(), {"status": "ok", "encoding": "utf-8", "all_spam": True}),
        "broken_bytes.txt": (mid[:cut] + b"\xff\xfe\x80" + mid[cut:], {"status": "ok", "encoding": "utf-8",
                                                                       "mojibake": True}),
    }
    for name, (data, _) in files.items():
        (raw / name).write_bytes(data)
    return {name: expected for name, (_, expected) in files.items()}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def _random_bytes(n: int) -> bytes:
    import random
    rng = random.Random(20240601)
    return bytes(rng.randrange(256) for _ in range(n))


def _fingerprint(directory: Path) -> dict[str, tuple[str, int, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def bad_input(prefect_harness, tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-input")
    raw = base / "raw"
    raw.mkdir()
    expected = bad_corpus(raw)
    before = _fingerprint(raw)
    t0 = time.perf_counter()
    summary = run_flow(raw, base / "warehouse")
    seconds = time.perf_counter() - t0
    return {"raw": raw, "warehouse": base / "warehouse", "expected": expected, "summary": summary,
            "before": before, "after": _fingerprint(raw), "seconds": seconds}


def test_bad_input_does_not_stop_the_run_and_raw_is_untouched(bad_input):
    assert bad_input["after"] == bad_input["before"]
    counts = bad_input["summary"]["counts"]
    assert counts["documents_rejected"] == 3
    assert counts["documents_ingested"] == len(bad_input["expected"]) - 3


def test_every_bad_file_has_a_documents_row_that_says_what_happened(bad_input):
    docs = table(bad_input["warehouse"], "documents").set_index("doc")
    assert sorted(docs.index) == sorted(bad_input["expected"])
    for name, want in bad_input["expected"].items():
        row = docs.loc[name]
        assert row["status"] == want["status"], (name, row.to_dict())
        if "encoding" in want:
            assert row["encoding"] == want["encoding"], (name, row["encoding"])
        if "script" in want:
            assert row["script"] == want["script"], (name, row["script"])
        if want["status"] == "rejected":
            assert want["reason"] in row["reason"], (name, row["reason"])
            assert len(row["reason"]) > 10 and row["n_chars"] == 0
        else:
            assert pd.isna(row["reason"]) and row["n_chars"] > 0, (name, row.to_dict())


def test_pages_in_other_encodings_land_indicators(bad_input):
    indicators = table(bad_input["warehouse"], "indicators")
    landed = indicators["doc"].value_counts()
    for name, want in bad_input["expected"].items():
        if want.get("indicators"):
            assert landed.get(name, 0) > 0, f"{name} landed no indicator rows"


def test_spam_only_and_broken_pages_are_kept_with_their_lines_classified(bad_input):
    warehouse = bad_input["warehouse"]
    docs = table(warehouse, "documents").set_index("doc")
    passages = table(warehouse, "passages")
    spam = passages[passages["doc_id"] == docs.loc["spam_only.txt", "doc_id"]]
    assert len(spam) > 3 and (spam["removed"] == "spam").all()
    figures = table(warehouse, "indicators")
    assert not (figures["doc"] == "spam_only.txt").any()
    broken = passages[passages["doc_id"] == docs.loc["broken_bytes.txt", "doc_id"]]
    assert broken["mojibake"].sum() >= 1 and broken["text"].str.contains("\ufffd").any()


BIG_PAGE_RUN = textwrap.dedent("""
    import json, resource, sys, time
    import flows
    from flows.pipeline import gaoxin_flow

    raw, warehouse, result = sys.argv[1:4]
    t0 = time.perf_counter()
    summary = gaoxin_flow(raw=raw, warehouse=warehouse)
    with open(result, "w") as f:
        json.dump({"seconds": time.perf_counter() - t0, "counts": summary["counts"],
                   "timings": summary["timings"],
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, f)
""")
# The whole run of the 50 MB page, process start-up included. It runs in a child process
# so that a run that takes too long is stopped instead of holding up the suite.
BIG_PAGE_TIMEOUT = 75


def test_a_50_mb_page_is_processed(prefect_harness, tmp_path):
    raw, warehouse, result = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "result.json"
    raw.mkdir()
    (raw / "big.txt").write_bytes(big_page())
    before = _fingerprint(raw)
    log = tmp_path / "big-page-run.log"
    env = {**os.environ, "PREFECT_API_URL": api_url()}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", BIG_PAGE_RUN, str(raw), str(warehouse), str(result)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=BIG_PAGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
            assert _fingerprint(raw) == before
            pytest.xfail(
                f"a 50 MB page did not finish within {BIG_PAGE_TIMEOUT}s (about 60 s on a quiet 2-core "
                "machine): a loaded machine, or a stage that became slower (see make bench)")
    assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
    run = json.loads(result.read_text())
    assert _fingerprint(raw) == before
    row = table(warehouse, "documents").set_index("doc").loc["big.txt"]
    assert row["status"] == "ok" and row["encoding"] == "utf-8" and row["n_chars"] > 10_000_000
    passages = table(warehouse, "passages")
    # the seed paragraphs, over and over: each is kept once (a byline or subhead too short
    # to be a passage of its own, "◎本报记者 龙跃梅", is never deduplicated)
    from transforms.dedup import MIN_EXACT_CHARS, content_key
    keys = passages.loc[passages["removed"].isna(), "text"].map(content_key)
    assert (passages["removed"] == "duplicate").mean() > 0.8
    assert not keys[keys.str.len() >= MIN_EXACT_CHARS].duplicated().any()
    assert run["counts"]["indicators_landed"] > 0
    print(f"\n[50 MB page] flow run {run['seconds']:.1f}s, peak memory {run['peak_mb']:.0f} MB, "
          f"stages {run['timings']}")


# --------------------------------------------------------------------------- --strict

IMPLAUSIBLE_PAGE = (
    "杭州高新区(滨江)发展成绩单\n\n"
    "2023年,杭州高新区(滨江)实现地区生产总值98765432亿元,同比增长12.3%。\n"
)


def test_strict_exits_2_when_an_expectation_failed(prefect_harness, tmp_path, capsys):
    from flows.cli import main
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    (raw / "implausible.txt").write_text(IMPLAUSIBLE_PAGE, "utf-8")
    capsys.readouterr()
    rc = main(["run", "--raw", str(raw), "--warehouse", str(warehouse), "--strict"])
    out = capsys.readouterr().out
    assert rc == 2, out
    assert "validation  FAILED" in out
    quarantine = table(warehouse, "quarantine")
    bad = quarantine[quarantine["value"] == 98765432]
    assert len(bad) == 1 and bad.iloc[0]["failed_expectations"]
    # the run completed and landed: --strict only changes the exit code
    assert view_counts(warehouse)["runs"] == 1


# --------------------------------------------------------------------------- deployment

def test_deployment_with_a_daily_schedule_runs_through_the_api(prefect_harness, tmp_path, monkeypatch):
    """Register a deployment of the flow, read it back, trigger a run of it and execute
    that run in this process the way a worker's engine does (load the flow from the
    deployment's entrypoint, then run it as that flow run)."""
    import asyncio
    from prefect import get_client
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments import run_deployment
    from prefect.flow_engine import run_flow as run_flow_run
    from prefect.flows import load_flow_from_flow_run
    from flows.pipeline import gaoxin_flow

    monkeypatch.chdir(ROOT)                       # the entrypoint is relative to the project
    raw, warehouse = copy_raw(tmp_path / "raw", ["002"]), tmp_path / "warehouse"
    deployment = gaoxin_flow.to_deployment(name="gaoxin-test-daily", cron="0 6 * * *",
                                           parameters={"raw": str(raw), "warehouse": str(warehouse)})
    deployment_id = deployment.apply()

    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.name == "gaoxin-test-daily" and stored.entrypoint == "flows/pipeline.py:gaoxin_flow"
    assert stored.parameters == {"raw": str(raw), "warehouse": str(warehouse)}
    assert [s.schedule for s in stored.schedules] == [CronSchedule(cron="0 6 * * *")]
    assert all(s.active for s in stored.schedules)

    flow_run = run_deployment(name="gaoxin/gaoxin-test-daily", timeout=0)
    assert flow_run.deployment_id == deployment_id and flow_run.state.is_scheduled()
    flow = asyncio.run(load_flow_from_flow_run(flow_run, use_placeholder_flow=False))
    assert flow.name == "gaoxin"
    state = run_flow_run(flow, flow_run=flow_run, return_type="state")
    assert state.is_completed(), state

    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run.id).state.is_completed()
    counts = view_counts(warehouse)
    assert counts["documents"] == 1 and counts["indicators"] > 0


def test_prefect_yaml_deploys_the_flow_daily():
    """prefect.yaml at the root: `prefect deploy --all` registers gaoxin-daily."""
    import yaml
    from prefect.cli.deploy._models import PrefectYamlModel
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.flows import load_flow_from_entrypoint

    config = PrefectYamlModel.model_validate(yaml.safe_load((ROOT / "prefect.yaml").read_text("utf-8")))
    [deployment] = [d for d in config.deployments if d.name == "gaoxin-daily"]
    path, function = deployment.entrypoint.rsplit(":", 1)
    assert path == "flows/pipeline.py" and (ROOT / path).is_file()
    flow = load_flow_from_entrypoint(f"{ROOT / path}:{function}")
    assert flow.name == "gaoxin"
    assert set(deployment.parameters) == {"raw", "warehouse"}
    assert set(deployment.parameters) <= set(flow.parameters.properties)
    [schedule] = deployment.schedules
    assert schedule.cron == "0 6 * * *"
    CronSchedule(cron=schedule.cron)               # a cron Prefect accepts
    assert deployment.work_pool is not None and deployment.work_pool.name
