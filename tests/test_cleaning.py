"""Spam stripping, segmentation, layout repair and deduplication on the seeds and on
hand-made hard cases."""
from __future__ import annotations

import re

from tests.conftest import clean_page as clean, seed
from transforms.dedup import Candidate, find_duplicates
from transforms.strip_spam import classify_spam


def test_spam_header_of_004_removed_and_recorded():
    page = seed("004")
    passages = clean(page)
    spam = [p for p in passages if p.removed == "spam"]
    assert len(spam) == 1 and spam[0].rule == "spam_lexicon"
    assert page[spam[0].char_start:spam[0].char_end].startswith("五月丁香五月丁香激情")
    assert not any("亚洲精品" in p.text for p in passages if not p.removed)
    image = [p for p in passages if p.rule == "image_filename"]
    assert [p.text for p in image] == ["QQ截图20221014095825.png"]
    assert [p.text for p in passages if p.rule == "related_reading"] == ["相关阅读"]


def test_no_real_sentence_of_the_seeds_is_removed_as_spam():
    for prefix in ("000", "001", "002", "003", "004"):
        for p in clean(seed(prefix)):
            if p.removed == "spam":
                assert "。" not in p.text, p.text


def test_spam_words_inside_real_sentences_do_not_remove_them():
    assert classify_spam("职工福利不断提高,员工工作激情高涨。").removed is None
    assert classify_spam("成人教育学院今年招生1200人。").removed is None
    assert classify_spam("国产精品,日韩无码,激情视频在线播放,一区二区").removed == "spam"


def test_passages_tile_the_page_every_line_once():
    for prefix in ("000", "001", "002", "003", "004"):
        page = seed(prefix)
        passages = clean(page)
        assert passages[0].char_start == 0 and passages[-1].char_end == len(page)
        for a, b in zip(passages, passages[1:]):
            assert a.char_end == b.char_start


def test_paragraph_printed_twice_in_001_is_kept_once():
    passages = clean(seed("001"))
    copies = [p for p in passages if p.text.startswith("继启动企业创新积分工作试点后")]
    kept = [p for p in copies if not p.removed]
    assert len(copies) == 2 and len(kept) == 1
    assert kept[0].text.endswith("促成合作42项。")                     # the whole copy is the one kept
    broken = [p for p in copies if p.removed == "duplicate"][0]
    assert broken.dup_of == kept[0].seq
    tail = [p for p in passages if p.text.startswith("接”等应用。截至2021年12月")][0]
    assert tail.removed == "duplicate" and tail.dup_of == kept[0].seq  # the other half of the broken copy


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


def test_passages_identical_but_for_one_figure_are_both_kept():
    a = "今年1至8月,杭州高新区(滨江)新引进人才30537人,同比增长9.48%,全区人才总量超43万。"
    b = "今年1至8月,杭州高新区(滨江)新引进人才30538人,同比增长9.48%,全区人才总量超43万。"
    assert find_duplicates([Candidate("x-1", "x", a), Candidate("y-1", "y", b)]) == {}


def test_repeat_with_different_punctuation_is_a_duplicate():
    a = "今年1至8月,杭州高新区(滨江)新引进人才30537人,同比增长9.48%,全区人才总量超43万。"
    b = "今年1至8月，杭州高新区（滨江）新引进人才30537人，同比增长9.48%；全区人才总量超43万"
    assert find_duplicates([Candidate("x-1", "x", a), Candidate("y-1", "y", b)]) == {"y-1": "x-1"}


def test_near_duplicate_across_pages_and_against_earlier_runs():
    a = ("上半年,杭州高新区(滨江)地区生产总值首破千亿元,同比增长4.0%;数字经济核心产业增加值超800亿元;"
         "规模以上工业增加值384.8亿元,位居杭州市第一。")
    b = a.replace("位居杭州市第一", "位居全市第一")
    assert find_duplicates([Candidate("new-1", "new", b)], prior=[Candidate("old-7", "old", a)]) == {"new-1": "old-7"}


