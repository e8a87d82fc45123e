"""Stage 6: read indicator rows out of the kept passages of one document.

Every quantity the number grammar finds (transforms.quantities) becomes a row once it
is given, from general rules over the article's context:
- measure: growth / share / rank / level, from the cue words before the figure;
- entity: the organisation, event or project the figure is about (transforms.entities):
  the project it is the investment of, else the subject of its sentence or passage, else
  the headline's topic; none when a place of its own clause or sentence says the figure
  is that place's;
- region: always a place. A place named in the figure's own clause, else the subject of
  its sentence, else the topic of its passage, else the section's or article's region
  (全市/全省/该区 resolve to it, a bare 高新区 to the zone named last); for an entity's
  figure, the place its name holds (中信银行杭州分行: 杭州市) unless the text names a place
  inside that one;
- period: the nearest date clue before the figure (transforms.periods), carried
  through the passage, else the headline's period, else the document's year;
- target: plan words (力争, 目标, 计划, 将 + verb, 到2025年) in the sentence;
- indicator: a canonical name from the indicator dictionary, else the noun phrase.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from functools import lru_cache

from transforms.entities import NAME_END, EntityMention, beneficiary, headline_topic, project_of, subjects
from transforms.gazetteer import (Gazetteer, Region, indicator_key, cue_pattern, cue_words, indicator_forms,
                                  indicator_hits, indicator_names, load_gazetteer)
from transforms.periods import CLUE, DATELINE, Clue, find_clues
from transforms.quantities import Quantity, find_quantities
from transforms.segment import Passage

SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
CLAUSE_BREAK = re.compile(r"[,，:：、;；。！？!?]")
# 提高到38.4% / 提升至 is the level reached, not the change
# Cue vocabulary: transforms/reference/cues.csv (what each group is for is written there).
GROWTH_CUE = re.compile(f"({cue_pattern('growth')})(?![到至值])")
DECLINE_CUE = re.compile(f"({cue_pattern('decline')})")
SHARE_CUE = re.compile(f"({cue_pattern('share_word')}|(?:{cue_pattern('share_rate')})率)")
COMPARISON_ONLY = re.compile(f"({cue_pattern('comparison_marker')})?({cue_pattern('comparison_base')})?"
                             f"(同期)?(分别)?({cue_pattern('change_word')})?")
THAN = cue_pattern("than")
AMOUNT_CHANGE = re.compile(f"({THAN})({cue_pattern('amount_base')})[^,，。；]{{0,6}}"
                           f"({cue_pattern('amount_change')})$")
# 将/计划/规划 are plan words only before a plan verb; 即将 is "about to", and a 计划 that
# already happened (大科学计划实现了) is a programme.
_PLAN_VERBS = cue_pattern("plan_verb")
TARGET_CUE = re.compile(rf"({cue_pattern('target_word')}|(?<!即)将(?=(?:{_PLAN_VERBS})(?!了))|"
                        rf"(?:{cue_pattern('plan_noun')})(?=(?:{_PLAN_VERBS})(?!了)))")
COMPARISON_VERB = re.compile(f"({cue_pattern('comparison_verb')}|(?<![对相])比(?!重|例))")
RANK_VERB = re.compile(f"({cue_pattern('rank_verb')})")
# A province or city name inside an organisation's name (浙江省科学技术厅, 北京航空航天大学
# 杭州创新研究院, 衢州学院) names the organisation, not the entity a figure describes; a
# zone's own bodies (清远高新区国有公司, 高新区科技局) still speak for the zone.
ORG_AFTER = re.compile(rf"^(省|市|区|县)?[)）]?([\u4e00-\u9fff]{{0,4}}({cue_pattern('org_after_place')})|"
                       f"{cue_pattern('org_abbreviation_after_place')})")
ORG_BEFORE = re.compile(f"({cue_pattern('org_before_place')})$")
# Words that stand for the article's own region, and the level of region each stands for.
DEICTIC = {word: level for level in ("city", "province", "zone_or_district", "zone", "district")
           for word in cue_words()[f"deictic_{level}"]}
DEICTIC_RE = re.compile("|".join(sorted(DEICTIC, key=len, reverse=True)))
# After the country's name, words that make it a category or a scope, not a subject.
COUNTRY_CATEGORY = re.compile(f"({cue_pattern('country_category')})")
COUNT_AFTER = re.compile(rf"({cue_pattern('count_verb')})?[\d一二两三四五六七八九十百千万]")
# Scope words: 全国169个国家级高新区 is a figure of the country, but the country is not
# the subject of the sentence around it.
SCOPE_REGIONS = {"全国"}
SCOPE_BEFORE = re.compile(f"({cue_pattern('scope_word')})({cue_pattern('approximately')})?$")
# Places the gazetteer cannot list (towns, scenic areas, provincial zones, corridors): a
# name of 2-12 characters ending in a place word, opening a clause (after a bullet, a
# date or 的 too) or right after the county or city it lies in (嘉善县姚庄镇). Category
# words (城镇, 特色小镇, 国家高新区) and verb phrases (打造…示范区) are not names.
PLACE_WORD = f"(?:{cue_pattern('place_word')})"
NOT_A_NAME = rf"(?!{cue_pattern('not_a_place_start')}|[小大新](?=镇|乡|城|区))(?=[\u4e00-\u9fffA-Z])"
NOT_ITS_OFFICE = rf"(?![\u4e00-\u9fff]{{0,3}}(?:{cue_pattern('place_office')}))"   # 姚庄镇政府
LOCAL_PLACE = re.compile(rf"(?:^|(?<=[,，。；;:：、和与及在的年月\s◆●■▲★•·])|(?<=季度))"
                         rf"(?P<place>{NOT_A_NAME}[\u4e00-\u9fffA-Z0-9]{{2,12}}?{PLACE_WORD}){NOT_ITS_OFFICE}")
LOCAL_PLACE_AFTER = re.compile(rf"{NOT_A_NAME}[\u4e00-\u9fff]{{2,4}}?(?:{cue_pattern('inner_place_word')})"
                               f"{NOT_ITS_OFFICE}")
TOWN = re.compile(f"({cue_pattern('town_word')})$")
LOCATED_AT = re.compile(cue_pattern("located_at"))
NAME_END_WORD = re.compile(f"(?:{NAME_END.pattern})$")
ZONE_WORD = re.compile(f"({cue_pattern('zone_word')})$")
CATEGORY_OF_ZONES = re.compile(f"({cue_pattern('zone_category')})({cue_pattern('zone_kind')})$")
# Caps, thresholds and procedural rules hold at any time (最高不超过300万元, 200万元以下的
#票据, 原则上3个工作日内): they have no period.
RULE_CUE = re.compile(f"(?<!历史)最高|{cue_pattern('rule_word')}")
RULE_AFTER = re.compile(f"[^,，。；;]{{0,4}}?({cue_pattern('rule_after')})")
# 截至2月末…比年初增加216.5亿元: the change since the year began, over its months.
SINCE_YEAR_START = re.compile(f"(?:{THAN})(?:{cue_pattern('year_start')})")
# A plan with no horizon (拟成立…基金) has no period either.
INTENT_CUE = re.compile(r"拟")
# Passages opening with these words speak of the period (and the event) of the passage
# before them. Not 目前: that is now (a clue of its own).
# 吸引来自全国20个省的620余家企业: where an event's participants come from, not whose figure it is.
ORIGIN = re.compile(r"来自")
CARRY_OPENERS = re.compile(f"^({cue_pattern('carry_opener')})")
# What a 目前/同期/本次 passage inherits: a reporting period or an event's month
# (10月17日…本次拍卖会), never a bare year (去年, 2016年), which holds for its sentence.
CARRIED_CLUES = {"half", "halfyear", "q3", "quarter", "months", "firstmonths", "asof", "month"}
VERB_TAIL = re.compile(f"({cue_pattern('verb_tail')})+$")
LEADING_NOISE = re.compile(f"^({cue_pattern('leading_noise')})+")
HAN_TAIL = re.compile(r"[\u4e00-\u9fffA-Za-z&]{2,14}$")
# Words that make a run of characters a piece of the sentence, not a name: comparisons,
# verbs of change, and cut words (a name never starts with 以上 or 从未).
NOT_A_NAME_WORD = re.compile(cue_pattern("not_a_name_word"))
NOMINAL_HEAD = re.compile(f"({cue_pattern('nominal_head')})$")
AFTER_RUN = re.compile(r"[\u4e00-\u9fff“”]*")   # the words right after a figure, up to punctuation
SHARE_OF = re.compile(r"占(?!比)")
PARENTHETICAL = re.compile(r"[(（][^()（）]{0,20}[)）]")   # 总投资(含配套热网工程)约15亿元
SHORT_FOR_THE_TOTAL = cue_words()["total_word"]
# What a count counts: the words after the unit up to a function word or punctuation.
COUNTED_NOUN = re.compile(r"^[“”]?([\u4e00-\u9fff]{2,10}?)"
                          f"(?=[中的在和与及、,，。；;:：(（”]|{cue_pattern('counted_noun_end')}|$)")
# Durations in years or months (五年建设, 接下来的2个月) are plans or spans, not measurements.
DURATION_UNITS = set(cue_words()["duration_unit"])
# Rhetoric counts things that are not countable facts: 强化四个意识, 两个关键词, 三个要素.
ABSTRACT_NOUN = re.compile(f"^[“”\"]?({cue_pattern('abstract_noun')})")
CHINESE_NUMERAL = re.compile(r"^[一二两三四五六七八九十百千万]+$")
RESPECTIVELY = re.compile(cue_pattern("respectively"))
ORDERED_LIST = re.compile(f"(?:的)?(?:{cue_pattern('list_intro')})[:：]?")
TITLE = re.compile(r"《[^》]{0,80}》")
LIST_JOIN = re.compile(r"[、和及与,，]{1,2}")
# Clues that hold for their own sentence only; relative ones (上半年, 1至8月) run on.
SPAN_CLUES = {"plan", "range", "since", "recurring", "deadline", "lastyears"}
SENTENCE_CLUES = {"lastyears", "plan", "range", "deadline", "since", "yearend", "present"}
CUE_GAPS = cue_words()["cue_gap"]
QUALIFIER = re.compile("(?:" + "|".join(map(re.escape, indicator_forms().flows)) + ")?"
                       "(?:" + "|".join(map(re.escape, indicator_forms().tiers)) + ")?$")
TIER_OPENING = re.compile("(?:" + "|".join(map(re.escape, indicator_forms().tiers)) + ")")
VERB_END = re.compile(f"({cue_pattern('verb_end')})$")
COUNT_UNITS = set(cue_words()["count_unit"])
# A figure with no unit (人才总量超43万) counts what the words before it name.
UNIT_OF_THE_COUNTED = tuple((re.compile(cue_pattern(f"counted_{counted}")), unit)
                            for counted, unit in (("person", "人"), ("household", "户"), ("firm", "家")))


@dataclass(frozen=True, slots=True)   # hundreds of thousands per run: no per-object dict
class Indicator:
    passage_seq: int
    article_id: int
    region: str | None
    region_level: str | None   # country … zone from the gazetteer, or place (a town …)
    entity: str | None         # the organisation, event or project it is about
    indicator: str | None      # None when nothing on the page names what the figure measures
    value: float
    value_text: str
    unit: str
    value_base: float
    unit_base: str
    measure: str
    qualifier: str
    target: bool
    period: str | None
    evidence: str
    char_start: int      # offsets into the passage's simplified text
    char_end: int


@dataclass
class _Context:
    region: str | None = None        # the article's (or current section's) region
    period: str | None = None        # period of the last passage, for 目前/同期 openers
    default_period: str | None = None  # a period the headline declares (上半年主要指标 …)
    year: int | None = None          # the year the article reports on (嘉善县2023年经济运行…)
    last_zone: str | None = None     # the zone named last: what a bare 高新区 refers to
    entity: str | None = None        # the organisation or event the headline is about
    passage_entity: str | None = None  # the last subject of the passage before, for 本次/此次 openers
    known: list[str] = field(default_factory=list)   # entities the article has named, for short forms
    located: dict[str, str] = field(default_factory=dict)   # entity -> the place the text puts it in


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in SENTENCE.finditer(text)]


@lru_cache(maxsize=64)
def _clause_breaks(text: str) -> tuple[int, ...]:
    return tuple(m.start() for m in CLAUSE_BREAK.finditer(text))


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around text[start:end], by binary search in the passage's breaks (a
    scan from the passage start for every figure was quadratic in long passages)."""
    breaks = _clause_breaks(text)
    before = bisect_left(breaks, start)
    after = bisect_left(breaks, end)
    return (breaks[before - 1] + 1 if before else 0), (breaks[after] if after < len(breaks) else len(text))


