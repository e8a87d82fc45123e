"""The report page: per region, its main indicators over time as charts, each point with
the evidence and page it was read from, conflicts marked.

One static HTML file that works offline: the charts are SVG written by pygal into the
page, with no script and nothing loaded from anywhere. Each run writes it beside its Data
Docs (data_docs/report.html, published with the version); `gaoxin report --html` says
where it is, and the run carries a link to it.

What the page shows is chosen in SQL (PAGE_SQL), so that a corpus of any size makes a
page of bounded size; regions_of() and report_html() are pure functions of its rows;
write_report_page() runs the queries and writes the file.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import pandas as pd
import pygal
from pygal.style import Style

REPORT_PAGE = "report.html"
UNNAMED = "未命名指标"   # the extractor's name for a figure it could not name: not charted
MAX_REGIONS = 20       # region sections on the page (regions with the most series over time first)
MAX_CHARTS = 6         # charts per region: its series with the most periods
MAX_FIGURES = 12       # figures of a single period listed per region
MAX_PERIODS = 24       # points per chart: the latest periods of the series
MAX_SOURCES = 3        # pages listed per point (a figure printed on many pages: the first ones)
# fct_facts statuses with no single value: pages disagree, or one page prints several
SEVERAL_VALUES = ("conflict", "ambiguous")
MAX_DOTS = 8           # a conflict's values drawn; past that its lowest and highest

# The figures the page shows, in its order. A series is a (region, indicator, measure,
# unit_base) of fct_facts: outcomes with a period and an indicator name. Regions with the
# most series over two periods or more first, then the most series (MAX_REGIONS); in
# each, its series over time with the most periods (MAX_CHARTS, charted), then its series
# of one period, conflicts and most-cited first (MAX_FIGURES, listed). Each row is a
# source of a point (the indicators row it was read from), the first MAX_SOURCES of each.
PAGE_SQL = f"""
with facts as (
    select region, indicator, measure, unit_base, period, status, value as fact_value, distinct_values,
           indicator_ids
    from fct_facts
    where not target and period is not null and not starts_with(indicator, '{UNNAMED}')
), series as (
    select region, indicator, measure, unit_base, count(*) as n_points,
           count(*) filter (status = 'conflict') as n_conflicts, sum(len(indicator_ids)) as n_sources
    from facts group by all
), regions as (
    select region, count(*) filter (n_points > 1) as n_over_time, count(*) filter (n_points = 1) as n_single,
           row_number() over (order by count(*) filter (n_points > 1) desc, count(*) desc, region) as region_rank
    from series group by region
), shown as (
    select s.*, r.region_rank, r.n_over_time, r.n_single,
           row_number() over (partition by s.region, s.n_points > 1 order by s.n_points desc,
                              s.n_conflicts desc, s.n_sources desc, s.indicator, s.measure, s.unit_base) as series_rank
    from series s join regions r using (region)
    where r.region_rank <= {MAX_REGIONS}
    qualify series_rank <= case when s.n_points > 1 then {MAX_CHARTS} else {MAX_FIGURES} end
), sources as (
    select sh.*, f.period, f.status, f.fact_value, f.distinct_values, len(f.indicator_ids) as n_point_sources,
           unnest(f.indicator_ids) as indicator_id
    from shown sh join facts f on f.region = sh.region and f.indicator = sh.indicator
         and f.measure = sh.measure and f.unit_base is not distinct from sh.unit_base
)
select s.region_rank, s.region, s.n_over_time, s.n_single, s.n_points > 1 as over_time, s.series_rank,
       s.indicator, s.measure, s.unit_base, s.period, s.status, s.fact_value, s.distinct_values,
       s.n_point_sources, i.value_base, i.value, i.unit, i.qualifier, i.doc, i.evidence
from sources s join stg_indicators i using (indicator_id)
qualify row_number() over (partition by s.region, s.indicator, s.measure, s.unit_base, s.period
                           order by i.doc, i.char_start, indicator_id) <= {MAX_SOURCES}
order by s.region_rank, over_time desc, s.series_rank, s.period, i.doc, i.char_start, indicator_id
"""

TOTALS_SQL = f"""
select count(*) as figures, count(*) filter (starts_with(indicator, '{UNNAMED}')) as unnamed,
       count(distinct region) filter (not starts_with(indicator, '{UNNAMED}')) as regions
