"""Period resolution from a document's own date clues.

Periods are strings: 2020, 2022H1, 2020-01..09 (months of one year), 2021-12 (as of a
month), 2020..2022 (years). A clue is resolved against the document's year; when no
year can be found the period is None, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from transforms.gazetteer import cue_pattern

CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
            "十": 10, "十一": 11, "十二": 12}
RELATIVE_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}

DATELINE = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# Word lists: transforms/reference/cues.csv (what each group is for is written there).
FOUNDED = re.compile(rf"(?:{cue_pattern('founded_in')})(\d{{4}})年")
ANNIVERSARY = re.compile(r"成立(\d{1,3})周年")
YEAR = re.compile(r"(?<![\d~—\-至])((?:19|20)\d{2})年(?!代|届|亚运)")
COMPARED_TO = re.compile(f"({cue_pattern('compared_to')}|(?<!参)与)$")
# 成立于2019年: when something began, not the period of the figures after it.
FOUNDING = re.compile(f"({cue_pattern('founding_verb')})$")
NOT_OUTCOME_YEAR = re.compile(f"({cue_pattern('target_year_cue')})$")

_M = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
_YR = r"(?:((?:19|20)\d{2})年|(今年|本年|去年|上年|前年|明年))?"
# Every clue starts with one of these characters: checking it first lets the scan skip
# most positions without trying each alternative.
CLUE_START = "(?=[0-9一二两三四五六七八九十今本去上下前明半第截到至自以年全每目现近])"
CLUE = re.compile(
    CLUE_START + "(?:" + "|".join([
        r"(?P<plan>十三五|十四五|十五五)",
        r"(?P<range>((?:19|20)\d{2})年?\s*[~～—\-至到]\s*((?:19|20)\d{2})年)",
        rf"(?P<since>自?{_YR}(?:{_M}月(?:份)?)?以来)",
        rf"(?P<half>{_YR}(?:上|下)半年(?:度)?|(?<![上下前后近多大])半年(?![时来内多]))",
        r"(?P<halfyear>((?:19|20)\d{2})年半年度)",
        rf"(?P<q3>{_YR}前三季度)",
        rf"(?P<quarter>{_YR}(?:第)?([一二三四1-4])季度)",
        rf"(?P<months>{_YR}{_M}\s*(?:月份?)?(?:\d{{1,2}}日)?\s*[至~～\-—到]\s*{_M}月)",
        rf"(?P<firstmonths>{_YR}前{_M}个?月)",
        rf"(?P<asof>截[至止](?:到)?{_YR}(?:{_M}月(?:份)?(?:底|末)?|年底|年末|底|末))",
        r"(?P<deadline>(?:到|至)((?:19|20)\d{2})年(底|末)?)",
        rf"(?P<month>{_YR}{_M}月(?:份)?(?:\d{{1,2}}日)?)",
        r"(?P<year>((?:19|20)\d{2})年(?:度)?(?!代|届|亚运))",
        r"(?P<yearend>(?:今年|本年|去年|上年|前年)?(?:年底|年末)|(?:今年|本年|去年|上年|前年)(?:底|末))",
        r"(?P<rel>(?<![比较同])(今年|本年|去年|上年|前年|明年)(?:以来)?)",
        r"(?P<fullyear>全年|截[至止]目前)",
        # 目前, 现有, 现在 are now: the page's year, whatever an earlier sentence said
        r"(?P<present>目前|现有|现在)",
        r"(?P<lastyears>近(\d|[一二两三四五六七八九十])年(?!来))",
        r"(?P<recurring>每年|年均|每一年)",
    ]) + ")"
)


@dataclass(frozen=True)
class Clue:
    start: int
    end: int
    period: str | None       # None for a clue that says "no single period" (每年)
    year: int | None         # the year the clue puts the text in, for later relative clues
    future: bool = False     # 到2025年 …: a deadline, the figure is a target
    kind: str = ""           # which clue pattern matched (year clues hold for one sentence)


def _month(s: str) -> int:
    return int(s) if s.isdigit() else CN_DIGIT[s]


def _year(explicit: str | None, relative: str | None, base: int | None, current: int | None) -> int | None:
    """An explicit year; else a relative word against the document's year; else the
    year the text around is speaking of (截至年末 after 去年 is the end of last year)."""
    if explicit:
        return int(explicit)
    if relative:
        return None if base is None else base + RELATIVE_YEAR[relative]
    return current


def document_year(text: str) -> tuple[int | None, str | None]:
    """The year a page was written, and its publication date when stated.

    An explicit dateline near the top wins; then an anniversary (成立30周年 of a zone
    建于1990年); then the latest year the page mentions as an outcome (years after
    到/力争/目标 are plans, not the present).
    """
    head = text[:600]
    m = DATELINE.search(head)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    founded, anniversary = FOUNDED.search(text), ANNIVERSARY.search(text)
    if founded and anniversary:
        return int(founded.group(1)) + int(anniversary.group(1)), None
    years = [int(m.group(1)) for m in YEAR.finditer(text)
             if not NOT_OUTCOME_YEAR.search(text[max(0, m.start() - 4):m.start()])]
    return (max(years) if years else None), None


def find_clues(text: str, base_year: int | None, current_year: int | None = None) -> list[Clue]:
    """Date clues of a text in order; each sets the year the text goes on speaking of.

    base_year resolves 今年/去年; current_year (default base_year) is the year the text
    speaks of, for clues without a year of their own (全年, 年末, 上半年)."""
    clues = []
    current = current_year if current_year is not None else base_year
    for m in CLUE.finditer(text):
        if COMPARED_TO.search(text, max(0, m.start() - 2), m.start()) or FOUNDING.search(text, max(0, m.start() - 3), m.start()):
            continue   # 较上半年加快, 比去年底增加, 与2020年相比: a baseline, not the period
        clue = _resolve(m.lastgroup, m, base_year, current)
        if clue is not None:
            # 力争2027年…, 目标2025年…: the year of a target, not of an outcome
            future = clue.future or (m.lastgroup == "year" and bool(NOT_OUTCOME_YEAR.search(text, max(0, m.start() - 4), m.start())))
            clue = replace(clue, kind=m.lastgroup, future=future)
            clues.append(clue)
            if clue.year is not None and not clue.future:
                current = clue.year
    return clues


def _resolve(kind: str, m: re.Match, base: int | None, current: int | None) -> Clue | None:
    s, e = m.start(), m.end()
    text = m.group(0)
    if kind == "plan":
        a, b = FIVE_YEAR_PLANS[text]
        return Clue(s, e, f"{a}..{b}", None, future=base is not None and b > base)
    if kind == "range":
        a, b = (int(y) for y in re.findall(r"(?:19|20)\d{2}", text))
        return Clue(s, e, f"{a}..{b}", None, future=base is not None and b > base)
    if kind == "recurring":
        return Clue(s, e, None, None)
    if kind == "lastyears":   # 近3年: the three years before the page's year
        n = _month(m.group(0)[1:-1])
        return Clue(s, e, f"{base - n}..{base - 1}", None) if base is not None else None
    if kind == "present":
        return Clue(s, e, str(base), base) if base else None
    if kind == "since":
        # 自3月份以来 describes a span, not the figure's period; 2011年以来 runs to the present
        start = re.search(r"((?:19|20)\d{2})年", text)
        if start and "月" not in text and base is not None and int(start.group(1)) < base:
            return Clue(s, e, f"{start.group(1)}..{base}", None)
        if re.fullmatch(r"(今年|本年)以来", text) and base is not None:
            return Clue(s, e, str(base), base)
        return None
    explicit = re.search(r"((?:19|20)\d{2})年", text)
    relative = re.search(r"(今年|本年|去年|上年|前年|明年)", text)
    year = _year(explicit.group(1) if explicit else None, relative.group(1) if relative else None,
                 base, current)
    if kind in ("rel", "year"):
        return Clue(s, e, str(year) if year else None, year) if year else None
    if year is None:
        return None
    if kind in ("half", "halfyear"):
        return Clue(s, e, f"{year}H2" if "下半年" in text else f"{year}H1", year)
    if kind == "q3":
        return Clue(s, e, f"{year}-01..09", year)
    if kind == "quarter":
        q = _month(re.search(r"([一二三四1-4])季度", text).group(1))
        return Clue(s, e, f"{year}-{3 * q - 2:02d}..{3 * q:02d}", year)
    if kind == "months":
        # the months, not the day of 3月1日至12月31日
        a, b = (_month(x) for x in re.findall(_M + r"(?=\s*(?:月|[至~～\-—到]))", text.split("年")[-1])[:2])
        return Clue(s, e, f"{year}-{a:02d}..{b:02d}", year) if 1 <= a < b <= 12 else None
    if kind == "firstmonths":
        last = _month(re.search(_M + "个?月", text.split("前")[-1]).group(1))
        return Clue(s, e, f"{year}-01..{last:02d}", year) if 1 < last <= 12 else None
    if kind == "asof":
        mm = re.search(_M + "月", text)
        month = 12 if mm is None else _month(mm.group(1))
        return Clue(s, e, f"{year}-{month:02d}", year)   # 截至6月末 is a stock at June's end, not H1
    if kind == "deadline":
        return Clue(s, e, f"{year}-12" if text.endswith(("底", "末")) else str(year), year, future=True)
    if kind == "month":
        mm = re.search(_M + "月", text)
        month = _month(mm.group(1))
        return Clue(s, e, f"{year}-{month:02d}", year) if 1 <= month <= 12 else None
    if kind == "fullyear":
        return Clue(s, e, str(year), year)
    if kind == "yearend":
        return Clue(s, e, f"{year}-12", year)
    return None
