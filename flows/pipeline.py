"""The gaoxin flow: one Prefect task per stage over a batch of documents.

Page-wise stages are mapped over chunks of documents (never a task per document: each
task run costs Prefect bookkeeping), so that a Dask task runner can spread the chunks
over workers; deduplication, validation and landing see the whole batch. Tasks only
wire transforms together, log and do I/O.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from functools import cache, partial
from datetime import datetime, timezone
from pathlib import Path

import fsspec
import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import warehouse as wh
from flows.progress import Progress
from transforms import tables as T
from transforms.decode import decode_bytes
from transforms.dedup import Candidate, find_duplicates
from transforms.document import Document
from transforms.extract import describe_articles, extract_document
from transforms.periods import document_year
from transforms.segment import assign_articles, repair_layout, split_passages
from transforms.strip_spam import classify_lines
from transforms.to_simplified import detect_script, normalize_text, to_simplified

# Stage tasks hand whole batches along: hashing them for a cache key or persisting
# them would cost more than the stage itself.
stage = partial(task, cache_policy=NO_CACHE, persist_result=False)


@stage(name="ingest")
def ingest(raw_dir: str, previous: dict[str, str]) -> tuple[list[Document], list[str]]:
    """Read raw/ (a directory or an fsspec URL; never modified). Returns new or changed
    documents, and unchanged names."""
    fs, root = fsspec.core.url_to_fs(raw_dir)
    docs, unchanged = [], []
    files = (f for f in fs.ls(root, detail=True) if f["type"] == "file")
    for path in sorted(f["name"] for f in files):
        name = path.rstrip("/").rsplit("/", 1)[-1]
        if name.startswith("."):
            continue
        data = fs.cat_file(path)
        doc_id = T.content_id(data)
        if previous.get(name) == doc_id:
            unchanged.append(name)
        else:
            docs.append(Document(doc=name, doc_id=doc_id, raw=data))
    return docs, unchanged


@stage(name="decode")
def decode(batch: Batch) -> list[Document]:
    docs = batch.docs
    out = []
    for d in docs:
        result = decode_bytes(d.raw)
        if result.text is None:
            out.append(replace(d, raw=None, status="rejected", reason=result.reason))
        else:
            text = normalize_text(result.text)
            out.append(replace(d, raw=None, encoding=result.encoding, text=text, n_chars=len(text)))
    return out


class Batch:
    """Documents handed to a task run. A plain object on purpose: Prefect walks lists and
    dataclasses passed to tasks looking for futures, every passage of every page, and a
    namedtuple such as prefect's quote() is taken apart by Dask."""
    __slots__ = ("docs",)

    def __init__(self, docs: list[Document]):
        self.docs = docs

    def __getstate__(self):
        return self.docs

    def __setstate__(self, docs):
        self.docs = docs


def _accepted_only(docs: list[Document], step) -> list[Document]:
    """Apply a page step to the accepted documents; rejected ones pass through."""
    return [step(d) if d.accepted else d for d in docs]


def _to_simplified(d: Document) -> Document:
    simplified = to_simplified(d.text)
    if len(simplified) != len(d.text):
        # a phrase conversion changed the length: convert line by line so lines still align
        simplified = "\n".join(to_simplified(line) for line in d.text.split("\n"))
    year, pub_date = document_year(simplified)
    return replace(d, simplified=simplified, script=detect_script(d.text, simplified),
                   year=year, pub_date=pub_date)


@stage(name="to_simplified")
def convert(batch: Batch) -> list[Document]:
    docs = batch.docs
    return _accepted_only(docs, _to_simplified)


@stage(name="strip_spam")
def strip_spam(batch: Batch) -> list[Document]:
    docs = batch.docs
    return _accepted_only(docs, lambda d: replace(
        d, passages=split_passages(d.text, d.simplified, classify_lines(d.simplified.split("\n")))))


@stage(name="segment")
def segment(batch: Batch) -> list[Document]:
    docs = batch.docs
    # the passages now hold every line (original and simplified): free the page copies
    return _accepted_only(docs, lambda d: replace(
        d, passages=assign_articles(repair_layout(d.passages)), text=None, simplified=None))


