"""Passages and articles (transforms/segment.py): every line in one passage, layout breaks repaired, long lines cut."""
from __future__ import annotations

from tests.conftest import clean_page as clean, seed


def test_passages_tile_the_page_every_line_once():
    for prefix in ("000", "001", "002", "003", "004"):
        page = seed(prefix)
        passages = clean(page)
        assert passages[0].char_start == 0 and passages[-1].char_end == len(page)
        for a, b in zip(passages, passages[1:]):
            assert a.char_end == b.char_start


def test_layout_break_in_000_is_joined():
    passages = clean(seed("000"))
    joined = [p for p in passages if "始终坚持改革不停步" in p.text]
    assert len(joined) == 1 and not joined[0].truncated
    assert any("全省出口高新技术产品1409.2亿元" in p.text for p in passages)


def test_number_cut_from_its_unit_in_002_takes_the_unit_printed_lines_later():
    passages = clean(seed("002"))
    cut = [p for p in passages if "成交额47.54" in p.text]
    assert len(cut) == 1 and cut[0].text.endswith("成交额47.54亿元") and not cut[0].truncated
    tail = [p for p in passages if p.text.startswith("亿元。全市已有")]
    assert len(tail) == 1 and tail[0].continues == cut[0].seq and tail[0].seq - cut[0].seq > 1


def test_a_short_line_finished_by_the_next_is_one_paragraph():
    passages = clean(seed("002"))
    assert any(p.text == "桐庐集聚财力将2.25亿元资金精准化扶持科技和创新高地。" for p in passages)


def test_articles_of_000_are_separated_by_headline_and_lead():
    passages = clean(seed("000"))
    heads = [p.text for p in passages if p.heading and not p.removed]
    assert "浙石化与浙江海洋大学签署合作协议" in heads
    customs = next(p for p in passages if p.text.startswith("本报讯 昨天,杭州海关"))
    auction = next(p for p in passages if p.text.startswith("本报讯 10月17日下午"))
    assert customs.article_id != auction.article_id
    assert len({p.article_id for p in passages}) >= 10


def _one_line_page(chars: int) -> str:
    """The seed pages' lines run together into one line of `chars` characters (004's spam
    header among them), as a scraper that dropped every line break leaves a page."""
    text = "".join(line.strip() for prefix in ("004", "000", "001", "002", "003") for line in seed(prefix).split("\n"))
    return (text * (chars // len(text) + 1))[:chars]


def test_a_page_of_one_long_line_is_cut_at_sentence_ends_into_passages_that_tile_it():
    from transforms.segment import MAX_LINE_CHARS, SENTENCE_END
    page = _one_line_page(200_000)
    passages = clean(page)
    assert len(passages) >= len(page) // MAX_LINE_CHARS
    assert passages[0].char_start == 0 and passages[-1].char_end == len(page)
    assert all(a.char_end == b.char_start for a, b in zip(passages, passages[1:]))
    assert "".join(page[p.char_start:p.char_end] for p in passages) == page    # every character, once
    assert all(page[p.char_start:p.char_end].strip() == p.original for p in passages)
    assert max(len(p.text) for p in passages) <= MAX_LINE_CHARS
    # every cut is at a sentence end: each passage but the last ends a sentence
    assert all(SENTENCE_END.search(p.original[-3:]) for p in passages[:-1])
    # spam is judged piece by piece: the header's words are removed, the sentences kept
    spam = [p for p in passages if p.removed == "spam"]
    assert spam and all("五月丁香" in p.text or "亚洲精品" in p.text for p in spam)
    assert sum(1 for p in passages if not p.removed) > len(spam)


def test_figures_of_a_long_line_are_extracted_as_from_its_paragraphs():
    from tests.conftest import extract_page
    page = _one_line_page(60_000)
    rows = extract_page(page)
    assert rows
    # most figures the seeds' own paragraphs give are read on the long line too
    by_value = {(r.value, r.unit) for r in rows}
    paragraph_rows = {(r.value, r.unit) for prefix in ("000", "001") for r in extract_page(seed(prefix))}
    assert len(by_value & paragraph_rows) >= 0.5 * len(paragraph_rows)


def test_a_line_without_sentence_ends_is_cut_at_clause_breaks_then_at_the_limit():
    from transforms.segment import MAX_LINE_CHARS, cut_points
    clauses = "新认定省级科技型中小企业4321家," * 300                    # 18 characters a clause
    cuts = cut_points(clauses)
    assert cuts and all(clauses[c - 1] == "," for c in cuts)
    assert all(0 < b - a <= MAX_LINE_CHARS for a, b in zip([0, *cuts], [*cuts, len(clauses)]))
    unbroken = "高" * (2 * MAX_LINE_CHARS + 10)
    assert cut_points(unbroken) == [MAX_LINE_CHARS, 2 * MAX_LINE_CHARS]
    assert cut_points("短句。" * 10) == []
    # the pieces of a cut line stay apart: layout repair does not join them back
    passages = clean(unbroken + "\n")
    assert [len(p.text) for p in passages] == [MAX_LINE_CHARS, MAX_LINE_CHARS, 10]
    assert passages[0].truncated
