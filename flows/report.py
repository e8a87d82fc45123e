"""The data-quality report of the last run: per suite what ran and failed, the worst
quarantined rows, and where the Data Docs are."""
from __future__ import annotations

import json
from pathlib import Path

from flows import warehouse as wh

VALIDATION_FILE = "validation.json"


def load_validation(warehouse: Path) -> dict:
    path = wh.current_dir(warehouse) / VALIDATION_FILE
    if not path.exists():
        raise FileNotFoundError(f"no validation result in {warehouse}: run `gaoxin run` first")
    return json.loads(path.read_text("utf-8"))


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
    return "\n".join(lines)


def quarantine_sample(warehouse: Path, limit: int = 10) -> list[dict]:
    con = wh.connect(warehouse)
    try:
        df = con.execute(
            "select doc, region, indicator, value, unit, failed_expectations, evidence from quarantine "
            "order by length(failed_expectations) - length(replace(failed_expectations, ';', '')) desc, "
            f"doc, indicator limit {int(limit)}").df()
    finally:
        con.close()
    return df.to_dict("records")


def report_text(warehouse: Path) -> str:
    return report_markdown(load_validation(warehouse), quarantine_sample(warehouse))
