"""The gaoxin flow: one Prefect task per stage over a chunk of documents.

Pages stream through the stages a chunk at a time (never a task per document: each task
run costs Prefect bookkeeping). The page-wise stages of the next chunks run ahead (on
the workers of a Dask task runner, if one is used) while deduplication, which must see
the pages in order, takes the current chunk in this process; each chunk's rows become
table rows as soon as it is extracted, and its pages are dropped. So the process never
holds the whole corpus as Python objects. Validation and landing see the whole tables.
The stages are transforms.stages, one task each; tasks only wire them together, log
and do I/O. What a run keeps of the warehouse is transforms.incremental.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from datetime import datetime, timezone
from functools import cache, partial
from pathlib import Path

import pandas as pd
import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import warehouse as wh
from flows.progress import Progress
from flows.raw import list_pages, removed_pages
from flows.report import VALIDATION_FILE
from transforms import incremental as inc
from transforms import tables as T
from transforms.document import Document
from transforms.stages import STAGE_NAMES, page_stages

# Stage tasks hand chunks of pages along: hashing them for a cache key or persisting
# them would cost more than the stage itself.
stage = partial(task, cache_policy=NO_CACHE, persist_result=False)


@stage(name="ingest")
def ingest(raw_dir: str, previous: dict[str, tuple[str, str | None]]) -> tuple[list[Document], list[str], list[str]]:
    """Read raw/ (a directory or an fsspec URL; never modified). `previous`: name ->
    (doc_id, dup_of) as landed. Returns the new or changed documents, the unchanged
    names and every name present. A file with the bytes of a file before it in name
    order is that file's duplicate (dup_of); a page is unchanged when its bytes and
    what it duplicates are."""
    fs, pages = list_pages(raw_dir)
    docs, unchanged, first_copy = [], [], {}
    for name, path in pages:
        data = fs.cat_file(path)
        doc_id = T.content_id(data)
        dup_of = first_copy.setdefault(doc_id, name)
        dup_of = None if dup_of == name else dup_of
        if previous.get(name) == (doc_id, dup_of):
            unchanged.append(name)
        else:
            docs.append(Document(doc=name, doc_id=doc_id, raw=data, dup_of=dup_of))
    return docs, unchanged, [name for name, _ in pages]


class Batch:
    """A chunk of documents handed from stage to stage, with the seconds each stage spent
    on it. A plain object on purpose: Prefect walks lists and dataclasses passed to tasks
    looking for futures, every passage of every page, and a namedtuple such as prefect's
    quote() is taken apart by Dask."""
    __slots__ = ("docs", "seconds")

    def __init__(self, docs: list[Document], seconds: dict[str, float] | None = None):
        self.docs = docs
        self.seconds = seconds or {}

    def __getstate__(self):
        return self.docs, self.seconds

    def __setstate__(self, state):
        self.docs, self.seconds = state


def _stage_task(name: str):
    """The task of a page-wise stage (transforms.stages): the stage over a Batch,
    recording its own time (with chunks in flight at once, wall time per stage is not
    defined)."""
    def run(batch: Batch, step) -> Batch:
        t0 = time.perf_counter()
        docs = step(batch.docs)
        return Batch(docs, {**batch.seconds, name: time.perf_counter() - t0})
    run.__name__ = run.__qualname__ = name   # Prefect keys a task by its function's qualified name
    return stage(name=name)(run)


STAGE_TASKS = {name: _stage_task(name) for name in STAGE_NAMES}


@stage(name="validation_frames")
def frames_for_validation(landing: wh.Landing) -> dict[str, pd.DataFrame]:
    """Each table's validation frame, from the tables as written (only the columns it reads)."""
    from expectations.validate import input_columns, validation_frames

    def read(file: str, table: str, schema: pa.Schema) -> pd.DataFrame:
        wanted = input_columns(table)
        return landing.read(file, [name for name in schema.names if name in wanted])
    return validation_frames({"documents": read("documents", "documents", T.DOCUMENTS),
                              "passages": read("passages", "passages", T.PASSAGES),
                              "indicators": read(UNVALIDATED, "indicators", T.INDICATORS)})