def _resolve_deictic(word: str, context_region: str | None, gaz: Gazetteer) -> str | None:
    if context_region is None:
        return None
    want = DEICTIC[word]
    chain = [gaz.get(context_region)] + gaz.ancestors(context_region)
    for region in chain:
        if region is None:
            continue
        if want == "zone_or_district" and region.level in ("zone", "district"):
            return region.name
        if region.level == want or (want == "district" and region.level == "district"):
            return region.name
    return None


@lru_cache(maxsize=8192)   # each passage is looked at for its article, its zone and its figures
def place_mentions(text: str, gaz: Gazetteer, about: str | None = None) -> tuple:
    """Gazetteer mentions that name a place, not part of an organisation's name. The
    country counts only in front of a figure (全国169个国家级高新区): 全国重点实验室,
    全国标杆 are categories, 居全国第一 a ranking scope. `about` is the region the text
    is known to be about: it settles which 南山区 (深圳's or 鹤岗's) a bare name is."""
    return tuple(m for m in gaz.find(text, context=(about,) if about else ())
            if (m.region.level != "country" or COUNT_AFTER.match(text, m.end) or _country_subject(text, m))
            and not (m.region.level in ("country", "province", "city") and ORG_AFTER.match(text[m.end:m.end + 8]))
            and not ORG_BEFORE.search(text[:m.start]))


