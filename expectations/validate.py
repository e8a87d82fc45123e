"""Run the gaoxin Great Expectations checkpoints over the three output tables.

Public API
----------
    validate_tables(documents, passages, indicators, *, docs_dir, run_id, reference_dir=None)
        -> ValidationReport
      = validate_frames(validation_frames({"documents": ..., "passages": ..., "indicators": ...}), ...):
        the flow builds the frames first, handing the tables over, so that they are dropped
        before the checkpoints run
    summary_text(report) -> str
    open_context(docs_dir)   # the (cached) GX file context; tests warm it once per session

Design
------
* The GX project is committed under ``expectations/gx/`` (great_expectations.yml, one
  suite JSON per table, one validation definition per suite, one checkpoint per table).
  Nothing there is written at run time: the validation results store and the Data
  Docs site point at config variables that this module fills from the caller's
  ``docs_dir`` (the context's ``runtime_environment``): Data Docs ->
  ``docs_dir/index.html``; validation results -> ``docs_dir/_gx_runtime/``.
* One dataframe asset per table (documents, passages, indicators), each validated by
  its own checkpoint: GX 1.x hands the SAME batch parameters to every validation
  definition of a checkpoint, and a dataframe asset takes exactly ``{"dataframe": df}``.
  The three checkpoints run one after the other under one run id, then the Data Docs
  are built once (index and the three new pages) and made readable offline
  (``data_docs.py``). Each validation frame carries ``row_number`` (the row's position
  in its table) to attribute failures.
* History: docs_dir keeps the results and pages of the last runs
  (``validation_results_limit`` in great_expectations.yml: 3 results a run); older
  runs are pruned before a run. The flow seeds docs_dir with the live version's site.
* The validation copy of the indicators also gets ``plausible_min``/``plausible_max``
  joined from ``transforms/reference/indicators.csv`` (bound for the indicator at the
  level of its region in ``regions.csv``, both as ``transforms.gazetteer`` reads them);
  the suite compares them with built-in column-pair expectations. The gazetteer names,
  the unit bases and the spam lexicon path are passed as suite parameters, so the suites
  stay data. Whether a row's passage_id / doc_id exists in the other table is a flag
  column of its validation frame (passage_known, doc_known).
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
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from transforms.gazetteer import IndicatorDef, indicator_names, load_indicators, load_regions
from transforms.quantities import known_unit_bases

__all__ = [
    "SuiteResult",
    "ValidationReport",
    "validate_tables",
    "validation_frames",
    "validate_frames",
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

DATASOURCE_NAME = "gaoxin"
BATCH_DEFINITION_NAME = "whole_table"
DATA_DOCS_SITE = "gaoxin"
RUNTIME_SUBDIR = "_gx_runtime"

# a table's suite, data asset, validation definition and checkpoint all bear its name
SUITES = ("indicators", "passages", "documents")
KEY_COLUMN = {"indicators": "indicator_id", "passages": "passage_id", "documents": "doc_id"}
ROW_COLUMN = "row_number"
# what the flags and bounds of a table's validation frame are computed from
DERIVED_FROM = {"indicators": {"passage_id", "doc_id", "indicator", "region", "unit_base", "measure"},
                "passages": {"doc_id"}, "documents": {"doc_id"}}

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
    # the failed expectations that are warnings: reported, their rows not quarantined, and
    # the run not failed for them
    warnings: list[str] = field(default_factory=list)


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
    known_regions: list[str]          # canonical names, sorted
    region_level: dict[str, str]      # canonical name -> level
    # indicator name or synonym -> the indicators it names, in the order their bounds are
    # tried: an exact name before a synonym, then file order
    indicators: dict[str, list[IndicatorDef]]
    spam_lexicon_path: Path


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def load_reference(reference_dir: Path | str | None = None) -> Reference:
    """The regions and indicators of reference_dir (default: the packaged
    transforms/reference), as transforms.gazetteer reads them, and its spam_lexicon.txt."""
    ref = Path(reference_dir) if reference_dir is not None else DEFAULT_REFERENCE_DIR
    paths = {n: ref / n for n in ("regions.csv", "indicators.csv", "spam_lexicon.txt")}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"validation reference file(s) missing: {', '.join(missing)}")

    region_level: dict[str, str] = {}
    for region in load_regions(reference_dir):
        region_level.setdefault(region.name, region.level)
    entries: dict[str, list[tuple[bool, int, IndicatorDef]]] = {}
    for order, ind in enumerate(load_indicators(reference_dir).values()):
        for is_synonym, form in [(False, ind.name), *((True, s) for s in ind.synonyms)]:
            entries.setdefault(form, []).append((is_synonym, order, ind))
    return Reference(
        known_regions=sorted(region_level),
        region_level=region_level,
        indicators={form: [ind for _, _, ind in sorted(found, key=lambda e: e[:2])] for form, found in entries.items()},
        spam_lexicon_path=paths["spam_lexicon.txt"].resolve(),
    )


def _plausible_bounds(indicators: pd.DataFrame, ref: Reference) -> tuple[np.ndarray, np.ndarray]:
    """Per indicator row: (min, max) for its indicator at its region's level, NaN when unknown.

    The first indicator the row's indicator names (Reference.indicators) whose unit_base /
    measure (when given) equal the row's gives them. Looked up once per distinct
    combination: a Python object per row and column would cost 150 MB at 400,000 rows.
    """
    keys = indicators.reindex(columns=["indicator", "region", "unit_base", "measure"])
    group = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    lows: list[float] = []
    highs: list[float] = []
    # drop_duplicates keeps first appearances in order: the order ngroup numbers them in
    for ind, region, unit, measure in keys.drop_duplicates().itertuples(index=False):
        low = high = None
        level = ref.region_level.get(_clean(region))
        if level is not None:
            for known in ref.indicators.get(_clean(ind), ()):
                if known.unit_base and known.unit_base != _clean(unit):
                    continue
                if known.measure and known.measure != _clean(measure):
                    continue
                low, high = known.bounds(level)
                break
        lows.append(math.nan if low is None else low)
        highs.append(math.nan if high is None else high)
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
    for the next run and would hold the table validated last until then (at 100 MB of
    pages, through landing)."""
    manager = ctx.data_sources.get(DATASOURCE_NAME).get_execution_engine().batch_manager
    manager.reset_batch_cache()
    manager.batch_data_cache.clear()


