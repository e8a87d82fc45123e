"""The data-quality report of the last run: per suite what ran and failed, the worst
quarantined rows, and where the Data Docs and the report page (flows/report_html.py) are."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from flows import warehouse as wh

VALIDATION_FILE = "validation.json"


def load_validation(warehouse: str | Path) -> dict:
    text = wh.Warehouse(warehouse).read_text(VALIDATION_FILE)
    if text is None:
        raise FileNotFoundError(f"no validation result in {warehouse}: run `gaoxin run` first")
    return json.loads(text)


def report_markdown(validation: dict, quarantine_sample: list[dict]) -> str:
    lines = [f"# gaoxin data quality: {'passed' if validation['success'] else 'FAILED'}", "",
             "| suite | expectations run | failed | rows failing | failed expectations |",
             "|---|---|---|---|---|"]
    for s in validation["suites"]:
        lines.append(f"| {s['suite']} | {s['evaluated']} | {s['failed']} | {s['unexpected_rows']} | "
                     f"{', '.join(s['failed_expectations']) or '-'} |")
    if quarantine_sample:
        lines += ["", "Quarantined rows (worst first):", ""]
        for r in quarantine_sample:
            lines.append(f"- {r['doc']} {r['region']} {r['indicator']} {r['value']}{r['unit']} "
                         f"[{r['failed_expectations']}] «{r['evidence']}»")
    lines += ["", f"Data Docs: {validation['docs_index']}"]
    if validation.get("report_page"):
        lines.append(f"Indicators over time, per region: {validation['report_page']}")
    return "\n".join(lines)


SAMPLE_COLUMNS = ["doc", "region", "indicator", "value", "unit", "failed_expectations", "evidence"]


def worst_quarantined(quarantine: pd.DataFrame, limit: int = 10) -> list[dict]:
    """Rows that failed the most expectations first."""
    if quarantine.empty:
        return []
    n_failed = quarantine["failed_expectations"].str.count(";") + 1
    worst = quarantine.assign(_n=n_failed).sort_values(["_n", "doc", "indicator"], ascending=[False, True, True],
                                                       kind="mergesort")
    return worst[SAMPLE_COLUMNS].head(limit).to_dict("records")


def report_page(warehouse: str | Path) -> str:
    """Where the live version's report page is (charts of each region's indicators)."""
    location = _live_page(wh.Warehouse(warehouse))
    if location is None:
        raise FileNotFoundError(f"no report page in {warehouse}: run `gaoxin run` to build it "
                                "(a version landed by an older gaoxin has none)")
    return location


def _live_page(store: wh.Warehouse) -> str | None:
    from flows.report_html import REPORT_PAGE
    location = store.docs_url(REPORT_PAGE) if store.current_version() else None
    return location if location is not None and store.fs.exists(location) else None


def report_text(warehouse: str | Path) -> str:
    store = wh.Warehouse(warehouse)
    con = store.connect()
    try:
        quarantine = con.execute("select * from quarantine").df()
    finally:
        con.close()
    validation = load_validation(warehouse)
    # where the pages are now (the warehouse may have moved since it was landed)
    validation["docs_index"], validation["report_page"] = store.docs_url(), _live_page(store)
    return report_markdown(validation, worst_quarantined(quarantine))
