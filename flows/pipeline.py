"""The gaoxin flow: one Prefect task per stage over a chunk of documents.

Pages stream through the stages a chunk at a time (never a task per document: each task
run costs Prefect bookkeeping). The page-wise stages of the next chunks run ahead (on
the workers of a Dask task runner, if one is used) while deduplication, which must see
the pages in order, takes the current chunk in this process; each chunk's rows become
table rows as soon as it is extracted, and its pages are dropped. So the process never
holds the whole corpus as Python objects. Validation and landing see the whole tables.
Tasks only wire transforms together, log and do I/O.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from dataclasses import replace
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
from transforms import tables as T
from transforms.decode import decode_bytes
from transforms.dedup import Candidate, DuplicateIndex
from transforms.document import Document
from transforms.extract import describe_articles, extract_document
from transforms.periods import document_year
from transforms.segment import assign_articles, page_lines, repair_layout, split_passages
from transforms.strip_spam import classify_lines
from transforms.to_simplified import detect_script, normalize_text, to_simplified

# Arrow's default pool (mimalloc) keeps what the chunks' table rows and the final sort
# free; from the system pool, malloc_trim hands it back before validation (peak at 100 MB
# of pages: 1.96 GB -> 1.77 GB).
pa.set_memory_pool(pa.system_memory_pool())

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


def page_stage(name: str):
    """A stage over a chunk of documents (docs, *args -> docs) as a task over a Batch
    that records the stage's own time: with chunks in flight at once, wall time per
    stage is not defined."""
    def wrap(step):
        def run(batch: Batch, *args) -> Batch:
            t0 = time.perf_counter()
            docs = step(batch.docs, *args)
            return Batch(docs, {**batch.seconds, name: time.perf_counter() - t0})
        # the step's own name: Prefect keys a task by its function's qualified name
        run.__name__, run.__qualname__, run.__doc__ = step.__name__, step.__qualname__, step.__doc__
        return stage(name=name)(run)
    return wrap


def _accepted_only(docs: list[Document], step) -> list[Document]:
    """Apply a page step to the accepted documents; rejected ones pass through."""
    return [step(d) if d.accepted else d for d in docs]


@page_stage("decode")
def decode(docs: list[Document]) -> list[Document]:
    out = []
    for d in docs:
        result = decode_bytes(d.raw)
        if result.text is None:
            out.append(replace(d, raw=None, status="rejected", reason=result.reason))
        elif d.dup_of is not None:
            # its passages are those of its first copy: it is not segmented or extracted
            out.append(replace(d, raw=None, status="duplicate", reason=f"the same bytes as {d.dup_of}",
                               encoding=result.encoding, n_chars=len(normalize_text(result.text))))
        else:
            text = normalize_text(result.text)
            out.append(replace(d, raw=None, encoding=result.encoding, text=text, n_chars=len(text)))
    return out


def _to_simplified(d: Document) -> Document:
    simplified = to_simplified(d.text)
    if len(simplified) != len(d.text):
        # a phrase conversion changed the length: convert line by line so lines still align
        simplified = "\n".join(to_simplified(line) for line in d.text.split("\n"))
    year, pub_date = document_year(simplified)
    return replace(d, simplified=simplified, script=detect_script(d.text, simplified),
                   year=year, pub_date=pub_date)


@page_stage("to_simplified")
def convert(docs: list[Document]) -> list[Document]:
    return _accepted_only(docs, _to_simplified)


def _classified_passages(d: Document) -> Document:
    lines = page_lines(d.text, d.simplified)
    return replace(d, passages=split_passages(lines, classify_lines([line.text for line in lines])))


@page_stage("strip_spam")
def strip_spam(docs: list[Document]) -> list[Document]:
    return _accepted_only(docs, _classified_passages)


@page_stage("segment")
def segment(docs: list[Document]) -> list[Document]:
    # the passages now hold every line (original and simplified): free the page copies
    return _accepted_only(docs, lambda d: replace(
        d, passages=assign_articles(repair_layout(d.passages)), text=None, simplified=None))


CLEANING = (decode, convert, strip_spam, segment)


@page_stage("deduplicate")
def deduplicate(docs: list[Document], index: DuplicateIndex) -> list[Document]:
    """Within pages, across pages and against passages landed by earlier runs. Runs in
    the flow's process, chunk after chunk in page order: `index` holds the passages kept
    so far, and this chunk's kept passages join it."""
    dup_of = index.find([Candidate(T.passage_id(d.doc_id, p.seq), d.doc_id, p.text)
                         for d in docs if d.accepted for p in d.passages if not p.removed])
    out = []
    for d in docs:
        passages = []
        for p in d.passages:
            target = dup_of.get(T.passage_id(d.doc_id, p.seq))
            if target is not None:
                same_doc = target.startswith(d.doc_id + "-")
                p = replace(p, removed="duplicate", rule="dedup", dup_of_id=target,
                            dup_of=int(target.rsplit("-", 1)[1]) if same_doc else None)
            passages.append(p)
        out.append(replace(d, passages=passages))
    return out