def _ensure_data_source(ctx) -> None:
    """Get-or-create the pandas data source and each table's dataframe asset / batch
    definition.

    They are committed in great_expectations.yml, so normally this only reads. If one
    is missing it is created with GX's add_or_update / add calls (which persist it), and
    its table's validation definition and checkpoint are re-bound to it.
    """
    try:
        ds = ctx.data_sources.get(DATASOURCE_NAME)
    except (KeyError, LookupError, ValueError):
        ds = ctx.data_sources.add_or_update_pandas(DATASOURCE_NAME)
    for table in SUITES:
        created = False
        try:
            asset = ds.get_asset(table)
        except (KeyError, LookupError):
            asset = ds.add_dataframe_asset(table)
            created = True
        try:
            batch_definition = asset.get_batch_definition(BATCH_DEFINITION_NAME)
        except (KeyError, LookupError):
            batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
            created = True
        if created:
            _rebind(ctx, table, batch_definition)


def _rebind(ctx, table: str, batch_definition) -> None:
    import great_expectations as gx

    log.warning("GX data asset %r was missing from expectations/gx/great_expectations.yml and was "
                "recreated; commit the regenerated expectations/gx files", table)
    definition = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=table, data=batch_definition, suite=ctx.suites.get(table)))
    checkpoint = ctx.checkpoints.get(table)
    ctx.checkpoints.add_or_update(gx.Checkpoint(name=table, validation_definitions=[definition],
                                                actions=checkpoint.actions, result_format=checkpoint.result_format))


# --------------------------------------------------------------------------- validation frames


@functools.cache
def suite_columns(table: str) -> frozenset[str]:
    """The columns a table's suite and checkpoint read: only these are in its validation
    frame (the passages' original text, for one, is not checked)."""
    gx_dir = GX_PROJECT_ROOT / "gx"
    names: set[str] = {ROW_COLUMN}

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

    suite_json = json.loads((gx_dir / "expectations" / f"{table}.json").read_text("utf-8"))
    visit([e["kwargs"] for e in suite_json["expectations"]])
    checkpoint = json.loads((gx_dir / "checkpoints" / f"{table}.json").read_text("utf-8"))
    names.update(checkpoint["result_format"].get("unexpected_index_column_names", []))
    return frozenset(names)


