"""Validation stage: the real GX checkpoint on small frames (no mocks).

A clean frame set passes; then each test injects exactly one fault into one row and
checks that exactly the expected expectation(s) fail, attributed to the right row.
Reference files (regions, plausible bounds, spam lexicon) are small fixtures written
to a temp dir, so the tests do not depend on the contents of transforms/reference/.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `pytest` run without `python -m` or an installed package
    sys.path.insert(0, str(REPO))

from expectations import validate as V  # noqa: E402  (does not import GX)

GX_DIR = REPO / "expectations" / "gx"

# --------------------------------------------------------------------------- fixtures: reference

REGIONS_CSV = """\
name,level,parent,aliases
杭州高新区(滨江),zone,杭州市,杭州高新区|滨江区
杭州市,city,浙江省,杭州
浙江省,province,全国,浙江
全国,country,,中国|我国
清远高新区,zone,清远市,
"""

INDICATORS_CSV = """\
name,synonyms,unit_base,category,measure,min_zone,max_zone,min_district,max_district,min_city,max_city,min_province,max_province,min_country,max_country
地区生产总值,GDP|生产总值,元,economy,level,1e8,5e12,1e8,5e12,1e10,5e13,1e11,2e14,1e13,2e15
上市公司数量,,家,enterprise,level,1,500,1,500,1,2000,1,5000,100,10000
"""

SPAM_LEXICON = """\
# flagged spam words: WORD [weight], weight 2 = never in real news, 1 = ordinary word
加微信 2
免费领取 2  # trailing comment
福利 1
VX
"""


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reference")
    (d / "regions.csv").write_text(REGIONS_CSV, encoding="utf-8")
    (d / "indicators.csv").write_text(INDICATORS_CSV, encoding="utf-8")
    (d / "spam_lexicon.txt").write_text(SPAM_LEXICON, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("warehouse") / "data_docs"


@pytest.fixture(scope="session")
def gx_context(docs_dir):
    """The GX file context, opened once for the session (validate_tables reuses it)."""
    return V.open_context(docs_dir)


# --------------------------------------------------------------------------- fixtures: clean frames


def _indicator(i, region, indicator, value, value_text, unit, value_base, unit_base, measure,
               evidence, period, *, qualifier="", target=False, passage="p1", doc="d1", region_level="zone"):
    return {
        "indicator_id": f"i{i}", "doc_id": doc, "doc": f"{doc}.txt", "article_id": 0,
        "passage_id": passage, "region": region, "region_level": region_level,
        "indicator": indicator, "value": float(value),
        "value_text": value_text, "unit": unit, "value_base": float(value_base),
        "unit_base": unit_base, "measure": measure, "qualifier": qualifier, "target": target,
        "period": period, "evidence": evidence, "char_start": 10 * i, "char_end": 10 * i + 8,
        "run_id": "r0",
    }


def clean_indicators() -> pd.DataFrame:
    rows = [
        _indicator(1, "杭州高新区(滨江)", "地区生产总值", 1600, "1600", "亿元", 1.6e11, "元", "level",
                   "实现GDP近1600亿元", "2020", qualifier="近"),
        _indicator(2, "杭州高新区(滨江)", "地区生产总值增速", 7, "7", "%", 7, "%", "growth",
                   "半年GDP增速达到7%", "2020H1", qualifier="达"),
        _indicator(3, "杭州高新区(滨江)", "人才数量占比", 50, "一半", "%", 50, "%", "share",
                   "其中一半以上是研发工程技术型人才", "2020", qualifier="以上"),
        _indicator(4, "杭州市", "发明专利授权量排名", 1, "第一", "名", 1, "名", "rank",
                   "居全国省会城市第一", "2017H1", passage="p2"),
        _indicator(5, "全国", "国家高新区数量", 169, "169", "个", 169, "个", "level",
                   "全国169个国家级高新区", None, passage="p2"),
        _indicator(6, "杭州高新区(滨江)", "产值", 1000, "千", "亿元", 1e11, "元", "level",
                   "打造了多个千亿级规模的产业集群", "2022-01..08", qualifier="约"),
        _indicator(7, "杭州高新区(滨江)", "上市公司数量", 57, "57", "家", 57, "家", "level",
                   "累计培育上市公司数量即将达到57家", "2020..2022", target=True),
        _indicator(8, "清远高新区", "工业增加值增速", -3.9, "3.9", "%", -3.9, "%", "growth",
                   "工业增加值下降3.9%", "2021-12", doc="d3", passage="p5"),
    ]
    df = pd.DataFrame(rows)
    df["article_id"] = df["article_id"].astype("int64")
    df["char_start"] = df["char_start"].astype("int64")
    df["char_end"] = df["char_end"].astype("int64")
    df["target"] = df["target"].astype(bool)
    return df


def clean_passages() -> pd.DataFrame:
    rows = [
        ("p1", "d1", 0, 0, "杭州高新区实现GDP近1600亿元,打造了多个千亿级规模的产业集群。", None, None, None, 0, 40),
        ("p2", "d1", 0, 1, "全国169个国家级高新区中,杭州居全国省会城市第一。", None, None, None, 41, 80),
        ("p3", "d1", 0, 2, "扫码加微信免费领取资料", "spam", "spam_lexicon", None, 81, 92),
        ("p4", "d1", 0, 3, "全国169个国家级高新区中,杭州居全国省会城市第一。", "duplicate", "near_duplicate", "p2", 93, 130),
        ("p5", "d3", 0, 0, "清远高新区工业增加值下降3.9%。", None, None, None, 0, 16),
        ("p6", "d3", 0, 1, "责任编辑:张三", "boilerplate", "editor_line", None, 17, 24),
    ]
    df = pd.DataFrame(rows, columns=["passage_id", "doc_id", "article_id", "seq", "text", "removed",
                                     "rule", "dup_of", "char_start", "char_end"])
    df["truncated"] = False
    df["mojibake"] = False
    return df


def clean_documents() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("d1", "d1.txt", "ok", None, "utf-8", "simplified", "2020-10-18", "杭州日报", 22387),
            ("d2", "d2.txt", "rejected", "empty file", None, None, None, None, 0),
            ("d3", "d3.txt", "ok", None, "gb18030", "traditional", None, None, 900),
            ("d4", "d4.txt", "unchanged", None, "utf-8", "simplified", None, None, 1200),
        ],
        columns=["doc_id", "doc", "status", "reason", "encoding", "script", "pub_date", "source", "n_chars"],
    )


@pytest.fixture()
def frames():
    return clean_documents(), clean_passages(), clean_indicators()


@pytest.fixture()
def run(gx_context, docs_dir, reference_dir):
    counter = iter(range(10_000))

    def _run(documents, passages, indicators, **kw):
        kw.setdefault("docs_dir", docs_dir)
        kw.setdefault("run_id", f"test-{next(counter)}")
        kw.setdefault("reference_dir", reference_dir)
        return V.validate_tables(documents, passages, indicators, **kw)

    return _run


def _failed(report, suite):
    return report.suite(suite).failed_expectations


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------- committed config


def test_suites_are_data_with_named_notes():
    seen = {}
    for suite in V.SUITES:
        data = json.loads((GX_DIR / "expectations" / f"{suite}.json").read_text(encoding="utf-8"))
        assert data["name"] == suite
        names = [e["meta"]["name"] for e in data["expectations"]]
        assert len(names) == len(set(names)), f"duplicate expectation names in {suite}"
        for e in data["expectations"]:
            assert e["notes"].startswith("Guards against:"), e["meta"]["name"]
        seen[suite] = names
    # each table is its own data asset: no expectation picks its rows out of a stacked frame
    assert "source_table" not in json.dumps([json.loads(p.read_text("utf-8")) for p in GX_DIR.rglob("*.json")])
    checkpoints = sorted(p.stem for p in (GX_DIR / "checkpoints").glob("*.json"))
    assert checkpoints == sorted(V.SUITES)
    for table in V.SUITES:
        cp = json.loads((GX_DIR / "checkpoints" / f"{table}.json").read_text(encoding="utf-8"))
        definition = json.loads((GX_DIR / "validation_definitions" / f"{table}.json").read_text(encoding="utf-8"))
        assert [v["name"] for v in cp["validation_definitions"]] == [table]
        assert definition["data"]["asset"]["name"] == table and definition["suite"]["name"] == table
        assert cp["result_format"]["result_format"] == "COMPLETE"
        assert cp["result_format"]["unexpected_index_column_names"] == [V.KEY_COLUMN[table], V.ROW_COLUMN]
    assert "region_known" in seen["indicators"] and "kept_text_simplified" in seen["passages"]


def test_great_expectations_yml_is_deterministic_and_offline():
    import yaml
    text = (GX_DIR / "great_expectations.yml").read_text(encoding="utf-8")
    assert "analytics_enabled: false" in text
    assert "globally: false" in text  # progress bars off
    assert "${GAOXIN_DATA_DOCS_DIR}" in text and "${GAOXIN_GX_RUNTIME_DIR}" in text
    assert "uncommitted" not in text
    config = yaml.safe_load(text)
    assert sorted(config["fluent_datasources"][V.DATASOURCE_NAME]["assets"]) == sorted(V.SUITES)
    site = config["data_docs_sites"][V.DATA_DOCS_SITE]
    assert site["site_index_builder"]["validation_results_limit"] % len(V.SUITES) == 0   # whole runs


def test_import_does_not_load_gx():
    code = "import sys; import expectations.validate; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- clean run


def test_clean_frames_pass_and_write_docs_outside_repo(run, frames, docs_dir):
    before = _tree_digest(GX_DIR)
    report = run(*frames)
    assert report.success, V.summary_text(report)
    assert report.failed_rows == {}
    assert [s.suite for s in report.suites] == ["indicators", "passages", "documents"]
    for s in report.suites:
        assert s.failed == 0 and s.failed_expectations == [] and s.unexpected_rows == 0
        assert s.evaluated > 0
    assert Path(report.docs_index) == docs_dir.resolve() / "index.html"
    assert Path(report.docs_index).is_file()
    assert list((docs_dir / "validations").rglob("*.html"))
    assert list((docs_dir / "_gx_runtime" / "validations").rglob("*.json"))
    # nothing under expectations/gx changed or appeared (no uncommitted/, no store ids)
    assert _tree_digest(GX_DIR) == before
    assert not (GX_DIR / "uncommitted").exists()


def test_each_table_is_validated_as_its_own_data_asset(run, frames, tmp_path):
    """The results and their pages read as the table's own: its data asset, no row
    condition picking its rows out of another frame."""
    docs = tmp_path / "docs"
    documents, passages, indicators = frames
    _set(indicators, "i5", region="火星高新区")
    report = run(documents, passages, indicators, docs_dir=docs, run_id="assets")
    for table in V.SUITES:
        (result,) = (docs / "_gx_runtime" / "validations" / table / "assets").rglob("*.json")
        meta = json.loads(result.read_text("utf-8"))["meta"]
        assert meta["active_batch_definition"]["data_asset_name"] == table
        (page,) = (docs / "validations" / table / "assets").rglob("*.html")
        text = page.read_text("utf-8")
        assert f"Data asset: {table}<br>" in text
        assert "source_table" not in text
    assert report.failed_rows == {"i5": ["region_known"]}


def test_the_cached_context_does_not_keep_the_validated_frames(run, frames):
    """The context outlives the run (it is cached); the validation frames must not, or a
    run carries them through landing."""
    import gc
    report = run(*frames)
    assert report.success
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, pd.DataFrame) and V.ROW_COLUMN in o.columns]
    assert alive == []


def test_second_call_same_process_and_report_is_plain_data(run, frames):
    first = run(*frames, run_id="same-process-1")
    second = run(*frames, run_id="same-process-2")
    assert first.success and second.success
    d1, d2 = first.as_dict(), second.as_dict()
    d1.pop("run_id"), d2.pop("run_id")
    assert d1 == d2  # deterministic
    assert pickle.loads(pickle.dumps(second.as_dict())) == second.as_dict()
    json.dumps(second.as_dict(), ensure_ascii=False)


def test_the_site_keeps_the_last_runs(run, frames, tmp_path, gx_context):
    """A docs_dir keeps the results and pages of the last N runs: the index lists them,
    so a user sees when a check began to fail; older runs are pruned."""
    other = tmp_path / "other_docs"
    documents, passages, indicators = frames
    assert run(documents, passages, indicators, docs_dir=other, run_id="h1", history_runs=2).success
    assert run(documents, passages, indicators, docs_dir=other, run_id="h2", history_runs=2).success
    _set(indicators, "i5", region="火星高新区")
    assert not run(documents, passages, indicators, docs_dir=other, run_id="h3", history_runs=2).success
    for table in V.SUITES:
        assert sorted(p.name for p in (other / "validations" / table).iterdir()) == ["h2", "h3"]
        assert sorted(p.name for p in (other / "_gx_runtime" / "validations" / table).iterdir()) == ["h2", "h3"]
    index = (other / "index.html").read_text("utf-8")
    assert "h1" not in index and index.count("validations/indicators/h3/") == 1
    assert index.count("validations/indicators/h2/") == 1
    # the default is the site's configuration: whole runs of the three tables
    limit = gx_context.variables.data_docs_sites[V.DATA_DOCS_SITE]["site_index_builder"]["validation_results_limit"]
    assert V.configured_history_runs(gx_context) == limit // len(V.SUITES) > 1


def test_data_docs_load_nothing_from_the_network(run, frames, tmp_path):
    """Every page of the site loads its styles, scripts, fonts and images from the site
    itself: status icons, the index's run list and the styling work offline."""
    docs = tmp_path / "offline_docs"
    run(*frames, docs_dir=docs, run_id="offline")
    pages = sorted(docs.glob("**/*.html"))
    assert {p.relative_to(docs).parts[0] for p in pages} >= {"index.html", "validations", "expectations"}
    for page in pages:
        assert_loads_only_local_files(page, docs)
    index = (docs / "index.html").read_text("utf-8")
    assert "bootstrap-table.min.js" in index and "fa-check-circle" in index


