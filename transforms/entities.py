"""Entities a figure can be about: organisations, events and projects (not places).

gold/SCHEMA.md: `region` is always a place; the company, bank, institute, project,
programme or event a figure describes is its `entity`, and the region is where that
entity is. An entity is recognised by the grammar of its name (a name run ending in an
organisation, event or project word) and by its role in the sentence: the subject of a
sentence or headline, or the project a figure is the investment of. Government bodies
(厅, 局, 委, 人民银行 …) speak for their place and are never entities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.gazetteer import cue_pattern

# A name run: Han, Latin letters, digits and the brackets names carry
# (东海实验室(智慧海洋实验室), 第二届…竞价(拍卖)会).
NAME_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·()（）]*")
NAME_MAX = 40
# Word lists: transforms/reference/cues.csv (what each group is for is written there).
# Banks, companies, institutes and labs, unions of banks and credit cooperatives; a
# bank's branch and a lab's second name (东海实验室(智慧海洋实验室)) have a grammar of their own.
ORG_WORD = (rf"银行[\u4e00-\u9fff]{{2,4}}(?:分行|支行)|{cue_pattern('org_word')}|"
            r"实验室(?:\([\u4e00-\u9fff]{2,12}\))?")
# Named events: the figure is its own statistic (the festival's 700场 activities).
EVENT_WORD = rf"{cue_pattern('event_word')}|拍卖\)?会"
NAME_END = re.compile(f"(?:{ORG_WORD}|{EVENT_WORD})")
# What a government body's name ends in, and bodies that are government whatever they end in.
GOVERNMENT = re.compile(f"({cue_pattern('government_end')})$|{cue_pattern('government_name')}")
CLAUSE_MARKS = "。！？；;,，:：、 "
# A subject opens its sentence or clause, after a time phrase at most.
OPENING = re.compile(r"(?:^|(?<=[。！？；;,，:：\s◆●■▲★•·的]))"
                     rf"(?:(?:{cue_pattern('clause_opener')}|\d{{1,2}}月\d{{1,2}}日(?:[上下]午|晚)?|"
                     r"自\d{4}年起|\d{4}年)[,，]?)?")
# …and is followed by what it does (中信银行杭州分行已先后…, …拍卖会在衢州…落锤).
SUBJECT_VERB = re.compile(r"(?:\d{1,4}[年月日][底初末]?)*[\u4e00-\u9fff]{0,3}?"
                          rf"(?:{cue_pattern('subject_verb')}|获(?!悉))")
# A name in quotes may hold what a bare name cannot (—, ·): “江南大学—华晟未来食品联合实验室”.
QUOTED_NAME = re.compile(rf"“(?P<name>[^“”，。；]{{3,40}}?(?:{ORG_WORD}|{EVENT_WORD}))”")
# 阿里本地生活出资5亿元: whoever puts up the money is the subject, whatever its name ends in.
FUNDER = re.compile(rf"(?P<name>[\u4e00-\u9fffA-Za-z]{{4,10}}?)(?:{cue_pattern('funder_verb')})"
                    r"(?=[\d一二两三四五六七八九十百千万])")
# 总投资68亿元的骆驼集团新能源电池项目: the figure right before 的 and a project's name.
PROJECT_WORD = cue_pattern("project_word")
PROJECT_AFTER = re.compile(rf"的(?P<name>[\u4e00-\u9fffA-Za-z0-9·()（）“”]{{2,30}}?(?:{PROJECT_WORD}))")
# 骆驼集团…项目总投资68亿元: a project's name right before its investment.
PROJECT_BEFORE = re.compile(rf"(?P<name>[\u4e00-\u9fffA-Za-z0-9·()（）“”]{{2,30}}?(?:{PROJECT_WORD}))"
                            r"(?:计划|预计)?总?投资(?:额)?(?:达|约|超|为)?$")
# Words a name cannot start with: verbs and function words of the sentence around it.
NOT_A_NAME_START = re.compile(f"^(?:{cue_pattern('not_a_name_start')})+")
# 本次拍卖会, 该公司: the entity named before, not a new one.
ANAPHOR = re.compile(cue_pattern("anaphor"))

# A run with these joins words of a sentence (浙石化与浙江海洋大学), it is not one name.
NOT_IN_A_NAME = re.compile(f"^(?:{cue_pattern('name_quantifier')})|[与和及的、向为对给]|"
                           rf"{cue_pattern('not_in_a_name_verb')}|成立\d|[\d一二两三四五六七八九十百千万]+[家个项名位人所]")

# What is left of a common noun once its organisation words are taken out.
GENERIC = re.compile(f"(?:{cue_pattern('generic_modifier')})*")


@dataclass(frozen=True, slots=True)
class EntityMention:
    start: int
    end: int
    name: str
    anaphoric: bool = False   # 本次拍卖会: refers to the entity named before


def _clean(name: str, anaphoric: bool = False) -> str | None:
    """The name without the verbs in front of it; None for a government body, or for a
    common noun (上市公司, 农商银行): a name has words of its own before its last word,
    unless it points back (本次拍卖会)."""
    name = NOT_A_NAME_START.sub("", name.strip("“”\"'·"))
    if len(name) < (2 if anaphoric else 3) or GOVERNMENT.search(name) or NOT_IN_A_NAME.search(name):
        return None
    if not anaphoric and GENERIC.fullmatch(NAME_END.sub("", name)):
        return None
    return name


def _names_at(text: str, start: int):
    """Every organisation or event name starting at text[start], shortest first
    (第二届…应用型大学, then 第二届…应用型大学联盟科技成果竞价(拍卖)会)."""
    run_end = min(NAME_RUN.match(text, start).end(), start + NAME_MAX)
    for m in NAME_END.finditer(text, start, run_end):
        yield m.end()


def subjects(text: str, known: tuple[str, ...] = ()) -> list[EntityMention]:
    """Organisations and events a sentence or clause of `text` is about: opening it and
    followed by what they do, or a headline's topic before its colon. `known`: entities
    named earlier, whose short forms (锐芯微) open clauses too."""
    found = []
    for opening in OPENING.finditer(text):
        start = opening.end()
        short = short_form(text, start, known) if known else None
        if short:
            found.append(EntityMention(start, start + 3, short))
            continue
        for end in _names_at(text, start):
            after = text[end:end + 6]
            if SUBJECT_VERB.match(after) or after[:1] in ":：":
                # 本次拍卖会, 该项目, or the bare word (招聘会共吸引…): the entity named before
                anaphor = ANAPHOR.match(text, start)
                name_start = anaphor.end() if anaphor else start
                anaphoric = anaphor is not None or NAME_END.fullmatch(text, start, end) is not None
                name = _clean(text[name_start:end], anaphoric=anaphoric)
                if name:
                    found.append(EntityMention(end - len(name), end, name, anaphoric=anaphoric))
                break
    for m in QUOTED_NAME.finditer(text):   # 设在…的“江南大学—华晟未来食品联合实验室”，自2022年…
        after = text[m.end():m.end() + 6]
        name = _clean(m.group("name"))
        if name and (SUBJECT_VERB.match(after) or after[:1] in "，,"):
            found.append(EntityMention(m.start("name"), m.end("name"), name))
    for m in FUNDER.finditer(text):
        name = _clean(m.group("name"))
        if name and (m.start() == 0 or text[m.start() - 1] in CLAUSE_MARKS):
            found.append(EntityMention(m.start("name"), m.end("name"), name))
    unique = {f.start: f for f in found}   # an opening before and after a time phrase
    return [unique[k] for k in sorted(unique)]


# 为苏州恒拓精密医疗器械有限公司提供贷款8000万元: the company a figure is given to.
BENEFICIARY = re.compile(rf"(?:{cue_pattern('beneficiary_cue')})(?P<name>[\u4e00-\u9fffA-Za-z()（）]{{4,30}}?"
                         rf"(?:{cue_pattern('company_end')}))")


def beneficiary(text: str, clause_start: int, start: int) -> str | None:
    """The company named in a figure's clause as who received it (loans, funds, orders)."""
    found = list(BENEFICIARY.finditer(text, clause_start, start))
    return _clean(found[-1].group("name")) if found else None


