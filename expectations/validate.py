"""Run the gaoxin Great Expectations checkpoint over the three output tables.

Public API
----------
    validate_tables(documents, passages, indicators, *, docs_dir, run_id, reference_dir=None)
        -> ValidationReport
      = validate_frame(validation_frame({"documents": ..., "passages": ..., "indicators": ...}), ...):
        the flow builds the frame first, handing the tables over, so that they are dropped
        before the checkpoint runs
    summary_text(report) -> str
    open_context(docs_dir)   # the (cached) GX file context; tests warm it once per session

Design
------
* The GX project is committed under ``expectations/gx/`` (great_expectations.yml, one
  suite JSON per table, one validation definition per suite, ONE checkpoint
  ``gaoxin``). Nothing there is written at run time: the validation results store
  and the Data Docs site point at config variables that this module fills from the
  caller's ``docs_dir`` (the context's ``runtime_environment``):
  Data Docs -> ``docs_dir/index.html``; validation results -> ``docs_dir/_gx_runtime/``.
* GX 1.x hands the SAME batch parameters to every validation definition of a
  checkpoint (a dataframe asset accepts exactly ``{"dataframe": df}``), so one
  checkpoint cannot be given three different frames. The three tables are therefore
  stacked into one *validation frame* with a ``source_table`` column (and
  ``row_number``, the row's position in its own table); every expectation carries a
  ``row_condition`` ``source_table == '<suite>'``. The checkpoint runs once with
  ``batch_parameters={"dataframe": stacked}``.
* The validation copy of the indicators also gets ``plausible_min``/``plausible_max``
  joined from ``transforms/reference/indicators.csv`` (bound for the indicator at the
  level of its region in ``regions.csv``); the suite compares them with built-in
  column-pair expectations. The gazetteer names, the unit bases and the spam lexicon
  path are passed as suite parameters, so the suites stay data. Whether a row's
  passage_id / doc_id exists in the other table is a flag column of the stacked frame
  (passage_known, doc_known).
* Expectation name = ``meta.name`` of the expectation in the suite JSON (unique per
  suite, stable, readable, e.g. ``region_known``); an expectation without one would be
  named ``<expectation_type>:<column>`` (``column_A,column_B`` for pairs).
* GX is imported lazily (first call), checkpoint runs are serialized with a lock
  (GX 1.x is not safe with checkpoints running in parallel threads), and progress
  bars / analytics are off in the committed config.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from transforms.quantities import known_unit_bases

__all__ = [
    "SuiteResult",
    "ValidationReport",
    "validate_tables",
    "validation_frame",
    "validate_frame",
    "input_columns",
    "summary_text",
    "open_context",
    "load_reference",
    "Reference",
    "SUITES",
]

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
GX_PROJECT_ROOT = PACKAGE_DIR  # the GX file context lives in PACKAGE_DIR / "gx"
DEFAULT_REFERENCE_DIR = PACKAGE_DIR.parent / "transforms" / "reference"

CHECKPOINT_NAME = "gaoxin"
DATASOURCE_NAME = "gaoxin"
ASSET_NAME = "tables"
BATCH_DEFINITION_NAME = "stacked"
DATA_DOCS_SITE = "gaoxin_site"
RUNTIME_SUBDIR = "_gx_runtime"

SUITES = ("indicators", "passages", "documents")
KEY_COLUMN = {"indicators": "indicator_id", "passages": "passage_id", "documents": "doc_id"}
TABLE_COLUMN = "source_table"
ROW_COLUMN = "row_number"
REGION_LEVELS = ("zone", "district", "city", "province", "country")
SYNONYM_SEPARATORS = r"[|;；、,，/]"

_lock = threading.RLock()
_contexts: dict[str, Any] = {}


# --------------------------------------------------------------------------- report types


@dataclass
class SuiteResult:
    suite: str
    evaluated: int  # expectations evaluated
    failed: int  # expectations that failed
    failed_expectations: list[str]  # their names, sorted
    unexpected_rows: int  # distinct rows of this table that failed >= 1 row-level expectation
    # name -> number of unexpected rows (failed expectations only; 0 for table-level/errors)
    unexpected_counts: dict[str, int] = field(default_factory=dict)
    # name -> up to 5 examples "<key>: <unexpected value>" (first rows in table order)
    examples: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ValidationReport:
    success: bool
    suites: list[SuiteResult]
    failed_rows: dict[str, list[str]]  # indicator_id -> names of failed expectations (sorted)
    docs_index: str  # path of the Data Docs index.html
    run_id: str = ""

    def as_dict(self) -> dict:
        """Plain data (lists, dicts, str, int, bool) - safe to pickle or JSON-dump."""
        return asdict(self)

    def suite(self, name: str) -> SuiteResult:
        for s in self.suites:
            if s.suite == name:
                return s
        raise KeyError(name)


# --------------------------------------------------------------------------- reference data


@dataclass
class Reference:
    known_regions: list[str]
    region_level: dict[str, str]
    # (indicator name or synonym) -> list of (is_synonym, order, unit_base, measure, bounds)
    bounds: dict[str, list[tuple[bool, int, str, str, dict[str, float]]]]
    spam_lexicon_path: Path


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number(value: Any) -> float:
    text = _clean(value).replace(",", "").replace("_", "")
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def load_reference(reference_dir: Path | str | None = None) -> Reference:
    """Read regions.csv, indicators.csv and locate spam_lexicon.txt in reference_dir."""
    ref = Path(reference_dir) if reference_dir is not None else DEFAULT_REFERENCE_DIR
    paths = {n: ref / n for n in ("regions.csv", "indicators.csv", "spam_lexicon.txt")}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"validation reference file(s) missing: {', '.join(missing)}")

    regions = pd.read_csv(paths["regions.csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names = [_clean(n) for n in regions["name"]]
    levels = [_clean(v).lower() for v in regions["level"]] if "level" in regions else [""] * len(names)
    region_level: dict[str, str] = {}
    for name, level in zip(names, levels):
        if name and name not in region_level:
            region_level[name] = level

    table = pd.read_csv(paths["indicators.csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    bounds: dict[str, list] = {}
    for order, row in enumerate(table.to_dict("records")):
        lim = {}
        for level in REGION_LEVELS:
            lim[f"min_{level}"] = _number(row.get(f"min_{level}"))
            lim[f"max_{level}"] = _number(row.get(f"max_{level}"))
        entry_unit, entry_measure = _clean(row.get("unit_base")), _clean(row.get("measure"))
        keys = [(False, _clean(row.get("name")))]
        keys += [(True, s.strip()) for s in re.split(SYNONYM_SEPARATORS, _clean(row.get("synonyms")))]
        for is_syn, key in keys:
            if key:
                bounds.setdefault(key, []).append((is_syn, order, entry_unit, entry_measure, lim))
    for entries in bounds.values():
        entries.sort(key=lambda e: (e[0], e[1]))  # exact name before synonym, then file order

    return Reference(
        known_regions=sorted({n for n in names if n}),
        region_level=region_level,
        bounds=bounds,
        spam_lexicon_path=paths["spam_lexicon.txt"].resolve(),
    )


def _plausible_bounds(indicators: pd.DataFrame, ref: Reference) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator row: (min, max) for its indicator at its region's level, NaN when unknown.

    A reference row applies when its name or a synonym equals the row's indicator and its
    unit_base / measure (when given) equal the row's. Looked up once per distinct
    combination: a Python object per row and column would cost 150 MB at 400,000 rows.
    """
    keys = indicators.reindex(columns=["indicator", "region", "unit_base", "measure"])
    group = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    lows: list[float] = []
    highs: list[float] = []
    # drop_duplicates keeps first appearances in order: the order ngroup numbers them in
    for ind, region, unit, measure in keys.drop_duplicates().itertuples(index=False):
        low = high = math.nan
        level = ref.region_level.get(_clean(region), "")
        if level in REGION_LEVELS:
            for _, _, ref_unit, ref_measure, lim in ref.bounds.get(_clean(ind), ()):
                if ref_unit and ref_unit != _clean(unit):
                    continue
                if ref_measure and ref_measure != _clean(measure):
                    continue
                low, high = lim[f"min_{level}"], lim[f"max_{level}"]
                break
        lows.append(low)
        highs.append(high)
    return np.array(lows, dtype=float)[group], np.array(highs, dtype=float)[group]


