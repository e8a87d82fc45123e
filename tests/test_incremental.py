"""What a run keeps of the warehouse and how its rows join them (transforms/incremental.py),
on the tables the stages make of the seeds."""
from __future__ import annotations

import pandas as pd

from tests.conftest import RAW
from transforms import incremental as inc
from transforms import tables as T
from transforms.document import Document
from transforms.stages import run_stages


def _landed():
    """The seeds as a run lands them: a copy of the first seed as a duplicate page, and
    the first indicator row quarantined."""
    paths = sorted(RAW.glob("*.txt"))
    docs = [Document(doc=p.name, doc_id=T.content_id(p.read_bytes()), raw=p.read_bytes()) for p in paths]
    docs.append(Document(doc="zz-copy.txt", doc_id=docs[0].doc_id, raw=paths[0].read_bytes(), dup_of=paths[0].name))
    docs = run_stages(docs)
    indicators = T.indicators_frame(docs, "run-0001-x")
    passed, quarantine = T.split_quarantine(indicators, {indicators["indicator_id"][0]: ["value_positive"]})
    return docs, T.documents_frame(docs), T.passages_frame(docs), T.articles_frame(docs), passed, quarantine


def test_landed_pages_name_each_file_with_its_content_and_first_copy():
    docs, documents, *_ = _landed()
    pages = inc.landed_pages(documents)
    assert pages["zz-copy.txt"] == (docs[0].doc_id, docs[0].doc)
    assert pages[docs[1].doc] == (docs[1].doc_id, None)


def test_the_rows_kept_are_those_of_the_unchanged_pages_quarantined_ones_included():
    docs, documents, passages, articles, indicators, quarantine = _landed()
    unchanged = [docs[0].doc, "zz-copy.txt"]
    kept = inc.kept_rows(inc.kept_documents(documents, unchanged), passages, articles, indicators, quarantine)
    assert sorted(kept.documents["doc"]) == sorted(unchanged)
    assert set(kept.passages["doc_id"]) == set(kept.articles["doc_id"]) == {docs[0].doc_id}
    mine = pd.concat([indicators, quarantine.drop(columns="failed_expectations")])
    assert sorted(kept.indicators["indicator_id"]) == sorted(mine.loc[mine["doc_id"] == docs[0].doc_id, "indicator_id"])
    assert quarantine["indicator_id"][0] in set(kept.indicators["indicator_id"])   # validated again
    assert "failed_expectations" not in kept.indicators
    # later pages are deduplicated against the kept passages that were not removed
    assert [c.passage_id for c in kept.prior] == \
        list(kept.passages.loc[kept.passages["removed"].isna(), "passage_id"])


def test_a_table_of_the_run_is_in_the_tables_order_whatever_order_its_parts_came_in():
    _, documents, passages, *_ = _landed()
    halves = [passages.iloc[len(passages) // 2:], passages.iloc[:len(passages) // 2]]
    merged = inc.merged("passages", T.PASSAGES, halves[0].iloc[:0], halves)
    assert merged.equals(T.sort_table(passages, ["doc_id", "seq"]))
    assert inc.merged("documents", T.DOCUMENTS, T.empty(T.DOCUMENTS), []).empty


def test_the_runs_table_adds_this_run_after_the_earlier_ones():
    first = inc.with_run(T.empty(T.RUNS), inc.run_row("run-0001-a", "2026-01-01T06:00:00+00:00",
                                                      "2026-01-01T06:01:00+00:00", {"n": 1}, True, "v1"))
    both = inc.with_run(first, inc.run_row("run-0002-b", "2026-01-02T06:00:00+00:00",
                                           "2026-01-02T06:01:00+00:00", {"n": 2}, False, "v2"))
    assert list(both["run_id"]) == ["run-0001-a", "run-0002-b"]
    assert inc.last_version(both) == "v2" and inc.last_version(T.empty(T.RUNS)) is None
    assert list(both["counts"]) == ['{"n": 1}', '{"n": 2}']


def test_run_counts_add_up_the_pages_and_passages():
    _, documents, passages, _, indicators, quarantine = _landed()
    counts = inc.run_counts(documents, passages["removed"].value_counts(dropna=False).to_dict(),
                            len(indicators), len(quarantine), ingested=6, unchanged=0, removed=0)
    assert counts["documents_duplicate"] == 1 and counts["documents_rejected"] == 0
    removed = passages["removed"].value_counts().to_dict()
    assert counts["passages_kept"] == passages["removed"].isna().sum()
    assert counts["passages_removed_duplicate"] == removed.get("duplicate", 0) > 0
    assert counts["passages_kept"] + sum(counts[f"passages_removed_{k}"] for k in ("spam", "boilerplate", "duplicate")) \
        == len(passages)
    assert (counts["indicators_landed"], counts["indicators_quarantined"]) == (len(indicators), 1)