def _country_subject(text: str, m) -> bool:
    """中国2024年国内生产总值…, 我国全社会研发经费…, 全国规模以上工业增加值…: the country
    opening a clause is what it says; 全国重点实验室 or 全国前列 are a category and a scope."""
    opens = m.start == 0 or text[m.start - 1] in "，,。；;：:、 】）)" or text[max(0, m.start - 2):m.start] in ("年末", "去年", "今年")
    return opens and not COUNTRY_CATEGORY.match(text, m.end)


def _mentions(text: str, gaz: Gazetteer, context: _Context) -> list[tuple[int, int, str]]:
    """Place mentions of a text: gazetteer names, places it cannot list (towns …) and words
    standing for the context region (全市, 该区 …)."""
    found = []
    for m in place_mentions(text, gaz, context.region):
        inner = LOCAL_PLACE_AFTER.match(text, m.end) if m.region.level in ("city", "district") else None
        if inner:   # 嘉善县姚庄镇, 苏州市吴江区汾湖高新区: the place inside the county or city
            found.append((m.start, inner.end(), _local_name(inner.group(0), m.region.name)))
        else:
            found.append((m.start, m.end, m.region.name))
    article_region = gaz.get(context.region) if context.region else None
    county = context.region if article_region is not None and article_region.level == "district" else None
    for start, end in _local_places(text):
        if not any(s <= start < e or start <= s < end for s, e, _ in found):
            found.append((start, end, _local_name(text[start:end], county)))
    taken = [(s, e) for s, e, _ in found]
    for m in DEICTIC_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        word = m.group(0)
        if DEICTIC[word] == "zone" and m.start() > 0 and "\u4e00" <= text[m.start() - 1] <= "\u9fff" \
                and text[m.start() - 1] not in "该本全":
            continue   # 国家高新区, 省级高新区: a category, not the zone spoken of
        name = context.last_zone if DEICTIC[word] == "zone" and context.last_zone \
            else _resolve_deictic(word, context.region, gaz)
        if name:
            found.append((m.start(), m.end(), name))
    return sorted(found)


def _local_places(text: str) -> list[tuple[int, int]]:
    """Spans of the places a text names that the gazetteer cannot list (towns, zones …)."""
    spans = []
    for m in LOCAL_PLACE.finditer(text):
        start, end = m.span("place")
        start += m.group("place").rfind("的") + 1   # 毗邻园区的永靖镇: the place is 永靖镇
        if CLUE.match(m.group("place")) or CATEGORY_OF_ZONES.search(m.group("place")):
            continue   # 上半年高新区: a date, then the zone; 东部地区国家高新区: a group of zones
        spans.append((start, end))
    return spans


def _local_name(place: str, around: str | None) -> str:
    """A town is named with the county or city it lies in (嘉善县姚庄镇) when known."""
    return around + place if around and TOWN.search(place) else place


def _rank_scopes(text: str) -> list[tuple[int, int]]:
    """Spans from a rank verb to the end of its clause (居全国省会城市第一): places named
    there are what is ranked against, not who is ranked."""
    return [(m.start(), _clause_bounds(text, m.start(), m.end())[1]) for m in RANK_VERB.finditer(text)]