from stg_indicators where not target and period is not null
"""

PERIOD = re.compile(r"^(?P<year>\d{4})(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|-(?P<month>\d{2})(?:\.\.(?P<to_month>\d{2}))?"
                    r"|\.\.(?P<to_year>\d{4}))?$")
# a chart's lines, one per kind of period, in legend order (month ranges and year ranges:
# one line per span, see _line); a conflict's values are dots on no line
KINDS = {"year": "年度", "half": "半年", "quarter": "季度", "month": "月度"}
CONFLICT = "冲突 (sources disagree)"
CONFLICT_COLOR = "#d62728"
COLORS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#e377c2")
FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


@dataclass(frozen=True)
class Source:
    doc: str
    value: float
    unit: str
    qualifier: str
    evidence: str
    value_base: float


@dataclass(frozen=True)
class Point:
    period: str
    status: str                 # single / agreed / conflict / ambiguous (fct_facts)
    values: tuple[float, ...]   # the value, or each distinct value of a conflict
    sources: tuple[Source, ...]  # the first MAX_SOURCES
    n_sources: int              # all of them


@dataclass(frozen=True)
class Series:
    region: str
    indicator: str
    measure: str
    unit_base: str
    points: tuple[Point, ...]   # in period order, the latest MAX_PERIODS
    n_points: int               # all its periods


def period_span(period: str) -> tuple[str, float, float]:
    """(kind, start, end) of a period, in years: 2022H1 -> ("half", 2022.0, 2022.5)."""
    m = PERIOD.match(period)
    if m is None:
        raise ValueError(f"not a period: {period!r}")
    year = int(m["year"])
    if m["half"]:
        start = year + (int(m["half"]) - 1) / 2
        return "half", start, start + 0.5
    if m["quarter"]:
        start = year + (int(m["quarter"]) - 1) / 4
        return "quarter", start, start + 0.25
    if m["to_month"]:
        return "months", year + (int(m["month"]) - 1) / 12, year + int(m["to_month"]) / 12
    if m["month"]:
        start = year + (int(m["month"]) - 1) / 12
        return "month", start, start + 1 / 12
    if m["to_year"]:
        return "years", float(year), int(m["to_year"]) + 1.0
    return "year", float(year), year + 1.0


def _period_key(period: str) -> tuple[float, float, str]:
    _, start, end = period_span(period)
    return start, end, period


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


@dataclass(frozen=True)
class Region:
    name: str
    charted: tuple[Series, ...]   # its series over time the page charts
    listed: tuple[Series, ...]    # its series of one period the page lists
    n_over_time: int              # all its series over time
    n_single: int                 # all its series of one period


def regions_of(rows: pd.DataFrame) -> list[Region]:
    """The page's regions from PAGE_SQL rows, in their order (plain Python: a pandas
    group per series costs ~3 ms)."""
    records = rows.to_dict("records")
    regions = []
    for _, region_rows in groupby(records, key=lambda r: r["region_rank"]):
        region_rows = list(region_rows)
        series = {True: [], False: []}
        for (over_time, _), series_rows in groupby(region_rows, key=lambda r: (r["over_time"], r["series_rank"])):
            series[bool(over_time)].append(_series(list(series_rows)))
        first = region_rows[0]
        regions.append(Region(first["region"], tuple(series[True]), tuple(series[False]),
                              int(first["n_over_time"]), int(first["n_single"])))
    return regions


def _series(rows: list[dict]) -> Series:
    points = []
    for (period, status), facts in groupby(rows, key=lambda r: (r["period"], r["status"])):
        facts = list(facts)
        fact = facts[0]
        values = (fact["fact_value"],) if status not in SEVERAL_VALUES else tuple(sorted(fact["distinct_values"]))
        points.append(Point(period, status, tuple(float(v) for v in values), tuple(
            Source(r["doc"], r["value"], _text(r["unit"]), _text(r["qualifier"]), _text(r["evidence"]),
                   r["value_base"]) for r in facts), int(fact["n_point_sources"])))
    points.sort(key=lambda p: _period_key(p.period))
    first = rows[0]
    return Series(first["region"], first["indicator"], first["measure"], _text(first["unit_base"]),
                  tuple(points[-MAX_PERIODS:]), len(points))


# --------------------------------------------------------------------------- numbers


def chart_unit(series: Series) -> tuple[float, str]:
    """(divisor, unit) of a series' chart: money in 亿元 or 万元 when that reads better,
    other units as they are."""
    top = max((abs(v) for p in series.points for v in p.values), default=0.0)
    if series.unit_base == "元" and top >= 1e8:
        return 1e8, "亿元"
    if series.unit_base == "元" and top >= 1e4:
        return 1e4, "万元"
    return 1.0, series.unit_base


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


# --------------------------------------------------------------------------- charts


def chart_svg(series: Series) -> str:
    """The series as an inline SVG line chart: x is the middle of each period, one line
    per kind of period, a conflict's values as red dots (its lowest and highest when it
    has more than MAX_DOTS)."""
    divisor, _ = chart_unit(series)
    lines: dict[tuple, list[dict]] = {}
    labels: dict[float, str] = {}
    for point in series.points:
        _, start, end = period_span(point.period)
        x = round((start + end) / 2, 4)
        labels[x] = point.period
        values = point.values if len(point.values) <= MAX_DOTS else (point.values[0], point.values[-1])
        for value in values:
            lines.setdefault(_line(point), []).append({"value": (x, value / divisor)})
    order = sorted(lines)
    colors = [CONFLICT_COLOR if line[-1] == CONFLICT else COLORS[k % len(COLORS)] for k, line in enumerate(order)]
    xs = sorted(labels)
    pad = max(0.25, (xs[-1] - xs[0]) * 0.08)
    ys = [v["value"][1] for line in lines.values() for v in line]
    chart = pygal.XY(
        width=760, height=330, explicit_size=True, js=[], disable_xml_declaration=True,
        style=Style(font_family=FONTS, colors=tuple(colors), background="white",
                    plot_background="white", title_font_size=15, label_font_size=11, legend_font_size=12,
                    value_font_size=11),
        x_labels=xs, x_value_formatter=lambda x: labels.get(round(x, 4), ""), x_label_rotation=20,
        xrange=(xs[0] - pad, xs[-1] + pad), value_formatter=_number, formatter=lambda xy: _number(xy[1]),
        range=_y_range(series.measure, ys), inverse_y_axis=series.measure == "rank", max_scale=6,
        print_values=True, dots_size=4, show_x_guides=False,
        legend_at_bottom=True, legend_at_bottom_columns=len(order), truncate_legend=-1)
    for line in order:
        conflict = line[-1] == CONFLICT
        chart.add(line[-1], sorted(lines[line], key=lambda v: v["value"]), stroke=not conflict,
                  dots_size=6 if conflict else 4)
    svg = chart.render(is_unicode=True)
    # pygal's comments carry its web addresses; its script only feeds tooltips we do not load
    return re.sub(r"<!--.*?-->|<script\b.*?</script>", "", svg, flags=re.S)


def _line(point: Point) -> tuple:
    """The line a point is drawn on, as (legend order..., legend): like is joined with like
    only, a year with years, January-September with January-September (not with
    July-September)."""
    if point.status in SEVERAL_VALUES:
        return 9, CONFLICT
    kind = period_span(point.period)[0]
    m = PERIOD.match(point.period)
    if kind == "months":
        first, last = int(m["month"]), int(m["to_month"])
        return 4, first, last, f"{first}–{last}月"
    if kind == "years":
        years = int(m["to_year"]) - int(m["year"]) + 1
        return 5, years, f"{years}年"
    return list(KINDS).index(kind), KINDS[kind]


def _y_range(measure: str, ys: list[float]) -> tuple[float, float]:
    """From zero for amounts and counts (a bar of 1,000 next to one of 1,600 reads true),
    around the values for a growth that may be negative; rank 1 on top (inverse axis)."""
    low, high = min(ys), max(ys)
    if measure == "rank":
        return 0.5, high + 0.5
    span = (max(high, 0) - min(low, 0)) or abs(high) or 1.0
    return min(low, 0) - (0.1 * span if low < 0 else 0), max(high, 0) + 0.15 * span


def _measure_label(measure: str) -> str:
    return {"level": "水平", "growth": "增速", "share": "占比", "rank": "排名"}.get(measure, measure)


# --------------------------------------------------------------------------- the page


def report_html(validation: dict, regions: list[Region], totals: dict) -> str:
    """The whole page: the run's data quality, then a section per region."""
    parts = [_head(validation), _quality(validation, totals)]
    parts.append('<nav class="regions"><b>Regions</b> ' + " · ".join(
        f'<a href="#r{i}">{html.escape(r.name)}</a>' for i, r in enumerate(regions)) + "</nav>")
    parts += [_region_section(i, region) for i, region in enumerate(regions)]
    if totals["regions"] > len(regions):
        parts.append(f'<p class="note">{totals["regions"] - len(regions)} more regions are not shown: '
                     f'<code>gaoxin query "select * from fct_timeseries where region = \'…\'"</code></p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)


CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', """ + FONTS + """; margin: 24px 40px; color: #212529; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid #dee2e6; }
h3 { font-size: 15px; margin: 20px 0 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
th, td { border: 1px solid #dee2e6; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; } td.num { text-align: right; white-space: nowrap; }
tr.conflict td, tr.ambiguous td { background: #fdecea; }
.status-conflict, .status-ambiguous { color: #c92a2a; font-weight: bold; }
.status-agreed { color: #2b8a3e; } .ok { color: #2b8a3e; } .failed { color: #c92a2a; font-weight: bold; }
.note { color: #666; font-size: 13px; } nav.regions { font-size: 13px; line-height: 1.8; margin: 12px 0; }
.chart { margin: 8px 0 0; } .evidence { max-width: 640px; }
"""


def _head(validation: dict) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>gaoxin: indicators over time</title><style>{CSS}</style></head><body>'
            f'<h1>Indicators over time, per region</h1>'
            f'<p class="note">run {html.escape(str(validation.get("run_id", "")))} · each point: the period it '
            f'covers (x), the figure in its unit, the page and the clause it was read from; '
            f'<span class="status-conflict">red</span>: the pages disagree (every value is kept).</p>')


def _quality(validation: dict, totals: dict) -> str:
    verdict = ('<span class="ok">passed</span>' if validation.get("success")
               else '<span class="failed">FAILED</span>')
    rows = "".join(
        f"<tr><td>{html.escape(s['suite'])}</td><td class=num>{s['evaluated']}</td>"
        f"<td class=num>{s['failed']}</td><td>{html.escape(', '.join(s['failed_expectations']) or '-')}</td></tr>"
        for s in validation.get("suites", []))
    return (f"<p>Validation {verdict}: <a href=\"index.html\">Data Docs</a> (every check, its history)</p>"
            f"<table><tr><th>table</th><th>expectations</th><th>failed</th><th>failed expectations</th></tr>"
            f"{rows}</table><p class=note>{totals['figures']} figures with a period; {totals['unnamed']} of them "
            f"have no indicator "
            f"name ({UNNAMED}) and are not shown.</p>")


def _region_section(i: int, region: Region) -> str:
    parts = [f'<h2 id="r{i}">{html.escape(region.name)}</h2>']
    for s in region.charted:
        parts.append(f"<h3>{html.escape(s.indicator)} ({_measure_label(s.measure)}, "
                     f"{html.escape(chart_unit(s)[1])})</h3>")
        parts.append(f'<div class="chart">{chart_svg(s)}</div>')
        if s.n_points > len(s.points):
            parts.append(f'<p class="note">the latest {len(s.points)} of its {s.n_points} periods</p>')
        parts.append(_points_table(s.points))
    more = f'<code>gaoxin query "select * from fct_timeseries where region = \'{html.escape(region.name)}\'"</code>'
    if region.n_over_time > len(region.charted):
        parts.append(f'<p class="note">{region.n_over_time - len(region.charted)} more series over time: {more}</p>')
    if region.listed:
        parts.append(f"<h3>Figures of one period ({region.n_single})</h3>")
        parts.append(_points_table([s.points[0] for s in region.listed], names=[s.indicator for s in region.listed]))
        if region.n_single > len(region.listed):
            parts.append(f'<p class="note">and {region.n_single - len(region.listed)} more: {more}</p>')
    return "\n".join(parts)


def _points_table(points, names: list[str] | None = None) -> str:
    head = ("<th>indicator</th>" if names else "") + \
        "<th>period</th><th>value</th><th>status</th><th>page</th><th>evidence</th>"
    rows = []
    width = len(head.split("<th>")) - 1
    for k, point in enumerate(points):
        for source in point.sources:
            value = f"{source.qualifier}{_number(source.value)} {source.unit}".strip()
            rows.append(
                f'<tr class="{point.status}">' + (f"<td>{html.escape(names[k])}</td>" if names else "")
                + f"<td>{html.escape(point.period)}</td><td class=num>{html.escape(value)}</td>"
                f'<td class="status-{point.status}">{point.status}</td><td>{html.escape(source.doc)}</td>'
                f'<td class="evidence">{html.escape(source.evidence)}</td></tr>')
        if point.n_sources > len(point.sources):
            rows.append(f'<tr class="{point.status} more"><td class="note" colspan="{width}">{point.period}: '
                        f'{point.n_sources - len(point.sources)} more pages print it</td></tr>')
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def write_report_page(con, validation: dict, path: Path) -> None:
    """Query the facts through `con` (views and marts of the version) and write the page."""
    regions = regions_of(con.execute(PAGE_SQL).df())
    totals = con.execute(TOTALS_SQL).df().iloc[0].to_dict()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(validation, regions, totals), "utf-8")