def test_a_page_of_only_spam_is_removed_line_by_line():
    page = ("五月丁香五月丁香激情,一级亚洲精品视频在线,东京热av一区二区不卡\n\n"
            "国产精品,日韩无码,激情视频在线播放\n亚洲精品网站在线播放,久久伊人\n")
    passages = clean(page)
    assert [p.removed for p in passages] == ["spam", "spam", "spam"]
    assert [p.rule for p in passages] == ["spam_lexicon"] * 3


def test_traditional_page_with_taiwan_phrasing_converts_and_keeps_its_figures():
    page = "新竹科學園區去年營業額達新臺幣1.2萬億元,軟體與網路產業就業人數成長5.3%。\n"
    passages = clean(page)
    assert passages[0].text == "新竹科学园区去年营业额达新台币1.2万亿元,软体与网路产业就业人数成长5.3%。"
    assert passages[0].original == page.strip()


def test_a_fragment_of_a_passage_is_a_duplicate_of_the_whole():
    whole = "截至2021年12月,当地面向人工智能、生命健康等各行业举办产业链协同创新活动共6场,筛选并邀请企业154家,促成合作42项。"
    page = f"{whole[:30]}\n\n{whole}\n\n{whole[30:]}\n\n42项\n"
    passages = clean(page)
    kept = [p for p in passages if not p.removed]
    assert [p.text for p in kept] == [whole]
    assert [(p.removed, p.dup_of) for p in passages if p.removed] == [("duplicate", kept[0].seq)] * 3


def test_ad_block_with_phone_numbers_is_boilerplate_but_articles_are_not():
    page = ("本报讯 今年上半年,全市新增科技型中小企业520家。\n\n"
            "联合推出\n高新企业 信用贷款\n联系电话:\n0571-87020963, 81396317\n详情手机扫描二维码\n")
    passages = clean(page)
    assert passages[0].removed is None
    assert {p.rule for p in passages[1:]} == {"contact_block"}


def test_a_headline_under_an_ad_line_is_not_part_of_the_ad():
    # the line above a dateline or source line is an article's headline
    page = ("扫码关注“江苏经济报”微信公众号    客服热线:025-96096\n\n当前位置:首页 > 经济 > 数据发布\n\n"
            "南京市2023年国民经济和社会发展统计公报(摘要)\n\n2024-03-27 16:40  来源:南京市统计局\n\n"
            "2023年,全市经济运行整体回升向好。\n")
    verdicts = {p.text[:6]: p.rule for p in clean(page)}
    assert verdicts == {"扫码关注“江": "contact_block", "当前位置:首": "contact_block",
                        "南京市202": None, "2024-0": None, "2023年,": None}


def test_streaming_pages_through_the_index_in_chunks_finds_what_one_batch_finds(tmp_path):
    """The flow feeds the index a chunk of pages at a time: same duplicates, same first copies."""
    from flows.bench import build_corpus
    from transforms.dedup import DuplicateIndex
    from transforms.decode import decode_bytes
    from transforms.segment import assign_articles, page_lines, repair_layout, split_passages
    from transforms.strip_spam import classify_lines
    from transforms.to_simplified import normalize_text, to_simplified
    build_corpus(tmp_path, 0.6)   # seed sentences recombined, ~10% of paragraphs repeated
    pages = []
    for path in sorted(tmp_path.iterdir()):
        text = normalize_text(decode_bytes(path.read_bytes()).text)
        simplified = to_simplified(text)
        lines = page_lines(text, simplified)
        passages = assign_articles(repair_layout(split_passages(lines, classify_lines([line.text for line in lines]))))
        pages.append([Candidate(f"{path.stem}-{p.seq}", path.stem, p.text) for p in passages if not p.removed])
    whole = find_duplicates([c for page in pages for c in page])
    index, streamed = DuplicateIndex(), {}
    for i in range(0, len(pages), 3):
        streamed.update(index.find([c for page in pages[i:i + 3] for c in page]))
    across_pages = {pid for pid, target in whole.items() if pid.split("-")[0] != target.split("-")[0]}
    assert len(pages) >= 12 and len(across_pages) >= 5
    assert streamed == whole


# --------------------------------------------------------------------------- long lines, line ends

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