def _comparison_scopes(text: str, clause_start: int, pos: int) -> list[tuple[int, int]]:
    """Spans from a comparison word to the figure (占全市的比重达15.8%, 高于全省2.1个百分点):
    the places there are the whole or the benchmark, not who the figure describes."""
    return [(m.start(), pos) for m in COMPARISON_VERB.finditer(text, clause_start, pos)]


def _region_for(q: Quantity, sent_start: int, clause_start: int, mentions: list[tuple[int, int, str]],
                measure: str, context: _Context, text: str) -> str | None:
    """The entity a figure describes.

    A place named in the figure's own clause before it (全国169个, 浙江进出口总值2.44万亿元)
    wins, except for ranks; else the subject of the sentence (its first mention); else
    the topic of the passage (its first mention); else the article's or section's region.
    """
    scopes = (_rank_scopes(text) if measure == "rank" else []) + _comparison_scopes(text, clause_start, q.start)
    usable = [m for m in mentions if not any(a <= m[0] < b for a, b in scopes)]
    in_clause = [m for m in usable if clause_start <= m[0] and m[1] <= q.start]
    if in_clause and measure != "rank":
        return in_clause[-1][2]
    subjects = [m for m in usable if m[2] not in SCOPE_REGIONS]
    in_sentence = [m for m in subjects if sent_start <= m[0] < q.start]
    if in_sentence:
        return in_sentence[0][2]
    in_passage = [m for m in subjects if m[0] < q.start]
    if in_passage:
        return in_passage[0][2]
    return context.region


def _antecedent(word: str, context: _Context) -> str:
    """What 本次拍卖会, 该项目 or a bare 实验室 refers to: the entity last named that ends in
    the same word, else the passage's or the headline's entity."""
    same_kind = next((k for k in reversed(context.known) if k.endswith(word)), None)
    return same_kind or context.passage_entity or context.entity or word


def _since_year_start(period: str) -> str:
    """An as-of month (2025-02) as the months since the year began (2025-01..02); the year
    for December."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if not m:
        return period
    return m.group(1) if m.group(2) == "12" else f"{m.group(1)}-01..{m.group(2)}"


def _entity_for(q: Quantity, sent_start: int, clause_start: int, clause_end: int, text: str,
                subjects_: list[EntityMention], places: list[tuple[int, int, str]], inherited: str | None,
                gaz: Gazetteer) -> str | None:
    """The organisation, event or project a figure is about, or None for a place's figure.

    The project it is the investment of; else the last subject before it in the passage,
    else what the passage inherits (本次拍卖会…) or the headline is about. A place named
    in the figure's own clause (代表全国300多家), or opening its sentence when the subject
    is not in it, makes the figure that place's, unless it is the entity's own place."""
    given_to = project_of(text, q.start, q.end, clause_start, clause_end) or beneficiary(text, clause_start, q.start)
    if given_to:
        return given_to
    if any(s.start <= q.start < s.end for s in subjects_):
        return None   # 成立30周年纪念大会: the number is part of a name
    before = [s for s in subjects_ if s.end <= q.start]
    entity = before[-1] if before else None
    name = entity.name if entity else inherited
    if name is None:
        return None
    # the entity's own place speaking does not take the figure from an entity its passage
    # names (浙江将举办700多场 after 2020浙江金秋购物节…); it does from a headline's
    own = _entity_place(name, gaz) if entity else None
    outside = [m for m in places if not (entity and entity.start <= m[0] < entity.end)
               and not (own and _within(m[2], own, gaz))]
    if any(clause_start <= m[0] and m[1] <= q.start for m in outside):
        return None
    opening = [m for m in outside if sent_start <= m[0] < q.start]
    if opening and (entity is None or entity.start < sent_start or opening[0][0] < entity.start):
        return None
    return name


@lru_cache(maxsize=4096)   # asked for every figure of an entity
def _entity_place(name: str, gaz: Gazetteer) -> Region | None:
    """The place an entity's name holds (中信银行杭州分行: 杭州市, 嘉兴农信: 嘉兴市)."""
    found = gaz.find(name, inside_names=True)
    return found[0].region if found else None


def _within(place: str | None, region: Region, gaz: Gazetteer) -> bool:
    """`place` is `region` or lies inside it."""
    known = gaz.get(place) if place else None
    return known is not None and (known.name == region.name
                                  or any(a.name == region.name for a in gaz.ancestors(known.name)))


def _entity_region(entity: str, region: str | None, gaz: Gazetteer, located: dict[str, str]) -> str | None:
    """Where an entity is: where the text says it is (设在滨湖区…的实验室), else the place
    its name holds, unless the text's region lies inside that place (浙江西湖高等研究院 in
    an article about 杭州市: 杭州市)."""
    if entity in located:
        return located[entity]
    own = _entity_place(entity, gaz)
    if own is None or _within(region, own, gaz):
        return region
    return own.name


def _locations(text: str, subjects_: list[EntityMention], gaz: Gazetteer, about: str | None) -> dict[str, str]:
    """Entities the text places (设在滨湖区江南大学校内的“…实验室”, 位于张江高新区的…公司):
    the place after 设在/位于 in the words before the name."""
    out = {}
    for s in subjects_:
        at = next(reversed(list(LOCATED_AT.finditer(text, max(0, s.start - 40), s.start))), None)   # the nearest
        if at is not None and not re.search("[。！？]", text[at.end():s.start]):
            found = gaz.find(text[at.end():s.start], context=(about,) if about else (), inside_names=True)
            if found:
                out[s.name] = found[0].region.name
    return out


