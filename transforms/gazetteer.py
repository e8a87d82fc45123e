"""Region gazetteer and indicator dictionary for Chinese high-tech-zone news.

Pure functions over two packaged reference tables (see ``reference/README.md``):

* ``reference/regions.csv``    -- 全国, provinces, prefecture-level units, every county-level
                                  unit (市辖区, 县, 县级市, 旗 ...), national high-tech zones
                                  and other zones.
* ``reference/indicators.csv`` -- economic / technology indicators, their press synonyms,
                                  base unit, category, measure and plausible ranges.

The CSVs are read once (``functools.cache``); the Aho-Corasick automata are built once
per loaded table.  Nothing here touches the network or writes files.

Matching rules for :meth:`Gazetteer.find`:

* leftmost-longest, non-overlapping: ``杭州高新区`` beats ``杭州``; ``高新区(滨江)`` is
  one mention (``高新区`` alone is not an alias at all);
* full-width ASCII (``（）``, ``ＧＤＰ`` ...) is folded to half-width before matching; the
  fold is one character for one character, so offsets refer to the caller's text;
* a match immediately followed by an organisation suffix (``浙江大学``, ``杭州海关``,
  ``中信银行杭州分行``) or by a short organisation name ending in one
  (``浙江海洋大学``, ``杭州加威智能科技有限公司``) is not a region mention;
* a small list of words that merely contain a region alias (``长治久安``, ``三明治``,
  ``杭州湾``, ``国内外`` ...) is consumed as a non-region token;
* a district name ending in 区 that runs into 区域 or 区块(链) gives way to the longest
  shorter form starting at the same place, when there is one: ``河北区域`` is 河北省, not
  天津's 河北区.

Ambiguous names.  A surface form may be declared shared by several regions: ``南山区`` of
深圳 and of 鹤岗, each with the alias ``?南山区`` in regions.csv.  Its readings are kept in
file order, the better-known first.  For each mention of such a form, :meth:`Gazetteer.find`
picks the reading that is, or lies inside, the region named most recently before it in the
same text (深圳市…南山区), else one of the caller's ``context`` regions; with none, the first
reading.  :meth:`Gazetteer.get` gives the first reading (a canonical name always gives its
own row), :meth:`Gazetteer.readings` all of them.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

import ahocorasick

from transforms.to_simplified import FULLWIDTH_TO_ASCII, fold_fullwidth

__all__ = [
    "LEVELS",
    "Region",
    "RegionMention",
    "Gazetteer",
    "load_gazetteer",
    "load_regions",
    "IndicatorDef",
    "load_indicators",
    "match_indicator",
    "indicator_hits",
    "cue_words",
    "cue_pattern",
    "indicator_names",
]

LEVELS: tuple[str, ...] = ("country", "province", "city", "district", "zone")
RANGE_LEVELS: tuple[str, ...] = ("zone", "district", "city", "province", "country")
INDICATOR_CATEGORIES = frozenset(
    {"economy", "trade", "innovation", "talent", "enterprise", "finance", "land", "other"}
)
INDICATOR_MEASURES = frozenset({"level", "growth", "share", "rank"})

# --------------------------------------------------------------------------- text folding




# --------------------------------------------------------------------------- word-edge rules

# A region alias directly followed by one of these names an organisation, not the region.
# (实验室 is deliberately absent: 浙江省实验室 is a programme *of* 浙江省.)
ORG_SUFFIXES_IMMEDIATE: tuple[str, ...] = (
    "大学", "学院", "海关", "银行", "分行", "支行", "公司", "集团", "日报", "晚报", "商报",
    "电视台", "中学", "小学", "医院", "科学院", "工程院", "证券",
)
# The same, after a short run of name characters: 浙江海洋大学, 杭州联合银行,
# 杭州海康威视数字技术股份有限公司.  (suffix, max gap, forbidden next char)
ORG_SUFFIXES_WINDOWED: tuple[tuple[str, int, str], ...] = (
    ("大学", 4, "生"),            # 大学生 is not a university
    ("学院", 4, ""),
    ("职业技术学院", 10, ""),
    ("职业学院", 10, ""),
    ("有限责任公司", 12, ""),
    ("股份有限公司", 12, ""),
    ("有限公司", 12, ""),
    ("股份公司", 12, ""),
    ("银行", 8, "业"),            # 银行业 is a sector, not a bank
    ("分行", 8, ""),
    ("支行", 8, ""),
    ("集团", 8, ""),
)
# Characters that cannot be inside an organisation name run (function words).
_GAP_STOP = set("的在和与及等是为了对向从将已或并共各全该其这于由把被但而也都还就又所")
# Characters of an organisation name run: Han characters and Latin letters, full-width ones
# too, so the rules need no folded copy of the text.
_NAME_CHARS = "\u3400-\u9fffA-Za-z\uff21-\uff3a\uff41-\uff5a"

# Words that contain a region alias but do not mention the region; consumed as tokens.
# The first group are common words whose last character starts an alias: they make
# leftmost-longest segment 创新余杭 as 创新|余杭 rather than 创|新余|杭 (新余市).
BLOCKED_WORDS: tuple[str, ...] = (
    "创新", "革新", "更新", "刷新", "焕新", "重新", "美丽",
    "长治久安", "大同小异", "世界大同", "三明治", "四平八稳", "孙中山", "中山装", "中山路",
    "中山公园", "北海道", "大理石", "哈密瓜", "普洱茶", "宁德时代", "杭州湾", "钱塘江",
    "国内外", "海内外", "美国德州", "长兴岛", "河南岸", "湖南岸", "白山黑水", "黄山松",
    "中国银行", "中国工商银行", "中国建设银行", "中国农业银行", "中国人民银行", "中国科学院",
    "中国工程院", "中国移动", "中国电信", "中国联通", "中国石油", "中国石化", "中国平安",
    "中国人寿", "中国银联", "中国科协", "中国中车", "中国建筑", "中国电科", "中国电子",
    "黄河源", "出海口", "广安门", "文山会海", "定海神针",
    # words that straddle a county-level name: 沿海城市 is not 海城市, 祁连山区 not 连山区
    "沿海城市", "滨海城市", "新兴城市", "适应城市", "相应城市", "各项城市", "适宜城市", "中韩城市",
    "沿海城区", "沿江城区", "其中山区", "今天山区", "振兴山区", "建立山区", "祁连山区",
    "黄浦江", "非常熟", "武昌鱼", "雷州半岛", "贺兰山",
    # 山区 "mountain area" after a part of the country: 皖南山区, 西南山区 are not 南山区
    *(part + "南山区" for part in "东西江华岭皖闽陕赣湘浙苏滇豫鲁川晋冀桂粤宁"),
)
# 区域 and 区块 are words: a district name whose final 区 starts one gives way to a shorter
# form (河北区域 -> 河北).  Not 区位: 高新区位列第六 is far commoner than 区位优势.
_QU_WORDS = frozenset("域块")
# In regions.csv, an alias written ?南山区 is a surface form the region shares with others.
SHARED_MARK = "?"


def _org_suffix_pattern() -> re.Pattern:
    """One regex for the suffix rules above: an immediate suffix, or a windowed one after
    1..max_gap name characters that are not function words."""
    exceptions = {"银行": "业", "大学": "生"}
    immediate = [re.escape(suf) + (f"(?!{exceptions[suf]})" if suf in exceptions else "")
                 for suf in ORG_SUFFIXES_IMMEDIATE]
    stops = re.escape("".join(sorted(_GAP_STOP)))
    name_char = rf"(?:(?![{stops}])[{_NAME_CHARS}])"
    windowed = [rf"{name_char}{{1,{max_gap}}}?{re.escape(suf)}" + (f"(?![{not_next}])" if not_next else "")
                for suf, max_gap, not_next in ORG_SUFFIXES_WINDOWED]
    return re.compile("|".join(immediate + windowed))


_ORG_SUFFIX = _org_suffix_pattern()


def _org_follows(text: str, end: int) -> bool:
    """True when ``text[end:]`` starts an organisation suffix (see module doc)."""
    return _ORG_SUFFIX.match(text, end) is not None


# --------------------------------------------------------------------------- data access


def _read_reference(filename: str, reference_dir: Path | str | None = None) -> str:
    """Text of a packaged reference CSV (importlib.resources, then a path fallback), or
    of the one in reference_dir."""
    if reference_dir is not None:
        return (Path(reference_dir) / filename).read_text(encoding="utf-8")
    try:
        return resources.files(__package__ or "transforms").joinpath("reference", filename).read_text(
            encoding="utf-8"
        )
    except (ModuleNotFoundError, FileNotFoundError, TypeError):
        return (Path(__file__).resolve().parent / "reference" / filename).read_text(encoding="utf-8")


def _split_list(cell: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for part in (cell or "").split("|"):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return tuple(out)


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True)
class Region:
    name: str
    level: str
    parent: str | None
    aliases: tuple[str, ...]   # as regions.csv lists them (全国 lists its own name too)
    # the aliases it shares with other regions (written ``?南山区`` in regions.csv); they are
    # in ``aliases`` too
    shared_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionMention:
    start: int
    end: int
    surface: str
    region: Region
    # the surface form has several readings (南山区); ``region`` is the one find() chose
    ambiguous: bool = False


class Gazetteer:
    """Regions keyed by canonical name, with an alias index and a match automaton."""

    def __init__(self, regions: Iterable[Region], blocked_words: Iterable[str] = BLOCKED_WORDS):
        self._regions: dict[str, Region] = {}
        for r in regions:
            if r.level not in LEVELS:
                raise ValueError(f"{r.name}: unknown level {r.level!r}")
            if r.name in self._regions:
                raise ValueError(f"duplicate region name {r.name!r}")
            self._regions[r.name] = r
        for r in self._regions.values():
            if r.parent is not None and r.parent not in self._regions:
                raise ValueError(f"{r.name}: parent {r.parent!r} is not a region")

        # surface form (normalised) -> canonical names of its readings, in file order
        self._index: dict[str, tuple[str, ...]] = _surface_index(self._regions.values())
        # region -> itself and its ancestors below the country, most specific first: what a
        # mention of it tells about the place an ambiguous name after it is in
        self._anchors: dict[str, tuple[str, ...]] = {
            name: (name, *(a.name for a in self.ancestors(name) if a.level != "country"))
            for name in self._regions
        }

        # The automaton is scanned over a copy of the text in which every character that no
        # form contains is one placeholder, the first child of the root: pyahocorasick finds
        # a child by a linear scan, and with ~930 first characters that scan, not the number
        # of matches, is what a passage costs.  Forms go in file order (全国, provinces,
        # cities first): their frequent first characters come early in the root's list too.
        auto = ahocorasick.Automaton()
        auto.add_word(_PLACEHOLDER + _NEVER, (0, None))   # makes _PLACEHOLDER the first child
        alphabet: set[str] = set()
        for form, names in self._index.items():
            auto.add_word(form, (len(form), names))
            alphabet.update(form)
        for word in blocked_words:
            form = fold_fullwidth(word)
            if form not in self._index:
                auto.add_word(form, (len(form), None))
                alphabet.update(form)
        auto.make_automaton()
        self._auto = auto
        self._scan_table = _ScanTable(alphabet)

    # -- lookups -----------------------------------------------------------------

    def get(self, name_or_alias: str) -> Region | None:
        """Region by canonical name or alias (full-width parentheses accepted).

        A canonical name gives its own region (普陀区 is 舟山's); any other shared form
        gives its first reading (南山区: 深圳市南山区)."""
        key = fold_fullwidth(name_or_alias.strip())
        if key in self._regions:
            return self._regions[key]
        names = self._index.get(key)
        return self._regions[names[0]] if names else None

    def readings(self, name_or_alias: str) -> list[Region]:
        """Every region a name or alias can mean, first reading first ([] if unknown)."""
        names = self._index.get(fold_fullwidth(name_or_alias.strip()), ())
        return [self._regions[n] for n in names]

    def ancestors(self, name: str) -> list[Region]:
        """Parent chain, nearest first, up to 全国.  ``KeyError`` for an unknown name."""
        region = self.get(name)
        if region is None:
            raise KeyError(name)
        chain: list[Region] = []
        seen = {region.name}
        while region.parent is not None:
            region = self._regions[region.parent]
            if region.name in seen:  # defensive: a cycle in the data
                raise ValueError(f"parent cycle at {region.name!r}")
            seen.add(region.name)
            chain.append(region)
        return chain

    def names(self) -> list[str]:
        """Canonical names, sorted."""
        return sorted(self._regions)

    def regions(self) -> list[Region]:
        """All regions in file order."""
        return list(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, name_or_alias: object) -> bool:
        return isinstance(name_or_alias, str) and self.get(name_or_alias) is not None

    # -- matching ----------------------------------------------------------------

    def find(self, text: str, context: Iterable[str] = (), inside_names: bool = False) -> list[RegionMention]:
        """All region mentions in ``text``: leftmost-longest, non-overlapping, by start.

        ``context``: canonical names of regions the text is known to be about (the page's
        city, say).  With the regions the text names before it, they settle which reading
        of an ambiguous name (南山区) a mention is; see the module docstring.
        ``inside_names``: ``text`` is an organisation's name, and the places it contains
        (杭州 in 中信银行杭州分行) are wanted: no mention gives way to a suffix after it.
        """
        best = self._candidates(text)
        known = (self.get(name) for name in ([context] if isinstance(context, str) else context))
        about = [region.name for region in known if region is not None]

        mentions: list[RegionMention] = []
        pos = 0
        for start in sorted(best):
            if start < pos:
                continue
            length, names = best[start]
            if names is not None:
                if not inside_names and _org_follows(text, start + length):
                    # An organisation name: drop every region reading starting here.
                    continue
                if _runs_into_qu_word(text, start + length):
                    length, names = self._district_gives_way(text, start, length, names)
            end = start + length
            pos = end
            if names is None:   # a blocked word
                continue
            name = names[0] if len(names) == 1 else self._resolve(names, about, mentions)
            mentions.append(RegionMention(start, end, text[start:end], self._regions[name],
                                          ambiguous=len(names) > 1))
        return mentions

    def _candidates(self, text: str) -> dict[int, tuple[int, tuple[str, ...] | None]]:
        """Longest automaton match per start offset: (length, readings), or (length, None)
        for a blocked word."""
        best: dict[int, tuple[int, tuple[str, ...] | None]] = {}
        for end_idx, (length, names) in self._auto.iter(text.translate(self._scan_table)):
            start = end_idx - length + 1
            cur = best.get(start)
            if cur is None or length > cur[0]:
                best[start] = (length, names)
        return best

    def _district_gives_way(self, text: str, start: int, length: int, names: tuple[str, ...]
                            ) -> tuple[int, tuple[str, ...]]:
        """For a district name whose last 区 starts 区域/区块: the longest shorter form
        starting at ``start`` (河北区域 -> 河北), or the match itself when there is none."""
        if any(self._regions[n].level != "district" for n in names):
            return length, names
        for n in range(length - 1, 1, -1):
            shorter = self._index.get(fold_fullwidth(text[start:start + n]))
            if shorter is not None:
                return n, shorter
        return length, names

    def _resolve(self, names: tuple[str, ...], about: list[str], earlier: list[RegionMention]) -> str:
        """The reading the regions named before it point to.  The latest of them (mentions
        from the nearest back, then the context) that is or contains some readings keeps
        those, judged at its most specific level (徐州市 before 江苏省); older ones narrow
        further.  The first reading that remains wins."""
        readings = list(names)
        for source in [m.region.name for m in reversed(earlier)] + about:
            for anchor in self._anchors[source]:
                inside = [r for r in readings if anchor in self._anchors[r]]
                if inside:
                    readings = inside
                    break
            if len(readings) == 1:
                break
        return readings[0]


_PLACEHOLDER, _NEVER = "\ue000", "\ue001"   # private-use characters; _NEVER never reaches the scan


class _ScanTable(dict):
    """str.translate table: full-width folding, then every character outside the forms'
    alphabet to _PLACEHOLDER (one character for one: offsets are kept).  Filled lazily."""

    def __init__(self, alphabet: Iterable[str]):
        super().__init__()
        self._alphabet = frozenset(alphabet)

    def __missing__(self, cp: int) -> int:
        folded = FULLWIDTH_TO_ASCII.get(cp, cp)
        out = folded if chr(folded) in self._alphabet else ord(_PLACEHOLDER)
        self[cp] = out
        return out


def _runs_into_qu_word(text: str, end: int) -> bool:
    """True when the match ending at ``end`` ends in the 区 of 区域 or 区块."""
    return end < len(text) and text[end - 1] == "区" and text[end] in _QU_WORDS


def _surface_index(regions: Iterable[Region]) -> dict[str, tuple[str, ...]]:
    """Surface form (normalised) -> canonical names of its readings, in file order.

    A form may have several readings only when all of them but at most one declare it
    shared; a form declared shared must have another reading."""
    readings: dict[str, list[str]] = {}
    undeclared: dict[str, list[str]] = {}
    for r in regions:
        shared = {fold_fullwidth(a) for a in r.shared_aliases}
        for form in dict.fromkeys(fold_fullwidth(f.strip()) for f in (r.name, *r.aliases) if f.strip()):
            readings.setdefault(form, []).append(r.name)
            if form not in shared:
                undeclared.setdefault(form, []).append(r.name)
    for form, names in readings.items():
        loose = undeclared.get(form, [])
        if len(loose) > 1:
            raise ValueError(f"surface form {form!r} maps to both {loose[0]!r} and {loose[1]!r}")
        if len(names) == 1 and not loose:
            raise ValueError(f"{names[0]}: {form!r} is declared shared but no other region has it")
    return {form: tuple(names) for form, names in readings.items()}


def _parse_regions(text: str) -> list[Region]:
    reader = csv.DictReader(io.StringIO(text))
    expected = ["name", "level", "parent", "aliases"]
    if reader.fieldnames != expected:
        raise ValueError(f"regions.csv header {reader.fieldnames!r}, expected {expected!r}")
    out = []
    for row in reader:
        name = row["name"].strip()
        parent = (row["parent"] or "").strip() or None
        cells = _split_list(row["aliases"])
        shared = tuple(c.removeprefix(SHARED_MARK).strip() for c in cells if c.startswith(SHARED_MARK))
        aliases = tuple(dict.fromkeys(a for a in (c.removeprefix(SHARED_MARK).strip() for c in cells) if a))
        out.append(Region(name, row["level"].strip(), parent, aliases, shared))
    return out


@functools.cache
def _region_table() -> tuple[Region, ...]:
    return tuple(_parse_regions(_read_reference("regions.csv")))


def load_regions(reference_dir: Path | str | None = None) -> list[Region]:
    """The rows of regions.csv in file order: the packaged table (read once per process),
    or reference_dir's."""
    return list(_region_table()) if reference_dir is None else _parse_regions(
        _read_reference("regions.csv", reference_dir))


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer (built once per process)."""
    return Gazetteer(_region_table())


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorDef:
    name: str
    synonyms: tuple[str, ...]
    unit_base: str
    category: str
    measure: str
    # level -> (min, max) of value_base for a level figure; None = unbounded on that side.
    ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict, hash=False)

    def bounds(self, level: str) -> tuple[float | None, float | None]:
        """(min, max) plausible value_base at a region level, (None, None) if unknown."""
        return self.ranges.get(level, (None, None))

    def plausible(self, value: float, level: str) -> bool | None:
        """Whether ``value`` lies in the range for ``level``; None when no bound applies."""
        lo, hi = self.bounds(level)
        if lo is None and hi is None:
            return None
        return (lo is None or value >= lo) and (hi is None or value <= hi)


def _num(cell: str | None) -> float | None:
    cell = (cell or "").strip()
    if not cell:
        return None
    value = float(cell)
    if math.isnan(value):
        raise ValueError("NaN bound")
    return value


def _parse_indicators(text: str) -> dict[str, IndicatorDef]:
    reader = csv.DictReader(io.StringIO(text))
    need = ["name", "synonyms", "unit_base", "category", "measure"] + [
        f"{side}_{lvl}" for lvl in RANGE_LEVELS for side in ("min", "max")
    ]
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"indicators.csv lacks columns {missing}")
    out: dict[str, IndicatorDef] = {}
    for row in reader:
        name = row["name"].strip()
        if name in out:
            raise ValueError(f"duplicate indicator {name!r}")
        category = row["category"].strip()
        measure = row["measure"].strip()
        if category not in INDICATOR_CATEGORIES:
            raise ValueError(f"{name}: unknown category {category!r}")
        if measure not in INDICATOR_MEASURES:
            raise ValueError(f"{name}: unknown measure {measure!r}")
        ranges = {}
        for lvl in RANGE_LEVELS:
            lo, hi = _num(row[f"min_{lvl}"]), _num(row[f"max_{lvl}"])
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{name}: min_{lvl} > max_{lvl}")
            ranges[lvl] = (lo, hi)
        synonyms = tuple(s for s in _split_list(row["synonyms"]) if s != name)
        out[name] = IndicatorDef(name, synonyms, row["unit_base"].strip(), category, measure, ranges)
    return out


@functools.cache
def _indicator_table() -> dict[str, IndicatorDef]:
    return _parse_indicators(_read_reference("indicators.csv"))


def load_indicators(reference_dir: Path | str | None = None) -> dict[str, IndicatorDef]:
    """Indicator definitions keyed by canonical name, in file order: the packaged ones (a
    fresh dict over cached entries), or reference_dir's indicators.csv."""
    if reference_dir is None:
        return dict(_indicator_table())
    return _parse_indicators(_read_reference("indicators.csv", reference_dir))


_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》")
_SPACE = re.compile(r"\s+")


def indicator_key(phrase: str) -> str:
    """Matching form of an indicator phrase: half-width, no quotes/spaces, ASCII upper-case."""
    s = fold_fullwidth(phrase).translate(_QUOTES)
    s = _SPACE.sub("", s)
    return "".join(ch.upper() if ch.isascii() else ch for ch in s)


@functools.cache
def _indicator_automaton() -> ahocorasick.Automaton:
    table = _indicator_table()
    forms: dict[str, str] = {}
    for ind in table.values():
        for form in (ind.name, *ind.synonyms):
            key = indicator_key(form)
            if not key:
                continue
            prev = forms.get(key)
            if prev is not None and prev != ind.name:
                raise ValueError(f"indicator synonym {form!r} maps to {prev!r} and {ind.name!r}")
            forms[key] = ind.name
    auto = ahocorasick.Automaton()
    for key, name in forms.items():
        auto.add_word(key, (len(key), name))
    auto.make_automaton()
    return auto


@dataclass(frozen=True)
class IndicatorName:
    """A canonical indicator name: a dictionary indicator, a qualifier that changes what is
    counted (国家级, 新增), and a measure suffix (增速, 占比, 排名)."""
    name: str
    base: str
    qualifier: str
    measure: str
    unit_base: str
    category: str
    synonyms: tuple[str, ...] = ()   # the press's forms: the dictionary's, of an indicator's own name


@dataclass(frozen=True)
class IndicatorForms:
    """reference/indicator_forms.csv: qualifiers of a flow (新增), of a tier (国家级), and
    measure suffixes (增速: growth). A name is [flow][tier]indicator[suffix]."""
    flows: tuple[str, ...]
    tiers: tuple[str, ...]
    # (form, measure, unit_base of the suffixed name: "" for the level's own, as of 增加额)
    suffixes: tuple[tuple[str, str, str], ...]

    def qualifiers(self) -> list[str]:
        return [f + t for f in ("", *self.flows) for t in ("", *self.tiers) if f + t]


def _parse_forms(text: str) -> IndicatorForms:
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = {r["kind"] for r in rows} - {"flow", "tier", "suffix"}
    if kinds:
        raise ValueError(f"indicator_forms.csv: unknown kind(s) {sorted(kinds)}")
    suffixes = tuple((r["form"], r["measure"], r["unit"]) for r in rows if r["kind"] == "suffix")
    for form, measure, _ in suffixes:
        if measure not in INDICATOR_MEASURES:
            raise ValueError(f"indicator_forms.csv: {form}: unknown measure {measure!r}")
    return IndicatorForms(tuple(r["form"] for r in rows if r["kind"] == "flow"),
                          tuple(r["form"] for r in rows if r["kind"] == "tier"), suffixes)


@functools.cache
def indicator_forms() -> IndicatorForms:
    return _parse_forms(_read_reference("indicator_forms.csv"))


@functools.cache
def indicator_names() -> dict[str, IndicatorName]:
    """Every canonical name the dictionary gives (dim_indicator lists the same): each
    indicator, each qualified one, and each level one with each measure suffix."""
    forms = indicator_forms()
    qualifiers, suffixes = forms.qualifiers(), forms.suffixes
    out: dict[str, IndicatorName] = {}
    for ind in _indicator_table().values():
        for qualifier in ("", *qualifiers):
            name = qualifier + ind.name
            out.setdefault(name, IndicatorName(name, ind.name, qualifier, ind.measure, ind.unit_base, ind.category,
                                               () if qualifier else ind.synonyms))
            if ind.measure == "level":
                for suffix, measure, unit in suffixes:
                    out.setdefault(name + suffix, IndicatorName(name + suffix, ind.name, qualifier, measure,
                                                                unit or ind.unit_base, ind.category))
    return out


@functools.cache
def cue_words() -> dict[str, tuple[str, ...]]:
    """reference/cues.csv: the extractor's cue vocabulary (growth words, plan verbs, name
    heads …), each group in the order written (regex alternations try them in that order)."""
    rows = csv.DictReader(io.StringIO(_read_reference("cues.csv")))
    return {row["cue"]: tuple(w for w in row["words"].split("|") if w) for row in rows}


def cue_pattern(cue: str) -> str:
    """A cue group as a regex alternation, in the order written."""
    return "|".join(map(re.escape, cue_words()[cue]))


def indicator_hits(phrase: str) -> list[tuple[int, int, IndicatorDef]]:
    """Every dictionary name or synonym in ``phrase`` as (start, end, indicator), in the
    matching form's offsets (quotes and spaces taken out: see indicator_key)."""
    table = _indicator_table()
    return [(end_idx - length + 1, end_idx + 1, table[name])
            for end_idx, (length, name) in _indicator_automaton().iter(indicator_key(phrase))]


def match_indicator(phrase: str) -> IndicatorDef | None:
    """The indicator whose longest name/synonym occurs in ``phrase`` (leftmost on ties)."""
    if not phrase:
        return None
    key = indicator_key(phrase)
    best: tuple[int, int, str] | None = None  # (-length, start, name)
    for end_idx, (length, name) in _indicator_automaton().iter(key):
        cand = (-length, end_idx - length + 1, name)
        if best is None or cand < best:
            best = cand
    return _indicator_table()[best[2]] if best else None
