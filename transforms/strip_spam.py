"""Stage 3: classify each line of a page as kept, spam or boilerplate, with the rule that fired.

Spam is judged line by line (never a whole page) from a versioned lexicon
(reference/spam_lexicon.txt, matched with an Aho-Corasick automaton) plus structural
signals; boilerplate is page furniture: image file names, "related reading" trailers,
advertising/contact blocks. A line that holds a figure is kept unless the lexicon
itself flags it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import ahocorasick

from transforms.periods import DATELINE

SENTENCE_END = re.compile(r"[。！？!?；;]")
IMAGE_LINE = re.compile(r"^\S{0,60}\.(png|jpe?g|gif|webp|bmp)$", re.IGNORECASE)
RELATED_READING = re.compile(r"^(相关阅读|相关链接|延伸阅读|相关新闻|推荐阅读)[:：]?$")
CONTACT = re.compile(r"(扫描二维码|扫码|二维码|联系电话|咨询电话|服务热线|联系方式|热线电话)")
PHONE = re.compile(r"(?<!\d)(0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)")
SOURCE_LINE = re.compile(r"(来源|发布时间|作者|编辑|记者)[:：]")
# short phrases separated by commas, with no sentence: the shape of an SEO keyword line
KEYWORD_LIST = re.compile(r"^[^。！？；]{1,30}([,，、|][^。！？；,，]{1,30}){2,}$")
SHORT_LINE = 30


@dataclass(frozen=True)
class LineVerdict:
    removed: str | None   # None (kept) | "spam" | "boilerplate"
    rule: str | None


KEPT = LineVerdict(None, None)


def parse_lexicon(text: str) -> dict[str, int]:
    """Lexicon text -> {word: weight}: `WORD [weight]` a line, `#` comments, a missing
    weight is 1; words lower-cased (matching is case-insensitive). The spam filter and
    the expectation that no flagged word is left both read the lexicon through this."""
    lexicon: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        weight = int(parts.pop()) if len(parts) > 1 and parts[-1].isdigit() else 1
        word = " ".join(parts).lower()
        lexicon[word] = max(weight, lexicon.get(word, 0))
    return lexicon


@cache
def load_lexicon() -> dict[str, int]:
    return parse_lexicon(resources.files("transforms.reference").joinpath("spam_lexicon.txt").read_text("utf-8"))


def lexicon_automaton(lexicon: dict[str, int]) -> ahocorasick.Automaton:
    """What lexicon_hits matches a lexicon (parse_lexicon's, not empty) with."""
    automaton = ahocorasick.Automaton()
    for word, weight in lexicon.items():
        automaton.add_word(word, (word, weight))
    automaton.make_automaton()
    return automaton


@cache
def _automaton() -> ahocorasick.Automaton:
    return lexicon_automaton(load_lexicon())


def lexicon_hits(line: str, automaton: ahocorasick.Automaton | None = None) -> dict[str, int]:
    """Distinct flagged words in the line, with their weights, in the order they end: of
    the packaged lexicon, or of the lexicon `automaton` was made from."""
    automaton = _automaton() if automaton is None else automaton
    return {word: weight for _, (word, weight) in automaton.iter(line.lower())}


def classify_spam(line: str) -> LineVerdict:
    hits = lexicon_hits(line)
    score = sum(hits.values())
    if not hits:
        return KEPT
    covered = sum(len(w) for w in hits) / max(len(line), 1)
    if score >= 4 or (score >= 2 and (KEYWORD_LIST.match(line) or covered >= 0.25)):
        return LineVerdict("spam", "spam_lexicon")
    return KEPT


def classify_boilerplate(line: str) -> LineVerdict:
    if IMAGE_LINE.match(line):
        return LineVerdict("boilerplate", "image_filename")
    if RELATED_READING.match(line):
        return LineVerdict("boilerplate", "related_reading")
    if (CONTACT.search(line) or PHONE.search(line)) and not SENTENCE_END.search(line):
        return LineVerdict("boilerplate", "contact_block")
    if PHONE.search(line) and len(PHONE.sub("", line).strip(" ,，、:：")) < 4:
        return LineVerdict("boilerplate", "contact_block")
    return KEPT


def classify_lines(lines: list[str]) -> list[LineVerdict]:
    """Verdict for every line of a page (blank lines are kept: they carry nothing).

    An advertising block is a run of short non-sentence lines around a contact line
    (phone number, QR code): the whole run is boilerplate, unless a line of it is a
    sentence.
    """
    verdicts = [classify_spam(l) if l.strip() else KEPT for l in lines]
    verdicts = [v if v.removed else (classify_boilerplate(l.strip()) if l.strip() else KEPT)
                for v, l in zip(verdicts, lines)]
    _extend_contact_blocks(lines, verdicts)
    return verdicts


def _is_ad_line(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= SHORT_LINE and not SENTENCE_END.search(s)


def _extend_contact_blocks(lines: list[str], verdicts: list[LineVerdict]) -> None:
    nonblank = [i for i, l in enumerate(lines) if l.strip()]

    def headline(j: int) -> bool:
        # the line above a dateline or source line is an article's headline, not an ad
        if j + 1 >= len(nonblank):
            return False
        below = lines[nonblank[j + 1]].strip()
        return bool(SOURCE_LINE.search(below) or DATELINE.match(below))

    for k, i in enumerate(nonblank):
        if verdicts[i].rule != "contact_block":
            continue
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(nonblank) and _is_ad_line(lines[nonblank[j]]) \
                    and not verdicts[nonblank[j]].removed and not headline(j):
                verdicts[nonblank[j]] = LineVerdict("boilerplate", "contact_block")
                j += step