def _measure(q: Quantity, prefix: str, after: str = "") -> str:
    if q.kind == "rank":
        return "rank"
    if q.kind == "pp":
        return "growth"
    if q.kind == "percent" and SCOPE_BEFORE.search(prefix) and after.startswith("的"):
        return "share"   # 创造了全国13.5%的国内生产总值: a part of the country's
    if q.kind == "percent":
        growth, share = GROWTH_CUE.search(prefix), SHARE_CUE.search(prefix)
        if growth and (not share or growth.start() > share.start()):
            return "growth"
        return "share" if share else "level"
    return "growth" if AMOUNT_CHANGE.search(prefix) else "level"


def _noun_phrase(prefix: str, gaz: Gazetteer) -> str:
    """The words naming what the number measures: the Han run before the number, without
    the verbs and qualifiers in front of it or the place it opens with."""
    head = LEADING_NOISE.sub("", VERB_TAIL.sub("", prefix.strip().replace("“", "").replace("”", "")))
    tail = HAN_TAIL.search(head)
    phrase = tail.group(0) if tail else ""
    if tail and tail.start() > 0 and "\u4e00" <= head[tail.start() - 1] <= "\u9fff":
        return ""   # the run goes on before the window: a cut word (均GDP), not a name
    # dates, places and 全区-like words in front say where and when, not what
    phrase = DEICTIC_RE.sub("", CLUE.sub("", phrase))
    places = place_mentions(phrase, gaz)
    if places and places[0].start == 0:
        phrase = phrase[places[0].end:]
    return LEADING_NOISE.sub("", phrase)


def _dictionary_name(prefix: str) -> str | None:
    """The dictionary indicator the words before a figure name, with the qualifier in front
    of it (国家级孵化器): the name or synonym ending nearest the figure (the longest of
    those), when only verbs and cue words stand between it and the figure."""
    hits = indicator_hits(prefix)
    if not hits:
        return None
    key = indicator_key(prefix)
    start, end, ind = max(hits, key=lambda h: (h[1], h[1] - h[0]))
    gap = PARENTHETICAL.sub("", key[end:]).strip()
    if gap not in CUE_GAPS and VERB_TAIL.sub("", gap) not in ("", *CUE_GAPS):
        return None
    qualifier = QUALIFIER.search(key[:start]).group(0)
    tier = TIER_OPENING.match(key, start)   # a synonym holding its tier (省级专精特新中小企业)
    if tier and not qualifier.endswith(tier.group(0)) and not ind.name.startswith(tier.group(0)):
        qualifier += tier.group(0)
    return qualifier + ind.name


def _head_name(after: str, unit_base: str | None) -> str | None:
    """The dictionary indicator the words after a figure name: one opening them (12项科技成果
    均找到…, 18家重点企业携…) or ending their run (56项稳住经济一揽子政策措施); the longest
    of those measured like the figure (a percent does not name 资金 after it)."""
    run = AFTER_RUN.match(after).group(0)
    hits = [h for h in indicator_hits(run) if (h[0] <= 2 or h[1] == len(indicator_key(run)))
            and _measured_alike(h[2].unit_base, unit_base)]
    return max(hits, key=lambda h: h[1] - h[0])[2].name if hits else None


def _measured_alike(indicator_unit: str, figure_unit: str | None) -> bool:
    """Money names money, a percent a percent, a count a count (of whatever measure word)."""
    def kind(unit):
        return "money" if unit == "元" else "percent" if unit in ("%", "pp") else "count"
    return kind(indicator_unit) == kind(figure_unit or "")


def _phrase_name(phrase: str, counted: bool) -> str | None:
    """A name from the words themselves when the dictionary has none: whole words ending
    in a word for what is measured (…产值, …企业); a phrase ending in a verb (更是将,
    连续推出), holding one, or ending in another word (…单霁翔) names nothing."""
    if len(phrase) < 2 or VERB_END.search(phrase) or NOT_A_NAME_WORD.search(phrase) \
            or not NOMINAL_HEAD.search(phrase):
        return None
    return phrase if not counted or phrase.endswith(("数", "量")) else phrase + "数量"


def _indicator_name(q: Quantity, text: str, clause_start: int, measure: str, last_level: str | None,
                    trade_total: str | None, gaz: Gazetteer) -> str | None:
    """A canonical name (transforms/reference: an indicator, its qualifier, a measure
    suffix) from the words before the figure, else from the noun it counts, else those
    words themselves; None when nothing names it."""
    prefix = text[clause_start:q.start]
    counted = q.unit_base in COUNT_UNITS or q.unit.endswith(tuple(COUNT_UNITS))
    prefix = PARENTHETICAL.sub("", prefix)   # 研究与试验发展(R&D)经费投入
    whole = SHARE_OF.search(prefix) if measure == "share" else None
    if whole:   # R&D经费投入占地区生产总值比重: the part, not the whole
        prefix = prefix[:whole.start()]
    name = _dictionary_name(prefix)
    if name is None:   # 12项科技成果, 50万元安家补贴, 6部门: the words after the figure, or its unit
        name = _head_name(text[q.end:q.end + 16], q.unit_base) or _head_name(q.unit, q.unit_base)
    if name is None and counted:
        noun = COUNTED_NOUN.match(text[q.end:])
        name = _phrase_name(noun.group(1), True) if noun else None
    if name is None:
        name = _phrase_name(_noun_phrase(prefix, gaz), counted)
    if name in SHORT_FOR_THE_TOTAL and last_level:   # 新增…26家,总数达到118家: the stock of that level
        name = last_level[2:] if last_level.startswith("新增") else last_level
    if trade_total and trade_total != "进出口总值" and name in ("出口总值", "进口总值"):
        name = trade_total.replace("进出口", name[:2])   # 跨境电商进出口额…其中出口: 跨境电商出口额
    if measure == "growth" and (not name or COMPARISON_ONLY.fullmatch(name)) and last_level:
        name = last_level   # 增长4.0% / 较上年同期增长4.0% after a level: the growth of that level
    if measure == "growth" and name and not name.endswith(("增速", "变化", "增加额")):
        name += "增速" if q.kind in ("percent", "pp") else "增加额"
    if measure == "share" and last_level and (not name or name.startswith("占")):
        name = last_level   # 占全省出口总值的7.8% after a level: that level's share
    if measure == "share" and name and _is_level(name):
        name += "占比"
    if measure == "rank" and last_level and (not name or RANK_VERB.match(name) or name.endswith("数量")):
        name = last_level   # 384.8亿元,位居杭州市第一: the rank of that figure
    if measure == "rank" and name and not name.endswith("排名"):
        name += "排名"
    return name


