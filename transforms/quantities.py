"""Number grammar: find every quantity (number + unit + qualifier) in simplified Chinese.

Pure and deterministic: no I/O, no state. The extractor decides what a quantity
measures (region, indicator, period, sign); this module only finds numbers with
their units, normalizes them to base units and drops the obvious non-indicators
(dates, years, phone numbers, ordinals that number things, names with digits).

Conventions (those of the gold CSVs, see /work/shared/eval/gold/SCHEMA.md):
- value/unit split as written: "3万人" -> 3 "万人"; Chinese numerals are converted
  whole ("一万家" -> 10000 "家"), except that a money magnitude stays in the unit
  ("千亿元" -> 1000 "亿元", "五千万元" -> 5000 "万元").
- value_base in base units: money in 元, counts plain, % and pp unchanged.
- a bare 万/亿 ("总量近39万") has unit_base None unless the noun right after it
  says what is counted ("59.67万农户" -> 户); the extractor fills the rest.
- signs are never applied: 下降5% gives 5.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from decimal import Decimal

from transforms.to_simplified import fold_fullwidth


@dataclass(frozen=True)
class Quantity:
    start: int          # where the number (or 第/前 of a rank, 百 of 百分之) starts
    end: int            # just past the unit
    value_text: str     # the number as written: "2.44", "一万", "千", "1,200"
    value: float        # value_text in Arabic: 2.44, 10000, 1000, 1200
    unit: str           # unit as written after the number (magnitude included): 万亿元, 家, 万
    value_base: float   # in base units: 2.44万亿元 -> 2.44e12
    unit_base: str | None
    kind: str           # amount | percent | pp | rank
    qualifier: str      # 近 超 约 余 以上 以下 达 突破 不低于 不超过 力争 or ""
    counted_noun: str   # noun after a bare 万/亿 or a 大/个 count, else ""
    is_range_part: bool


# --------------------------------------------------------------------------- tables

# Unit as written (without magnitude) -> (unit_base, factor to the base, kind).
# Foreign currencies keep their own base; 度 after a Chinese digit means "times"
# (两度 -> 次) and is special-cased in _build.
UNITS: dict[str, tuple[str | None, int, str]] = {
    # money
    "元": ("元", 1, "amount"), "人民币": ("元", 1, "amount"), "美元": ("美元", 1, "amount"),
    "欧元": ("欧元", 1, "amount"), "日元": ("日元", 1, "amount"), "港元": ("港元", 1, "amount"),
    "英镑": ("英镑", 1, "amount"),
    # counts; people counted with 名/位 are 人 (名 as a base is for ranks only)
    "家": ("家", 1, "amount"), "件": ("件", 1, "amount"), "人": ("人", 1, "amount"),
    "人次": ("人次", 1, "amount"), "名": ("人", 1, "amount"), "位": ("人", 1, "amount"),
    "项": ("项", 1, "amount"), "个": ("个", 1, "amount"), "户": ("户", 1, "amount"),
    "所": ("所", 1, "amount"), "场": ("场", 1, "amount"), "场次": ("场", 1, "amount"),
    "次": ("次", 1, "amount"), "条": ("条", 1, "amount"), "座": ("座", 1, "amount"),
    "台": ("台", 1, "amount"), "套": ("套", 1, "amount"), "篇": ("篇", 1, "amount"),
    "种": ("种", 1, "amount"), "类": ("类", 1, "amount"), "批": ("批", 1, "amount"),
    "支": ("支", 1, "amount"), "届": ("届", 1, "amount"), "例": ("例", 1, "amount"),
    "份": ("份", 1, "amount"), "张": ("张", 1, "amount"), "辆": ("辆", 1, "amount"),
    "艘": ("艘", 1, "amount"), "架": ("架", 1, "amount"), "株": ("株", 1, "amount"),
    "头": ("头", 1, "amount"), "只": ("只", 1, "amount"), "轮": ("轮", 1, "amount"),
    "片": ("片", 1, "amount"),
    "部门": ("个", 1, "amount"), "倍": ("倍", 1, "amount"),
    # "N大 + noun" (五大行动): the base comes from the noun, see HEAD_NOUNS
    "大": (None, 1, "amount"), "大类": ("类", 1, "amount"),
    # physical
    "吨": ("吨", 1, "amount"), "千克": ("千克", 1, "amount"), "公斤": ("千克", 1, "amount"),
    "千瓦": ("千瓦", 1, "amount"), "千瓦时": ("度", 1, "amount"), "度": ("度", 1, "amount"),
    "平方公里": ("平方公里", 1, "amount"), "平方千米": ("平方公里", 1, "amount"),
    "平方米": ("平方米", 1, "amount"), "亩": ("亩", 1, "amount"), "公顷": ("公顷", 1, "amount"),
    "公里": ("公里", 1, "amount"), "千米": ("公里", 1, "amount"),
    # shares
    "%": ("%", 1, "percent"), "％": ("%", 1, "percent"), "‰": ("‰", 1, "percent"),
    "成": ("%", 10, "percent"),
    "个百分点": ("pp", 1, "pp"), "百分点": ("pp", 1, "pp"),
    # age, score, durations
    "岁": ("岁", 1, "amount"), "分": ("分", 1, "amount"),
    "天": ("天", 1, "amount"), "个工作日": ("天", 1, "amount"), "工作日": ("天", 1, "amount"),
    "个月": ("月", 1, "amount"), "年": ("年", 1, "amount"), "小时": ("小时", 1, "amount"),
    "个小时": ("小时", 1, "amount"), "分钟": ("分钟", 1, "amount"),
    "个季度": ("季度", 1, "amount"),
}
MONEY = {"元", "人民币", "美元", "欧元", "日元", "港元", "英镑"}
DURATIONS = {"天", "个工作日", "工作日", "个月", "年", "小时", "个小时", "分钟", "个季度", "岁"}
# Denominators of compound money units (万元/平方米, 元/人).
PER_UNITS = ("平方公里", "平方千米", "平方米", "平米", "人", "吨", "亩", "年", "月", "天",
             "件", "台", "辆", "千克", "公斤", "户", "家")

# What may not follow a unit character: there it starts another word
# (家庭, 名校, 两位数, 十分之, 条件, 30年来). Every unit but 大 also refuses 计划/工程
# (百人计划, 三名工程 are names).
NOT_BEFORE = {
    "元": "素|宇宙|件|旦|器|首|老|帅|月|气",
    "人": "民",
    "名": "校|院|所|片|牌|称|单|义|录|誉|气|城|师|医|优|特|企|品|列|次|额|人|字|言|胜|流|利|贵|家|画|茶|酒|镇|村|山",
    "位": "数|于|居|列|置|次|移|子",
    "家": "庭|乡|属|族|具|喻|常|务|居|万|争|姓|底",
    "个": "[一二两三四五六七八九十百千万]|体|性|税|股|案|位数",
    "条": "件|例|款|线|形|码|幅",
    "场": "景|所|地|馆|面|合|域|站",
    "次": "日|年|序|生|级|要|元",
    "所": "有|以|在|属|得|需|谓|长",
    "台": "湾|州|阶|风|账|词|球|前",
    "支": "持|撑|付|出|柱|部|行|点|流",
    "头": "部|条|雁|羊|像|衔",
    "只": "能|是|有|要|需|不|会|在",
    "张": "家|力|扬|贴|开",
    "套": "餐|路",
    "种": "植|子|类|业|苗|养|群|族",
    "类": "似|型",
    "批": "准|复|发|评|示|次",
    "届": "时|满",
    "例": "如|外|会|行",
    "份": "额",
    "座": "谈|位",
    "架": "构|设|次",
    "轮": "车|胎|船|廓|值|番",
    "户": "型|外|籍|口|主",
    "倍": "数",
    "亩": "均",
    "篇": "章",
    "度": "假|过|日|量|身|数",
    "分": "之|别|钟|享|析|布|类|配|工|行|公|局|会|子|成|为|数|化|散|期|批|红|割|支|管|级|区|队|拨|摊|时",
    "天": "津|然|猫|地|空|堂|使|才|际|河|府|气|窗|平|山|文",
    "年": "代|度|级|来|以来|多来|多以来|规划|计划|份|轻|龄|会|鉴|报|薪|终|货|华",
    "成": "立|为|本|员|果|功|交|绩|效|长|熟|型|都|就|品|年|人|分|份|色|事|套|片|群|批|像|药|真|婚|名|才|规|材|全|不|了|形|败|绩|效",
    # 二十大精神, 十九大以来: a party congress, not a count
    "大": "学|于|多|约|概|都|量|幅|小|型|会|批|厦|道|街|楼|桥|陆|气|众|大|师|人|家|局|事|部分|力|胆|赛|早|把|半|"
          "精神|报告|代表|以来|召开|胜利|开幕|闭幕|提出|强调|部署",
    "片": "区|段|面|刻|山|林|瓦|子|儿|土|天|地|叶|状|式|场",
}

# Magnitudes written between an Arabic number and its unit (2.44万亿元, 7000万元).
MAGNITUDES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8,
              "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3}
BARE_MAGNITUDES = {"万亿", "亿", "千万", "百万", "万"}   # may stand without a unit: 近39万

# The noun right after a bare 万/亿 says what is counted (59.67万农户 -> 户).
COUNTED_NOUNS = {
    "个体工商户": "户", "农户": "户", "用户": "户", "商户": "户", "家庭": "户", "户": "户",
    "人才": "人", "人员": "人", "人口": "人", "居民": "人", "员工": "人", "职工": "人",
    "大学生": "人", "毕业生": "人", "学生": "人", "游客": "人", "群众": "人", "农民": "人",
    "市民": "人", "党员": "人", "劳动力": "人", "人": "人", "名": "人", "位": "人",
    "企业": "家", "公司": "家", "市场主体": "家", "经营主体": "家", "商家": "家", "门店": "家",
    "专利": "件", "商标": "件", "岗位": "个", "科技成果": "个", "项目": "个",
}
# Head nouns after 大/个 counts (五大行动 -> 项, 四大…基地 -> 个); the first one in the
# following words wins. 大 counts without a known noun default to 个.
HEAD_NOUNS = {
    **{n: "项" for n in ("行动", "举措", "工程", "政策", "改革", "任务", "措施", "计划", "战略",
                         "专项", "攻坚", "工作", "机制", "做法", "经验", "工作重点")},
    **{n: "个" for n in ("基地", "平台", "中心", "园区", "产业集群", "产业", "集群", "领域", "板块",
                         "片区", "愿景", "目标", "维度", "体系", "方向", "主题", "场景", "城市",
                         "区域", "功能", "生态", "赛道", "优势", "意识", "要素", "方面", "环节",
                         "实验室", "高新区", "研究院", "部门", "乡镇", "指标", "岗位", "项目",
                         "科技成果", "嘉年华", "学科", "专业")},
    **{n: "家" for n in ("老字号", "企业", "银行", "公司", "集团", "机构", "医院")},
    "产业链": "条", "链条": "条", "通道": "条", "走廊": "条", "街区": "条", "道路": "条",
    "高校": "所", "学校": "所", "大学": "所",
    "人才": "人", "专家": "人", "科学家": "人", "院士": "人",
}

# Qualifier words (as written -> canonical). Prefixes sit right before the number
# (了/有/为 may come between: 突破了, 约有); suffixes right after the unit.
PREFIX_QUALIFIERS = {
    "即将达到": "近", "即将突破": "近", "将近": "近", "接近": "近", "近": "近",
    "超过": "超", "超出": "超", "多于": "超", "逾": "超", "超": "超",
    "大约": "约", "约为": "约", "约": "约",
    "达到": "达", "高达": "达", "多达": "达", "已达": "达", "达": "达",
    "突破": "突破", "首破": "突破", "冲破": "突破",
    "不低于": "不低于", "不少于": "不低于",
    "不超过": "不超过", "不高于": "不超过", "不多于": "不超过",
    "力争": "力争",
}
# A one-character qualifier that is really the end of another word (最近, 签约, 下达).
QUALIFIER_NOT_AFTER = {"近": "最附临靠邻亲就", "约": "签合预制条公节邀履违特相赴践规毁立",
                       "达": "下传表发抵到送通畅直转雷豁腾", "超": "赶高追"}
SUFFIX_QUALIFIERS = {"以上": "以上", "之上": "以上", "以下": "以下", "左右": "约"}
WEAK_PREFIXES = {"达", "力争"}     # a suffix (以上) says more than these

RANGE_CONNECTORS = "-－~～—–至到"
LIST_CONNECTORS = {"、", "和", "及", "与", "或", "以及"}

# --------------------------------------------------------------------------- numerals

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10**4, "亿": 10**8}
_TOKENS = re.compile(r"\d+(?:\.\d+)?|.")


def _parse_decimal(s: str) -> Decimal | None:
    """Chinese, Arabic or mixed numeral -> Decimal; None when it is not one number.

    A small grammar instead of cn2an (which rewrites text and raises on 2.44万亿):
    groups of digit x 十/百/千 under 万/亿; an Arabic number counts as a digit, so
    2.44万亿, 3千万 and 1.5万 parse too. Digit after digit is not a number
    (十四五, 一二三, 二〇二〇); a digit after a unit is colloquial (三千五 = 3500).
    """
    s = fold_fullwidth(s).replace(",", "")   # a caller's text may not be normalized (１２３)
    if not s:
        return None
    if "点" in s:                                   # 八十五点五, 三点五亿
        whole, _, rest = s.partition("点")
        frac = ""
        while rest and rest[0] in CN_DIGITS:
            frac += str(CN_DIGITS[rest[0]])
            rest = rest[1:]
        base = _parse_decimal(whole)
        if base is None or not frac or any(c not in CN_BIG for c in rest):
            return None
        value = base + Decimal("0." + frac)
        for c in rest:
            value *= CN_BIG[c]
        return value
    total = section = group = Decimal(0)
    digit: Decimal | None = None
    last_unit = 0          # the unit just before a trailing digit (三千五 -> 千)
    small_floor = 10**4    # small units must decrease inside a group (百 after 千)
    big_seen = 0           # 万 must not repeat inside one 亿 section
    after_zero = False
    for tok in _TOKENS.findall(s):
        if tok[0].isdigit():
            if digit is not None:
                return None
            digit = Decimal(tok)
        elif tok in CN_DIGITS:
            if digit is not None:
                return None                          # 十四五, 二〇二〇
            if CN_DIGITS[tok] == 0:
                if not last_unit:
                    return None
                after_zero = True
            else:
                digit = Decimal(CN_DIGITS[tok])
        elif tok in CN_SMALL:
            unit = CN_SMALL[tok]
            if unit >= small_floor:
                return None
            group += (digit if digit is not None else 1) * unit
            digit, last_unit, small_floor, after_zero = None, unit, unit, False
        elif tok in CN_BIG:
            unit = CN_BIG[tok]
            part = group + (digit or 0)
            if tok == "万":
                if part == 0 or big_seen:
                    return None
                section += part * unit
                big_seen = unit
            else:
                if part == 0 and section == 0 and total == 0:
                    return None
                total = (total + section + part) * unit
                section, big_seen = Decimal(0), 0
            group, digit, last_unit, small_floor, after_zero = Decimal(0), None, unit, 10**4, False
        else:
            return None
    if digit is not None and last_unit and not after_zero:
        digit *= Decimal(last_unit) / 10            # 三千五, 三万五, 二十四 (x1)
    return total + section + group + (digit or 0)


def parse_number(s: str) -> float | None:
    """Arabic, Chinese or mixed numeral as a float: "2.44万亿" -> 2.44e12, "一万" -> 10000,
    "两千三百" -> 2300, "1,200" -> 1200, "百分之二十" -> 20 (the percent number)."""
    s = s.strip()
    if s.startswith(("百分之", "千分之")):
        s = s[3:]
    value = _parse_decimal(s)
    return None if value is None else float(value)


# --------------------------------------------------------------------------- regex


def known_unit_bases() -> list[str]:
    """Every unit_base the grammar can emit (the expectations check rows against it)."""
    bases = {base for base, _, _ in UNITS.values() if base}
    bases |= set(COUNTED_NOUNS.values()) | set(HEAD_NOUNS.values()) | {"名"}
    money = {UNITS[m][0] for m in MONEY}
    bases |= {f"{m}/{per}" for m in money for per in PER_UNITS}
    return sorted(bases)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _unit_pattern(units) -> str:
    parts = []
    for u in sorted(units, key=len, reverse=True):
        stop = NOT_BEFORE.get(u)
        if u != "大":
            stop = f"{stop}|计划|工程" if stop else "计划|工程"
        parts.append(re.escape(u) + (f"(?!{stop})" if stop else ""))
    return "|".join(parts)


_CN = "零〇一二两三四五六七八九十百千万亿"
_AR = r"(?:\d{1,3}(?:[,，]\d{3})+(?!\d)|\d+)(?:[.．]\d+)?"
_CN_NUM = rf"[{_CN}]+(?:点[零〇一二两三四五六七八九]+[万亿]*)?"
# A number may not continue a code, a date or another number (G20, 2022-10-14, 10:00),
# nor follow 第 (numbering), 每 (a rate's denominator: 每千人) or 数/几 (数十家 is vague).
_AR_START = r"(?<![0-9０-９A-Za-z.．+_/#:：第每])"
_AR_AFTER_DASH = r"(?<![0-9０-９A-Za-z][-－~～—–至到])"
_CN_START = rf"(?<![{_CN}第每数几若好])"


def _num(name: str, in_range: bool = False) -> str:
    # the second number of a range (1-3家) may follow a dash: (?(conn)…) tests for it
    dash = rf"(?(conn)|{_AR_AFTER_DASH})" if in_range else _AR_AFTER_DASH
    return rf"(?:{_AR_START}{dash}(?P<{name}_ar>{_AR})|{_CN_START}(?P<{name}_cn>{_CN_NUM}))"


_PATTERN = rf"""
  (?=[0-9０-９{_CN}第前首半])          # cheap first-character test before the alternatives
  (?:
  (?P<rank>(?P<rk_pre>第|前)(?P<rk_num>\d+|[一二两三四五六七八九十百]+)(?P<rk_unit>名|位|家)?
           (?![0-9.．%％‰十百千万亿余多])
         | 首(?P<rk_first>位))
| (?P<pct_of>百分之|千分之)(?:(?P<po_ar>{_AR})|(?P<po_cn>{_CN_NUM}))
| (?P<half>(?<!另)一半|半数)
| (?:{_num("r1")}(?P<r1_mag>{_alt(MAGNITUDES)})?[ ]?(?P<conn>[{RANGE_CONNECTORS}])[ ]?)?
  {_num("n", in_range=True)}[ \u00a0]?
  (?P<yu1>[余多])?
  (?P<mag>{_alt(MAGNITUDES)})?
  (?P<yu2>[余多])?
  (?: (?P<money>{_unit_pattern(MONEY)})(?:/(?P<per>{_alt(PER_UNITS)}))?
    | (?P<unit>{_unit_pattern(set(UNITS) - MONEY)})
    | (?<=[万亿])(?!级)                     # bare 万/亿: 近39万, 59.67万农户
  )
  )