@page_stage("extract")
def extract(docs: list[Document]) -> list[Document]:
    return _accepted_only(docs, lambda d: replace(
        d, indicators=extract_document(d.passages, d.year), articles=describe_articles(d.passages)))


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
    return landed, _concat(T.QUARANTINE, *quarantined)


@stage(name="commit")
def commit(landing: wh.Landing, validation: dict) -> dict:
    """Add the report page to the version's Data Docs and switch the warehouse to the
    landed version, Data Docs and page with it. Returns the validation report as landed
    (with where its pages will be opened)."""
    from flows.marts import mart_models
    from flows.report import VALIDATION_FILE
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
PAGE_STAGES = ("decode", "to_simplified", "strip_spam", "segment", "deduplicate", "extract")


def _cleaned(chunks: deque, ahead: int):
    """Each chunk through decode..segment, yielded in order. Each stage's future is handed
    to the next stage, and `ahead` chunks are in flight while the caller works on one.
    Chunks are taken off the queue as they are submitted (their raw bytes go with them)."""
    in_flight: deque = deque()
    while chunks:
        future = Batch(chunks.popleft())
        for stage_task in CLEANING:
            future = stage_task.submit(future)
        in_flight.append(future)
        if len(in_flight) > ahead:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


class TableRows:
    """The extracted chunks' table rows (pages are dropped as soon as they are here)."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.parts: dict[str, list[pd.DataFrame]] = {"documents": [], "passages": [], "articles": [], "indicators": []}
        self.pages = 0
        self.accepted = 0

    def add(self, docs: list[Document]) -> None:
        self.parts["documents"].append(T.documents_frame(docs))
        self.parts["passages"].append(T.passages_frame(docs))
        self.parts["articles"].append(T.articles_frame(docs))
        self.parts["indicators"].append(T.indicators_frame(docs, self.run_id))
        self.pages += len(docs)
        self.accepted += sum(1 for d in docs if d.accepted)

    def frame(self, name: str, schema, kept: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """This run's rows after the rows kept from earlier runs, in the table's order."""
        return T.sort_table(_concat(schema, kept, *self.parts.pop(name)), keys)


@flow(name="gaoxin", log_prints=False)
def gaoxin_flow(raw: str = "raw", warehouse: str = "warehouse", progress: bool = False,
                chunk_size: int = CHUNK_SIZE, chunks_ahead: int = CHUNKS_AHEAD, allow_shrink: bool = False) -> dict:
    """Ingest raw/ into warehouse/: the whole pipeline, one task per stage and chunk.
    Pages gone from raw/ are removed from the tables, but not more than half of what the
    warehouse holds unless `allow_shrink` (flows.raw.removed_pages)."""
    logger = get_run_logger()
    started = datetime.now(timezone.utc)
    timings: dict[str, float] = {}
    bar = Progress(enabled=progress)
    store = wh.Warehouse(warehouse)

    def timed(name, fn, *args, **kwargs):
        bar.note(name)
        t0 = time.perf_counter()
        # quote(): Prefect would otherwise walk every passage of the batch looking for futures
        result = fn(*[quote(a) for a in args], **{k: quote(v) for k, v in kwargs.items()})
        timings[name] = round(timings.get(name, 0) + time.perf_counter() - t0, 3)   # some stages are steps
        return result

    with store.exclusive():
        prev_docs = store.read_table("documents", T.DOCUMENTS)
        prev_runs = store.read_table("runs", T.RUNS)
        landed_names = prev_docs["doc"].tolist()
        version = pipeline_version()
        landed_by = prev_runs.sort_values("finished_at")["pipeline_version"].iloc[-1] if len(prev_runs) else None
        if len(prev_docs) and landed_by != version:
            # rows landed by other code or reference data would stay as they were: redo every page
            logger.info("the pipeline changed since the last run (%s -> %s): every page is processed again",
                        landed_by, version)
            prev_docs = prev_docs.iloc[0:0]
        previous = {doc: (doc_id, None if pd.isna(dup_of) else dup_of)
                    for doc, doc_id, dup_of in zip(prev_docs["doc"], prev_docs["doc_id"], prev_docs["dup_of"])}

        docs, unchanged, present = timed("ingest", ingest, raw, previous)
        removed = removed_pages(landed_names, present, raw, allow_shrink)
        logger.info("ingest: %d new or changed, %d unchanged, %d removed", len(docs), len(unchanged), len(removed))
        kept_docs = prev_docs[prev_docs["doc"].isin(unchanged)]
        # the rows of passages, articles and indicators belong to a content, not a file name
        keep_ids = set(kept_docs.loc[kept_docs["dup_of"].isna(), "doc_id"])
        run_id = T.run_id_for(sorted(set(kept_docs["doc_id"]) | {d.doc_id for d in docs}), seq=len(prev_runs) + 1)

        def runs_table(counts: dict, validation_success: bool) -> pd.DataFrame:
            """The runs table: every earlier run, then this one."""
            return T.sort_table(_concat(T.RUNS, prev_runs, T.frame([{
                "run_id": run_id, "started_at": started.isoformat(timespec="seconds"),
                "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "status": "completed", "counts": json.dumps(counts, ensure_ascii=False, sort_keys=True),
                "validation_success": validation_success, "pipeline_version": version,
            }], T.RUNS)), ["started_at", "run_id"])

        validated = store.read_text(VALIDATION_FILE)
        if not docs and not removed and validated is not None and store.holds(CARRIED_TABLES):
            # nothing changed: the tables, their validation and Data Docs are those landed
            report, quarantine, counts = _carry_over(store, run_id, validated, kept_docs, unchanged, runs_table, timed)
            logger.info("no page changed since %s: its tables and validation are carried over", report["run_id"])
            bar.stop()
            return _finish(run_id, report, quarantine, counts, timings, store)

        prev_passages = store.read_table("passages", T.PASSAGES)
        prev_indicators = store.read_table("indicators", T.INDICATORS)
        prev_quarantine = store.read_table("quarantine", T.QUARANTINE)
        prev_articles = store.read_table("articles", T.ARTICLES)
        kept_prev = prev_passages[prev_passages["doc_id"].isin(keep_ids)]
        prior = kept_prev[kept_prev["removed"].isna()]

        t0 = time.perf_counter()
        index = DuplicateIndex([Candidate(*row) for row in zip(prior["passage_id"], prior["doc_id"], prior["text"])])
        seconds = {name: 0.0 for name in PAGE_STAGES}
        seconds["deduplicate"] = time.perf_counter() - t0
        rows = TableRows(run_id)
        bar.start(len(docs))
        chunks = deque(docs[i:i + chunk_size] for i in range(0, len(docs), chunk_size))
        del docs, prior   # the chunks hold the pages now, and drop them as they are done
        extracting: deque = deque()

        def collect(future) -> None:
            batch = future.result()
            for name, secs in batch.seconds.items():
                seconds[name] += secs
            rows.add(batch.docs)
            bar.advance("pages", rows.pages)

        for cleaned in _cleaned(chunks, chunks_ahead):
            # deduplicate is called, not submitted: here, in page order
            extracting.append(extract.submit(deduplicate(cleaned, index)))
            if len(extracting) > chunks_ahead:
                collect(extracting.popleft())
        while extracting:
            collect(extracting.popleft())
        cleaned = index = None   # the last chunk's pages and the kept passages' sketches
        timings.update({name: round(secs, 3) for name, secs in seconds.items()})

        documents = rows.frame("documents", T.DOCUMENTS, kept_docs, ["doc", "doc_id"])
        passages = rows.frame("passages", T.PASSAGES, kept_prev, ["doc_id", "seq"])
        articles = rows.frame("articles", T.ARTICLES, prev_articles[prev_articles["doc_id"].isin(keep_ids)],
                              ["doc_id", "article_id"])
        old_rows = _concat(T.INDICATORS, prev_indicators, prev_quarantine.drop(columns=["failed_expectations"]))
        indicators = rows.frame("indicators", T.INDICATORS, old_rows[old_rows["doc_id"].isin(keep_ids)],
                                ["doc", "passage_id", "char_start", "indicator_id"])
        del kept_prev, old_rows, prev_passages, prev_indicators, prev_quarantine
        _return_freed_memory()

        # Every table is written into the new version (live only at commit) before the
        # checkpoint runs, the indicators as they are, and the frames are dropped: the
        # validation frame is read from the files, and no table is held through
        # validation. Then the rows validation passed become the indicators table.
        landing = store.begin_landing(run_id)
        timed("land", land, landing, {"documents": (documents, T.DOCUMENTS),
                                      "passages": (passages, T.PASSAGES, T.with_originals),
                                      "articles": (articles, T.ARTICLES),
                                      UNVALIDATED: (indicators, T.INDICATORS)})
        passage_counts = passages["removed"].value_counts(dropna=False).to_dict()
        del passages, articles, indicators
        _return_freed_memory()
        frames = timed("validate", frames_for_validation, landing)
        _return_freed_memory()   # what reading the tables back left
        report = timed("validate", validate, frames, landing, run_id)
        del frames
        _return_freed_memory()   # what validation freed
        landed, quarantine = timed("land", land_validated, landing, report["failed_rows"])
        counts = _counts(documents, passage_counts, landed, quarantine, rows.accepted, unchanged, removed)
        timed("land", land, landing, {"quarantine": (quarantine, T.QUARANTINE),
                                      "runs": (runs_table(counts, report["success"]), T.RUNS)})
        report = {**report, **timed("land", commit, landing, report)}
        bar.stop()
    return _finish(run_id, report, quarantine, counts, timings, store)


def _finish(run_id: str, report: dict, quarantine: pd.DataFrame, counts: dict, timings: dict,
            store: wh.Warehouse) -> dict:
    """Publish the run's data-quality artifacts; the summary the CLI prints."""
    _publish_report(report, quarantine)
    get_run_logger().info("landed %s: %s", run_id, json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return {"run_id": run_id, "counts": counts, "timings": timings, "validation": report, "warehouse": str(store)}


# What a run on unchanged pages carries over from the live version (runs gains a row).
CARRIED_TABLES = tuple(t for t in wh.TABLES if t != "runs")


def _carry_over(store: wh.Warehouse, run_id: str, validated: str, documents: pd.DataFrame,
                unchanged: list[str], runs_table, timed) -> tuple[dict, pd.DataFrame, dict]:
    """A run on unchanged pages: a new version with the live tables as they are and this
    run added to `runs`, the validation result and Data Docs of the run that landed
    them. Returns that validation report, the quarantine and the counts."""
    report = json.loads(validated)
    landing = store.begin_landing(run_id)
    timed("land", carry_over, landing, CARRIED_TABLES)
    quarantine = store.read_table("quarantine", T.QUARANTINE)
    passage_counts = store.read_table("passages", T.PASSAGES, columns=["removed"])["removed"] \
        .value_counts(dropna=False).to_dict()
    landed = len(store.read_table("indicators", T.INDICATORS, columns=["indicator_id"]))
    counts = _counts(documents, passage_counts, landed, quarantine, 0, unchanged, [])
    timed("land", land, landing, {"runs": (runs_table(counts, report["success"]), T.RUNS)})
    timed("land", commit_carried, landing, validated)
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


def _concat(schema, *frames: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return T.empty(schema)
    return pd.concat(frames, ignore_index=True)


def _counts(documents, passages_removed: dict, landed: int, quarantine, ingested: int, unchanged,
            removed) -> dict:
    """`passages_removed`: passages by why they were removed (NaN: kept); `removed`: the
    pages gone from raw/ whose rows this run removed."""
    removed_passages = {k: v for k, v in passages_removed.items() if not pd.isna(k)}
    return {
        "documents_ingested": ingested,
        "documents_unchanged": len(unchanged),
        "documents_rejected": int((documents["status"] == "rejected").sum()),
        "documents_duplicate": int((documents["status"] == "duplicate").sum()),
        "documents_removed": len(removed),
        "passages_kept": int(sum(v for k, v in passages_removed.items() if pd.isna(k))),
        "passages_removed_spam": int(removed_passages.get("spam", 0)),
        "passages_removed_boilerplate": int(removed_passages.get("boilerplate", 0)),
        "passages_removed_duplicate": int(removed_passages.get("duplicate", 0)),
        "indicators_landed": landed,
        "indicators_quarantined": len(quarantine),
    }
