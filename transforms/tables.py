"""The warehouse tables: their schemas, the frames made of the documents, and their ids.

Ids are content-derived: doc_id hashes the raw bytes, passage_id is doc_id + seq,
indicator_id hashes where and what the figure is. The same input gives the same ids
and byte-identical tables. A second file with the same bytes is a `duplicate` documents
row naming the first (dup_of) and has no passages or indicators of its own, so no id
is ever made twice.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow as pa
import xxhash

from transforms.document import Document

DOCUMENTS = pa.schema([
    ("doc_id", pa.string()), ("doc", pa.string()), ("status", pa.string()), ("reason", pa.string()),
    ("encoding", pa.string()), ("script", pa.string()), ("pub_date", pa.string()),
    ("source", pa.string()), ("n_chars", pa.int64()), ("n_mojibake", pa.int64()),
    ("dup_of", pa.string()),
])
PASSAGES = pa.schema([
    ("passage_id", pa.string()), ("doc_id", pa.string()), ("article_id", pa.int64()),
    ("seq", pa.int64()), ("text", pa.string()), ("removed", pa.string()), ("rule", pa.string()),
    ("dup_of", pa.string()), ("char_start", pa.int64()), ("char_end", pa.int64()),
    ("truncated", pa.bool_()), ("mojibake", pa.bool_()), ("heading", pa.bool_()),
    ("original", pa.string()),
])
ARTICLES = pa.schema([
    ("doc_id", pa.string()), ("article_id", pa.int64()), ("headline", pa.string()),
    ("region", pa.string()), ("n_passages", pa.int64()),
])
INDICATORS = pa.schema([
    ("indicator_id", pa.string()), ("doc_id", pa.string()), ("doc", pa.string()),
    ("article_id", pa.int64()), ("passage_id", pa.string()), ("region", pa.string()),
    ("region_level", pa.string()), ("entity", pa.string()), ("indicator", pa.string()), ("value", pa.float64()), ("value_text", pa.string()),
    ("unit", pa.string()), ("value_base", pa.float64()), ("unit_base", pa.string()),
    ("measure", pa.string()), ("qualifier", pa.string()), ("target", pa.bool_()),
    ("period", pa.string()), ("evidence", pa.string()), ("char_start", pa.int64()),
    ("char_end", pa.int64()), ("run_id", pa.string()),
])
QUARANTINE = pa.schema(list(INDICATORS) + [pa.field("failed_expectations", pa.string())])
RUNS = pa.schema([
    ("run_id", pa.string()), ("started_at", pa.string()), ("finished_at", pa.string()),
    ("status", pa.string()), ("counts", pa.string()), ("validation_success", pa.bool_()),
    ("pipeline_version", pa.string()),
])


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def passage_id(doc_id: str, seq: int) -> str:
    return f"{doc_id}-{seq:04d}"


def run_id_for(doc_ids: list[str], seq: int) -> str:
    """A run is named by its number in the warehouse (1 for the first) and the set of
    documents it leaves there: every run has its own id, and the same input into the
    same history gives the same id."""
    return f"run-{seq:04d}-" + xxhash.xxh64_hexdigest("\n".join(sorted(doc_ids)).encode())[:12]


def empty(schema: pa.Schema) -> pd.DataFrame:
    return schema.empty_table().to_pandas()


def frame(rows: list[dict], schema: pa.Schema) -> pd.DataFrame:
    """Rows -> a frame with exactly the schema's columns and types."""
    return pa.Table.from_pylist(rows, schema=schema).to_pandas()


def tuples_frame(rows: list[tuple], schema: pa.Schema) -> pd.DataFrame:
    """Rows as tuples in the schema's column order -> a frame. For the big tables: a dict
    per row would cost more memory than the table itself (hundreds of MB at 100 MB of pages)."""
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)],
                                schema=schema).to_pandas()


def documents_frame(docs: list[Document]) -> pd.DataFrame:
    return frame([{
        "doc_id": d.doc_id, "doc": d.doc, "status": d.status, "reason": d.reason,
        "encoding": d.encoding, "script": d.script, "pub_date": d.pub_date, "source": d.source,
        "n_chars": d.n_chars, "n_mojibake": sum(p.mojibake for p in d.passages), "dup_of": d.dup_of,
    } for d in docs], DOCUMENTS)


def articles_frame(docs: list[Document]) -> pd.DataFrame:
    return frame([{"doc_id": d.doc_id, **a} for d in docs for a in d.articles], ARTICLES)


def passages_frame(docs: list[Document]) -> pd.DataFrame:
    """The passages of a run, `original` left null where it is the text itself (most
    lines of most pages: Arrow would hold every such line twice, 100 MB at 100 MB of
    pages, through validation); with_originals() fills it in for landing."""
    return tuples_frame([
        (passage_id(d.doc_id, p.seq), d.doc_id, p.article_id, p.seq, p.text, p.removed, p.rule,
         p.dup_of_id or (passage_id(d.doc_id, p.dup_of) if p.dup_of is not None else None),
         p.char_start, p.char_end, p.truncated, p.mojibake, p.heading,
         None if p.original == p.text else p.original)
        for d in docs for p in d.passages], PASSAGES)


def with_originals(passages: pd.DataFrame) -> pd.DataFrame:
    """The passages as landed: every row's original, the text where the frame left it null."""
    return passages.assign(original=passages["original"].fillna(passages["text"]))


def indicator_id(doc_id: str, seq: int, start: int, indicator: str, measure: str) -> str:
    return xxhash.xxh64_hexdigest(f"{doc_id}|{seq}|{start}|{indicator}|{measure}".encode())


def indicators_frame(docs: list[Document], run_id: str) -> pd.DataFrame:
    return tuples_frame([
        (indicator_id(d.doc_id, r.passage_seq, r.char_start, r.indicator, r.measure), d.doc_id, d.doc,
         r.article_id, passage_id(d.doc_id, r.passage_seq), r.region, r.region_level, r.entity, r.indicator,
         r.value, r.value_text, r.unit, r.value_base, r.unit_base, r.measure, r.qualifier, r.target,
         r.period, r.evidence, r.char_start, r.char_end, run_id)
        for d in docs for r in d.indicators], INDICATORS)


def split_quarantine(indicators: pd.DataFrame, failed_rows: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that failed an expectation go to quarantine with the names of what they failed."""
    failed = indicators["indicator_id"].isin(failed_rows.keys())
    quarantine = indicators[failed].copy()
    quarantine["failed_expectations"] = quarantine["indicator_id"].map(lambda i: ";".join(failed_rows[i]))
    return indicators[~failed].reset_index(drop=True), quarantine.reset_index(drop=True)


def sort_table(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)