"""
_RX = re.compile(_PATTERN, re.VERBOSE)
_PREFIX_RX = re.compile(rf"({_alt(PREFIX_QUALIFIERS)})(?:了|有|为)?$")
_SUFFIX_RX = re.compile(_alt(SUFFIX_QUALIFIERS))
_COUNTED_RX = re.compile(_alt(COUNTED_NOUNS))
_HEAD_RX = re.compile(_alt(HEAD_NOUNS))
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{1,12}")
_TITLE_RX = re.compile(r"《[^《》\n]{0,80}》")
_PLUS_QUOTE_RX = re.compile(r"“[^“”\n]{0,40}\+[^“”\n]{0,40}”")   # “1个实施方案+1个…”
_RANK_BEFORE_QIAN = set("目此之以当提日年月事空向眼面跟门会节史从超领先")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --------------------------------------------------------------------------- building


@dataclass
class _Q:                      # a quantity before qualifiers are settled
    start: int
    end: int
    value_text: str
    value: Decimal
    unit: str
    factor: Decimal            # magnitude x unit factor
    unit_base: str | None
    kind: str
    counted_noun: str = ""
    inner: str = ""            # 余 written inside the number (4900余人)
    range_part: bool = False


def _prefix(text: str, start: int) -> str:
    m = _PREFIX_RX.search(text, max(0, start - 6), start)
    if not m:
        return ""
    word = m.group(1)
    before = text[m.start() - 1] if m.start() else ""
    if before and before in QUALIFIER_NOT_AFTER.get(word, ""):
        return ""
    return PREFIX_QUALIFIERS[word]


def _suffix(text: str, end: int) -> str:
    m = _SUFFIX_RX.match(text, end)
    return SUFFIX_QUALIFIERS[m.group()] if m else ""


def _head_noun(text: str, end: int) -> str:
    run = _HAN_RUN.match(text, end)
    m = _HEAD_RX.search(run.group()) if run else None
    return m.group() if m else ""


def _is_year(num: str | None, unit: str, mag: str) -> bool:
    return bool(num) and not mag and unit in ("年", "届") and num.isdigit() and \
        len(num) == 4 and num[0] in "12"


def _rank(m: re.Match, text: str) -> _Q | None:
    nxt = text[m.end():m.end() + 1]
    if m.group("rk_first"):                      # 居全国首位 (but not 放在首位)
        if nxt and _is_han(nxt) and nxt not in "的、" or m.start() and text[m.start() - 1] in "在为":
            return None
        return _Q(m.start(), m.end(), "首", Decimal(1), "位", Decimal(1), "名", "rank")
    pre, num, unit = m.group("rk_pre"), m.group("rk_num"), m.group("rk_unit") or ""
    if not unit and nxt and _is_han(nxt) and nxt not in "的、":
        return None                              # 第二届, 第一时间, 前三季度
    if pre == "前" and m.start() and text[m.start() - 1] in _RANK_BEFORE_QIAN:
        return None                              # 目前三家
    value = _parse_decimal(num)
    if not value:
        return None
    return _Q(m.start(), m.end(), num, value, unit or "名", Decimal(1), "名", "rank")


def _build(m: re.Match, text: str) -> list[_Q]:
    if m.group("rank"):
        q = _rank(m, text)
        return [q] if q else []
    if m.group("pct_of"):
        num = m.group("po_ar") or m.group("po_cn")
        value = _parse_decimal(num)
        unit = "%" if m.group("pct_of") == "百分之" else "‰"
        if value is None:
            return []
        return [_Q(m.start(), m.end(), num, value, unit, Decimal(1), unit, "percent")]
    if m.group("half"):
        return [_Q(m.start(), m.end(), m.group(), Decimal(50), "%", Decimal(1), "%", "percent")]

    ar, cn = m.group("n_ar"), m.group("n_cn")
    mag = m.group("mag") or ""
    unit = m.group("money") or m.group("unit") or ""
    per = m.group("per") or ""
    start, end = m.start("n_ar" if ar else "n_cn"), m.end()
    num = ar or cn
    if ar:
        digits = fold_fullwidth(ar).replace(",", "").split(".")[0]
        if len(digits) > 12 or (len(digits) > 1 and digits[0] == "0"):
            return []                            # phone numbers, codes
        if _is_year(digits if "." not in ar and "," not in ar else None, unit, mag):
            return []
    else:
        if unit in MONEY or not unit:            # 千亿元 -> 千 + 亿元, 三万 -> 三 + 万
            for big in ("万亿", "亿", "万"):
                if cn.endswith(big) and len(cn) > len(big) and not mag:
                    num, mag = cn[: -len(big)], big
                    break
        if not _cn_ok(num, unit, mag, text, start, end):
            return []
    value = _parse_decimal(num)
    if value is None:
        return []

    if unit:
        unit_base, factor, kind = UNITS[unit]
    else:
        unit_base, factor, kind = None, 1, "amount"
    counted = ""
    if unit == "度" and cn and not mag:
        unit_base = "次"                          # 两度 = twice
    elif unit == "大":
        counted = _head_noun(text, end)
        unit_base = HEAD_NOUNS.get(counted, "个")
    elif unit == "个":
        counted = _head_noun(text, end)
    elif not unit:                               # bare 万/亿: the noun right after decides
        noun = _COUNTED_RX.match(text, end)
        if noun:
            counted, unit_base = noun.group(), COUNTED_NOUNS[noun.group()]
    if unit == "条" and text[max(0, start - 2):start] == "新政":
        return []                                # 新政37条: a policy's title
    full_unit = mag + ("%" if unit == "％" else unit) + (f"/{per}" if per else "")
    if per:
        unit_base = f"{unit_base}/{per}"
    q = _Q(start, end, num, value, full_unit, Decimal(MAGNITUDES.get(mag, 1)) * factor,
           unit_base, kind, counted, "余" if (m.group("yu1") or m.group("yu2")) else "")
    if not m.group("conn"):
        return [q]

    # a range 1-3家 / 3至5家: the first number takes the second one's unit
    r_ar, r_cn, r_mag = m.group("r1_ar"), m.group("r1_cn"), m.group("r1_mag") or ""
    r_num = r_ar or r_cn
    if r_ar and _is_year(r_ar, unit, r_mag or mag):
        return []                                # 2020~2022年
    r_value = _parse_decimal(r_num)
    if r_value is None or \
            r_cn not in (None, "一") and not _cn_ok(r_cn, unit, mag, text, m.start(), end):
        return [q]
    r_unit_mag = r_mag or mag
    first = _Q(m.start(), m.end("r1_mag") if r_mag else m.end("r1_ar" if r_ar else "r1_cn"),
               r_num, r_value, r_unit_mag + full_unit[len(mag):],
               Decimal(MAGNITUDES.get(r_unit_mag, 1)) * factor, unit_base, kind, counted,
               range_part=True)
    q.range_part = True
    return [first, q]


def _cn_ok(num: str, unit: str, mag: str, text: str, start: int, end: int) -> bool:
    """Chinese numerals inside ordinary words are not quantities."""
    if num == "一" and not mag and unit not in ("个百分点", "百分点", "成", "倍"):
        return False                             # 一个目标, 一条道路, 一批企业
    only_magnitude = all(c in "十百千万亿" for c in num) and num != "十"
    if only_magnitude and (unit in DURATIONS or not unit and "亿" not in mag):
        return False                             # 千万不要, 百年, 千年 (but 突破百亿)
    if unit == "度" and not (len(num) == 1 and num in "二两三四五六七八九"):
        return False                             # 百度
    if unit in MONEY and not mag and not any(c in "十百千" for c in num):
        return False                             # 三元里, 二元结构
    if unit == "分":
        return False                             # 十分广阔, 三分之一
    # a slogan in quotes: “三名”工程, “百人汇” (but “五大行动” is a count)
    if unit != "大" and start and text[start - 1] in "“「" and \
            any(c in "”」" for c in text[end:end + 3]):
        return False
    return True


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    """Disjoint, sorted spans whose numbers are names: 《titles》 and “1+X”-style slogans."""
    spans = []
    if "《" in text:
        spans += [m.span() for m in _TITLE_RX.finditer(text)]
    if "+" in text:
        spans += [m.span() for m in _PLUS_QUOTE_RX.finditer(text)]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in text, sorted by start and non-overlapping."""
    found: list[_Q] = []
    pos = 0
    while (m := _RX.search(text, pos)) is not None:
        qs = _build(m, text)
        if qs:
            found.extend(qs)
            pos = m.end()
        else:
            pos = m.start() + 1                  # e.g. 前3个月: retry from the number
    spans = _excluded_spans(text)
    if spans:
        starts = [s for s, _ in spans]
        found = [q for q in found if not _inside(q.start, spans, starts)]

    out: list[Quantity] = []
    prev: _Q | None = None
    prev_from_prefix = False
    for q in found:
        qual, from_prefix = _qualifier(text, q)
        between = text[prev.end:q.start].strip() if prev else ""
        if prev and len(between) == 1 and between in RANGE_CONNECTORS and \
                (prev.range_part and q.range_part or prev.unit == q.unit):
            # a range (1-3家, 3%-5%) shares one qualifier: 约3至5家, 3至5家以上
            q.range_part = True
            qual = qual or out[-1].qualifier
            out[-1] = replace(out[-1], is_range_part=True, qualifier=out[-1].qualifier or qual)
        elif prev and not qual and prev_from_prefix and between in LIST_CONNECTORS and \
                prev.unit_base == q.unit_base:
            qual, from_prefix = out[-1].qualifier, True   # 分别达7277.4亿元和2420.1亿元
        out.append(Quantity(
            q.start, q.end, q.value_text, float(q.value), q.unit,
            float(q.value * q.factor), q.unit_base, q.kind, qual, q.counted_noun, q.range_part))
        prev, prev_from_prefix = q, from_prefix
    return out


def _qualifier(text: str, q: _Q) -> tuple[str, bool]:
    """The canonical qualifier, and whether it came from a word before the number.

    余 written inside the number wins, then a strong prefix (近 超 约 突破 …), then a
    suffix (以上 以下 左右), then the weak prefixes 达/力争: 达到890家以上 -> 以上.
    """
    if q.inner:
        return q.inner, False
    pre = _prefix(text, q.start)
    if pre and pre not in WEAK_PREFIXES:
        return pre, True
    suf = _suffix(text, q.end)
    if suf:
        return suf, False
    return pre, bool(pre)


def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < spans[i][1]