# --------------------------------------------------------------------------- GX context


def _quiet_environment() -> None:
    # The committed config already disables analytics and progress bars; the env var
    # covers code paths that read it before the config.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def open_context(docs_dir: Path | str):
    """The GX file context of expectations/gx with runtime stores under docs_dir (cached).

    Data Docs are written to docs_dir (index.html), validation results to
    docs_dir/_gx_runtime/validations. Nothing is written under expectations/.
    """
    docs = Path(docs_dir).resolve()
    key = str(docs)
    with _lock:
        ctx = _contexts.get(key)
        if ctx is not None:
            return ctx
        _quiet_environment()
        import great_expectations as gx

        from . import custom  # noqa: F401  (registers the custom expectations)

        docs.mkdir(parents=True, exist_ok=True)
        ctx = gx.get_context(
            mode="file",
            project_root_dir=str(GX_PROJECT_ROOT),
            runtime_environment={
                "GAOXIN_DATA_DOCS_DIR": str(docs),
                "GAOXIN_GX_RUNTIME_DIR": str(docs / RUNTIME_SUBDIR),
            },
        )
        _ensure_data_source(ctx)
        _contexts[key] = ctx
        return ctx


def _release_batches(ctx) -> None:
    """Drop the batch GX keeps in its execution engine's caches: the context is cached
    for the next run and would hold the whole stacked frame until then (at 100 MB of
    pages, through landing)."""
    manager = ctx.data_sources.get(DATASOURCE_NAME).get_execution_engine().batch_manager
    manager.reset_batch_cache()
    manager.batch_data_cache.clear()