@stage(name="validate")
def validate(frames: dict[str, pd.DataFrame], landing: wh.Landing, run_id: str) -> dict:
    """The checkpoints over the frames (taken out of `frames`); the Data Docs are built
    in the landing's docs directory, published only when the version goes live."""
    from expectations.validate import validate_frames   # GX import is slow: only here
    return validate_frames(frames, docs_dir=landing.docs_dir(), run_id=run_id).as_dict()


@stage(name="land")
def land(landing: wh.Landing, frames: dict) -> None:
    """Write tables into the version being landed (not read by anyone before commit)."""
    for table, (df, schema, *prepare) in frames.items():
        landing.write(table, df, schema, *prepare)


UNVALIDATED = "unvalidated-indicators"   # the indicator rows before the checkpoint's verdicts


@stage(name="land")
def land_validated(landing: wh.Landing, failed_rows: dict[str, list[str]]) -> tuple[int, pd.DataFrame]:
    """The unvalidated rows, a row group at a time, into the indicators table when they
    passed validation, else into quarantine. Returns the rows landed and the quarantine."""
    quarantined = []

    def passed():
        for part in landing.read_back(UNVALIDATED):
            passed_rows, failed = T.split_quarantine(part, failed_rows)
            quarantined.append(failed)
            yield passed_rows
    landed = landing.write_parts("indicators", passed(), T.INDICATORS)
    landing.remove(UNVALIDATED)
    return landed, inc.concat(T.QUARANTINE, *quarantined)


@stage(name="commit")
def commit(landing: wh.Landing, validation: dict) -> dict:
    """Add the report page to the version's Data Docs and switch the warehouse to the
    landed version, Data Docs and page with it. Returns the validation report as landed
    (with where its pages will be opened)."""
    from flows.marts import mart_models
    from flows.report_html import REPORT_PAGE, write_report_page
    report = {k: v for k, v in validation.items() if k != "failed_rows"}
    report["docs_index"] = landing.docs_url()
    report["report_page"] = landing.docs_url(REPORT_PAGE)
    with landing.connect(mart_models()) as con:
        write_report_page(con, report, landing.docs_dir() / REPORT_PAGE)
    landing.commit({VALIDATION_FILE: json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True)})
    landing.store.write_views(mart_models())
    return report


@stage(name="land")
def carry_over(landing: wh.Landing, tables: tuple[str, ...]) -> None:
    """The live version's tables into the version being landed, as they are."""
    for table in tables:
        landing.carry(table)


@stage(name="commit")
def commit_carried(landing: wh.Landing, validation_json: str) -> None:
    """Switch to a version whose tables were carried over, with the validation result
    of the run that validated them (its Data Docs are in place already)."""
    from flows.marts import mart_models
    landing.commit({VALIDATION_FILE: validation_json})
    landing.store.write_views(mart_models())


CHUNK_SIZE = 200      # documents per task run of a page-wise stage
CHUNKS_AHEAD = 0      # chunks cleaned (or extracted) ahead of the one being deduplicated: on
                      # threads they would only contend for the GIL; a Dask run sets one per worker
VERSIONED_SUFFIXES = {".py", ".csv", ".txt", ".json", ".sql", ".yml"}
# What a run on unchanged pages carries over from the live version (runs gains a row).
CARRIED_TABLES = tuple(t for t in wh.TABLES if t != "runs")
SCHEMAS = {"documents": T.DOCUMENTS, "passages": T.PASSAGES, "articles": T.ARTICLES, "indicators": T.INDICATORS}