@stage(name="deduplicate")
def deduplicate(docs: list[Document], prior: list[tuple[str, str, str]]) -> list[Document]:
    """Within pages, across pages and against passages landed by earlier runs."""
    candidates = [Candidate(T.passage_id(d.doc_id, p.seq), d.doc_id, p.text)
                  for d in docs if d.accepted for p in d.passages if not p.removed]
    dup_of = find_duplicates(candidates, [Candidate(*row) for row in prior])
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


@stage(name="extract")
def extract(batch: Batch) -> list[Document]:
    docs = batch.docs
    return _accepted_only(docs, lambda d: replace(
        d, indicators=extract_document(d.passages, d.year), articles=describe_articles(d.passages)))


@stage(name="validate")
def validate(documents, passages, indicators, docs_dir: str, run_id: str) -> dict:
    from expectations.validate import validate_tables   # GX import is slow: only here
    return validate_tables(documents, passages, indicators, docs_dir=Path(docs_dir), run_id=run_id).as_dict()


@stage(name="land")
def land(warehouse: str, frames: dict, run_id: str, validation: dict) -> str:
    """Land the tables as the warehouse's new version. Returns where the Data Docs are."""
    from flows.marts import mart_models
    from flows.report import VALIDATION_FILE
    store = wh.Warehouse(warehouse)
    report = {k: v for k, v in validation.items() if k != "failed_rows"}
    report["docs_index"] = store.publish_docs(Path(validation["docs_index"]).parent)
    store.land(frames, run_id, {VALIDATION_FILE: json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True)})
    store.write_views(mart_models())
    return report["docs_index"]


CHUNK_SIZE = 200   # documents per task run of a page-wise stage
VERSIONED_SUFFIXES = {".py", ".csv", ".txt", ".json", ".sql", ".yml"}