def _ensure_data_source(ctx) -> None:
    """Get-or-create the pandas data source / dataframe asset / batch definition.

    They are committed in great_expectations.yml, so normally this only reads. If one
    is missing it is created with GX's add_or_update / add calls (which persist it), and
    the validation definitions and checkpoint are re-bound to it.
    """
    created = False
    try:
        ds = ctx.data_sources.get(DATASOURCE_NAME)
    except (KeyError, LookupError, ValueError):
        ds = ctx.data_sources.add_or_update_pandas(DATASOURCE_NAME)
        created = True
    try:
        asset = ds.get_asset(ASSET_NAME)
    except (KeyError, LookupError):
        asset = ds.add_dataframe_asset(ASSET_NAME)
        created = True
    try:
        batch_definition = asset.get_batch_definition(BATCH_DEFINITION_NAME)
    except (KeyError, LookupError):
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
        created = True
    if not created:
        return
    import great_expectations as gx

    log.warning(
        "GX data source %r was missing from expectations/gx/great_expectations.yml and was "
        "recreated; commit the regenerated expectations/gx files",
        DATASOURCE_NAME,
    )
    definitions = [
        ctx.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=ctx.suites.get(name))
        )
        for name in SUITES
    ]
    checkpoint = ctx.checkpoints.get(CHECKPOINT_NAME)
    ctx.checkpoints.add_or_update(
        gx.Checkpoint(
            name=CHECKPOINT_NAME,
            validation_definitions=definitions,
            actions=checkpoint.actions,
            result_format=checkpoint.result_format,
        )
    )


# --------------------------------------------------------------------------- validation


