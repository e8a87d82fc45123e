"""Period resolution from a document's own date clues (exact periods asserted)."""
from __future__ import annotations

import pytest

from tests.conftest import seed
from transforms.periods import document_year, find_clues
from transforms.to_simplified import to_simplified


@pytest.mark.parametrize("text,year,expected", [
    ("今年上半年已征集人才项目184个", 2017, ["2017H1"]),
    ("日前,杭州市召开2017年半年度科技创新工作座谈会", 2017, ["2017H1"]),
    ("昨天,杭州海关公布了前三季度浙江省外贸进出口情况", 2020, ["2020-01..09"]),
    ("三季度全省进出口9697.5亿元", 2020, ["2020-07..09"]),
    ("今年1~8月,全省已有5.9万家小微企业", 2020, ["2020-01..08"]),
    ("今年1至8月,杭州高新区(滨江)新引进人才30537人", 2022, ["2022-01..08"]),
    ("截至9月末,该项工作已取得阶段性成效", 2020, ["2020-09"]),
    ("截至今年6月,高新区专利申请总量达6698件", 2017, ["2017-06"]),   # a stock at June's end, not H1
    ("截至2021年底,高新区累计培育63家上市公司", 2022, ["2021-12"]),
    ("截至2021年12月,当地举办产业链协同创新活动共6场", 2022, ["2021-12"]),
    ("去年,中信银行杭州分行坚持党建引领。截至年末,各项综合融资余额5149亿元", 2020, ["2019", "2019-12"]),
    ("力争到2025年底全区人才资源总量超过50万人", 2022, ["2025-12"]),
    ("力争2020~2022年,全省小微企业首贷户拓展20万户", 2020, ["2020..2022"]),
    ("浙江将在“十四五”期间重点布局建设10个浙江省实验室", 2020, ["2021..2025"]),
    ("2016年进入全国十个世界一流高科技园区建设序列", 2020, ["2016"]),
    ("定下今年8月31日前实现一万家企业上云的目标", 2017, ["2017-08"]),
    ("10月17日下午,科技成果竞价会在衢州举行", 2020, ["2020-10"]),
    ("数据显示,2023年,杭州市技术交易额1588亿元", 2024, ["2023"]),
    ("下半年还将举办10余场创新活动", 2017, ["2017H2"]),
    ("去年8月,杭州高新区(滨江)还获批复", 2022, ["2021-08"]),
    ("较去年同期提升0.9个百分点", 2020, []),
    ("近年来,该区每年引入人才3万人以上", 2020, [None]),
    ("今年上半年,新增市场主体8762家", None, []),
    # a period after 较/比/与 is the baseline of a comparison, not the figure's period
    ("前三季度增长9.1%,较上半年加快0.8个百分点", 2024, ["2024-01..09"]),
    ("较去年底净增612家", 2024, []),
    ("与2020年相比翻了一番", 2024, []),
    ("2021年至2023年,全区研发投入年均增长约15%", 2024, ["2021..2023", None]),
    ("去年底,全区共有高新技术企业2000家", 2024, ["2023-12"]),
    ("前5个月,全区新增注册企业2468家", 2024, ["2024-01..05"]),
    ("今年前三个月,出口增长", 2024, ["2024-01..03"]),
    # 目前, 现有 are now, wherever they stand (SCHEMA: the page's year)
    ("国家高新区数量由2012年的105家增至目前的178家", 2024, ["2012", "2024"]),
    ("目前,园区集聚人才38万人", 2024, ["2024"]),
    ("园区现有高新技术企业1200家", 2024, ["2024"]),
    ("对2020年3月1日至12月31日之间发放的贷款", 2021, ["2020-03..12"]),
])
def test_clues_resolve_to_exact_periods(text, year, expected):
    assert [c.period for c in find_clues(text, year)] == expected


def test_clues_without_a_year_take_the_year_spoken_of():
    # a page printed in 2024 reporting on 2023: 全年 and 年末 are 2023's, 今年 stays 2024
    assert [c.period for c in find_clues("全年完成固定资产投资412.5亿元。年末存款余额2068.5亿元", 2024, 2023)] \
        == ["2023", "2023-12"]
    assert [c.period for c in find_clues("今年上半年", 2024, 2023)] == ["2024H1"]


def test_deadline_and_plan_clues_mark_targets():
    assert [c.future for c in find_clues("力争到2025年底全区人才资源总量超过50万人", 2022)] == [True]
    assert [c.future for c in find_clues("今年上半年,新增市场主体8762家", 2022)] == [False]


@pytest.mark.parametrize("prefix,year,pub_date", [
    ("000", 2020, None),     # 成立30周年 of a zone 建于1990年
    ("001", 2022, None),     # latest outcome year: 2022年3月
    ("002", 2017, None),     # 2017年半年度
    ("003", 2024, None),
    ("004", 2022, "2022-10-14"),   # dateline
])
def test_document_year_of_each_seed(prefix, year, pub_date):
    assert document_year(to_simplified(seed(prefix))) == (year, pub_date)


def test_plan_years_are_not_the_present():
    assert document_year("2019年实行企业开办“一日办结”。明确了到2035年基本建成世界一流高科技园区的目标。") == (2019, None)
