"""Entities: organisations, events and projects a figure is about, never places
(transforms/entities.py), and how the extractor gives their figures a place."""
from __future__ import annotations

import pytest

from tests.conftest import extract_page
from transforms.entities import headline_topic, project_of, subjects


@pytest.mark.parametrize("text,expected", [
    ("去年,中信银行杭州分行坚持党建引领", ["中信银行杭州分行"]),
    ("本报讯 今年以来,嘉兴农信与嘉兴市农业农村局联合开展", ["嘉兴农信"]),
    # the longest name that is followed by what it does, not the first 大学 inside it
    ("10月17日下午,第二届浙闽赣皖四省边际应用型大学联盟科技成果竞价(拍卖)会在衢州舜园大酒店顺利落锤",
     ["第二届浙闽赣皖四省边际应用型大学联盟科技成果竞价(拍卖)会"]),
    ("东海实验室(智慧海洋实验室)面向国家战略", ["东海实验室(智慧海洋实验室)"]),
    ("阿里本地生活出资5亿元举办云端嘉年华,浙江银联联合省内40余家银行推出", ["阿里本地生活", "浙江银联"]),
    # government bodies speak for their place; common nouns are not names
    ("近日,人民银行杭州中心支行、浙江省市场监督管理局联合印发", []),
    ("杭州市科委联合推出", []),
    ("累计培育上市公司数量即将达到57家", []),
    ("全市6家农商银行完成全辖72个乡镇的启动推广", []),
    ("浙石化与浙江海洋大学签署合作协议", []),
])
def test_subjects(text, expected):
    assert [s.name for s in subjects(text)] == expected


def test_an_anaphor_is_marked():
    found = subjects("在衢州学院等高校的支持下,本次拍卖会共征集到拍卖科技成果12项")
    assert [(s.name, s.anaphoric) for s in found] == [("拍卖会", True)]


@pytest.mark.parametrize("headline,topic", [
    ("嘉兴农信:农户小额普惠贷款全覆盖", "嘉兴农信"),
    ("中信银行杭州分行连拿九次一等奖", "中信银行杭州分行"),
    ("2020浙江金秋购物节在杭启动", "2020浙江金秋购物节"),
    ("杭州高新区:迈向世界一流", None),
    ("全省出口高新技术产品增长超20%", None),
])
def test_headline_topic(headline, topic):
    assert headline_topic(headline) == topic


def test_a_project_is_the_entity_of_its_investment():
    text = "总投资68亿元的骆驼集团新能源电池项目开工"
    assert project_of(text, 3, 7, 0, len(text)) == "骆驼集团新能源电池项目"
    text = "东风纳米新能源整车项目总投资120亿元"
    assert project_of(text, text.index("120"), len(text), 0, len(text)) == "东风纳米新能源整车项目"


def rows(page):
    return [(r.region, r.entity, r.value) for r in extract_page(page)]


def test_a_bank_branch_figure_is_placed_in_its_city():
    page = ("2020-10-20 来源:浙江日报\n\n中信银行杭州分行连拿九次一等奖\n\n本报讯 去年,中信银行杭州分行坚持党建引领,"
            "聚焦国家和浙江省重大战略部署。截至年末,各项综合融资余额5149亿元,比年初增加1041亿元。")
    assert rows(page) == [("杭州市", "中信银行杭州分行", 5149), ("杭州市", "中信银行杭州分行", 1041)]


def test_a_place_in_the_figure_clause_takes_it_from_the_headline_event():
    page = ("2020-10-17\n\n2020浙江金秋购物节在杭启动\n\n本报讯 活动由浙江省商务厅等6部门联合主办。"
            "开幕式现场,五大中华老字号掌门人齐登台,代表全国300多家中华老字号。阿里本地生活出资5亿元举办云端嘉年华。")
    assert rows(page) == [("浙江省", "2020浙江金秋购物节", 6), ("浙江省", "2020浙江金秋购物节", 5),
                          ("全国", None, 300), ("浙江省", "阿里本地生活", 5)]


def test_a_zone_figure_has_no_entity_and_region_is_never_an_organisation():
    page = ("2022-10-14 来源:人民网\n\n杭州高新区:迈向世界一流\n\n本报讯 10月17日晚,杭州高新区成立30周年纪念大会举行。"
            "30年来,杭州高新区实现GDP近1600亿元,培育上市公司57家。")
    got = rows(page)
    assert ("杭州高新区(滨江)", None, 1600) in got and all(r[1] is None for r in got)


def test_a_lab_the_lead_names_and_places_is_the_entity_of_the_article():
    page = ("2025-07-18\n\n校企共建实验室\n跑出成果转化“加速度”\n\n本报讯 记者从江南大学获悉,该校与企业共建、"
            "设在滨湖区江南大学校内的“江南大学—华晟未来食品联合实验室”,累计承担企业委托研发项目37项,"
            "申请发明专利52件。\n\n目前,实验室有专职研究人员64名。")
    assert rows(page) == [("滨湖区", "江南大学—华晟未来食品联合实验室", 37), ("滨湖区", "江南大学—华晟未来食品联合实验室", 52),
                          ("滨湖区", "江南大学—华晟未来食品联合实验室", 64)]
