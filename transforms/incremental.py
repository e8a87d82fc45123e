"""What a run keeps of the warehouse it lands into, and how its own rows join them.

A page whose bytes, and the page it duplicates, are as landed is unchanged: its rows are
kept and it is not processed again, unless the pipeline (code, reference data, suites)
changed since the last run, which redoes every page. A page gone from raw/ loses its
rows. The rows of passages, articles and indicators belong to a content (doc_id), not to
a file name. Plain functions over the tables as pandas frames: the flow reads and writes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from transforms import tables as T
from transforms.dedup import Candidate

# the order each table is landed in
TABLE_KEYS = {"documents": ["doc", "doc_id"], "passages": ["doc_id", "seq"], "articles": ["doc_id", "article_id"],
              "indicators": ["doc", "passage_id", "char_start", "indicator_id"], "runs": ["started_at", "run_id"]}


def concat(schema, *frames: pd.DataFrame) -> pd.DataFrame:
    """The frames one after the other (an empty frame of the schema when all are empty)."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else T.empty(schema)


def last_version(runs: pd.DataFrame) -> str | None:
    """The pipeline version of the warehouse's last run."""
    return runs.sort_values("finished_at")["pipeline_version"].iloc[-1] if len(runs) else None


def landed_pages(documents: pd.DataFrame) -> dict[str, tuple[str, str | None]]:
    """name -> (doc_id, dup_of) of the pages landed."""
    return {doc: (doc_id, None if pd.isna(dup_of) else dup_of)
            for doc, doc_id, dup_of in zip(documents["doc"], documents["doc_id"], documents["dup_of"])}


@dataclass
class Kept:
    """The rows of the unchanged pages, as landed."""
    documents: pd.DataFrame
    passages: pd.DataFrame
    articles: pd.DataFrame
    indicators: pd.DataFrame   # the landed and the quarantined rows, as extracted: validated again

    @property
    def prior(self) -> list[Candidate]:
        """The kept passages later ones are deduplicated against."""
        kept = self.passages[self.passages["removed"].isna()]
        return [Candidate(*row) for row in zip(kept["passage_id"], kept["doc_id"], kept["text"])]


def kept_documents(documents: pd.DataFrame, unchanged: list[str]) -> pd.DataFrame:
    return documents[documents["doc"].isin(unchanged)]


def kept_rows(documents: pd.DataFrame, passages: pd.DataFrame, articles: pd.DataFrame,
              indicators: pd.DataFrame, quarantine: pd.DataFrame) -> Kept:
    """The rows of `documents` (the kept ones) in the other landed tables. A duplicate
    page has none of its own."""
    ids = set(documents.loc[documents["dup_of"].isna(), "doc_id"])
    extracted = concat(T.INDICATORS, indicators, quarantine.drop(columns=["failed_expectations"]))
    return Kept(documents, passages[passages["doc_id"].isin(ids)], articles[articles["doc_id"].isin(ids)],
                extracted[extracted["doc_id"].isin(ids)])


def merged(table: str, schema, kept: pd.DataFrame, new: list[pd.DataFrame]) -> pd.DataFrame:
    """A table of this run: the kept rows and the new ones, in the table's order. `new`
    is emptied once joined, so its parts are not held through the sort as well (the
    passages at 100 MB of pages: 70 MB more at the run's peak)."""
    joined = concat(schema, kept, *new)
    new.clear()
    return T.sort_table(joined, TABLE_KEYS[table])


def with_run(runs: pd.DataFrame, row: dict) -> pd.DataFrame:
    """The runs table: every earlier run, then this one."""
    return merged("runs", T.RUNS, runs, [T.frame([row], T.RUNS)])


def run_counts(documents: pd.DataFrame, passages_removed: dict, landed: int, quarantined: int,
               ingested: int, unchanged: int, removed: int) -> dict:
    """The counts of a run's summary and runs row. `passages_removed`: passages by why
    they were removed (NaN: kept)."""
    removed_passages = {k: v for k, v in passages_removed.items() if not pd.isna(k)}
    return {
        "documents_ingested": ingested,
        "documents_unchanged": unchanged,
        "documents_rejected": int((documents["status"] == "rejected").sum()),
        "documents_duplicate": int((documents["status"] == "duplicate").sum()),
        "documents_removed": removed,
        "passages_kept": int(sum(v for k, v in passages_removed.items() if pd.isna(k))),
        "passages_removed_spam": int(removed_passages.get("spam", 0)),
        "passages_removed_boilerplate": int(removed_passages.get("boilerplate", 0)),
        "passages_removed_duplicate": int(removed_passages.get("duplicate", 0)),
        "indicators_landed": landed,
        "indicators_quarantined": quarantined,
    }


def run_row(run_id: str, started_at: str, finished_at: str, counts: dict, validation_success: bool,
            pipeline_version: str) -> dict:
    return {"run_id": run_id, "started_at": started_at, "finished_at": finished_at, "status": "completed",
            "counts": json.dumps(counts, ensure_ascii=False, sort_keys=True),
            "validation_success": validation_success, "pipeline_version": pipeline_version}
