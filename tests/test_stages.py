"""The page-wise stages as one list (transforms/stages.py), run as the flow runs them."""
from __future__ import annotations

from importlib.util import find_spec

import pytest

from tests.conftest import RAW, seed
from transforms.dedup import Candidate
from transforms.document import Document
from transforms.stages import CLEANING, STAGE_NAMES, page_stages, run_stages


def _doc(name: str, data: bytes, dup_of: str | None = None) -> Document:
    return Document(doc=name, doc_id=name.split(".")[0], raw=data, dup_of=dup_of)


def _pages() -> list[Document]:
    return [_doc(p.name[:3] + ".txt", p.read_bytes()) for p in sorted(RAW.glob("*.txt"))]


def test_each_stage_is_named_like_the_module_it_applies_and_in_the_flows_order():
    names = [stage.__name__ for stage in page_stages()]
    assert names == list(STAGE_NAMES) == ["decode", "to_simplified", "strip_spam", "segment", "dedup", "extract"]
    assert all(find_spec(f"transforms.{name}") for name in names)
    assert [s.__name__ for s in CLEANING] == names[:4]


def test_the_flow_makes_a_task_of_each_stage():
    from flows.pipeline import STAGE_TASKS
    assert [t.name for t in STAGE_TASKS.values()] == list(STAGE_NAMES)


def test_a_rejected_page_passes_the_stages_after_decode_untouched_and_the_rest_go_on():
    docs = run_stages([_doc("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(200)), *_pages()[:1]])
    assert docs[0].status == "rejected" and "PNG" in docs[0].reason
    assert docs[0].passages == [] and docs[0].indicators == []
    assert docs[1].accepted and docs[1].indicators


def test_a_copy_of_a_file_is_a_duplicate_with_nothing_of_its_own():
    data = (RAW / next(p.name for p in sorted(RAW.glob("001*.txt")))).read_bytes()
    first, copy = run_stages([_doc("a.txt", data), _doc("b.txt", data, dup_of="a.txt")])
    assert copy.status == "duplicate" and copy.reason == "the same bytes as a.txt"
    assert copy.n_chars == first.n_chars and copy.passages == [] and copy.indicators == []


def test_pages_in_one_chunk_or_in_several_give_the_same_rows():
    whole = run_stages(_pages())
    stages = page_stages()
    one_by_one = []
    for doc in _pages():
        docs = [doc]
        for stage in stages:   # one dedup index across the chunks, as in the flow
            docs = stage(docs)
        one_by_one += docs
    assert [d.passages for d in one_by_one] == [d.passages for d in whole]
    assert [d.indicators for d in one_by_one] == [d.indicators for d in whole]


def test_a_passage_landed_by_an_earlier_run_marks_its_repeat_with_the_landed_id():
    page = seed("001")
    [doc] = run_stages([_doc("x.txt", page.encode())], until="segment")
    kept = next(p for p in doc.passages if not p.removed and len(p.text) > 40)
    *_, dedup, _ = page_stages([Candidate("old-0007", "old", kept.text)])
    [marked] = dedup([doc])
    repeat = next(p for p in marked.passages if p.seq == kept.seq)
    assert (repeat.removed, repeat.rule, repeat.dup_of_id, repeat.dup_of) == ("duplicate", "dedup", "old-0007", None)


def test_a_passage_printed_twice_on_a_page_points_at_its_first_copy():
    line = "杭州高新区(滨江)2023年实现地区生产总值2500亿元,同比增长6.5%,规上工业增加值增长8%。"
    [doc] = run_stages([_doc("p.txt", f"{line}\n\n其他新闻\n\n{line}\n".encode())], until="dedup")
    first, *_, again = [p for p in doc.passages if p.text == line]
    assert first.removed is None and (again.removed, again.dup_of, again.dup_of_id) == ("duplicate", first.seq, f"p-{first.seq:04d}")


def test_running_up_to_a_stage_that_does_not_exist_says_which_do():
    with pytest.raises(ValueError, match="decode, to_simplified"):
        run_stages(_pages()[:1], until="validate")
