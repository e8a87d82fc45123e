"""Indicator names: a dictionary name (transforms/reference/indicators.csv) with its
qualifier and measure suffix (indicator_forms.csv), else whole words of the page, else
none; never a fragment of the sentence or a word missing its first character."""
from __future__ import annotations

import pytest

from tests.conftest import extract_page
from transforms.gazetteer import indicator_names


def names(page: str) -> list[str | None]:
    return [r.indicator for r in extract_page("2022-10-14 来源:人民网\n\n" + page)]


@pytest.mark.parametrize("page,expected", [
    # the synonym nearest the figure, not a cut window of the words before it
    ("30年来,杭州高新区以70多平方公里的面积,实现GDP近1600亿元,人均GDP达37.6万元。", ["面积", "地区生产总值", "人均GDP"]),
    # a qualifier that changes what is counted is kept; a measure gets its suffix
    ("高新区拥有市级以上科技孵化器18个,其中国家级孵化器6个。", ["市级以上孵化器数量", "国家级孵化器数量"]),
    ("上半年,新增上市公司5家,专利授权量达3712件,同比增长31.63%。", ["新增上市公司数量", "专利授权量", "专利授权量增速"]),
    # a share is the part's, not the whole's
    ("全社会研究与试验发展(R&D)经费投入占地区生产总值比重的10.02%。", ["研发经费投入占比"]),
    # the thing counted after the figure, and the unit that is a noun
    ("参加竞拍的12项科技成果均找到“婆家”。活动由浙江省商务厅等6部门联合主办。", ["科技成果数量", "部门数量"]),
    # 总数 after a flow is the stock of the same thing
    ("新增省级专精特新中小企业26家,总数达到118家。", ["新增省级专精特新中小企业数量", "省级专精特新中小企业数量"]),
])
def test_dictionary_names(page, expected):
    assert names(page) == expected
    assert all(n in indicator_names() for n in expected)


def test_a_figure_nothing_names_has_no_name_rather_than_a_fragment():
    got = names("其中更是将7000万元瞄准科技创新。故宫博物院原院长单霁翔与五大中华老字号掌门人齐登台。")
    assert got == [None, None]


@pytest.fixture(scope="module")
def seed_rows():
    from tests.conftest import RAW
    from transforms.decode import decode_bytes
    from transforms.to_simplified import normalize_text
    return [r for path in sorted(RAW.glob("*.txt"))
            for r in extract_page(normalize_text(decode_bytes(path.read_bytes()).text))]


def test_no_name_on_the_seeds_is_a_placeholder_or_a_cut_word(seed_rows):
    rows = seed_rows
    named = [r.indicator for r in rows if r.indicator]
    assert not [n for n in named if "未命名" in n]
    # every name is a dictionary name or whole words of its evidence
    outside = [r for r in rows if r.indicator and r.indicator not in indicator_names()]
    assert all(r.indicator.removesuffix("数量") in r.evidence for r in outside)
    assert sum(r.indicator in indicator_names() for r in rows) >= 0.8 * len(rows)


def test_dim_indicator_holds_every_dictionary_name_on_the_seeds_with_the_measure_of_its_figures(seed_rows):
    """The mart, built as the warehouse builds it: one row per name, and a figure the
    extractor names from the dictionary measures what dim_indicator says its name does."""
    import duckdb

    from flows.marts import create_marts, mart_models
    with duckdb.connect() as con:
        create_marts(con, [m for m in mart_models() if m.name == "dim_indicator"])
        rows = con.execute("select name, measure from dim_indicator").fetchall()
    assert len(rows) == len({name for name, _ in rows})          # one row per name
    measures = dict(rows)
    named = {(r.indicator, r.measure) for r in seed_rows if r.indicator in indicator_names()}
    assert len(named) >= 50
    assert {(name, measures.get(name)) for name, _ in named} == named


def test_a_tier_the_canonical_name_holds_is_not_doubled():
    assert names("上半年,滨江区规上工业增加值390.2亿元。") == ["规上工业增加值"]
