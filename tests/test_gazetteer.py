"""Gazetteer and indicator dictionary: reference-data invariants and real phrasings.

The phrasings are copied from the seed pages in shared/seeds (004 is traditional Chinese
and is converted with OpenCC t2s first).  A last, optional test runs over the seed files
themselves when shared/seeds sits beside the repository.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from transforms.gazetteer import (
    LEVELS,
    SHARED_MARK,
    Gazetteer,
    IndicatorDef,
    Region,
    load_gazetteer,
    load_indicators,
    match_indicator,
)
from transforms.to_simplified import fold_fullwidth

REF = Path(__file__).resolve().parents[1] / "transforms" / "reference"
HTZ_SUFFIXES = ("高新技术产业开发区", "高技术产业开发区", "新技术开发区", "高新技术产业园区", "农业高新技术产业示范区")
HTZ_SPECIAL = {"中关村科技园区", "苏州工业园区"}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def rows():
    with open(REF / "regions.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def names_of(mentions):
    return [m.region.name for m in mentions]


# --------------------------------------------------------------------------- regions.csv invariants


def test_regions_csv_header_and_levels(rows):
    with open(REF / "regions.csv", encoding="utf-8") as f:
        assert f.readline().strip() == "name,level,parent,aliases"
    assert {r["level"] for r in rows} == set(LEVELS)


def test_canonical_names_unique(rows):
    dup = [n for n, c in Counter(r["name"] for r in rows).items() if c > 1]
    assert dup == []


def test_every_parent_exists_and_fits_the_level(rows):
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        if r["level"] == "country":
            assert r["parent"] == "", r
            continue
        parent = by_name.get(r["parent"])
        assert parent is not None, f"{r['name']}: parent {r['parent']!r} missing"
        allowed = {
            "province": {"country"},
            "city": {"province"},
            "district": {"city", "province"},  # municipalities' districts hang off the 直辖市
            "zone": {"province", "city", "district"},
        }[r["level"]]
        assert parent["level"] in allowed, (r["name"], parent["level"])


def test_no_duplicate_surface_forms_except_declared_shared(rows):
    owners, sharers = defaultdict(set), defaultdict(set)
    for r in rows:
        owners[fold_fullwidth(r["name"])].add(r["name"])
        for a in filter(None, r["aliases"].split("|")):
            form = fold_fullwidth(a.removeprefix(SHARED_MARK))
            owners[form].add(r["name"])
            if a.startswith(SHARED_MARK):
                sharers[form].add(r["name"])
    # a form with several owners: all of them but at most one declare it shared
    undeclared = {f: s - sharers[f] for f, s in owners.items() if len(s) > 1 and len(s - sharers[f]) > 1}
    assert undeclared == {}
    assert [f for f, s in sharers.items() if len(owners[f]) < 2] == []
    assert [f for f in owners if len(f) < 2] == []
    # the 24 names of more than one county-level unit, and no others
    assert len(sharers) == 24
    assert {"南山区", "鼓楼区", "朝阳区", "普陀区", "西湖区", "江北区", "市中区"} <= set(sharers)


def test_level_counts(rows):
    levels = Counter(r["level"] for r in rows)
    assert levels["country"] == 1
    assert levels["province"] == 34
    assert levels["city"] >= 330
    by_name = {r["name"]: r for r in rows}
    zj_districts = [
        r for r in rows
        if r["level"] == "district" and by_name[r["parent"]]["parent"] == "浙江省"
    ]
    assert len(zj_districts) >= 85
    htz = [
        r for r in rows
        if r["level"] == "zone" and (
            r["name"] in HTZ_SPECIAL
            or any(f.endswith(HTZ_SUFFIXES) for f in [r["name"], *r["aliases"].split("|")])
        )
    ]
    assert len(htz) >= 170


def test_municipalities_are_provinces_not_cities(gaz):
    for m in ("北京市", "天津市", "上海市", "重庆市"):
        assert gaz.get(m).level == "province"
    assert gaz.get("北京").name == "北京市"


def test_ambiguous_short_forms_are_not_aliases(gaz):
    for word in ("高新区", "开发区", "新区", "经开区", "自贸区", "西湖", "滨江", "江北", "普陀", "阿里",
                 "南山", "朝阳", "长安", "和平", "新华", "白云"):
        assert gaz.get(word) is None, word
    # 吉林 is the province; the city is only ever 吉林市
    assert gaz.get("吉林").name == "吉林省"
    assert gaz.get("吉林市").level == "city"


def test_hangzhou_high_tech_zone_is_one_row(gaz, rows):
    assert "滨江区" not in {r["name"] for r in rows}
    zone = gaz.get("杭州高新区(滨江)")
    assert zone.level == "zone" and zone.parent == "杭州市"
    for alias in ("杭州高新区", "高新区(滨江)", "杭州高新区（滨江）", "滨江区", "杭州市滨江区",
                  "杭州高新技术产业开发区", "杭州国家高新区"):
        assert gaz.get(alias) is zone, alias


def test_names_sorted_and_complete(gaz, rows):
    names = gaz.names()
    assert names == sorted(names)
    assert len(names) == len(rows) == len(gaz)


# --------------------------------------------------------------------------- get / ancestors


def test_get_and_full_width_parentheses(gaz):
    assert gaz.get("滨江区") is gaz.get("杭州高新区（滨江）")
    assert gaz.get("滨江区").name == "杭州高新区(滨江)"
    assert gaz.get("杭州").name == "杭州市"
    assert gaz.get("舟山").name == "舟山市"
    assert gaz.get("浙江").name == "浙江省"
    assert gaz.get("广西").name == "广西壮族自治区"
    assert gaz.get("香港").name == "香港特别行政区"
    assert gaz.get("中国").name == "全国"
    assert gaz.get("不存在的地方") is None


def test_ancestors(gaz):
    assert [r.name for r in gaz.ancestors("杭州高新区(滨江)")] == ["杭州市", "浙江省", "全国"]
    assert [r.name for r in gaz.ancestors("滨江区")] == ["杭州市", "浙江省", "全国"]
    assert [r.name for r in gaz.ancestors("建德市")] == ["杭州市", "浙江省", "全国"]
    assert [r.name for r in gaz.ancestors("清远高新区")] == ["清远市", "广东省", "全国"]
    assert [r.name for r in gaz.ancestors("中关村")] == ["北京市", "全国"]
    assert [r.name for r in gaz.ancestors("浙江自贸试验区")] == ["浙江省", "全国"]
    assert gaz.ancestors("全国") == []
    with pytest.raises(KeyError):
        gaz.ancestors("不存在的地方")


def test_zone_rows(gaz):
    qy = gaz.get("清远高新区")
    assert qy.level == "zone" and qy.parent == "清远市"
    for alias in ("清远高新技术产业开发区", "广东清远高新区", "华南清远高新区"):
        assert gaz.get(alias) is qy
    assert gaz.get("厦门火炬高技术产业开发区").name == "厦门火炬高新区"
    assert gaz.get("厦门高新区").name == "厦门火炬高新区"
    assert gaz.get("拉萨高新区").parent == "拉萨市"
    assert gaz.get("中关村").name == "中关村科技园区"
    assert gaz.get("上海张江高新区").name == "张江高新区"
    assert gaz.get("苏州工业园区").level == "zone"
    assert gaz.get("兰白国家自创区").name == "兰白国家自主创新示范区"
    assert gaz.get("兰白自创区").name == "兰白国家自主创新示范区"
    assert gaz.get("杭州经济技术开发区").name == "杭州经开区"
    assert gaz.get("绥阳经济技术开发区").name == "贵州绥阳经开区"
    assert gaz.get("中国(浙江)自由贸易试验区").name == "浙江自贸试验区"
    assert gaz.get("浙江自由贸易试验区").parent == "浙江省"


def test_zhejiang_districts(gaz):
    assert gaz.get("西湖区").parent == "杭州市"
    assert gaz.get("下城区").parent == "杭州市"  # merged away in 2021, still in older pages
    assert gaz.get("江干区").parent == "杭州市"
    assert gaz.get("临平区").parent == "杭州市"
    assert gaz.get("萧山").name == "萧山区"
    assert gaz.get("龙港市").parent == "温州市"
    assert gaz.get("景宁").name == "景宁畲族自治县"


# --------------------------------------------------------------------------- find()


def test_find_zone_in_gdp_sentence(gaz):
    text = "上半年,杭州高新区(滨江)地区生产总值首破千亿元"
    ms = gaz.find(text)
    assert len(ms) == 1
    m = ms[0]
    assert (m.start, m.end, m.surface, m.region.name) == (4, 13, "杭州高新区(滨江)", "杭州高新区(滨江)")


def test_find_traditional_page_after_t2s(gaz):
    opencc = pytest.importorskip("opencc")
    trad = "上半年,杭州高新區(濱江)地區生產總值首破千億元,同比增長4.0%;數字經濟核心產業增加值超800億元"
    text = opencc.OpenCC("t2s").convert(trad)
    assert names_of(gaz.find(text)) == ["杭州高新区(滨江)"]
    assert match_indicator("地区生产总值").name == "地区生产总值"
    assert match_indicator("数字经济核心产业增加值超800亿元").name == "数字经济核心产业增加值"


def test_find_full_width_offsets_refer_to_input(gaz):
    text = "近日,杭州高新区（滨江）发布"
    (m,) = gaz.find(text)
    assert m.region.name == "杭州高新区(滨江)"
    assert m.surface == "杭州高新区（滨江）" == text[m.start:m.end]


def test_find_province_short_form(gaz):
    assert names_of(gaz.find("浙江进出口总值2.44万亿元")) == ["浙江省"]


def test_find_skips_organisations(gaz):
    assert gaz.find("浙江海洋大学") == []
    assert "浙江省" not in names_of(gaz.find("浙石化与浙江海洋大学签署合作协议"))
    assert gaz.find("浙江大学、自然资源部第二海洋研究所") == []
    assert names_of(gaz.find("杭州海关公布了前三季度浙江省外贸进出口情况")) == ["浙江省"]
    assert gaz.find("中信银行杭州分行连拿九次一等奖") == []
    assert gaz.find("获得杭州联合银行西兴支行的100万元贷款授信") == []
    assert gaz.find("当地中国工商银行随即为企业发放了300万元信用贷款") == []
    assert gaz.find("杭州加威智能科技有限公司") == []
    assert gaz.find("西湖大学、西湖实验室") == []


def test_find_keeps_provincial_laboratory(gaz):
    assert names_of(gaz.find("智慧海洋领域浙江省实验室创建工作")) == ["浙江省"]
    assert names_of(gaz.find("每年吸纳杭州大学生就业")) == ["杭州市"]


def test_find_longest_match_wins(gaz):
    assert names_of(gaz.find("杭州高新区在全国高新区中率先发展")) == ["杭州高新区(滨江)", "全国"]
    assert names_of(gaz.find("西湖区、高新区(滨江)、萧山区、余杭区、桐庐县、杭州经开区科技局")) == [
        "西湖区", "杭州高新区(滨江)", "萧山区", "余杭区", "桐庐县", "杭州经开区",
    ]


def test_find_neighbouring_regions(gaz):
    text = "清远高新区地处清远市南端,与广州市花都区接壤"
    ms = gaz.find(text)
    assert names_of(ms) == ["清远高新区", "清远市", "花都区"]
    assert [(m.start, m.end) for m in ms] == [(0, 5), (7, 10), (14, 20)]
    assert ms[2].region.parent == "广州市"


def test_find_same_region_two_surfaces(gaz):
    a = gaz.find("1996年,滨江区设立")
    b = gaz.find("杭州高新区（滨江）")
    assert a[0].region is b[0].region


def test_find_word_edges(gaz):
    # 创新余杭 is 创新 + 余杭, not 新余(市)
    assert names_of(gaz.find("推进“创新余杭”生态建设")) == ["余杭区"]
    assert gaz.find("维护社会长治久安") == []
    assert gaz.find("杭州湾全球数字技术大会") == []
    assert gaz.find("国内外高校院所") == []
    assert names_of(gaz.find("此外,下城区瞄准“互联网+”")) == ["下城区"]


def test_find_other_zones(gaz):
    assert names_of(gaz.find("浙江自贸试验区进出口855.4亿元")) == ["浙江自贸试验区"]
    assert names_of(gaz.find("贵州省绥阳县经济技术开发区推动工业企业复产扩能")) == ["贵州绥阳经开区"]
    assert names_of(gaz.find("与浙江海洋大学同处浙江舟山群岛新区")) == ["舟山群岛新区"]
    assert names_of(gaz.find("兰白国家自创区：强化自主创新")) == ["兰白国家自主创新示范区"]
    assert names_of(gaz.find("在温州市平阳县萧江镇举行")) == ["平阳县"]


def test_find_results_sorted_non_overlapping(gaz):
    text = "杭州市副市长说,杭州高新区是杭州高质量发展的金名片,在浙江省乃至全国领先。"
    ms = gaz.find(text)
    assert names_of(ms) == ["杭州市", "杭州高新区(滨江)", "杭州市", "浙江省", "全国"]
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
    assert all(m.surface == text[m.start:m.end] for m in ms)
    assert gaz.find("") == []


def test_load_gazetteer_is_cached():
    assert load_gazetteer() is load_gazetteer()


# --------------------------------------------------------------------------- county-level units


def _province(name, by_name):
    row = by_name[name]
    while row["level"] not in ("province", "country"):
        row = by_name[row["parent"]]
    return row["name"]


def test_zhejiang_rows_unchanged(rows):
    """The hand-maintained 浙江 rows (province, cities, districts, zones) are not touched by
    build_regions.py.  Update the digest only with a deliberate edit of those rows."""
    by_name = {r["name"]: r for r in rows}
    zj = [r for r in rows if _province(r["name"], by_name) == "浙江省"]
    lines = "\n".join(",".join(r[k] for k in ("name", "level", "parent", "aliases")) for r in zj)
    assert len(zj) == 143
    assert hashlib.sha256(lines.encode()).hexdigest()[:16] == "0f3a240833a3ef09"
    assert sum(r["level"] == "district" for r in zj) == 91


@pytest.mark.parametrize("province, official", [
    # 民政部 2024: county-level units per province
    ("江苏省", 95), ("广东省", 122), ("四川省", 183), ("河北省", 167), ("湖北省", 103),
    ("海南省", 25), ("新疆维吾尔自治区", 110), ("西藏自治区", 74),
    ("北京市", 16), ("天津市", 16), ("上海市", 16), ("重庆市", 38),
])
def test_district_counts_per_province(rows, province, official):
    by_name = {r["name"]: r for r in rows}
    districts = [r for r in rows if r["level"] == "district" and _province(r["name"], by_name) == province]
    assert len(districts) == official


def test_district_parents(gaz):
    assert gaz.get("雁塔区").parent == "西安市"
    assert gaz.get("仙桃市").parent == "湖北省"           # 省直辖
    assert gaz.get("济源市").parent == "河南省"
    assert gaz.get("五指山市").parent == "海南省"
    assert gaz.get("海淀区").parent == "北京市"           # a municipality's district
    assert gaz.get("武清区").parent == "天津市"
    assert gaz.get("长阳县").name == "长阳土家族自治县"
    assert gaz.get("管城区").name == "管城回族区"
    assert gaz.get("安徽和县").name == "马鞍山市和县"     # 和县 alone is never a mention
    assert gaz.get("和县") is None


@pytest.mark.parametrize("text, expected", [
    ("深圳市南山区统计局日前发布数据显示,上半年南山区实现地区生产总值4012.5亿元",
     [("深圳市南山区", "深圳市南山区", "深圳市"), ("南山区", "深圳市南山区", "深圳市")]),
    ("西安市雁塔区与西安高新区签署合作协议,雁塔将打造科技创新核心区",
     [("西安市雁塔区", "雁塔区", "西安市"), ("西安高新区", "西安高新区", "西安市"),
      ("雁塔", "雁塔区", "西安市")]),
    ("2023年,苏州市吴江区汾湖高新区新增国家高新技术企业126家",
     [("苏州市吴江区", "吴江区", "苏州市")]),
    ("示范区涉及的青浦区、吴江区、嘉善县三地总面积约2413平方公里",
     [("青浦区", "青浦区", "上海市"), ("吴江区", "吴江区", "苏州市"), ("嘉善县", "嘉善县", "嘉兴市")]),
])
def test_find_county_level_units(gaz, text, expected):
    assert [(m.surface, m.region.name, m.region.parent) for m in gaz.find(text)] == expected


def test_ambiguous_name_follows_the_region_named_before_it(gaz):
    ms = gaz.find("记者从深圳市科技创新局获悉,同期,南山区国家级高新技术企业超过5000家")
    assert names_of(ms) == ["深圳市", "深圳市南山区"]
    assert [m.ambiguous for m in ms] == [False, True]
    # the latest region named wins, at its most specific level: 徐州 after 南京
    assert names_of(gaz.find("南京市、徐州市各有一个鼓楼区"))[-1] == "徐州市鼓楼区"
    assert names_of(gaz.find("徐州市地处江苏省北部,鼓楼区"))[-1] == "徐州市鼓楼区"
    assert names_of(gaz.find("福州市与江苏省合作,鼓楼区"))[-1] == "南京市鼓楼区"


def test_context_settles_an_ambiguous_name(gaz):
    text = "上半年南山区实现地区生产总值同比增长6.2%"
    assert names_of(gaz.find(text, context=["鹤岗市"])) == ["鹤岗市南山区"]
    assert names_of(gaz.find(text, context=["黑龙江省"])) == ["鹤岗市南山区"]
    assert names_of(gaz.find(text, context=["深圳高新区"])) == ["深圳市南山区"]
    assert names_of(gaz.find(text, context="鹤岗市")) == ["鹤岗市南山区"]
    # a region the text names before the mention outweighs the context
    assert names_of(gaz.find("深圳" + text, context=["鹤岗市"])) == ["深圳市", "深圳市南山区"]
    # 舟山's hand row keeps its name 普陀区; 上海's is the first reading
    assert names_of(gaz.find("普陀区召开数字经济大会", context=["舟山市"])) == ["普陀区"]
    assert names_of(gaz.find("普陀区召开数字经济大会")) == ["上海市普陀区"]


def test_ambiguous_name_without_context_is_the_first_reading(gaz):
    (m,) = gaz.find("鼓楼区召开科技创新大会")
    assert (m.region.name, m.ambiguous) == ("南京市鼓楼区", True)
    assert gaz.get("鼓楼区").name == "南京市鼓楼区"
    assert [r.name for r in gaz.readings("鼓楼区")] == ["南京市鼓楼区", "福州市鼓楼区", "徐州市鼓楼区", "开封市鼓楼区"]
    assert gaz.get("南山区").name == "深圳市南山区"
    assert gaz.get("朝阳区").name == "北京市朝阳区"
    assert gaz.get("西湖区").parent == "杭州市"
    # a canonical name is always its own row, even when the same form reads first as another
    assert gaz.get("普陀区").parent == "舟山市"
    assert [r.name for r in gaz.readings("普陀区")] == ["上海市普陀区", "普陀区"]
    assert gaz.readings("不存在的地方") == []


@pytest.mark.parametrize("text, expected", [
    ("长安汽车发布新能源战略", []),
    ("坚持走和平发展道路", []),
    ("白云山风景名胜区", []),
    ("加快区块链技术应用", []),
    ("西安区域经济发展", ["西安市"]),          # not 辽源's or 牡丹江's 西安区
    ("河北区域协同发展", ["河北省"]),          # not 天津's 河北区
    ("积极开拓东方市场", []),
    ("沿海城市和西南山区", []),
    ("从新兴城市到宁南山区", []),
    ("同比增长8.4%,每当阳光明媚", []),
    ("宣布成立山东分中心", ["山东省"]),
    ("西安高新区位列第六", ["西安高新区"]),
])
def test_common_words_are_not_regions(gaz, text, expected):
    assert names_of(gaz.find(text)) == expected


def test_shared_forms_must_be_declared():
    def region(name, parent=None, aliases=(), shared=()):
        return Region(name, "district" if parent else "province", parent, tuple(aliases) + tuple(shared),
                      tuple(shared))
    p = region("甲省")
    ok = Gazetteer([p, region("甲市东区", "甲省", shared=["东区"]), region("乙市东区", "甲省", shared=["东区"])])
    assert [r.name for r in ok.readings("东区")] == ["甲市东区", "乙市东区"]
    with pytest.raises(ValueError, match="maps to both"):
        Gazetteer([p, region("甲市东区", "甲省", aliases=["东区"]), region("乙市东区", "甲省", aliases=["东区"])])
    with pytest.raises(ValueError, match="no other region"):
        Gazetteer([p, region("甲市东区", "甲省", shared=["东区"])])


# --------------------------------------------------------------------------- indicators


@pytest.fixture(scope="module")
def inds():
    return load_indicators()


def test_indicator_table_invariants(inds):
    assert len(inds) >= 60
    owners = defaultdict(set)
    for ind in inds.values():
        assert isinstance(ind, IndicatorDef)
        assert ind.unit_base
        assert ind.category in {"economy", "trade", "innovation", "talent", "enterprise", "finance", "land", "other"}
        assert ind.measure in {"level", "growth", "share", "rank"}
        for form in (ind.name, *ind.synonyms):
            owners[form.upper()].add(ind.name)
        for lvl, (lo, hi) in ind.ranges.items():
            assert lvl in {"zone", "district", "city", "province", "country"}
            assert lo is None or hi is None or lo <= hi, (ind.name, lvl)
        if ind.measure == "growth":
            assert ind.unit_base in {"%", "pp"}, ind.name
        if ind.measure == "share":
            assert ind.unit_base == "%" and all(lo >= 0 and hi <= 100 for lo, hi in ind.ranges.values()), ind.name
    assert {f: s for f, s in owners.items() if len(s) > 1} == {}


def test_indicator_definitions(inds):
    gdp = inds["地区生产总值"]
    assert (gdp.unit_base, gdp.category, gdp.measure) == ("元", "economy", "level")
    assert "GDP" in gdp.synonyms and "地区GDP" in gdp.synonyms
    assert inds["地区生产总值增速"].measure == "growth"
    assert inds["研发投入强度"].measure == "share"
    assert inds["面积"].unit_base == "平方公里"
    assert inds["高新技术企业数量"].unit_base == "家"
    assert gdp.bounds("country") == (1e13, 2e14)
    assert gdp.bounds("province")[1] == 2e14
    # 杭州高新区(滨江): half-year GDP over 1000亿元, 2020 GDP ~1600亿元
    assert gdp.plausible(1.0e11, "zone") and gdp.plausible(1.6e11, "zone")
    assert not gdp.plausible(1.6e15, "zone")
    assert inds["进出口总值"].plausible(2.44e12, "province")
    assert inds["平均年龄"].plausible(33.5, "zone")
    assert inds["地区生产总值增速"].plausible(4.0, "zone")


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("规模以上工业增加值", "规上工业增加值"),
        ("规模以上工业增加值384.8亿元", "规上工业增加值"),
        ("实现GDP", "地区生产总值"),
        ("实现GDP近1600亿元", "地区生产总值"),
        ("人均GDP达37.6万元", "人均GDP"),
        ("半年GDP增速达到7%", "地区生产总值增速"),
        ("规上工业增加值增速14.5%", "规上工业增加值增速"),
        ("地区生产总值首破千亿元", "地区生产总值"),
        ("进出口总值2.44万亿元", "进出口总值"),
        ("外贸进出口", "进出口总值"),
        ("出口1.81万亿元", "出口总值"),
        ("进口6286.2亿元", "进口总值"),
        ("全省出口高新技术产品1409.2亿元", "高新技术产品出口额"),
        ("发明专利授权5013件", "发明专利授权量"),
        ("有效发明专利39909件", "有效发明专利量"),
        ("专利申请总量达6698件", "专利申请量"),
        ("发明专利申请量为2768件", "发明专利申请量"),
        ("专利授权量达3712件", "专利授权量"),
        ("每万人发明专利量", "每万人发明专利拥有量"),
        ("技术合同成交额", "技术交易额"),
        ("杭州市技术交易额1588亿元", "技术交易额"),
        ("R&D经费投入占地区生产总值比重", "研发投入强度"),
        ("国家重点扶持高新技术企业2413家", "高新技术企业数量"),
        ("省科技型中小企业7550家", "科技型中小企业数量"),
        ("累计培育上市公司数量即将达到57家", "上市公司数量"),
        ("专精特新“小巨人”企业", "专精特新小巨人企业数量"),
        ("众创空间26个", "众创空间数量"),
        ("在孵企业1314家", "在孵企业数量"),
        ("人才资源总量超过50万人", "人才总量"),
        ("新引进人才30537人", "新引进人才数量"),
        ("人口平均年龄仅33.5岁", "平均年龄"),
        ("辖区总面积109.5平方公里", "面积"),
        ("高新技术产业增加值710亿元", "高新技术产业增加值"),
        ("规上高新技术产业增加值占规上工业增加值比重45.3%", "高新技术产业增加值占比"),
        ("数字经济核心产业增加值超800亿元", "数字经济核心产业增加值"),
        ("财政收入", "一般公共预算收入"),
        ("实际使用外资", "实际利用外资"),
        ("社零总额", "社会消费品零售总额"),
        ("ＧＤＰ", "地区生产总值"),
    ],
)
def test_match_indicator(phrase, expected):
    ind = match_indicator(phrase)
    assert ind is not None and ind.name == expected


def test_match_indicator_none():
    assert match_indicator("") is None
    assert match_indicator("钱江两岸灯光璀璨") is None


# --------------------------------------------------------------------------- seed pages (optional)


def _seed_dir() -> Path | None:
    env = os.environ.get("GAOXIN_SEEDS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "seeds")
    return next((p for p in candidates if p.is_dir() and any(p.glob("*.txt"))), None)


def test_seed_pages():
    seeds = _seed_dir()
    if seeds is None:
        pytest.skip("shared/seeds not available")
    opencc = pytest.importorskip("opencc")
    t2s = opencc.OpenCC("t2s")
    gaz = load_gazetteer()
    found = {}
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.name.startswith("004"):
            text = t2s.convert(text)
        ms = gaz.find(text)
        assert all(m.surface == text[m.start:m.end] for m in ms)
        assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))
        found[path.name[:3]] = {m.region.name for m in ms}
    if "000" in found:
        assert {"杭州高新区(滨江)", "杭州市", "浙江省", "舟山市"} <= found["000"]
    if "002" in found:
        assert "新余市" not in found["002"]  # 创新余杭
        assert {"下城区", "江干区", "上城区", "杭州经开区"} <= found["002"]
    if "004" in found:
        assert "杭州高新区(滨江)" in found["004"]


# --------------------------------------------------------------------------- cues.csv


def test_every_cue_group_is_named_once_has_words_and_is_read_by_a_transform():
    from transforms.gazetteer import cue_words
    with open(REF / "cues.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cues = cue_words()
    assert len(rows) == len(cues), "a cue group written twice: the later row would hide the earlier"
    code = "\n".join(p.read_text("utf-8") for p in REF.parent.glob("*.py"))
    for row in rows:
        words = cues[row["cue"]]
        assert words and len(set(words)) == len(words), row["cue"]
        assert row["what the extractor does with them"].strip(), row["cue"]
        family = row["cue"].split("_", 1)[0] + "_{"   # deictic_city: read as f"deictic_{level}"
        assert any(f"{q}{name}" in code for q in "'\"" for name in (row["cue"] + q, family)), \
            f"{row['cue']} is read by no transform"