class Run:
    """One run of the flow: where it lands, its id once named, and the time per stage."""

    def __init__(self, store: wh.Warehouse, bar: Progress):
        self.store, self.bar = store, bar
        self.started = datetime.now(timezone.utc)
        self.version = pipeline_version()
        self.timings: dict[str, float] = {}
        self.id = ""

    def timed(self, name: str, fn, *args):
        """A task called with its time added to the stage's (some stages are several steps)."""
        self.bar.note(name)
        t0 = time.perf_counter()
        result = fn(*[quote(a) for a in args])   # quote(): Prefect would walk every passage looking for futures
        self.timings[name] = round(self.timings.get(name, 0) + time.perf_counter() - t0, 3)
        return result

    def row(self, counts: dict, validation_success: bool) -> dict:
        return inc.run_row(self.id, self.started.isoformat(timespec="seconds"),
                           datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           counts, validation_success, self.version)


@flow(name="gaoxin", log_prints=False)
def gaoxin_flow(raw: str = "raw", warehouse: str = "warehouse", progress: bool = False,
                chunk_size: int = CHUNK_SIZE, chunks_ahead: int = CHUNKS_AHEAD, allow_shrink: bool = False) -> dict:
    """Ingest raw/ into warehouse/: the whole pipeline, one task per stage and chunk.
    Pages gone from raw/ are removed from the tables, but not more than half of what the
    warehouse holds unless `allow_shrink` (flows.raw.removed_pages)."""
    _use_system_memory_pool()
    logger = get_run_logger()
    run = Run(wh.Warehouse(warehouse), Progress(enabled=progress))
    store = run.store
    with store.exclusive():
        documents, runs = store.read_table("documents", T.DOCUMENTS), store.read_table("runs", T.RUNS)
        comparable = _comparable(documents, runs, run.version)
        docs, unchanged, present = run.timed("ingest", ingest, raw, inc.landed_pages(comparable))
        removed = removed_pages(documents["doc"].tolist(), present, raw, allow_shrink)
        logger.info("ingest: %d new or changed, %d unchanged, %d removed", len(docs), len(unchanged), len(removed))
        kept_docs = inc.kept_documents(comparable, unchanged)
        run.id = T.run_id_for(sorted(set(kept_docs["doc_id"]) | {d.doc_id for d in docs}), seq=len(runs) + 1)

        validated = store.read_text(VALIDATION_FILE)
        if not docs and not removed and validated is not None and store.holds(CARRIED_TABLES):
            report, quarantine, counts = _carry_over(run, validated, kept_docs, unchanged, runs)
            logger.info("no page changed since %s: its tables and validation are carried over", report["run_id"])
        else:
            kept = inc.kept_rows(kept_docs, *(store.read_table(t, s) for t, s in (
                ("passages", T.PASSAGES), ("articles", T.ARTICLES), ("indicators", T.INDICATORS),
                ("quarantine", T.QUARANTINE))))
            chunks = deque(docs[i:i + chunk_size] for i in range(0, len(docs), chunk_size))
            del docs   # the chunks hold the pages now, and drop them as they are done
            rows = _through_page_stages(run, chunks, kept.prior, chunks_ahead)
            tables = {t: inc.merged(t, schema, getattr(kept, t), rows.parts.pop(t)) for t, schema in SCHEMAS.items()}
            del kept
            _return_freed_memory()
            report, quarantine, counts = _validate_and_land(run, tables, rows.accepted, unchanged, removed, runs)
        run.bar.stop()
    _publish_report(report, quarantine)
    logger.info("landed %s: %s", run.id, json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return {"run_id": run.id, "counts": counts, "timings": run.timings, "validation": report, "warehouse": str(store)}


def _use_system_memory_pool() -> None:
    """Arrow's default pool (mimalloc) keeps what the chunks' table rows and the final
    sort free; from the system pool, malloc_trim hands it back before validation (peak at
    100 MB of pages: 1.96 GB -> 1.77 GB)."""
    pa.set_memory_pool(pa.system_memory_pool())


def _comparable(documents: pd.DataFrame, runs: pd.DataFrame, version: str) -> pd.DataFrame:
    """The landed documents whose rows this run may keep: none when the pipeline changed
    (rows landed by other code or reference data would stay as they were)."""
    landed_by = inc.last_version(runs)
    if len(documents) and landed_by != version:
        get_run_logger().info("the pipeline changed since the last run (%s -> %s): every page is processed again",
                              landed_by, version)
        return documents.iloc[0:0]
    return documents


class TableRows:
    """The extracted chunks' table rows (pages are dropped as soon as they are here)."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.parts: dict[str, list[pd.DataFrame]] = {t: [] for t in SCHEMAS}
        self.pages = 0
        self.accepted = 0

    def add(self, docs: list[Document]) -> None:
        self.parts["documents"].append(T.documents_frame(docs))
        self.parts["passages"].append(T.passages_frame(docs))
        self.parts["articles"].append(T.articles_frame(docs))
        self.parts["indicators"].append(T.indicators_frame(docs, self.run_id))
        self.pages += len(docs)
        self.accepted += sum(1 for d in docs if d.accepted)


def _through_page_stages(run: Run, chunks: deque, prior: list, ahead: int) -> TableRows:
    """Each chunk through the page-wise stages, its table rows kept and its pages dropped.
    The cleaning stages and extract are submitted, `ahead` chunks in flight while this
    process deduplicates one: dedup is called here, on the chunks in page order. Chunks
    are taken off the queue as they are submitted (their raw bytes go with them)."""
    t0 = time.perf_counter()
    *cleaning, dedup, extract = page_stages(prior)
    del prior   # the index holds what it needs of the kept passages
    seconds = {name: 0.0 for name in STAGE_NAMES}
    seconds[dedup.__name__] = time.perf_counter() - t0
    rows = TableRows(run.id)
    run.bar.start(sum(len(c) for c in chunks))

    def cleaned():
        in_flight: deque = deque()
        while chunks:
            future = Batch(chunks.popleft())
            for step in cleaning:
                future = STAGE_TASKS[step.__name__].submit(future, step)
            in_flight.append(future)
            if len(in_flight) > ahead:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def collect(future) -> None:
        batch = future.result()
        for name, secs in batch.seconds.items():
            seconds[name] += secs
        rows.add(batch.docs)
        run.bar.advance("pages", rows.pages)

    extracting: deque = deque()
    for batch in cleaned():
        deduplicated = STAGE_TASKS[dedup.__name__](quote(batch), quote(dedup))
        extracting.append(STAGE_TASKS[extract.__name__].submit(deduplicated, extract))
        if len(extracting) > ahead:
            collect(extracting.popleft())
    while extracting:
        collect(extracting.popleft())
    run.timings.update({name: round(secs, 3) for name, secs in seconds.items()})
    return rows


def _validate_and_land(run: Run, tables: dict[str, pd.DataFrame], ingested: int, unchanged: list[str],
                       removed: list[str], runs: pd.DataFrame) -> tuple[dict, pd.DataFrame, dict]:
    """Every table is written into the new version (live only at commit) before the
    checkpoint runs, the indicators as they are, and the frames are dropped: the
    validation frame is read from the files, and no table is held through validation.
    Then the rows validation passed become the indicators table, the rest quarantine.
    Returns the validation report, the quarantine and the counts."""
    landing = run.store.begin_landing(run.id)
    documents = tables["documents"]
    passage_counts = tables["passages"]["removed"].value_counts(dropna=False).to_dict()
    run.timed("land", land, landing, {"documents": (documents, T.DOCUMENTS),
                                      "passages": (tables.pop("passages"), T.PASSAGES, T.with_originals),
                                      "articles": (tables.pop("articles"), T.ARTICLES),
                                      UNVALIDATED: (tables.pop("indicators"), T.INDICATORS)})
    _return_freed_memory()
    frames = run.timed("validate", frames_for_validation, landing)
    _return_freed_memory()   # what reading the tables back left
    report = run.timed("validate", validate, frames, landing, run.id)
    del frames
    _return_freed_memory()   # what validation freed
    landed, quarantine = run.timed("land", land_validated, landing, report["failed_rows"])
    counts = inc.run_counts(documents, passage_counts, landed, len(quarantine), ingested, len(unchanged), len(removed))
    run.timed("land", land, landing, {"quarantine": (quarantine, T.QUARANTINE),
                                      "runs": (inc.with_run(runs, run.row(counts, report["success"])), T.RUNS)})
    return {**report, **run.timed("land", commit, landing, report)}, quarantine, counts


def _carry_over(run: Run, validated: str, documents: pd.DataFrame, unchanged: list[str],
                runs: pd.DataFrame) -> tuple[dict, pd.DataFrame, dict]:
    """A run on unchanged pages: a new version with the live tables as they are and this
    run added to `runs`, the validation result and Data Docs of the run that landed
    them. Returns that validation report, the quarantine and the counts."""
    store, report = run.store, json.loads(validated)
    landing = store.begin_landing(run.id)
    run.timed("land", carry_over, landing, CARRIED_TABLES)
    quarantine = store.read_table("quarantine", T.QUARANTINE)
    passage_counts = store.read_table("passages", T.PASSAGES, columns=["removed"])["removed"] \
        .value_counts(dropna=False).to_dict()
    landed = len(store.read_table("indicators", T.INDICATORS, columns=["indicator_id"]))
    counts = inc.run_counts(documents, passage_counts, landed, len(quarantine), 0, len(unchanged), 0)
    run.timed("land", land, landing, {"runs": (inc.with_run(runs, run.row(counts, report["success"])), T.RUNS)})
    run.timed("land", commit_carried, landing, validated)
    return report, quarantine, counts


@cache
def pipeline_version() -> str:
    """A hash of what the rows come from: the transforms, their reference data and the
    expectation suites. Pages landed by another version are processed again."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in ("transforms", "expectations"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in VERSIONED_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _return_freed_memory() -> None:
    """Hand freed memory back to the OS (glibc keeps it otherwise, and the process would
    carry one step's peak into the next): between the pages, the tables, the validation
    frame and validation."""
    import ctypes
    import ctypes.util
    import gc
    gc.collect()
    path = ctypes.util.find_library("c")
    libc = ctypes.CDLL(path) if path else None
    if libc is not None and hasattr(libc, "malloc_trim"):   # glibc only
        libc.malloc_trim(0)


def _share_embedded_api() -> None:
    """Dask workers are other processes: without an API URL each would start an embedded
    Prefect server of its own. Start the embedded one here and point them all at it."""
    import os

    from prefect.settings import PREFECT_API_URL
    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer
    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url


def with_dask(workers: int = 2, address: str | None = None):
    """The flow on a Dask cluster: a local one of `workers` processes, or the scheduler at
    `address` (tcp://host:8786). Page-wise chunks then run on the workers."""
    from prefect_dask import DaskTaskRunner
    _share_embedded_api()
    if address:
        runner = DaskTaskRunner(address=address)
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                                "processes": True, "dashboard_address": None})
    return gaoxin_flow.with_options(task_runner=runner)


def _publish_report(validation: dict, quarantine: pd.DataFrame) -> None:
    """The data-quality summary as a markdown artifact of the run, the quarantine sample
    as a table, the report page (indicators over time) as a link. Called once the run's
    version is live."""
    from flows.report import report_markdown, worst_quarantined
    sample = worst_quarantined(quarantine, limit=20)
    create_markdown_artifact(report_markdown(validation, sample), key="gaoxin-data-quality",
                             description="Validation of this run")
    if sample:
        create_table_artifact([{k: str(v) for k, v in row.items()} for row in sample],
                              key="gaoxin-quarantine-sample", description="Worst quarantined rows")
    create_link_artifact(_openable(validation["report_page"]), link_text="Indicators over time, per region",
                         key="gaoxin-report", description="Charts of the main indicators of each region")


def _openable(location: str) -> str:
    """A link a browser opens: URLs as they are, a local path as a file:// URI (through
    the data_docs link, so it shows the live version)."""
    return location if "://" in location else Path(location).absolute().as_uri()