def assert_loads_only_local_files(page: Path, root: Path) -> None:
    """No http(s) resource (script, stylesheet, image, css url()); nor an external link;
    every relative one resolves to a file of the site."""
    import re
    text = page.read_text("utf-8")
    remote = re.findall(r"""(?:\b(?:src|href)=|url\()["']?(https?://[^"')\s]+)""", text)
    assert remote == [], f"{page.relative_to(root)} loads {remote}"
    for target in re.findall(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"'#]+)["']""", text):
        resolved = (page.parent / target.split("?")[0]).resolve()
        assert resolved.is_file(), f"{page.relative_to(root)} loads {target}, missing"
        assert resolved.is_relative_to(root.resolve()), f"{page.relative_to(root)} loads {target}, outside the site"


def test_parallel_threads_are_serialized(run, frames):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run, *frames, run_id=f"thread-{k}") for k in range(2)]
        reports = [f.result(timeout=120) for f in futures]
    assert all(r.success for r in reports)


def test_new_process_rerun_is_quiet(docs_dir, reference_dir, frames, tmp_path):
    """A fresh process re-running into an existing docs_dir works and prints nothing."""
    documents, passages, indicators = frames
    for name, df in (("documents", documents), ("passages", passages), ("indicators", indicators)):
        df.to_pickle(tmp_path / f"{name}.pkl")
    code = textwrap.dedent(
        f"""
        import pandas as pd
        from pathlib import Path
        from expectations.validate import validate_tables
        t = Path({str(tmp_path)!r})
        frames = [pd.read_pickle(t / f"{{n}}.pkl") for n in ("documents", "passages", "indicators")]
        r = validate_tables(*frames, docs_dir=Path({str(docs_dir)!r}), run_id="subprocess",
                            reference_dir=Path({str(reference_dir)!r}))
        assert r.success, r
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TQDM_DISABLE", "GX_ANALYTICS_ENABLED")}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    assert "Calculating Metrics" not in out.stderr and "%|" not in out.stderr
    assert out.stderr.strip() == "", out.stderr


# --------------------------------------------------------------------------- indicator faults


def _set(df, row_id, **values):
    idx = df.index[df["indicator_id"] == row_id][0]
    for column, value in values.items():
        df.loc[idx, column] = value
    return df


INDICATOR_FAULTS = {
    "null_region": ("i1", {"region": None}, {"i1": ["region_not_null"]}),
    "null_value_base": ("i2", {"value_base": float("nan")}, {"i2": ["value_base_not_null"]}),
    "bad_unit_base": ("i7", {"unit_base": "万家"}, {"i7": ["unit_base_known"]}),
    "bad_measure": ("i5", {"measure": "total"}, {"i5": ["measure_known"]}),
    "share_130_percent": ("i3", {"value": 130.0, "value_base": 130.0}, {"i3": ["share_percent_within_0_100"]}),
    "growth_minus_150_percent": ("i8", {"value": -150.0, "value_base": -150.0},
                                 {"i8": ["growth_percent_within_minus100_1000"]}),
    "negative_level": ("i5", {"value": -169.0, "value_base": -169.0}, {"i5": ["level_value_positive"]}),
    "fractional_rank": ("i4", {"value": 1.5, "value_base": 1.5}, {"i4": ["rank_value_whole_number"]}),
    "gdp_1600_yuan_for_zone": ("i1", {"unit": "元", "value_base": 1600.0},
                               {"i1": ["value_base_at_least_plausible_min"]}),
    "gdp_too_large_for_zone": ("i1", {"value_base": 1.6e16}, {"i1": ["value_base_at_most_plausible_max"]}),
    "period_with_nian": ("i1", {"period": "2020年"}, {"i1": ["period_format"]}),
    "evidence_missing_number": ("i5", {"evidence": "全国国家级高新区"}, {"i5": ["evidence_contains_value_text"]}),
    "unknown_region": ("i5", {"region": "火星高新区"}, {"i5": ["region_known"]}),
    "passage_not_in_passages": ("i4", {"passage_id": "p404"}, {"i4": ["passage_id_in_passages"]}),
    "doc_not_in_documents": ("i8", {"doc_id": "d404"}, {"i8": ["doc_id_in_documents"]}),
    "char_span_reversed": ("i6", {"char_start": 99, "char_end": 10}, {"i6": ["char_span_ordered"]}),
}


@pytest.mark.parametrize("fault", sorted(INDICATOR_FAULTS))
def test_indicator_fault_is_attributed_to_its_row(run, frames, fault):
    documents, passages, indicators = frames
    row_id, values, expected = INDICATOR_FAULTS[fault]
    _set(indicators, row_id, **values)
    report = run(documents, passages, indicators)
    assert not report.success
    assert report.failed_rows == expected, V.summary_text(report)
    names = sorted({n for ns in expected.values() for n in ns})
    ind = report.suite("indicators")
    assert ind.failed_expectations == names
    assert ind.unexpected_rows == 1
    assert _failed(report, "passages") == [] and _failed(report, "documents") == []


def test_a_place_outside_the_gazetteer_is_no_unknown_region_but_an_organisation_is(run, frames):
    documents, passages, indicators = frames
    _set(indicators, "i4", region="嘉善县姚庄镇", region_level="place")
    report = run(documents, passages, indicators)
    assert report.success, V.summary_text(report)
    # the same name claimed to be a gazetteer region is flagged, and so is an organisation:
    # a region is always a place (the organisation is the row's entity)
    _set(indicators, "i4", region="嘉善县姚庄镇", region_level="district")
    _set(indicators, "i5", region="中信银行杭州分行", region_level="organization")
    assert run(documents, passages, indicators).failed_rows == {"i4": ["region_known"], "i5": ["region_known"]}


def test_a_warning_reports_its_rows_without_quarantining_them_or_failing_the_run(run, frames):
    documents, passages, indicators = frames
    for row in ("i1", "i2", "i3"):
        _set(indicators, row, indicator="一段句子的碎片")
    report = run(documents, passages, indicators)
    suite = report.suite("indicators")
    assert suite.warnings == ["indicator_in_dictionary"] and "indicator_in_dictionary" in suite.failed_expectations
    assert report.failed_rows == {} and report.success


def test_duplicated_indicator_id_flags_both_rows(run, frames):
    documents, passages, indicators = frames
    _set(indicators, "i2", indicator_id="i1")
    report = run(documents, passages, indicators)
    assert report.failed_rows == {"i1": ["indicator_id_unique"]}
    assert report.suite("indicators").unexpected_rows == 2
    assert report.suite("indicators").unexpected_counts == {"indicator_id_unique": 2}


def test_row_with_several_faults_lists_all_names_sorted(run, frames):
    documents, passages, indicators = frames
    _set(indicators, "i1", region="火星高新区", period="2020年", unit_base="万元")
    report = run(documents, passages, indicators)
    assert report.failed_rows == {"i1": ["period_format", "region_known", "unit_base_known"]}


# --------------------------------------------------------------------------- passage / document faults


def _set_row(df, key_column, key, **values):
    idx = df.index[df[key_column] == key][0]
    for column, value in values.items():
        df.loc[idx, column] = value
    return df


OTHER_FAULTS = {
    "traditional_char_in_kept_passage": ("passages", "passage_id", "p1", {"text": "杭州高新區實現GDP近1600亿元"},
                                         ["kept_text_simplified"]),
    "spam_word_in_kept_passage": ("passages", "passage_id", "p2", {"text": "全国169个国家级高新区,加微信了解"},
                                  ["kept_text_no_spam_word"]),
    "duplicate_passage_without_dup_of": ("passages", "passage_id", "p4", {"dup_of": None},
                                         ["dup_of_present_when_duplicate"]),
    "removed_passage_without_rule": ("passages", "passage_id", "p6", {"rule": None}, ["rule_present_when_removed"]),
    "unknown_removed_reason": ("passages", "passage_id", "p6", {"removed": "junk"}, ["removed_known"]),
    "passage_span_reversed": ("passages", "passage_id", "p5", {"char_start": 50, "char_end": 3}, ["char_span_ordered"]),
    "duplicated_passage_id": ("passages", "passage_id", "p6", {"passage_id": "p5"}, ["passage_id_unique"]),
    "passage_doc_not_in_documents": ("passages", "passage_id", "p6", {"doc_id": "d404"}, ["doc_id_in_documents"]),
    "rejected_doc_without_reason": ("documents", "doc_id", "d2", {"reason": None}, ["reason_present_when_rejected"]),
    "unknown_status": ("documents", "doc_id", "d4", {"status": "skipped"}, ["status_known"]),
    "ok_doc_without_script": ("documents", "doc_id", "d3", {"script": None}, ["script_present_when_ok"]),
    "ok_doc_with_unknown_script": ("documents", "doc_id", "d1", {"script": "latin"}, ["script_known_when_ok"]),
    "document_without_doc_id": ("documents", "doc_id", "d2", {"doc_id": None}, ["doc_id_not_null"]),
}


@pytest.mark.parametrize("fault", sorted(OTHER_FAULTS))
def test_passage_and_document_faults(run, frames, fault):
    documents, passages, indicators = frames
    table, key_column, key, values, expected = OTHER_FAULTS[fault]
    _set_row(documents if table == "documents" else passages, key_column, key, **values)
    report = run(documents, passages, indicators)
    assert not report.success
    assert _failed(report, table) == expected, V.summary_text(report)
    # a duplicated id flags every row that carries it
    assert report.suite(table).unexpected_rows == (2 if fault == "duplicated_passage_id" else 1)
    for other in set(V.SUITES) - {table}:
        assert _failed(report, other) == [], V.summary_text(report)
    assert report.failed_rows == {}


def test_what_is_allowed_in_passages(run, frames):
    """Traditional text and spam words are fine in removed passages; ordinary (weight-1)
    lexicon words are fine in kept ones."""
    documents, passages, indicators = frames
    _set_row(passages, "passage_id", "p3", text="加微信 免費領取")
    _set_row(passages, "passage_id", "p2", text="全国169个国家级高新区,员工福利居全国省会城市第一")
    report = run(documents, passages, indicators)
    assert report.success, V.summary_text(report)


# --------------------------------------------------------------------------- summary, speed


def test_summary_text_names_suites_failures_and_examples(run, frames):
    documents, passages, indicators = frames
    _set(indicators, "i5", region="火星高新区")
    _set_row(documents, "doc_id", "d2", reason=None)
    report = run(documents, passages, indicators, run_id="summary-run")
    text = V.summary_text(report)
    assert "validation FAILED (run summary-run)" in text
    assert "region_known (1 row(s)): i5: 火星高新区" in text
    assert "reason_present_when_rejected" in text
    for suite in V.SUITES:
        assert suite in text
    assert report.docs_index in text


def test_lexicon_loader_reads_weights_and_skips_comments(reference_dir):
    from expectations.custom import flagged_words, load_lexicon

    path = reference_dir / "spam_lexicon.txt"
    assert load_lexicon(path) == {"免费领取": 2, "加微信": 2, "福利": 1, "vx": 1}
    assert flagged_words("员工福利好,加微信VX了解", path) == ["加微信"]
    assert flagged_words("员工福利好,加微信VX了解", path, min_weight=1) == ["福利", "加微信", "vx"]


def test_missing_reference_file_is_a_clear_error(run, frames, tmp_path):
    with pytest.raises(FileNotFoundError, match="spam_lexicon.txt"):
        (tmp_path / "regions.csv").write_text(REGIONS_CSV, encoding="utf-8")
        (tmp_path / "indicators.csv").write_text(INDICATORS_CSV, encoding="utf-8")
        run(*frames, reference_dir=tmp_path)


@pytest.mark.skipif(not (V.DEFAULT_REFERENCE_DIR / "indicators.csv").is_file()
                    or not (V.DEFAULT_REFERENCE_DIR / "regions.csv").is_file()
                    or not (V.DEFAULT_REFERENCE_DIR / "spam_lexicon.txt").is_file(),
                    reason="transforms/reference not written yet")
def test_real_reference_files_load_and_accept_clean_frames(run, frames):
    from transforms.gazetteer import LEVELS
    ref = V.load_reference()
    assert ref.known_regions and ref.indicators
    assert set(ref.region_level.values()) <= set(LEVELS)
    lows, highs = V._plausible_bounds(frames[2], ref)
    assert (lows[0], highs[0]) == (1e8, 1e13)  # 地区生产总值 at zone level
    report = run(*frames, reference_dir=V.DEFAULT_REFERENCE_DIR)
    assert report.success, V.summary_text(report)
    # the real bounds catch the lost multiplier too
    documents, passages, indicators = frames
    _set(indicators, "i1", unit="元", value_base=1600.0)
    report = run(documents, passages, indicators, reference_dir=V.DEFAULT_REFERENCE_DIR)
    assert report.failed_rows == {"i1": ["value_base_at_least_plausible_min"]}


def test_validation_frames_take_the_tables_and_keep_every_row_in_place(frames):
    # the flow hands its only references over, so that each column can go once compacted
    documents, passages, indicators = frames
    tables = {"documents": documents, "passages": passages, "indicators": indicators}
    validation = V.validation_frames(tables)
    assert tables == {}
    for name, table in (("passages", passages), ("indicators", indicators), ("documents", documents)):
        frame = validation[name]
        assert frame[V.ROW_COLUMN].tolist() == list(range(len(table)))
        key = V.KEY_COLUMN[name]
        assert frame[key].astype(object).tolist() == table[key].tolist()
        flags = {"indicators": {"plausible_min", "plausible_max", "passage_known", "doc_known"},
                 "passages": {"doc_known"}, "documents": set()}[name]
        assert set(frame.columns) == (set(table.columns) | flags | {V.ROW_COLUMN}) & V.suite_columns(name)
    texts = validation["passages"]["text"]
    assert isinstance(texts.dtype, pd.CategoricalDtype)          # strings are held once each
    assert texts.astype(object).tolist() == passages["text"].tolist()