@functools.cache
def suite_columns() -> frozenset[str]:
    """The columns the suites and the checkpoint's result format read: only these are
    stacked for validation (the passages' original text, for one, is not checked)."""
    gx_dir = GX_PROJECT_ROOT / "gx"
    names: set[str] = {TABLE_COLUMN, ROW_COLUMN}

    def visit(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("column", "column_A", "column_B") and isinstance(value, str):
                    names.add(value)
                elif key == "column_list" and isinstance(value, list):
                    names.update(value)
                elif key == "column" and isinstance(value, dict) and isinstance(value.get("name"), str):
                    names.add(value["name"])   # a structured row_condition
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for suite in SUITES:
        suite_json = json.loads((gx_dir / "expectations" / f"{suite}.json").read_text("utf-8"))
        visit([e["kwargs"] for e in suite_json["expectations"]])
    checkpoint = json.loads((gx_dir / "checkpoints" / f"{CHECKPOINT_NAME}.json").read_text("utf-8"))
    names.update(checkpoint["result_format"].get("unexpected_index_column_names", []))
    return frozenset(names)


def input_columns() -> frozenset[str]:
    """The table columns validation_frame() reads: what the suites check, and what the
    flags and bounds are computed from. A caller may hand it only these."""
    return suite_columns() | {"passage_id", "doc_id", "indicator", "region", "unit_base", "measure"}


def _stack(tables: dict[str, pd.DataFrame], ref: Reference) -> pd.DataFrame:
    """The stacked frame; takes documents, passages and indicators out of `tables`."""
    documents, passages, indicators = (tables.pop(name) for name in ("documents", "passages", "indicators"))
    low, high = _plausible_bounds(indicators, ref)
    parts = {
        # Cross-table ids are checked as flags: a suite parameter listing every id is
        # copied by GX at each step of each expectation (minutes at 100 MB of input).
        "indicators": indicators.assign(plausible_min=low, plausible_max=high,
                                        passage_known=_known(indicators, passages, "passage_id"),
                                        doc_known=_known(indicators, documents, "doc_id")),
        "passages": passages.assign(doc_known=_known(passages, documents, "doc_id")),
        "documents": documents,
    }
    del documents, passages, indicators, low, high
    keep = suite_columns()
    parts = {name: frame.reset_index(drop=True).assign(**{TABLE_COLUMN: name, ROW_COLUMN: range(len(frame))})
             for name, frame in parts.items()}
    names = [c for c in dict.fromkeys(c for part in parts.values() for c in part.columns) if c in keep]
    # A column at a time, compacted as soon as it is stacked, the biggest first, and each
    # dropped from its table once stacked: a plain copy of the whole stack (concat copies)
    # would cost its size again on top of the categories, and the tables' own columns
    # would all be held until the end (the passages' text: 100 MB at 100 MB of pages).
    stacked = {}
    for name in sorted(names, key=lambda n: -sum(int(p[n].memory_usage(deep=True)) for p in parts.values() if n in p)):
        stacked[name] = _stacked_column(list(parts.values()), name)
        parts = {key: part.drop(columns=name) if name in part else part for key, part in parts.items()}
    return pd.DataFrame({name: stacked[name] for name in names}, copy=False)


def _stacked_column(parts: list[pd.DataFrame], name: str) -> pd.Series:
    """One column of the stack, compacted. A string column of one table only (the
    passages' text) is made categorical in its table and placed by its codes, null
    elsewhere: no plain copy of its strings is made (100 MB at 100 MB of pages)."""
    holders = [i for i, part in enumerate(parts) if name in part]
    if len(holders) == 1 and pd.api.types.infer_dtype(parts[holders[0]][name], skipna=True) == "string":
        own = _compact(parts[holders[0]][name])
        codes = np.full(sum(len(part) for part in parts), -1, dtype=own.cat.codes.dtype)
        start = sum(len(part) for part in parts[:holders[0]])
        codes[start:start + len(own)] = own.cat.codes
        return pd.Series(pd.Categorical.from_codes(codes, dtype=own.dtype), name=name)
    return _compact(pd.concat([part[[name]] if name in part else part[[]] for part in parts],
                              ignore_index=True, sort=False)[name])


def _compact(column: pd.Series) -> pd.Series:
    """Strings as categories, flags as booleans. Every expectation filters a copy of the
    stacked frame by its row_condition, and GX hashes the frame for each suite: copies
    and hashes of a category column touch its codes (4 bytes a row), not its strings
    (validation of the 100 MB bench tables: 15 s instead of 45)."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "string":
        column = column.astype("category")
        # Converting leaves a hash table of the categories, as Python strings, cached on
        # their Index; nothing looks categories up after it (the passages' text: 90 MB at
        # 100 MB of pages, held through validation). pandas rebuilds it if ever needed;
        # the cache is pandas' internals, so a pandas without it only costs the memory.
        getattr(column.cat.categories, "_cache", {}).pop("_engine", None)
        return column
    if kind == "boolean":   # True/False, with NaN where a table lacks the column
        return column.astype("boolean")
    return column


def _known(rows: pd.DataFrame, table: pd.DataFrame, column: str) -> pd.Series:
    """Whether each row's `column` value is an id of `table` (False for a missing id)."""
    if column not in rows:
        return pd.Series(False, index=rows.index)
    ids = table[column] if column in table else pd.Series([], dtype=object)
    return rows[column].isin(ids.dropna()) & rows[column].notna()


def _reset_docs(docs: Path) -> None:
    """Remove what GX wrote into docs_dir on earlier runs (site pages and results store)."""
    for name in ("index.html", "validations", "expectations", RUNTIME_SUBDIR):
        path = docs / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def _expectation_name(config) -> str:
    meta = config.meta or {}
    if meta.get("name"):
        return str(meta["name"])
    kwargs = config.kwargs or {}
    column = kwargs.get("column")
    if column is None and "column_A" in kwargs:
        column = f"{kwargs['column_A']},{kwargs['column_B']}"
    return f"{config.type}:{column}" if column is not None else str(config.type)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _exception_message(info: Any) -> str | None:
    """The first exception message in a GX exception_info (flat or keyed by metric)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception") or info.get("exception_message"):
        return info.get("exception_message") or "exception"
    for value in info.values():
        message = _exception_message(value)
        if message:
            return message
    return None


def _short(value: Any, limit: int = 40) -> str:
    text = "null" if _is_missing(value) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_frame(tables: dict[str, pd.DataFrame], *, reference_dir: Path | None = None) -> pd.DataFrame:
    """The tables (documents, passages, indicators) stacked into the one frame the
    checkpoint validates, with its own copy of the columns the suites read. They are
    taken out of `tables`: a caller that hands over its only references to them lets
    each column go as soon as it is stacked."""
    return _stack(tables, load_reference(reference_dir))


def validate_tables(
    documents: pd.DataFrame,
    passages: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    docs_dir: Path,
    run_id: str,
    reference_dir: Path | None = None,
    keep_history: bool = False,
) -> ValidationReport:
    """Validate the three tables with ONE GX checkpoint run and rebuild Data Docs in docs_dir."""
    frame = validation_frame({"documents": documents, "passages": passages, "indicators": indicators},
                             reference_dir=reference_dir)
    return validate_frame(frame, docs_dir=docs_dir, run_id=run_id, reference_dir=reference_dir,
                          keep_history=keep_history)


def validate_frame(
    frame: pd.DataFrame,
    *,
    docs_dir: Path,
    run_id: str,
    reference_dir: Path | None = None,
    keep_history: bool = False,
) -> ValidationReport:
    """Run the checkpoint over a validation_frame() and rebuild Data Docs in docs_dir.

    docs_dir receives the Data Docs site (index.html) and GX's runtime state
    (_gx_runtime/). Unless keep_history, the GX-owned parts of docs_dir are cleared
    first, so the site shows exactly this run. reference_dir defaults to
    transforms/reference (regions.csv, indicators.csv, spam_lexicon.txt).
    """
    ref = load_reference(reference_dir)
    regions = frame.loc[frame[TABLE_COLUMN] == "indicators", "region"].dropna().unique()
    parameters = {
        # only the gazetteer names the rows use: the same verdict, and GX copies a suite
        # parameter at every step (3,500 names cost seconds a run)
        "known_regions": sorted(set(ref.known_regions).intersection(regions)),
        "known_unit_bases": known_unit_bases(),
        "spam_lexicon_path": str(ref.spam_lexicon_path),
    }

    docs = Path(docs_dir).resolve()
    with _lock:  # GX 1.x checkpoints must not run in parallel threads
        ctx = open_context(docs)
        if not keep_history:
            _reset_docs(docs)
        from great_expectations.core.run_identifier import RunIdentifier

        checkpoint = ctx.checkpoints.get(CHECKPOINT_NAME)
        try:
            result = checkpoint.run(
                batch_parameters={"dataframe": frame},
                expectation_parameters=parameters,
                run_id=RunIdentifier(run_name=str(run_id)),
            )
        finally:
            _release_batches(ctx)

    by_suite = {vr.suite_name: vr for vr in result.run_results.values()}
    suites: list[SuiteResult] = []
    failed_rows: dict[str, set[str]] = {}
    for suite_name in SUITES:
        vr = by_suite.get(suite_name)
        if vr is None:
            raise RuntimeError(f"checkpoint {CHECKPOINT_NAME!r} returned no result for suite {suite_name!r}")
        key_column = KEY_COLUMN[suite_name]
        bad_rows: set[int] = set()
        failed_names: list[str] = []
        counts: dict[str, int] = {}
        examples: dict[str, list[str]] = {}
        for er in vr.results:
            name = _expectation_name(er.expectation_config)
            if er.success:
                continue
            failed_names.append(name)
            res = er.result or {}
            index_list = res.get("unexpected_index_list") or []
            value_list = res.get("unexpected_list") or [None] * len(index_list)
            rows = []
            for entry, value in zip(index_list, value_list):
                row = entry.get(ROW_COLUMN)
                row = int(row) if not _is_missing(row) else -1
                key = entry.get(key_column)
                key = f"row:{row}" if _is_missing(key) else str(key)
                rows.append((row, key, value))
                bad_rows.add(row)
                if suite_name == "indicators":
                    failed_rows.setdefault(key, set()).add(name)
            rows.sort(key=lambda r: r[0])
            counts[name] = len(rows)
            if rows:
                examples[name] = [f"{key}: {_short(value)}" for _, key, value in rows[:5]]
            else:
                message = _exception_message(er.exception_info)
                observed = res.get("observed_value")
                examples[name] = [
                    f"error: {_short(message, 120)}" if message else f"observed: {_short(observed, 80)}"
                ]
        stats = vr.statistics or {}
        suites.append(
            SuiteResult(
                suite=suite_name,
                evaluated=int(stats.get("evaluated_expectations", len(vr.results))),
                failed=len(failed_names),
                failed_expectations=sorted(failed_names),
                unexpected_rows=len(bad_rows),
                unexpected_counts=dict(sorted(counts.items())),
                examples=dict(sorted(examples.items())),
            )
        )

    return ValidationReport(
        success=bool(result.success),
        suites=suites,
        failed_rows={k: sorted(v) for k, v in sorted(failed_rows.items())},
        docs_index=str(docs / "index.html"),
        run_id=str(run_id),
    )


def summary_text(report: ValidationReport, *, examples: int = 3) -> str:
    """Short human summary: per suite expectations run / failed / rows, worst examples."""
    verdict = "passed" if report.success else "FAILED"
    lines = [f"validation {verdict}" + (f" (run {report.run_id})" if report.run_id else "")]
    for s in report.suites:
        lines.append(
            f"  {s.suite:<11} {s.evaluated:3d} expectations, {s.failed:2d} failed, "
            f"{s.unexpected_rows} row(s) flagged"
        )
        worst = sorted(s.failed_expectations, key=lambda n: (-s.unexpected_counts.get(n, 0), n))
        for name in worst:
            count = s.unexpected_counts.get(name, 0)
            shown = "; ".join(s.examples.get(name, [])[:examples])
            lines.append(f"    x {name} ({count} row(s)): {shown}")
    if report.failed_rows:
        worst_rows = sorted(report.failed_rows.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        lines.append(f"  indicator rows failing: {len(report.failed_rows)}; worst:")
        for key, names in worst_rows[:examples]:
            lines.append(f"    {key}: {', '.join(names)}")
    lines.append(f"  Data Docs: {report.docs_index}")
    return "\n".join(lines)
