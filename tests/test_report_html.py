"""The report page (per region, its indicators over time) and the Data Docs as a run
publishes them: real flow runs on the seed pages (the real Prefect engine, Great
Expectations, DuckDB over Parquet), real pygal charts.
"""
from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import RAW
from tests.test_expectations import assert_loads_only_local_files
from tests.test_operations import append_paragraph, copy_raw, kill_run_at_landing, run_flow

from flows import report_html as R


@pytest.fixture(scope="module")
def landed(prefect_harness, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("report-warehouse")
    summary = run_flow(RAW, warehouse)
    return warehouse, summary


@pytest.fixture(scope="module")
def page(landed) -> str:
    warehouse, _ = landed
    return (warehouse / "data_docs" / R.REPORT_PAGE).read_text("utf-8")


def sections(page: str) -> dict[str, str]:
    """The page's region sections by region name."""
    parts = re.split(r'<h2 id="r\d+">', page)[1:]
    return {html.unescape(part.split("</h2>", 1)[0]): part for part in parts}


def query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse / "gaoxin.duckdb"), read_only=True) as con:
        return con.execute(sql).df()


# --------------------------------------------------------------------------- the page of a run


def test_the_run_summary_the_cli_and_the_artifact_name_the_page(landed, capsys):
    from prefect.client.orchestration import get_client
    from prefect.utilities.asyncutils import run_coro_as_sync

    from flows.cli import format_summary, main
    warehouse, summary = landed
    location = summary["validation"]["report_page"]
    assert location == str(warehouse / "data_docs" / R.REPORT_PAGE) and Path(location).is_file()
    assert f"report      indicators over time, per region: {location}" in format_summary(summary)
    capsys.readouterr()
    assert main(["report", "--html", "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.strip() == location
    assert main(["report", "--warehouse", str(warehouse)]) == 0
    assert location in capsys.readouterr().out

    async def links():
        async with get_client() as client:
            return [a for a in await client.read_artifacts() if a.key == "gaoxin-report"]
    assert any(Path(location).absolute().as_uri() in str(a.data) for a in run_coro_as_sync(links()))


def test_an_older_warehouse_without_the_page_is_a_clear_error(landed, tmp_path, capsys):
    import shutil

    from flows.cli import main
    warehouse, _ = landed
    copy = tmp_path / "older"
    shutil.copytree(warehouse, copy, symlinks=True)
    (copy / "current" / "data_docs" / R.REPORT_PAGE).unlink()
    capsys.readouterr()
    assert main(["report", "--html", "--warehouse", str(copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gaoxin: no report page in") and "Traceback" not in err


def test_every_series_over_time_is_charted_with_each_point_its_page_and_evidence(landed, page):
    warehouse, _ = landed
    series = query(warehouse, f"""
        select region, indicator, measure, unit_base, count(*) as n from fct_timeseries
        where not starts_with(indicator, '{R.UNNAMED}') group by all having count(*) > 1""")
    assert len(series) > 0
    by_region = sections(page)
    for region, group in series.groupby("region"):
        section = by_region[region]
        assert section.count("<svg") == min(len(group), R.MAX_CHARTS), region
        for row in group.itertuples():
            if f"<h3>{html.escape(row.indicator)} ({R._measure_label(row.measure)}," not in section:
                continue   # past MAX_CHARTS: the note names the query that shows it
            sources = query(warehouse, f"""
                select doc, evidence from stg_indicators where region = '{region}'
                and indicator = '{row.indicator}' and measure = '{row.measure}' and unit_base = '{row.unit_base}'
                and not target and period is not null
                qualify row_number() over (partition by period order by doc, char_start, indicator_id) <= {R.MAX_SOURCES}""")
            for source in sources.itertuples():
                assert html.escape(source.doc) in section and html.escape(source.evidence) in section
    # regions with a series over time come first, 杭州高新区(滨江) with the most
    assert next(iter(by_region)) == series["region"].value_counts().index[0] == "杭州高新区(滨江)"


def test_conflicts_are_marked_with_every_value_and_its_page(landed, page):
    warehouse, _ = landed
    conflicts = query(warehouse, f"""
        select region, indicator, period, value_sources from fct_facts
        where status in ('conflict', 'ambiguous') and not target and period is not null
        and not starts_with(indicator, '{R.UNNAMED}')""")
    assert len(conflicts) > 0   # the seeds have ambiguous facts (one page, several values), no conflict
    by_region = sections(page)
    for row in conflicts.itertuples():
        section = by_region[row.region]
        marked = re.findall(r'<tr class="(?:conflict|ambiguous)">(.*?)</tr>', section, re.S)
        mine = [m for m in marked if f"<td>{html.escape(row.period)}</td>" in m]
        assert mine, (row.region, row.indicator)   # marked, with its period
        for source in row.value_sources:
            assert html.escape(source.split(": ")[0]) in section   # and every page it is read from


def test_pages_of_a_run_load_nothing_from_the_network(landed, page):
    warehouse, _ = landed
    docs = (warehouse / "data_docs").resolve()
    pages = sorted(docs.rglob("*.html"))
    assert docs / R.REPORT_PAGE in pages and docs / "index.html" in pages
    for path in pages:
        assert_loads_only_local_files(path, docs)
    assert "<script" not in page and "http://pygal.org" not in page


# --------------------------------------------------------------------------- the builder


def page_of(*figures) -> tuple[list[R.Region], str]:
    """The page's regions and HTML for indicator rows (period, value_base, doc, evidence,
    and any other column), through the real marts on DuckDB."""
    from flows.marts import create_marts, mart_models
    from transforms import tables as T
    base = {"region": "杭州高新区(滨江)", "indicator": "地区生产总值", "measure": "level", "unit": "亿元",
            "unit_base": "元", "target": False, "qualifier": "", "run_id": "r"}
    indicators = T.frame([{**base, "indicator_id": f"i{k}", "char_start": k, "value": f["value_base"] / 1e8, **f}
                          for k, f in enumerate(figures)], T.INDICATORS)
    runs = T.frame([{"run_id": "r", "started_at": "2026-01-01T00:00:00"}], T.RUNS)
    with duckdb.connect() as con:
        con.register("indicators", indicators)
        con.register("runs", runs)
        create_marts(con, mart_models())
        regions = R.regions_of(con.execute(R.PAGE_SQL).df())
        totals = con.execute(R.TOTALS_SQL).df().iloc[0].to_dict()
    return regions, R.report_html({"run_id": "r", "success": False, "suites": []}, regions, totals)


def figure(period, value_base, doc, evidence, **other) -> dict:
    return {"period": period, "value_base": value_base, "doc": doc, "evidence": evidence, **other}


def test_a_conflict_in_a_series_is_one_red_dot_per_value_and_one_row_per_page():
    regions, page = page_of(figure("2020", 1.6e11, "a.txt", "实现GDP近1600亿元"),
                            figure("2021", 1.8e11, "a.txt", "GDP达1800亿元"),
                            figure("2021", 1.9e11, "b.txt", "GDP达1900亿元"),
                            figure("2022", 2.0e11, "a.txt", "GDP达2000亿元"),
                            figure("2022", 2.0e11, "b.txt", "GDP为2000亿元"))
    (region,) = regions
    (series,) = region.charted
    assert [(p.period, p.status) for p in series.points] == [("2020", "single"), ("2021", "conflict"),
                                                            ("2022", "agreed")]
    assert series.points[1].values == (1.8e11, 1.9e11)
    svg = R.chart_svg(series)
    dots: dict[str, int] = {}   # series -> dots drawn (pygal writes each series' group more than once)
    for serie, body in re.findall(r'<g class="series serie-(\d+) color-\d+">(.*?)(?=<g class="series|$)', svg, re.S):
        dots[serie] = dots.get(serie, 0) + body.count("<circle")
    assert dots == {"0": 2, "1": 2}    # the yearly line's 2020 and 2022, the conflict's two values
    assert svg.count('class="line reactive nofill"') == 1     # the conflict's dots are not joined
    assert R.CONFLICT_COLOR in svg and R.CONFLICT in svg
    assert R.chart_unit(series) == (1e8, "亿元") and ">1,900<" in svg     # values drawn in 亿元
    assert "<h3>地区生产总值 (水平, 亿元)</h3>" in page
    conflict_rows = re.findall(r'<tr class="conflict">(.*?)</tr>', page, re.S)
    assert len(conflict_rows) == 2 and "a.txt" in conflict_rows[0] and "b.txt" in conflict_rows[1]
    assert "GDP为2000亿元" in page and "GDP达1900亿元" in page


def test_regions_with_series_over_time_come_first_and_unnamed_figures_are_counted_not_shown():
    regions, page = page_of(
        figure("2020", 1e9, "a.txt", "投资10亿元", indicator=R.UNNAMED),
        figure("2021", 2e9, "a.txt", "投资20亿元", indicator=R.UNNAMED),
        figure("2020", 5e10, "a.txt", "清远GDP500亿元", region="清远高新区"),
        figure("2020", 1.6e11, "a.txt", "实现GDP近1600亿元"),
        figure("2022H1", 1e11, "b.txt", "上半年GDP首破千亿元"),
        figure("2021", 57, "a.txt", "上市公司57家", indicator="上市公司数量", unit="家", unit_base="家"))
    assert [r.name for r in regions] == ["杭州高新区(滨江)", "清远高新区"]
    zone = regions[0]
    assert [s.indicator for s in zone.charted] == ["地区生产总值"] and zone.n_over_time == 1
    assert [s.indicator for s in zone.listed] == ["上市公司数量"] and zone.n_single == 1
    assert page.count("<svg") == 1 and "投资10亿元" not in page and "清远GDP500亿元" in page
    assert f"6 figures with a period; 2 of them have no indicator name ({R.UNNAMED})" in page
    assert "FAILED" in page


def test_the_page_is_bounded_whatever_the_corpus():
    """At most MAX_REGIONS regions of MAX_CHARTS charts of the latest MAX_PERIODS periods,
    MAX_SOURCES pages a point: a corpus of any size makes a page of bounded size."""
    figures = [figure(str(2000 + year), 1e9 * (year + 1), "a.txt", f"第{k}项{year}", indicator=f"指标{k}",
                      region=f"区{r:02d}") for r in range(R.MAX_REGIONS + 2) for k in range(R.MAX_CHARTS + 1)
               for year in range(2)]
    long = [figure(str(1990 + year), 1e9 * (year + 1), "a.txt", f"GDP{year}") for year in range(R.MAX_PERIODS + 2)]
    many_pages = [figure("2030", 9e9, f"{d}.txt", f"GDP九十亿元 ({d})") for d in range(R.MAX_SOURCES + 2)]
    regions, page = page_of(*figures)
    assert len(regions) == R.MAX_REGIONS and all(len(r.charted) == R.MAX_CHARTS for r in regions)
    assert "2 more regions are not shown" in page and "1 more series over time" in page
    (zone,), page = page_of(*long, *many_pages)
    (gdp,) = zone.charted
    assert gdp.n_points == R.MAX_PERIODS + 3 and len(gdp.points) == R.MAX_PERIODS
    assert gdp.points[-1].period == "2030" and gdp.points[0].period == str(1990 + 3)   # the latest ones
    assert gdp.points[-1].n_sources == R.MAX_SOURCES + 2 and len(gdp.points[-1].sources) == R.MAX_SOURCES
    assert f"the latest {R.MAX_PERIODS} of its {R.MAX_PERIODS + 3} periods" in page
    assert "2030: 2 more pages print it" in page


def test_a_line_joins_only_like_periods():
    regions, _ = page_of(figure("2020-01..09", 2.0e12, "a.txt", "1-9月进出口2万亿元"),
                         figure("2021-01..09", 2.2e12, "a.txt", "1-9月进出口2.2万亿元"),
                         figure("2021-07..09", 0.9e12, "a.txt", "三季度进出口0.9万亿元"),
                         figure("2021", 3.0e12, "a.txt", "全年进出口3万亿元"))
    svg = R.chart_svg(regions[0].charted[0])
    assert svg.count('class="line reactive nofill"') == 1        # only January-September is joined
    legend = re.findall(r"<text[^>]*>([^<]*)</text></g>", svg)
    assert [t for t in legend if t in ("年度", "1–9月", "7–9月")] == ["年度", "1–9月", "7–9月"]


@pytest.mark.parametrize("period, kind, start, end", [
    ("2020", "year", 2020, 2021), ("2022H1", "half", 2022, 2022.5), ("2022H2", "half", 2022.5, 2023),
    ("2021Q3", "quarter", 2021.5, 2021.75), ("2021-12", "month", 2021 + 11 / 12, 2022),
    ("2022-01..08", "months", 2022, 2022 + 8 / 12), ("2011..2020", "years", 2011, 2021)])
def test_a_period_covers_its_span(period, kind, start, end):
    got = R.period_span(period)
    assert got[0] == kind and got[1:] == pytest.approx((start, end))


# --------------------------------------------------------------------------- published with the commit


def tree_digest(root: Path) -> dict[str, str]:
    root = root.resolve()
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def indicator_results(warehouse: Path) -> list[Path]:
    return sorted((warehouse / "data_docs" / "validations" / "indicators").glob("*/*"))


def test_a_failed_run_leaves_the_live_data_docs_and_the_next_one_adds_to_their_history(
        prefect_harness, tmp_path, monkeypatch):
    raw, warehouse = copy_raw(tmp_path / "raw", ["001", "004"]), tmp_path / "warehouse"
    run_flow(raw, warehouse)
    live, before = os.readlink(warehouse / "current"), tree_digest(warehouse / "data_docs")
    assert len(indicator_results(warehouse)) == 1
    append_paragraph(next(raw.glob("004*.txt")))

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")
    monkeypatch.setattr(R, "write_report_page", fail)     # fails in commit, after validation
    with pytest.raises(RuntimeError, match="the disk is full"):
        run_flow(raw, warehouse)
    assert os.readlink(warehouse / "current") == live
    assert tree_digest(warehouse / "data_docs") == before
    monkeypatch.undo()

    run_flow(raw, warehouse)
    assert os.readlink(warehouse / "current") != live
    assert len(indicator_results(warehouse)) == 2        # the first run and this one
    assert [p.name for p in (warehouse / "versions").iterdir() if p.name.startswith(".")] == []


def test_a_killed_run_leaves_the_live_data_docs(prefect_harness, tmp_path):
    """Killed with validation done (its Data Docs built), the rows it passed being written."""
    raw, warehouse = copy_raw(tmp_path / "raw", ["004"]), tmp_path / "warehouse"
    run_flow(raw, warehouse)
    before = tree_digest(warehouse / "data_docs")
    append_paragraph(next(raw.glob("004*.txt")))
    kill_run_at_landing(raw, warehouse, tmp_path)
    work = [p for p in (warehouse / "versions").glob(".data_docs-*")]
    assert len(work) == 1 and (work[0] / "index.html").is_file()   # its site was built, not published
    assert tree_digest(warehouse / "data_docs") == before
    run_flow(raw, warehouse)
    assert not work[0].exists()


def test_on_object_storage_the_pages_go_with_the_version_and_the_history_carries_on(
        prefect_harness, tmp_path, capsys):
    from flows.cli import main
    from flows.warehouse import Warehouse
    from tests.test_warehouse import memory_url
    raw, url = copy_raw(tmp_path / "raw", ["004"]), memory_url()
    first = run_flow(raw, url)
    append_paragraph(next(raw.glob("004*.txt")))
    second = run_flow(raw, url)
    store = Warehouse(url)
    live = store.current_version()
    assert second["validation"]["report_page"] == f"{url}/versions/{live}/data_docs/{R.REPORT_PAGE}"
    assert first["validation"]["docs_index"] != second["validation"]["docs_index"]
    capsys.readouterr()
    assert main(["report", "--html", "--warehouse", url]) == 0
    assert capsys.readouterr().out.strip() == second["validation"]["report_page"]
    docs = store.path("versions", live, "data_docs")
    assert len(store.fs.glob(f"{docs}/validations/indicators/*/*")) == 2     # both runs
    assert store.fs.exists(f"{docs}/static/vendor/bootstrap/css/bootstrap.min.css")
