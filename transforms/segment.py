"""Stage 4: split a page into passages and articles, and repair layout breaks.

A passage is one non-blank line of the page plus the blank lines after it, so the
passages tile the page: every line is in exactly one passage, kept or removed.
Offsets are into the decoded page; text is the simplified line.

A line longer than MAX_LINE_CHARS (a page without line breaks) is cut into lines at
sentence ends first: extraction looks at every figure against the whole of its passage,
so its time grows with the square of a passage's length (a 150k-character line took
minutes, a 20 MB one would take hours), and spam is judged a line at a time.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from transforms.strip_spam import LineVerdict
from transforms.to_simplified import to_simplified

TERMINAL = "。！？!?；;…”」』)）"
# Line openings that start a new sentence: a line that begins so does not continue
# the truncated line before it.
SENTENCE_OPENER = re.compile(
    r"^(目前|截至|近日|近年|据悉|同时|此外|另外|其中|今年|去年|上半年|下半年|前三季度|"
    r"\d{4}年|\d{1,2}月|“|\"|《|【|#|◎|本报|记者|科技日报讯|新华社)"
)
LEAD = re.compile(r"^(\*\*)?(本报讯|科技日报讯|新华社|◎|本报记者|记者|特约记者|通讯员|\d{4}-\d{2}-\d{2}[ \d:]*来源)")
BYLINE = re.compile(
    r"^(\*\*)?((本报|实习|特约)?(记者|通讯员|实习生)\s*\S{2,4}\s*)+(\*\*)?$|^\S{2,4}\s*文/图$|^\S{2,4}\s*摄$"
)
TRAILING_BYLINE = re.compile(r"\*\*[^*]{2,40}\*\*\s*$")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s*")
MOJIBAKE = re.compile(r"\ufffd|\?{2,}|[\u4e00-\u9fff]\?[\u4e00-\u9fff]|\?[\u4e00-\u9fff]\?")
HEADLINE_MAX = 40
# A line ending in a number continues only into a line starting with its unit.
UNIT_START = re.compile(r"^[亿万千百元%家件人项个户名位所场次条平亩岁]")
CONTINUATION_MIN = 20   # shorter unterminated lines are headings, not broken paragraphs
# Five times the longest paragraph of the seeds (363): no real paragraph is cut, and a
# passage this long costs extraction no more per character than a short one.
MAX_LINE_CHARS = 2000
# Where a long line is cut, best first: after a sentence end (with its closing quote),
# else after a clause break, else at MAX_LINE_CHARS. Normalized text: ！？；，are ASCII.
SENTENCE_END = re.compile(r"[。!?…]+[”’」』)]*")
CLAUSE_END = re.compile(r"[;,、：:]")
# A line opening with a word that cannot start a sentence finishes the line above it, even
# one short enough to look like a heading (…扶持科技 / 和创新高地。).
CONTINUATION_START = re.compile(r"^[和与及并而等的了、，,]")
# A unit and the end of its sentence alone at the head of a line (亿元。全市已有…): the
# tail of a number that a layout break left several lines earlier.
ORPHAN_UNIT = re.compile(r"^[亿万千百]?[元%家件人项个户名位所场次条平亩岁][^\d。，,；;]{0,3}?(?=[。；;，,])")
# A column of print (a newspaper page) wraps a paragraph over lines with no blank line
# between them; these never start a wrapped line's continuation: list items, bullets,
# navigation. Nor does a line hold a continuation when it is navigation itself.
NOT_A_CONTINUATION = re.compile(r"^([·•◆●■▲★\-—*#>|]|\d+[.、]\s|[(（]?\d{1,2}[)）])")
NAVIGATION = re.compile(r"\s[>|｜]\s|^\S{1,8}\s*[>|｜]")
CLAUSE_MARK = re.compile(r"[，,、；;]")
ORPHAN_LOOKAHEAD = 12   # lines after the cut number where its unit may have landed


@dataclass(frozen=True, slots=True)   # one per line of every page: no per-object dict
class Passage:
    seq: int
    char_start: int
    char_end: int
    text: str                    # simplified (joined text when a layout break was repaired)
    original: str = ""           # the same line(s) before conversion, as the page prints them
    removed: str | None = None   # spam / boilerplate / duplicate
    rule: str | None = None
    article_id: int = 0
    heading: bool = False        # a headline or subhead line
    truncated: bool = False      # ends mid-sentence and no unambiguous continuation was found
    mojibake: bool = False
    dup_of: int | None = None    # seq of the kept passage (same document) …
    dup_of_id: str | None = None  # … or passage_id of a passage landed earlier
    continues: int | None = None  # seq of the passage whose paragraph this line goes on with


@dataclass(frozen=True, slots=True)
class Line:
    start: int       # offset of the line in the page
    original: str    # as the page prints it (no line end)
    text: str        # simplified


def cut_points(line: str, limit: int = MAX_LINE_CHARS) -> list[int]:
    """Offsets at which to cut a line so that no piece is longer than `limit`: the last
    sentence end within reach, else the last clause break, else the limit itself."""
    if len(line) <= limit:
        return []
    sentence_ends = [m.end() for m in SENTENCE_END.finditer(line)]
    clause_ends = None   # found only when a stretch has no sentence end
    cuts, start = [], 0
    while len(line) - start > limit:
        cut = _last_between(sentence_ends, start, start + limit)
        if cut is None:
            if clause_ends is None:
                clause_ends = [m.end() for m in CLAUSE_END.finditer(line)]
            cut = _last_between(clause_ends, start, start + limit) or start + limit
        cuts.append(cut)
        start = cut
    return cuts


def _last_between(offsets: list[int], low: int, high: int) -> int | None:
    """The largest offset in (low, high], by binary search (offsets ascending)."""
    i = bisect_right(offsets, high)
    return offsets[i - 1] if i and offsets[i - 1] > low else None


def page_lines(page: str, simplified: str) -> list[Line]:
    """The page's lines with their offsets, the long ones cut (see MAX_LINE_CHARS).
    `simplified` has the page's lines; a line whose length conversion changed is
    converted again piece by piece, so that pieces still align."""
    raw_lines = page.split("\n")
    lines = simplified.split("\n")
    assert len(lines) == len(raw_lines)
    out: list[Line] = []
    offset = 0
    for raw, line in zip(raw_lines, lines):
        cuts = cut_points(raw)
        if not cuts:
            out.append(Line(offset, raw, line))
        else:
            for a, b in zip([0, *cuts], [*cuts, len(raw)]):
                piece = raw[a:b]
                out.append(Line(offset + a, piece, line[a:b] if len(line) == len(raw) else to_simplified(piece)))
        offset += len(raw) + 1
    return out


def split_passages(lines: list[Line], verdicts: list[LineVerdict]) -> list[Passage]:
    """One passage per non-blank line (page_lines); blank lines belong to the passage
    above them (leading blank lines to the first one), so the passages tile the page."""
    assert len(lines) == len(verdicts)
    page_end = lines[-1].start + len(lines[-1].original)
    starts: list[tuple[int, str, str, LineVerdict]] = []   # (offset, text, original, verdict)
    for line, verdict in zip(lines, verdicts):
        text = line.text.strip()
        if text:
            original = line.original.strip()
            # a line already in simplified script shares the one string (half the memory)
            starts.append((line.start, text, text if original == text else original, verdict))
    if not starts:
        return [Passage(seq=0, char_start=0, char_end=page_end, text="")]
    ends = [s[0] for s in starts[1:]] + [page_end]
    return [Passage(seq=i, char_start=0 if i == 0 else start, char_end=end, text=text, original=original,
                    removed=verdict.removed, rule=verdict.rule, mojibake=bool(MOJIBAKE.search(text)))
            for i, ((start, text, original, verdict), end) in enumerate(zip(starts, ends))]


def _unterminated(text: str) -> bool:
    body = TRAILING_BYLINE.sub("", text).rstrip()
    return bool(body) and body[-1] not in TERMINAL


def _is_heading_like(text: str) -> bool:
    return (len(text) <= HEADLINE_MAX and not re.search(r"[。！？；]", text)) \
        or bool(MARKDOWN_HEADING.match(text))


def repair_layout(passages: list[Passage]) -> list[Passage]:
    """Join a paragraph cut mid-sentence to the passage right after it when that one
    plainly continues it; otherwise mark it truncated so that extraction does not read
    a number without its unit. A join stops at MAX_LINE_CHARS, like a long line."""
    out: list[Passage] = []
    last_line: Passage | None = None   # the page line the passage before ends with
    for p in passages:
        prev = out[-1] if out else None
        heading_cut = (prev is not None and _is_heading_like(prev.text) and _unterminated(prev.text)
                       and CONTINUATION_START.match(p.text) is not None)
        if prev is not None and len(prev.text) + len(p.text) <= MAX_LINE_CHARS and (
                (not prev.removed and not p.removed and (prev.truncated or heading_cut)
                 and not SENTENCE_OPENER.match(p.text) and not _is_heading_like(p.text)
                 and (not prev.text[-1].isdigit() or UNIT_START.match(p.text)))
                or _wrapped(prev, last_line, p)):
            out[-1] = replace(prev, char_end=p.char_end, text=prev.text + p.text,
                              original=prev.original + p.original,
                              truncated=_unterminated(p.text), mojibake=prev.mojibake or p.mojibake)
            last_line = p
            continue
        last_line = p
        # a line ending in a number has lost its unit, however short (…营业收入12.3)
        cut_number = p.text[-1].isdigit() and bool(re.search(r"[\u4e00-\u9fff]{4}", p.text))
        truncated = (not p.removed and _unterminated(p.text)
                     and (cut_number or (len(p.text) >= CONTINUATION_MIN and not _is_heading_like(p.text))))
        out.append(replace(p, seq=len(out), truncated=truncated))
    return _rejoin_orphan_units(out)


def _wrapped(prev: Passage, last_line: Passage, line: Passage) -> bool:
    """A column's paragraph wrapped onto the next line: the line before ends mid-sentence
    and no blank line parts them (its span is the line and one newline). Not two heading
    lines (上半年我市科技创新 / 主要指标稳中有进), not a subhead, not a list or navigation."""
    if prev.removed or line.removed or not _unterminated(prev.text):
        return False
    if last_line.char_end - last_line.char_start != len(last_line.original) + 1:
        return False   # a blank line (or spaces we cannot account for) ends the paragraph
    mid_sentence = prev.text[-1] in "，,、；;"   # …52件， / 其中已授权29件: the sentence goes on
    if (SENTENCE_OPENER.match(line.text) and not mid_sentence) or LEAD.match(line.text) or BYLINE.match(line.text) \
            or NOT_A_CONTINUATION.match(line.text) or NAVIGATION.search(prev.text) or NAVIGATION.search(line.text):
        return False
    if _is_heading_like(prev.text) and not LEAD.match(prev.text):
        if re.search(r"[:：]", prev.text) or not (CLAUSE_MARK.search(prev.text) or CLAUSE_MARK.search(line.text)
                                                   or CONTINUATION_START.match(line.text) or line.text[:1] in "末底"):
            return False
    return True


def _rejoin_orphan_units(passages: list[Passage]) -> list[Passage]:
    """成交额47.54 … (lines later) 亿元。全市已有…: the cut number takes its unit (the line
    keeps its place and its own text), and the later line is marked as going on with the
    cut paragraph, whose date and place it speaks of."""
    out = list(passages)
    for i, cut in enumerate(out):
        if cut.removed or not cut.truncated or not cut.text[-1].isdigit():
            continue
        for j in range(i + 2, min(i + 1 + ORPHAN_LOOKAHEAD, len(out))):
            tail = out[j]
            unit = ORPHAN_UNIT.match(tail.text) if not tail.removed and tail.continues is None else None
            if unit:
                out[i] = replace(cut, text=cut.text + unit.group(0), truncated=False)
                out[j] = replace(tail, continues=cut.seq)
                break
    return out


def assign_articles(passages: list[Passage]) -> list[Passage]:
    """Mark headings and number the articles of a page.

    A new article starts at a block of heading-like lines that is followed by a lead
    (本报讯, 科技日报讯, ◎, a reporter line, a date-and-source line), or at a block of
    two or more heading lines (kicker + title), or at a markdown heading of level 1-3.
    """
    kept = [i for i, p in enumerate(passages) if not p.removed]
    continued = {p.continues for p in passages if p.continues is not None}   # a paragraph, however short
    heading = {i: _is_heading_like(passages[i].text) and not LEAD.match(passages[i].text)
               and not BYLINE.match(passages[i].text) and passages[i].seq not in continued for i in kept}
    starts: set[int] = set()
    k = 0
    while k < len(kept):
        if not heading[kept[k]]:
            k += 1
            continue
        j = k
        while j < len(kept) and heading[kept[j]]:
            j += 1
        block = kept[k:j]
        nxt = passages[kept[j]].text if j < len(kept) else ""
        md = [i for i in block if (m := MARKDOWN_HEADING.match(passages[i].text)) and len(m.group(1)) <= 3]
        if LEAD.match(nxt) or len(block) >= 2 or md or k == 0:
            starts.add(block[0])
        k = j
    article, out = 0, []
    for i, p in enumerate(passages):
        if i in starts and out:
            article += 1
        out.append(replace(p, article_id=article, heading=bool(heading.get(i))))
    return out
