"""The warehouse tables' shapes and ids (transforms/tables.py)."""
from __future__ import annotations

from tests.conftest import RAW
from transforms import tables as T
from transforms.document import Document
from transforms.stages import run_stages


def _seed_docs():
    return run_stages([Document(doc=p.name, doc_id=T.content_id(p.read_bytes()), raw=p.read_bytes())
                       for p in sorted(RAW.glob("*.txt"))])


def test_ids_come_from_the_content_so_the_same_pages_give_the_same_ids():
    first, again = _seed_docs(), _seed_docs()
    a, b = T.indicators_frame(first, "run-1"), T.indicators_frame(again, "run-1")
    assert a["indicator_id"].is_unique and a["indicator_id"].equals(b["indicator_id"])
    assert T.passages_frame(first)["passage_id"].equals(T.passages_frame(again)["passage_id"])
    assert T.content_id(b"abc") != T.content_id(b"abd") and len(T.content_id(b"abc")) == 16
    assert T.passage_id("d", 7) == "d-0007"


def test_a_run_id_numbers_the_run_and_names_the_documents_it_leaves():
    assert T.run_id_for(["b", "a"], seq=3) == T.run_id_for(["a", "b"], seq=3)
    assert T.run_id_for(["a", "b"], seq=3).startswith("run-0003-")
    assert T.run_id_for(["a"], seq=3) != T.run_id_for(["a", "b"], seq=3)


def test_frames_have_exactly_the_schemas_columns():
    docs = _seed_docs()
    for frame, schema in ((T.documents_frame(docs), T.DOCUMENTS), (T.passages_frame(docs), T.PASSAGES),
                          (T.articles_frame(docs), T.ARTICLES), (T.indicators_frame(docs, "r"), T.INDICATORS)):
        assert list(frame.columns) == schema.names and len(frame)
    assert list(T.empty(T.QUARANTINE).columns) == T.QUARANTINE.names


def test_a_passage_in_simplified_script_holds_its_text_once_until_landed():
    docs = _seed_docs()
    passages = T.passages_frame(docs)
    traditional = passages["original"].notna()
    assert traditional.any() and not traditional.all()
    assert (passages.loc[traditional, "original"] != passages.loc[traditional, "text"]).all()
    landed = T.with_originals(passages)
    assert landed["original"].notna().all()
    assert landed.loc[~traditional, "original"].equals(landed.loc[~traditional, "text"])


def test_rows_that_failed_go_to_quarantine_with_what_they_failed():
    indicators = T.indicators_frame(_seed_docs(), "r")
    failed = {indicators["indicator_id"][3]: ["region_known", "value_positive"]}
    passed, quarantine = T.split_quarantine(indicators, failed)
    assert len(passed) + len(quarantine) == len(indicators) and len(quarantine) == 1
    assert quarantine["failed_expectations"].tolist() == ["region_known;value_positive"]
    assert list(quarantine.columns) == T.QUARANTINE.names
