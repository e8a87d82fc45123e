"""Marts over a small hand-made corpus, through the real flow: facts across pages,
agreement and conflict, alias resolution, deterministic rebuilds."""
from __future__ import annotations

import duckdb
import pytest

PAGES = {
    "a_press_release.txt": ("2022-10-14 10:00 来源:人民网\n\n杭州高新区(滨江)经济稳中有进\n\n"
                            "本报讯 上半年,杭州高新区(滨江)地区生产总值首破千亿元,同比增长4.0%;"
                            "规模以上工业增加值384.8亿元。\n"),
    # a traditional-script mirror, naming the zone by its district name
    "b_mirror_traditional.txt": ("2022-10-15 09:00 來源:香港商報\n\n濱江區半年報\n\n"
                                 "本報訊 據濱江區統計,上半年全區地區生產總值達到1000億元,較上年同期增長4.0%。\n"),
    # a third page disagreeing on the industrial value added
    "c_other_source.txt": ("2022-10-16 08:00 来源:钱江晚报\n\n滨江工业\n\n"
                           "本报讯 上半年,滨江区规上工业增加值390.2亿元,居杭州市第一。\n"),
}


@pytest.fixture(scope="module")
def marts(tmp_path_factory, prefect_harness):
    from flows.pipeline import gaoxin_flow
    raw = tmp_path_factory.mktemp("raw")
    for name, text in PAGES.items():
        (raw / name).write_text(text, "utf-8")
    warehouse = tmp_path_factory.mktemp("warehouse")
    gaoxin_flow(raw=str(raw), warehouse=str(warehouse))
    first = {p.name: p.read_bytes() for p in (warehouse / "current").glob("*.parquet")}
    con = duckdb.connect(str(warehouse / "gaoxin.duckdb"), read_only=True,
                         config={"file_search_path": str(warehouse)})   # views name files relative to it
    yield con, warehouse, first
    con.close()


def facts(con, where: str) -> list[tuple]:
    return con.execute(
        "select region, indicator, measure, period, target, value, n_docs, status, distinct_values, docs "
        f"from fct_facts where {where} order by indicator, measure").fetchall()


def test_same_figure_on_two_pages_is_one_agreed_fact(marts):
    con, _, _ = marts
    gdp = facts(con, "indicator = '地区生产总值' and measure = 'level'")
    assert gdp == [("杭州高新区(滨江)", "地区生产总值", "level", "2022H1", False, 1e11, 2, "agreed", [1e11],
                    ["a_press_release.txt", "b_mirror_traditional.txt"])]
    growth = facts(con, "measure = 'growth'")
    assert [(r[0], r[5], r[6], r[7]) for r in growth] == [("杭州高新区(滨江)", 4.0, 2, "agreed")]


def test_different_values_are_a_conflict_with_both_values_kept(marts):
    con, _, _ = marts
    industry = facts(con, "indicator = '规上工业增加值' and measure = 'level'")
    assert industry == [("杭州高新区(滨江)", "规上工业增加值", "level", "2022H1", False, None, 2, "conflict",
                         [3.848e10, 3.902e10], ["a_press_release.txt", "c_other_source.txt"])]
    sources = con.execute("select value_sources from fct_facts where status = 'conflict'").fetchone()[0]
    assert sources == ["a_press_release.txt: 38480000000.0", "c_other_source.txt: 39020000000.0"]


def test_aliases_land_on_one_region(marts):
    con, _, _ = marts
    regions = con.execute("select distinct region from indicators where measure <> 'rank'").fetchall()
    assert regions == [("杭州高新区(滨江)",)]


def test_timeseries_and_rollup(marts):
    con, _, _ = marts
    series = con.execute("select period, value, status from fct_timeseries "
                         "where region = '杭州高新区(滨江)' and indicator = '地区生产总值' and measure = 'level'").fetchall()
    assert series == [("2022H1", 1e11, "agreed")]
    rollup = con.execute("select distinct ancestor from fct_region_rollup "
                         "where region = '杭州高新区(滨江)' order by ancestor").fetchall()
    assert rollup == [("全国",), ("杭州市",), ("杭州高新区(滨江)",), ("浙江省",)]


def test_rerun_is_byte_identical(marts, tmp_path):
    from flows.pipeline import gaoxin_flow
    con, warehouse, first = marts
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in PAGES.items():
        (raw / name).write_text(text, "utf-8")
    again = tmp_path / "warehouse"
    gaoxin_flow(raw=str(raw), warehouse=str(again))
    second = {p.name: p.read_bytes() for p in (again / "current").glob("*.parquet")}
    assert set(first) == set(second)
    for name in first:
        if name != "runs.parquet":          # the run log records when it ran
            assert first[name] == second[name], name


def test_several_values_of_one_key_on_one_page_are_ambiguous_not_a_conflict():
    """fct_facts over a staging table made by hand: the model's own SQL, real DuckDB."""
    from tests.conftest import ROOT
    con = duckdb.connect()
    con.execute("""create table stg_indicators as select * from (values
        ('r1', 'a.txt', '杭州市', null, '企业数量', 'level', '2022', false, '家', 15.0, 'run', '2022-01-01'),
        ('r2', 'a.txt', '杭州市', null, '企业数量', 'level', '2022', false, '家', 210.0, 'run', '2022-01-01'),
        ('r3', 'a.txt', '杭州市', null, '地区生产总值', 'level', '2022', false, '元', 1e11, 'run', '2022-01-01'),
        ('r4', 'b.txt', '杭州市', null, '地区生产总值', 'level', '2022', false, '元', 2e11, 'run', '2022-01-01'),
        ('r5', 'b.txt', '杭州市', null, null, 'level', '2022', false, '元', 7e7, 'run', '2022-01-01'))
        t(indicator_id, doc, region, entity, indicator, measure, period, target, unit_base, value_base, run_id, landed_at)""")
    sql = (ROOT / "transforms" / "marts" / "fct_facts.sql").read_text("utf-8")
    got = con.execute(f"select indicator, status, value, n_docs from ({sql}) order by indicator").fetchall()
    assert got == [("企业数量", "ambiguous", None, 1), ("地区生产总值", "conflict", None, 2)]   # no fact for a null name


def test_models_run_after_the_models_they_select_from():
    from flows.marts import dependency_order, mart_models
    names = [m.name for m in mart_models()]
    assert names.index("dim_region") < names.index("stg_indicators") < names.index("fct_facts")
    assert names.index("fct_facts") < names.index("fct_timeseries") and names.index("fct_facts") < names.index("fct_region_rollup")
    with pytest.raises(ValueError, match="cycle"):
        dependency_order({"a": "select * from b", "b": "select * from a"})


def test_schema_tests_of_the_marts_pass_on_a_landed_warehouse(marts):
    from flows.marts import mart_tests
    con, _, _ = marts
    tests = mart_tests()
    assert len(tests) >= 12
    failing = {name: con.execute(sql).fetchall() for name, sql, warn in tests if not warn}
    assert {name: rows for name, rows in failing.items() if rows} == {}


def test_a_schema_test_fails_on_a_broken_key(marts):
    """The key test is real: a staging table with a duplicated id breaks it."""
    from flows.marts import mart_tests
    con = duckdb.connect()
    con.execute("create table stg_indicators as select * from (values ('i1'), ('i1')) t(indicator_id)")
    sql = next(sql for name, sql, _ in mart_tests() if name == "stg_indicators.indicator_id: unique")
    assert con.execute(sql).fetchall() == [("i1", 2)]