def input_columns(table: str) -> frozenset[str]:
    """The columns of a table validation_frames() reads: what its suite checks, and what
    the flags and bounds are computed from. A caller may hand it only these."""
    return suite_columns(table) | DERIVED_FROM[table]


def validation_frames(tables: dict[str, pd.DataFrame], *,
                      reference_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Each table (documents, passages, indicators) as its checkpoint validates it: the
    columns its suite reads, compacted, the flags and bounds, and row_number. The tables
    are taken out of `tables`: a caller that hands over its only references to them lets
    each column go as soon as it is compacted."""
    ref = load_reference(reference_dir)
    documents, passages, indicators = (tables.pop(name) for name in ("documents", "passages", "indicators"))
    low, high = _plausible_bounds(indicators, ref)
    # Cross-table ids are checked as flags: a suite parameter listing every id is copied
    # by GX at each step of each expectation (minutes at 100 MB of input).
    indicators = indicators.assign(plausible_min=low, plausible_max=high,
                                   passage_known=_known(indicators, passages, "passage_id"),
                                   doc_known=_known(indicators, documents, "doc_id"))
    passages = passages.assign(doc_known=_known(passages, documents, "doc_id"))
    del low, high
    return {"indicators": _compacted(indicators, "indicators"), "passages": _compacted(passages, "passages"),
            "documents": _compacted(documents, "documents")}


def _compacted(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The columns the table's suite reads, compacted one at a time, each dropped once
    done: when the caller has let go of the table, its own columns are not all held until
    the end (the passages' text: 100 MB at 100 MB of pages)."""
    keep = suite_columns(table)
    frame = frame.copy(deep=False)   # the caller's frame keeps its columns
    columns = {ROW_COLUMN: np.arange(len(frame), dtype=np.int64)}
    for name in [c for c in frame.columns if c in keep]:
        columns[name] = _compact(frame.pop(name).reset_index(drop=True))
    return pd.DataFrame(columns, copy=False)


def _compact(column: pd.Series) -> pd.Series:
    """Strings as categories, flags as booleans. A row_condition filters a copy of the
    frame, and GX hashes the frame for its batch: copies and hashes of a category column
    touch its codes (4 bytes a row), not its strings (validation of the 100 MB bench
    tables: 15 s instead of 45)."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "string":
        column = column.astype("category")
        # Converting leaves a hash table of the categories, as Python strings, cached on
        # their Index; nothing looks categories up after it (the passages' text: 90 MB at
        # 100 MB of pages, held through validation). pandas rebuilds it if ever needed;
        # the cache is pandas' internals, so a pandas without it only costs the memory.
        getattr(column.cat.categories, "_cache", {}).pop("_engine", None)
        return column
    if kind == "boolean":   # True/False, with NaN where a row lacks the value
        return column.astype("boolean")
    return column


def _known(rows: pd.DataFrame, table: pd.DataFrame, column: str) -> pd.Series:
    """Whether each row's `column` value is an id of `table` (False for a missing id)."""
    if column not in rows:
        return pd.Series(False, index=rows.index)
    ids = table[column] if column in table else pd.Series([], dtype=object)
    return rows[column].isin(ids.dropna()) & rows[column].notna()


# --------------------------------------------------------------------------- results


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


def validate_tables(
    documents: pd.DataFrame,
    passages: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    docs_dir: Path,
    run_id: str,
    reference_dir: Path | None = None,
    history_runs: int | None = None,
) -> ValidationReport:
    """Validate the three tables, each with its checkpoint, and update the Data Docs in docs_dir."""
    frames = validation_frames({"documents": documents, "passages": passages, "indicators": indicators},
                               reference_dir=reference_dir)
    return validate_frames(frames, docs_dir=docs_dir, run_id=run_id, reference_dir=reference_dir,
                           history_runs=history_runs)


def validate_frames(
    frames: dict[str, pd.DataFrame],
    *,
    docs_dir: Path,
    run_id: str,
    reference_dir: Path | None = None,
    history_runs: int | None = None,
) -> ValidationReport:
    """Run each table's checkpoint over its validation_frames() frame, and update the
    Data Docs in docs_dir. The frames are taken out of `frames`, each dropped once validated.

    docs_dir holds the Data Docs site (index.html) and GX's results store (_gx_runtime/):
    the results and pages of the last `history_runs` runs, this one included (default:
    as configured in great_expectations.yml). reference_dir defaults to
    transforms/reference (regions.csv, indicators.csv, spam_lexicon.txt).
    """
    ref = load_reference(reference_dir)
    regions = frames["indicators"]["region"].dropna().unique()
    names = frames["indicators"]["indicator"].dropna().unique()
    parameters = {
        # only the gazetteer and dictionary names the rows use: the same verdict, and GX
        # copies a suite parameter at every step (3,500 regions, 17,300 names cost seconds)
        "known_regions": sorted(set(ref.known_regions).intersection(regions)),
        "known_indicators": sorted(set(indicator_names()).intersection(names)),
        "known_unit_bases": known_unit_bases(),
        "spam_lexicon_path": str(ref.spam_lexicon_path),
    }

    docs = Path(docs_dir).resolve()
    with _lock:  # GX 1.x checkpoints must not run in parallel threads
        ctx = open_context(docs)
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        from . import data_docs

        keep = history_runs if history_runs is not None else configured_history_runs(ctx)
        data_docs.prune_history(docs, docs / RUNTIME_SUBDIR / "validations", keep - 1)
        # one run id for the three checkpoints: the site lists their results as one run
        run = RunIdentifier(run_name=str(run_id), run_time=datetime.now(timezone.utc))
        results = {}
        try:
            for table in SUITES:
                checkpoint_result = ctx.checkpoints.get(table).run(
                    batch_parameters={"dataframe": frames.pop(table)},
                    expectation_parameters=parameters,
                    run_id=run,
                )
                _release_batches(ctx)
                (key, result), = checkpoint_result.run_results.items()
                results[table] = key, result
        finally:
            _release_batches(ctx)
        ctx.build_data_docs(site_names=[DATA_DOCS_SITE],
                            resource_identifiers=[key for key, _ in results.values()]
                            + [ExpectationSuiteIdentifier(name=table) for table in SUITES])
        data_docs.make_offline(docs)

    suites: list[SuiteResult] = []
    failed_rows: dict[str, set[str]] = {}
    for table in SUITES:
        suite, rows = _suite_result(table, results[table][1])
        suites.append(suite)
        if table == "indicators":
            failed_rows = rows
    return ValidationReport(
        # a run fails on a critical expectation only; a warning is reported
        success=not any(not er.success and _is_critical(er) for _, result in results.values() for er in result.results),
        suites=suites,
        failed_rows={k: sorted(v) for k, v in sorted(failed_rows.items())},
        docs_index=str(docs / "index.html"),
        run_id=str(run_id),
    )


def configured_history_runs(ctx) -> int:
    """Runs the Data Docs keep: the site's validation_results_limit over the results a
    run writes (one a table)."""
    site = ctx.variables.data_docs_sites[DATA_DOCS_SITE]
    return max(1, int(site["site_index_builder"]["validation_results_limit"]) // len(SUITES))


def _suite_result(table: str, vr) -> tuple[SuiteResult, dict[str, set[str]]]:
    """A table's result, and its failing rows (key -> names of the expectations failed)."""
    key_column = KEY_COLUMN[table]
    bad_rows: set[int] = set()
    failed_rows: dict[str, set[str]] = {}
    failed_names: list[str] = []
    warnings: list[str] = []
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for er in vr.results:
        name = _expectation_name(er.expectation_config)
        if er.success:
            continue
        failed_names.append(name)
        # a warning is reported with its rows; only a critical failure sends them to quarantine
        quarantines = _is_critical(er)
        if not quarantines:
            warnings.append(name)
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
            if quarantines:
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
    suite = SuiteResult(
        suite=table,
        evaluated=int(stats.get("evaluated_expectations", len(vr.results))),
        failed=len(failed_names),
        failed_expectations=sorted(failed_names),
        unexpected_rows=len(bad_rows),
        unexpected_counts=dict(sorted(counts.items())),
        examples=dict(sorted(examples.items())),
        warnings=sorted(warnings),
    )
    return suite, failed_rows


def _is_critical(er) -> bool:
    return str(getattr(er.expectation_config.severity, "value", "critical")) == "critical"


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