def _is_level(name: str) -> bool:
    """A name that is a level (地区生产总值), not already a share (城镇化率, 研发投入强度)."""
    known = indicator_names().get(name)
    if known is not None:
        return known.measure == "level"
    return not name.endswith(("率", "比重", "比例", "占比", "强度"))


def _period(pos: int, sent_start: int, clause_start: int, clues: list[Clue], inherited: str | None,
            default: str | None, doc_year: int | None) -> tuple[str | None, bool, bool]:
    """(period, resolved_by_a_clue, clue_says_target) for a figure at pos."""
    applicable = [c for c in clues if c.end <= pos
                  and (c.kind not in SENTENCE_CLUES or c.start >= sent_start)
                  and (c.kind != "recurring" or c.start >= clause_start)]
    if applicable:
        c = applicable[-1]
        if c.kind == "recurring":
            # 2021年至2023年…年均增长15%: an average over the span the sentence names
            span = [a for a in applicable if a.kind in ("range", "plan", "since", "lastyears") and a.start >= sent_start]
            if span:
                c = span[-1]
        return c.period, True, c.future
    if inherited is not None:
        return inherited, True, False
    if default is not None:
        return default, True, False
    return (str(doc_year) if doc_year else None), False, False


def _unit_base(q: Quantity, text: str, clause_start: int) -> str | None:
    """A bare 万 (人才总量超43万) takes its counted thing from the words before it."""
    if q.unit_base:
        return q.unit_base
    prefix = text[clause_start:q.start]
    for counted, base in UNIT_OF_THE_COUNTED:
        if counted.search(prefix):
            return base
    return None


def extract_passage(p: Passage, context: _Context, doc_year: int | None,
                    gaz: Gazetteer) -> list[Indicator]:
    text = p.text
    quantities = find_quantities(text)
    inherited = context.period if CARRY_OPENERS.match(text) or p.continues is not None else None
    if not quantities:
        clues = find_clues(TITLE.sub(lambda m: "□" * len(m.group(0)), text), doc_year, context.year)
        context.period = _carried(clues, None)
        found = subjects(text)
        context.passage_entity = found[-1].name if found else None
        return []
    mentions = _mentions(text, gaz, context)
    deictic = {m.start() for m in DEICTIC_RE.finditer(text)}
    named_places = [m for m in mentions if m[0] not in deictic]   # 全市 speaks of the entity's place too
    rank_scopes = _rank_scopes(text)   # once a passage, not once a figure
    origins = [(m.start(), _clause_bounds(text, m.start(), m.end())[1]) for m in ORIGIN.finditer(text)]
    inherited_entity = context.passage_entity if CARRY_OPENERS.match(text) or p.continues is not None \
        else context.entity
    # 本次拍卖会 is the auction named before
    subjects_ = [replace(s, name=_antecedent(s.name, context)) if s.anaphoric else s
                 for s in subjects(text, tuple(context.known))]
    context.known.extend(s.name for s in subjects_ if not s.anaphoric and s.name not in context.known)
    context.located.update(_locations(text, subjects_, gaz, context.region))
    sentences = _sentences(text)
    rows, last_level, trade_total, previous = [], None, None, None
    masked = TITLE.sub(lambda m: "□" * len(m.group(0)), text)   # 《…十三五规划》 is a name, not a clue
    clues = find_clues(masked, doc_year, context.year)
    for q in quantities:
        sent_start, sent_end = next(((s, e) for s, e in sentences if s <= q.start < e), (0, len(text)))
        clause_start, clause_end = _clause_bounds(text, q.start, q.end)
        if p.truncated and q.end >= len(text.rstrip()):
            continue   # a number at a layout break may have lost its unit
        if q.unit_base in DURATION_UNITS or (
                CHINESE_NUMERAL.match(q.value_text) and ABSTRACT_NOUN.match(text[q.end:q.end + 4])):
            continue
        measure = _measure(q, text[clause_start:q.start], text[q.end:q.end + 1])
        if previous is not None and LIST_JOIN.fullmatch(text[previous[0].end:q.start]) \
                and previous[0].kind == q.kind:
            measure = previous[1]      # 分别增长37.2%、97.0%和33.3%: one cue, a list of figures
        unit_base = _unit_base(q, text, clause_start)
        if unit_base is None:
            continue
        value, value_base = q.value, q.value_base
        if measure == "growth" and DECLINE_CUE.search(text[clause_start:q.start]):
            value, value_base = -value, -value_base
        period, _, future = _period(q.start, sent_start, clause_start, clues, inherited,
                                     context.default_period, context.year or doc_year)
        if measure == "growth" and period and SINCE_YEAR_START.search(text, clause_start, q.start):
            period = _since_year_start(period)
        dated_here = any(sent_start <= c.start < q.start and c.period for c in clues)
        in_list = previous is not None and LIST_JOIN.fullmatch(text[previous[0].end:q.start])
        timeless = RULE_CUE.search(text, clause_start, q.start) or RULE_AFTER.match(text, q.end) or (
            not dated_here and INTENT_CUE.search(masked, sent_start, q.start)) or (in_list and previous[2])
        if timeless:   # 最高不超过50万元、300万元: the list shares its cap
            period = None
        # search up to one character past the cue so that 将 sees the number after it
        target = future or bool(TARGET_CUE.search(masked[sent_start:q.start + 1])) \
            or "目标" in masked[q.end:clause_end]
        indicator = _indicator_name(q, text, clause_start, measure, last_level, trade_total, gaz)
        if measure == "level" and indicator:
            last_level = indicator
            if "进出口" in indicator:
                trade_total = indicator
        evidence_start = clause_start
        if q.start - clause_start < 4 and clause_start > sent_start:
            evidence_start = _clause_bounds(text, clause_start - 1, clause_start - 1)[0]
        previous = (q, measure, bool(timeless))
        region = _region_for(q, sent_start, clause_start, mentions, measure, context, text)
        scopes = (rank_scopes if measure == "rank" else []) + _comparison_scopes(text, clause_start, q.start) + origins
        entity = _entity_for(q, sent_start, clause_start, clause_end, text, subjects_,
                             [m for m in named_places if not any(a <= m[0] < b for a, b in scopes)],
                             inherited_entity, gaz)
        if entity:
            region = _entity_region(entity, region, gaz, context.located)
        known = gaz.get(region) if region else None
        rows.append(Indicator(
            passage_seq=p.seq, article_id=p.article_id, region=region,
            region_level=known.level if known else ("place" if region else None), entity=entity,
            indicator=indicator, value=value, value_text=q.value_text, unit=q.unit,
            value_base=value_base, unit_base=unit_base, measure=measure, qualifier=q.qualifier,
            target=target, period=period, evidence=text[evidence_start:clause_end],
            char_start=q.start, char_end=q.end,
        ))
    context.period = _carried(clues, inherited)
    context.passage_entity = subjects_[-1].name if subjects_ else inherited_entity
    context.known.extend(dict.fromkeys(r.entity for r in rows if r.entity and r.entity not in context.known
                                       and r.entity != context.entity))
    if context.entity:   # 校企共建实验室 over a lead naming “江南大学—华晟未来食品联合实验室”: that lab
        kind = NAME_END_WORD.search(context.entity)
        named = [x.name for x in subjects_ if not x.anaphoric and kind and x.name.endswith(kind.group(0))
                 and x.name != context.entity]
        if named:
            context.entity = named[0]
    return _ordered_lists(_pair_respectively(rows, text, sentences, mentions), text, mentions)


