"""Spam, advertising and boilerplate lines (transforms/strip_spam.py), on the seeds and real phrasings."""
from __future__ import annotations

from tests.conftest import clean_page as clean, seed
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


def test_a_page_of_only_spam_is_removed_line_by_line():
    page = ("五月丁香五月丁香激情,一级亚洲精品视频在线,东京热av一区二区不卡\n\n"
            "国产精品,日韩无码,激情视频在线播放\n亚洲精品网站在线播放,久久伊人\n")
    passages = clean(page)
    assert [p.removed for p in passages] == ["spam", "spam", "spam"]
    assert [p.rule for p in passages] == ["spam_lexicon"] * 3


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
