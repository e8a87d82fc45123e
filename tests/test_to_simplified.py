"""Normalization and conversion to simplified script (transforms/to_simplified.py)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import clean_page as clean, seed
from transforms.to_simplified import convert_page, detect_script, normalize_text, to_simplified


def test_traditional_page_with_taiwan_phrasing_converts_and_keeps_its_figures():
    page = "新竹科學園區去年營業額達新臺幣1.2萬億元,軟體與網路產業就業人數成長5.3%。\n"
    passages = clean(page)
    assert passages[0].text == "新竹科学园区去年营业额达新台币1.2万亿元,软体与网路产业就业人数成长5.3%。"
    assert passages[0].original == page.strip()


def test_a_long_line_whose_conversion_changed_length_is_converted_piece_by_piece():
    from transforms.segment import page_lines
    from transforms.to_simplified import to_simplified
    line = "新竹科學園區去年營業額達新臺幣1.2萬億元,軟體與網路產業就業人數成長5.3%。" * 100
    # a conversion that changed the line's length (as OpenCC's phrase tables may)
    lines = page_lines(line + "\nend", to_simplified(line) + "!\nend")
    pieces = lines[:-1]
    assert len(pieces) > 1 and "".join(p.original for p in pieces) == line
    assert all(p.text == to_simplified(p.original) for p in pieces)
    assert [p.start for p in pieces] == [sum(len(q.original) for q in pieces[:i]) for i in range(len(pieces))]
    assert lines[-1].start == len(line) + 1 and lines[-1].text == "end"


def test_lone_cr_and_crlf_end_lines_like_lf():
    from transforms.decode import decode_bytes
    from transforms.to_simplified import normalize_text
    lf = seed("001")
    for ending in ("\r", "\r\n", "\u2028"):
        page = normalize_text(decode_bytes(lf.replace("\n", ending).encode()).text)
        passages = clean(page)
        assert [p.text for p in passages] == [p.text for p in clean(lf)], repr(ending)
        assert passages[-1].char_end == len(page) == len(lf.replace("\n", ending))   # offsets: one for one
        assert all(re.sub(r"\s", "", page[p.char_start:p.char_end]) == re.sub(r"\s", "", p.original)
                   for p in passages)


def test_normalize_keeps_length_and_fixes_numbers():
    s = "增长１２．５％,达到１，２００家\u00a0人"
    out = normalize_text(s)
    assert out == "增长12.5%,达到1,200家 人" and len(out) == len(s)


def test_traditional_seed_converts_fully():
    page = seed("004")
    simplified = to_simplified(page)
    assert detect_script(page, simplified) == "traditional"
    assert to_simplified(simplified) == simplified        # nothing traditional left
    assert "杭州高新区(滨江)向世界领先科技园区奋力迈进" in simplified


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_simplified_seeds_are_detected_as_simplified(prefix):
    page = seed(prefix)
    assert detect_script(page, to_simplified(page)) == "simplified"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_a_converted_page_keeps_its_lines_one_for_one(prefix):
    page = seed(prefix)
    lines, converted = page.split("\n"), convert_page(page).split("\n")
    assert len(converted) == len(lines)
    assert all(len(a) == len(b) for a, b in zip(lines, converted))