def short_form(text: str, start: int, known: tuple[str, ...]) -> str | None:
    """A known entity's short form opening text[start:] (锐芯微 for 苏州锐芯微电子科技有限公司):
    the first three characters of its name once a place and a legal suffix are taken off."""
    for name in known:
        core = re.sub(r"^(?:[\u4e00-\u9fff]{2}(?:省|市)?)(?=[\u4e00-\u9fff]{5,})", "", name) if len(name) > 8 else name
        if len(core) >= 3 and text.startswith(core[:3], start):
            run_end = NAME_RUN.match(text, start).end()
            if SUBJECT_VERB.match(text, start + 3, min(run_end + 6, len(text))):
                return name
    return None


def headline_topic(headline: str) -> str | None:
    """The organisation or event a headline is about: the name it opens with (嘉兴农信:…,
    中信银行杭州分行连拿九次一等奖, 2020浙江金秋购物节在杭启动)."""
    for part in headline.split():   # a kicker and a title: 126个项目现场签约 第三届…大会在淄博开幕
        for end in _names_at(part, 0):
            after = part[end:end + 6]
            if not after or SUBJECT_VERB.match(after) or after[:1] in ":：":
                name = _clean(part[:end])
                if name:
                    return name
    return None


def project_of(text: str, start: int, end: int, clause_start: int, clause_end: int) -> str | None:
    """The project a figure at text[start:end] is the investment of, named in its clause."""
    after = PROJECT_AFTER.match(text, end, clause_end)
    if after:
        return _clean(after.group("name"))
    before = PROJECT_BEFORE.search(text, clause_start, start)
    return _clean(before.group("name")) if before else None