def _reporting_year(headline_clues: list[Clue], lead: Passage | None, doc_year: int | None) -> int | None:
    """The year an article reports on when it is not the year it was printed: a past year
    its headline names, or that its lead names before its first figure (2023年,嘉善县实现
    地区生产总值…): 全年, 年末 and figures without a clue then belong to that year."""
    lead_clues = []
    if lead is not None:
        figures = [q for q in find_quantities(lead.text) if q.unit_base not in DURATION_UNITS]
        first_figure = figures[0].start if figures else len(lead.text)
        lead_clues = [c for c in find_clues(lead.text, doc_year) if c.end <= first_figure]
    for clue in headline_clues + lead_clues:   # 2023年…, 去年前11个月…: not plans or spans
        if clue.kind not in SPAN_CLUES and not clue.future and clue.year and (doc_year is None or clue.year < doc_year):
            return clue.year
    return None


def _carried(clues: list[Clue], inherited: str | None) -> str | None:
    if not clues:
        return inherited
    return clues[-1].period if clues[-1].kind in CARRIED_CLUES else None


def _pair_respectively(rows: list[Indicator], text: str, sentences: list[tuple[int, int]],
                       mentions: list[tuple[int, int, str]]) -> list[Indicator]:
    """分别增长37.2%、97.0%和33.3%: the k-th figure of the list after 分别 (分列) is the k-th
    level's growth before it, or the k-th place's of a list of places (姚庄镇、惠民街道和西塘镇)."""
    out = list(rows)
    for s, e in sentences:
        in_sentence = [i for i, r in enumerate(out) if s <= r.char_start < e]
        levels = [out[i].indicator for i in in_sentence if out[i].measure == "level"]
        for m in RESPECTIVELY.finditer(text, s, e):
            run = [i for i in in_sentence if out[i].char_start > m.end() and out[i].char_start - m.end() < 40]
            run = [i for i in run if out[i].measure == out[run[0]].measure] if run else []
            if len(run) < 2:
                continue
            places = _place_list(text, [x for x in mentions if s <= x[0] and x[1] <= m.start()])
            if len(places) == len(run):
                for i, place in zip(run, places):
                    out[i] = replace(out[i], region=place)
            growth = [i for i in run if out[i].measure == "growth"]
            if len(growth) == len(run) and len(levels) >= len(run):
                for i, name in zip(run, levels[-len(run):]):
                    out[i] = replace(out[i], indicator=name and name + "增速")
    return out


def _ordered_lists(rows: list[Indicator], text: str, mentions: list[tuple[int, int, str]]) -> list[Indicator]:
    """排前三位的是:滨江区、钱塘区和萧山区: one rank row per member (1, 2, 3), placed at
    the member's name, in place of the row of the list's length."""
    out = []
    for row in rows:
        intro = ORDERED_LIST.match(text, row.char_end) if row.measure == "rank" else None
        listed = [m for m in mentions if intro and m[0] >= intro.end()]
        members = _place_list(text, listed) if listed and listed[0][0] == intro.end() else []
        if len(members) < 2 or len(members) != row.value:
            out.append(row)
            continue
        evidence_start = row.char_start - row.evidence.find(text[row.char_start:row.char_end])
        for k, (start, end, name) in enumerate(listed[:len(members)], 1):
            out.append(replace(row, region=name, value=float(k), value_base=float(k), char_start=start,
                               char_end=end, evidence=text[evidence_start:listed[len(members) - 1][1]]))
    return out


