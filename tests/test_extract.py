"""Extraction: exact rows for real phrasings, region attribution across the articles of
one page, periods from the page's own clues, and a written page scored like the seeds."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED, extract_page, seed

FIXTURES = ROOT / "tests" / "fixtures"


def rows(page: str) -> list[tuple]:
    return [(r.region, r.value, r.unit, r.value_base, r.unit_base, r.measure, r.qualifier, r.target, r.period)
            for r in extract_page(page)]


def test_growth_list_and_sign():
    page = ("本报讯 记者从海关获悉,前三季度,嘉兴市进出口总值2316.4亿元,同比增长5.3%。"
            "其中,出口1602.8亿元,增长7.1%;进口713.6亿元,下降1.2%。")
    assert rows(page) == [
        ("嘉兴市", 2316.4, "亿元", 231640000000.0, "元", "level", "", False, None),
        ("嘉兴市", 5.3, "%", 5.3, "%", "growth", "", False, None),
        ("嘉兴市", 1602.8, "亿元", 160280000000.0, "元", "level", "", False, None),
        ("嘉兴市", 7.1, "%", 7.1, "%", "growth", "", False, None),
        ("嘉兴市", 713.6, "亿元", 71360000000.0, "元", "level", "", False, None),
        ("嘉兴市", -1.2, "%", -1.2, "%", "growth", "", False, None),
    ]   # no year anywhere on the page: period stays null, never a guess


def test_period_resolved_against_the_dateline():
    page = "2022-10-14 10:00 来源:人民网\n\n今年1至8月,杭州高新区(滨江)新引进人才30537人,同比增长9.48%,全区人才总量超43万。"
    assert rows(page) == [
        ("杭州高新区(滨江)", 30537.0, "人", 30537.0, "人", "level", "", False, "2022-01..08"),
        ("杭州高新区(滨江)", 9.48, "%", 9.48, "%", "growth", "", False, "2022-01..08"),
        ("杭州高新区(滨江)", 43.0, "万", 430000.0, "人", "level", "超", False, "2022-01..08"),
    ]


def test_targets_are_flagged_and_ba_construction_is_not_a_target():
    page = ("2022-10-14 来源:人民网\n\n力争到2025年底全区人才资源总量超过50万人,硕士研究生及以上高层次人才达5万名。\n\n"
            "桐庐县集聚财力将2.25亿元资金精准化扶持科技创新。")
    got = rows(page)
    assert [(r[1], r[7], r[8]) for r in got] == [(50.0, True, "2025-12"), (5.0, True, "2025-12"), (2.25, False, "2022")]
    assert got[2][0] == "桐庐县"


def test_share_and_percentage_points():
    page = ("2020-10-20 来源:浙江日报\n\n前三季度,全省出口高新技术产品1409.2亿元,增长21.6%,"
            "占全省出口总值的7.8%,较去年同期提升0.9个百分点。")
    got = [(r[1], r[4], r[5], r[8]) for r in rows(page)]
    assert got == [(1409.2, "元", "level", "2020-01..09"), (21.6, "%", "growth", "2020-01..09"),
                   (7.8, "%", "share", "2020-01..09"), (0.9, "pp", "growth", "2020-01..09")]


def test_rank_goes_to_the_entity_ranked_not_the_scope():
    page = "2017年7月\n\n杭州的发明专利授权量和有效发明专利量居全国省会城市第一。"
    assert [(r[0], r[1], r[4], r[5]) for r in rows(page)] == [("杭州市", 1.0, "名", "rank")]


def test_country_scope_figure_and_zone_subject():
    page = ("近日,科技部通报2016年度国家高新区评价结果,杭州高新区(滨江)在全国146个国家高新区和苏州工业园的"
            "综合排名中首次跃升至第三名。")
    got = [(r[0], r[1], r[5], r[8]) for r in rows(page)]
    assert got == [("全国", 146.0, "level", "2016"), ("杭州高新区(滨江)", 3.0, "rank", "2016")]


def test_figures_of_different_articles_do_not_bleed():
    page = (FIXTURES / "pages" / "900_written_page.txt").read_text("utf-8")
    by_region = {}
    for r in extract_page(page):
        by_region.setdefault(r.region, set()).add(r.article_id)
    assert set(by_region) == {"宁波高新区", "嘉兴市"}
    assert by_region["宁波高新区"].isdisjoint(by_region["嘉兴市"])


def test_section_headings_set_the_region_of_002():
    got = {(r.region, r.value) for r in extract_page(seed("002"))}
    assert ("杭州高新区(滨江)", 3712.0) in got           # 高新区(滨江):跃居全国第三 section
    assert ("杭州市", 710.0) in got                        # the city-level lead
    assert ("杭州经开区", 10.0) in got                      # 杭州经开区:国际范儿十足 section


def test_not_indicators():
    page = ("2020-10-18\n\n10月17日,杭州高新区成立30周年纪念大会举行。走出了一条具有中国特色的道路。"
            "联系电话:0571-87020963。自2011年以来,已连续推出“1+X”产业政策体系,迭代实施“5050计划”。")
    assert rows(page) == []


def test_an_article_about_last_year():
    # printed in 2024, reporting 2023: figures without a clue of their own are 2023's
    page = ("2024年2月21日 星期三\n\n嘉善县2023年经济运行成绩单出炉\n\n"
            "本报讯 2月20日,记者从嘉善县统计局获悉,2023年,嘉善县实现地区生产总值816.3亿元,同比增长7.4%。\n\n"
            "投资和外贸稳中有进。全年完成固定资产投资412.5亿元,增长8.6%。年末全县金融机构本外币存款余额2068.5亿元。")
    assert [(r[0], r[1], r[-1]) for r in rows(page)] == [
        ("嘉善县", 816.3, "2023"), ("嘉善县", 7.4, "2023"), ("嘉善县", 412.5, "2023"),
        ("嘉善县", 8.6, "2023"), ("嘉善县", 2068.5, "2023-12")]


def test_the_whole_and_the_benchmark_are_not_the_subject():
    page = ("2024-10-28 来源:湖北日报\n\n前三季度,东湖高新区实现地区生产总值2150.6亿元,同比增长9.1%,"
            "较上半年加快0.8个百分点,经济总量占全市的比重达15.8%,增速高于全市2.1个百分点。")
    assert [(r[0], r[1], r[5], r[-1]) for r in rows(page)] == [
        ("武汉东湖高新区", 2150.6, "level", "2024-01..09"), ("武汉东湖高新区", 9.1, "growth", "2024-01..09"),
        ("武汉东湖高新区", 0.8, "growth", "2024-01..09"), ("武汉东湖高新区", 15.8, "share", "2024-01..09"),
        ("武汉东湖高新区", 2.1, "growth", "2024-01..09")]


def test_towns_lists_and_ordered_ranks():
    page = ("2024-02-21\n\n嘉善县工业增加值增长9.1%。各镇(街道)中,规上工业增加值增速排前三位的是:"
            "姚庄镇、惠民街道和西塘镇,分别增长18.2%、15.6%和13.9%。\n\n◆ 罗星街道:新建成人才社区1个,提供人才公寓420套。")
    assert [(r[0], r[1], r[5]) for r in rows(page)] == [
        ("嘉善县", 9.1, "growth"),
        ("嘉善县姚庄镇", 1, "rank"), ("嘉善县惠民街道", 2, "rank"), ("嘉善县西塘镇", 3, "rank"),
        ("嘉善县姚庄镇", 18.2, "growth"), ("嘉善县惠民街道", 15.6, "growth"), ("嘉善县西塘镇", 13.9, "growth"),
        ("嘉善县罗星街道", 1, "level"), ("嘉善县罗星街道", 420, "level")]


def test_rates_reached_are_shares_and_averages_take_their_span():
    page = ("2024-07-29\n\n上半年,西安高新区高新技术产业投资占固定资产投资的比重提高到38.4%,"
            "对经济增长的贡献率达到52.6%。2021年至2023年,全区研发投入年均增长约15%。")
    assert [(r[0], r[1], r[5], r[-1]) for r in rows(page)] == [
        ("西安高新区", 38.4, "share", "2024H1"), ("西安高新区", 52.6, "share", "2024H1"),
        ("西安高新区", 15, "growth", "2021..2023")]


def test_a_group_of_zones_is_not_a_place():
    page = ("2024年11月22日 来源:科技日报\n\n2023年,东部地区国家高新区实现营业收入36.8万亿元,"
            "占全部国家高新区的64.2%。")
    assert [(r[0], r[-1]) for r in rows(page)] == [(None, "2023"), (None, "2023")]


def test_a_net_change_against_a_baseline_is_growth():
    page = "2024-10-28\n\n截至9月末,东湖高新区入库评价科技型中小企业突破1.2万家,较去年底净增612家。"
    # the stock is as of September's end; the change since last year's end covers the months since
    assert [(r[3], r[5], r[-1]) for r in rows(page)] == [(12000, "level", "2024-09"), (612, "growth", "2024-01..09")]


def _score(gold_dir, pred_rows, tmp_path) -> dict:
    pred = tmp_path / "pred.csv"
    with open(pred, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["doc", "region", "entity", "indicator", "value_base", "unit_base", "measure", "period", "target",
                    "evidence"])
        w.writerows(pred_rows)
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(gold_dir),
                          "--pred", str(pred)], capture_output=True, text=True, check=True).stdout
    print(out)
    last = out.strip().splitlines()[-1]
    return {k: float(v) for k, v in (kv.split("=") for kv in last.split())}


def _pred_rows(path):
    return [(path.name, r.region, r.entity or "", r.indicator, r.value_base, r.unit_base, r.measure, r.period or "",
             "yes" if r.target else "no", r.evidence)
            for r in extract_page(path.read_text("utf-8"))]


# Written pages with hand-labelled gold (tests/fixtures/README.md). 900 was labelled by the
# extractor's author; 901-908 by someone who had not seen the extractor (906-908 with the
# entity column). The floors sit a little under what the extractor scores today, as
# regression guards.
WRITTEN_PAGES = {"900_written_page": 0.95, "901_written_page": 0.85, "902_written_page": 0.90,
                 "903_written_page": 0.90, "904_written_page": 0.88, "905_written_page": 0.70,
                 "906_written_page": 0.85, "907_written_page": 0.93, "908_written_page": 0.75}


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval not present")
@pytest.mark.parametrize("name,strict", sorted(WRITTEN_PAGES.items()))
def test_written_page_scores_like_the_seeds(tmp_path, name, strict):
    scores = _score(FIXTURES / "gold" / f"{name}.csv", _pred_rows(FIXTURES / "pages" / f"{name}.txt"), tmp_path)
    assert scores["F1"] >= 0.95 and scores["strict"] >= strict


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval not present")
def test_seed_gold_scores(tmp_path):
    rows = [r for path in sorted((ROOT / "raw").glob("*.txt")) for r in _pred_rows(path)]
    scores = _score(SHARED / "eval" / "gold", rows, tmp_path)
    assert scores["F1"] >= 0.97 and scores["strict"] >= 0.90   # issue 17's bar, entity included


def test_a_subhead_naming_a_place_and_a_figure_owns_that_figure_wherever_it_is_printed():
    page = ("2017-07-20\n\n杭州科技创新成绩单\n\n萧山区:产城融合抓创新\n\n"
            "萧山区加快推进产城融合,着力建设创新平台。\n\n其中更是将7000万元瞄准科技创新、人才招引。\n\n"
            "桐庐县:7000万元筑巢引凤\n\n桐庐集聚财力将2.25亿元资金精准化扶持科技创新。\n\n"
            "吴江区:汾湖高新区去年新增国家高企126家\n\n汾湖高新区新增国家高新技术企业126家。")
    got = {r.value: r.region for r in extract_page(page)}
    assert got[7000] == "桐庐县" and got[2.25] == "桐庐县"
    assert got[126] != "苏州市吴江区"   # the subhead names 汾湖高新区 before the figure


def test_the_country_opening_a_clause_is_the_region_of_a_national_page():
    page = ("2025-01-18 10:32 来源:文汇报\n\n中国去年GDP增长5.0%\n\n【本报讯】国家统计局昨日公布的数据显示,"
            "中国2024年国内生产总值为1349084亿元,比上年增长5.0%。我国全社会研发经费投入36130亿元。"
            "全国规模以上工业增加值比上年增长5.8%。全国重点实验室达到533个。")
    got = [(r[0], r[1]) for r in rows(page)]
    assert got[:4] == [("全国", 1349084), ("全国", 5.0), ("全国", 36130), ("全国", 5.8)]


def test_a_lead_of_last_year_sets_the_year_of_the_headline_months():
    page = ("2025-01-20\n\n安徽前11个月规上工业增加值增长8.3%\n\n【本报讯】去年前11个月,安徽省规模以上工业增加值"
            "同比增长8.3%。\n\n前11个月,全省固定资产投资增长4.1%。")
    assert [r[-1] for r in rows(page)] == ["2024-01..11", "2024-01..11"]


def test_recent_years_founding_dates_and_now():
    page = ("2023-11-08\n\n近3年,全省高新技术企业数量年均增长24.3%。研究院成立于2019年,已累计孵化科技型企业46家。"
            "目前,园区拥有众创空间26个。")
    assert [r[-1] for r in rows(page)] == ["2020..2022", "2023", "2023"]


def test_cues_of_other_presses_and_a_share_of_the_country():
    page = ("2025-06-18\n\n大陆国家高新区去年营业收入增长\n\n178家国家高新区实现营业收入61.3万亿元,年增6.8%,"
            "以全国约0.1%的土地面积,创造了全国13.5%的国内生产总值。")
    assert [(r[1], r[5]) for r in rows(page)][-3:] == [(6.8, "growth"), (0.1, "share"), (13.5, "share")]


def test_a_bare_development_zone_is_the_zone_named_before_and_a_town_is_the_place_after_de():
    page = ("2025-10-20\n\n息烽县:园区经济稳步壮大\n\n走进位于小寨坝镇的息烽经济开发区,厂房拔地而起。"
            "开发区规划面积18.6平方公里,现有规上工业企业43家。\n\n毗邻园区的永靖镇新增个体工商户426户。")
    got = [(r[0], r[1]) for r in rows(page)]
    assert got == [("息烽经济开发区", 18.6), ("息烽经济开发区", 43), ("息烽县永靖镇", 426)]