@flow(name="gaoxin", log_prints=False)
def gaoxin_flow(raw: str = "raw", warehouse: str = "warehouse", progress: bool = False,
                chunk_size: int = CHUNK_SIZE) -> dict:
    """Ingest raw/ into warehouse/: the whole pipeline, one task per stage (and chunk)."""
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
        timings[name] = round(time.perf_counter() - t0, 3)
        return result

    def mapped(name, stage_task, docs: list[Document]) -> list[Document]:
        """Run a page-wise stage over chunks (in order: the output is deterministic)."""
        t0 = time.perf_counter()
        chunks = [docs[i:i + chunk_size] for i in range(0, len(docs), chunk_size)]
        out, done = [], 0
        for future in stage_task.map([Batch(c) for c in chunks]):
            chunk = future.result()
            out.extend(chunk)
            done += len(chunk)
            bar.advance(name, done)
        timings[name] = round(time.perf_counter() - t0, 3)
        return out

    with store.exclusive():
        prev_docs = store.read_table("documents", T.DOCUMENTS)
        prev_passages = store.read_table("passages", T.PASSAGES)
        prev_indicators = store.read_table("indicators", T.INDICATORS)
        prev_quarantine = store.read_table("quarantine", T.QUARANTINE)
        prev_runs = store.read_table("runs", T.RUNS)
        prev_articles = store.read_table("articles", T.ARTICLES)
        version = pipeline_version()
        landed_by = prev_runs.sort_values("finished_at")["pipeline_version"].iloc[-1] if len(prev_runs) else None
        if len(prev_docs) and landed_by != version:
            # rows landed by other code or reference data would stay as they were: redo every page
            logger.info("the pipeline changed since the last run (%s -> %s): every page is processed again",
                        landed_by, version)
            prev_docs = prev_docs.iloc[0:0]
        previous = dict(zip(prev_docs["doc"], prev_docs["doc_id"]))

        docs, unchanged = timed("ingest", ingest, raw, previous)
        logger.info("ingest: %d new or changed, %d unchanged", len(docs), len(unchanged))
        bar.start(len(docs))
        docs = mapped("decode", decode, docs)
        docs = mapped("to_simplified", convert, docs)
        docs = mapped("strip_spam", strip_spam, docs)
        docs = mapped("segment", segment, docs)

        keep_ids = set(prev_docs.loc[prev_docs["doc"].isin(unchanged), "doc_id"])
        kept_prev = prev_passages[prev_passages["doc_id"].isin(keep_ids)]
        prior = kept_prev[kept_prev["removed"].isna()]
        docs = timed("deduplicate", deduplicate, docs,
                     list(zip(prior["passage_id"], prior["doc_id"], prior["text"])))
        docs = mapped("extract", extract, docs)

        all_doc_ids = sorted(keep_ids | {d.doc_id for d in docs})
        run_id = T.run_id_for(all_doc_ids)
        ingested = sum(1 for d in docs if d.accepted)
        documents = T.sort_table(_concat(T.DOCUMENTS, prev_docs[prev_docs["doc_id"].isin(keep_ids)],
                                         T.documents_frame(docs)), ["doc", "doc_id"])
        passages = T.sort_table(_concat(T.PASSAGES, kept_prev, T.passages_frame(docs)), ["doc_id", "seq"])
        articles = T.sort_table(_concat(T.ARTICLES, prev_articles[prev_articles["doc_id"].isin(keep_ids)],
                                        T.articles_frame(docs)), ["doc_id", "article_id"])
        old_rows = _concat(T.INDICATORS, prev_indicators, prev_quarantine.drop(columns=["failed_expectations"]))
        indicators = T.sort_table(_concat(T.INDICATORS, old_rows[old_rows["doc_id"].isin(keep_ids)],
                                          T.indicators_frame(docs, run_id)), ["doc", "passage_id", "char_start", "indicator_id"])
        # the tables now hold everything: free the documents before validation's copy
        del docs, kept_prev, prior, old_rows, prev_passages, prev_indicators, prev_quarantine
        _return_freed_memory()

        report = timed("validate", validate, documents, passages, indicators,
                       str(store.docs_dir()), run_id)
        landed, quarantine = T.split_quarantine(indicators, report["failed_rows"])
        counts = _counts(documents, passages, landed, quarantine, ingested, unchanged)
        runs = _concat(T.RUNS, prev_runs[prev_runs["run_id"] != run_id], T.frame([{
            "run_id": run_id, "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "status": "completed", "counts": json.dumps(counts, ensure_ascii=False, sort_keys=True),
            "validation_success": report["success"], "pipeline_version": version,
        }], T.RUNS))
        report["docs_index"] = timed("land", land, warehouse, {
            "documents": (documents, T.DOCUMENTS), "passages": (passages, T.PASSAGES),
            "articles": (articles, T.ARTICLES),
            "indicators": (landed, T.INDICATORS), "quarantine": (quarantine, T.QUARANTINE),
            "runs": (T.sort_table(runs, ["started_at", "run_id"]), T.RUNS),
        }, run_id, report)
        bar.stop()
    _publish_report(report, quarantine)
    summary = {"run_id": run_id, "counts": counts, "timings": timings,
               "validation": report, "warehouse": str(store)}
    logger.info("landed %s: %s", run_id, json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return summary


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
    """Hand the pages' freed memory back to the OS (glibc keeps it otherwise, and the
    process would carry the documents' peak into validation)."""
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
    """The data-quality summary as a markdown artifact of the run, the quarantine sample as a table."""
    from flows.report import report_markdown, worst_quarantined
    sample = worst_quarantined(quarantine, limit=20)
    create_markdown_artifact(report_markdown(validation, sample), key="gaoxin-data-quality",
                             description="Validation of this run")
    if sample:
        create_table_artifact([{k: str(v) for k, v in row.items()} for row in sample],
                              key="gaoxin-quarantine-sample", description="Worst quarantined rows")


def _concat(schema, *frames: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return T.empty(schema)
    return pd.concat(frames, ignore_index=True)


def _counts(documents, passages, indicators, quarantine, ingested: int, unchanged) -> dict:
    removed = passages["removed"].value_counts().to_dict()
    return {
        "documents_ingested": ingested,
        "documents_unchanged": len(unchanged),
        "documents_rejected": int((documents["status"] == "rejected").sum()),
        "passages_kept": int(passages["removed"].isna().sum()),
        "passages_removed_spam": int(removed.get("spam", 0)),
        "passages_removed_boilerplate": int(removed.get("boilerplate", 0)),
        "passages_removed_duplicate": int(removed.get("duplicate", 0)),
        "indicators_landed": len(indicators),
        "indicators_quarantined": len(quarantine),
    }