def _place_list(text: str, mentions: list[tuple[int, int, str]]) -> list[str]:
    """The places of the last list of mentions joined only by 、和及与 (A、B和C)."""
    places: list[str] = []
    for start, end, name in mentions:
        if places and LIST_JOIN.fullmatch(text[last_end:start]):
            places.append(name)
        else:
            places = [name]
        last_end = end
    return places if len(places) >= 2 else []


def article_regions(passages: list[Passage], gaz: Gazetteer) -> dict[int, str | None]:
    """The region each article is about: named in its headline, else its first mention."""
    regions: dict[int, str | None] = {}
    for p in passages:
        if p.removed or p.article_id in regions and regions[p.article_id]:
            continue
        found = place_mentions(p.text, gaz)
        if found:
            regions[p.article_id] = found[0].region.name
        else:
            regions.setdefault(p.article_id, None)
    return regions


def describe_articles(passages: list[Passage], gaz: Gazetteer | None = None) -> list[dict]:
    """One record per article: its headline (first heading lines) and the region it is about."""
    regions = article_regions(passages, gaz or load_gazetteer())
    articles: dict[int, dict] = {}
    for p in passages:
        a = articles.setdefault(p.article_id, {"article_id": p.article_id, "headline": None,
                                               "region": regions.get(p.article_id), "n_passages": 0})
        a["n_passages"] += 1
        if p.heading and not p.removed and a["headline"] is None:
            a["headline"] = p.text
    return [articles[k] for k in sorted(articles)]


def extract_document(passages: list[Passage], doc_year: int | None,
                     gaz: Gazetteer | None = None) -> list[Indicator]:
    """Indicator rows of one document's kept passages; one row per figure."""
    gaz = gaz or load_gazetteer()
    regions = article_regions(passages, gaz)
    doc_region = next((r for r in regions.values() if r), None)
    headlines: dict[int, list[Passage]] = {}   # the heading lines an article opens with
    leads: dict[int, Passage] = {}              # and its first paragraph
    for p in passages:
        if p.heading and not p.removed and not DATELINE.search(p.text):
            headlines.setdefault(p.article_id, []).append(p)
        elif not p.heading and not p.removed and "。" in p.text:   # not the dateline line
            leads.setdefault(p.article_id, p)
    rows: list[Indicator] = []
    seen: set[tuple] = set()
    context, article = _Context(), None
    after: dict[int, _Context] = {}   # the context each passage left, for lines that continue it
    for p in passages:
        if p.removed:
            continue
        if p.article_id != article:
            article = p.article_id
            context = _Context(region=regions.get(article) or doc_region)
            headline_clues = [c for h in headlines.get(article, []) for c in find_clues(h.text, doc_year)]
            context.year = _reporting_year(headline_clues, leads.get(article), doc_year)
            if context.year:   # 安徽前11个月… over a lead of 去年前11个月: the headline's months are that year's
                headline_clues = [c for h in headlines.get(article, [])
                                  for c in find_clues(h.text, doc_year, context.year)]
            # a headline's target (力争2027年…) is no period of the article's outcomes
            context.default_period = next((c.period for c in headline_clues if c.period and not c.future), None)
            context.entity = next(filter(None, (headline_topic(h.text) for h in headlines.get(article, []))), None)
        if p.heading:
            # a subhead naming a region ("桐庐县:7000万元筑巢引凤") opens a section about it
            found = place_mentions(p.text, gaz)
            if found and p.text[found[0].end:found[0].end + 1] in ":：" or (found and found[0].start == 0):
                context.region = found[0].region.name
                context.entity = context.passage_entity = None   # a section about a place
            context.period = None
            continue
        zones = [m.region.name for m in place_mentions(p.text, gaz, context.region) if m.region.level == "zone"]
        zones += [p.text[a:b] for a, b in _local_places(p.text)
                  if ZONE_WORD.search(p.text[a:b])]   # 息烽经济开发区: what a bare 开发区 is
        # a line that goes on with a paragraph cut lines earlier speaks of that paragraph's
        # place and period, not of the section it was printed in
        speaking = replace(after[p.continues]) if p.continues in after else context
        for row in extract_passage(p, speaking, doc_year, gaz):
            key = (row.region, row.entity, row.indicator, row.value_base, row.unit_base, row.measure, row.period)
            if key not in seen:
                seen.add(key)
                rows.append(row)
        if zones:
            context.last_zone = zones[0]    # the passage's topic, not a zone it compares with
        after[p.seq] = replace(context)
    return _placed_by_subheads(rows, passages, gaz)


def _placed_by_subheads(rows: list[Indicator], passages: list[Passage], gaz: Gazetteer) -> list[Indicator]:
    """桐庐县:7000万元筑巢引凤: a subhead that names a place and a figure says whose the
    figure is, also where a layout break printed its paragraph in another section."""
    owners: dict[tuple, str] = {}
    for p in passages:
        found = place_mentions(p.text, gaz) if p.heading and not p.removed else ()
        if found and found[0].start == 0 and p.text[found[0].end:found[0].end + 1] in ":：":
            title = p.text[found[0].end + 1:]
            for q in find_quantities(title):
                if not (place_mentions(title[:q.start], gaz) or LOCAL_PLACE.search(title[:q.start])):
                    owners.setdefault((q.value_base, q.unit_base), found[0].region.name)   # not 吴江区:汾湖高新区…126家
    if not owners:
        return rows
    return [replace(r, region=owners[(r.value_base, r.unit_base)], region_level=gaz.get(owners[(r.value_base, r.unit_base)]).level)
            if r.entity is None and (r.value_base, r.unit_base) in owners else r for r in rows]
