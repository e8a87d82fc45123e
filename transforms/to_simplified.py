"""Stage 2: normalize what breaks extraction, detect the script, convert to simplified.

Normalization is one character for one character (str.translate) so that a line keeps
its length and offsets into the decoded page stay meaningful; only zero-width
characters, which carry nothing, are dropped. Every line end becomes LF: a lone CR (old
Mac pages) and U+2028/U+2029 end a line, and CRLF becomes LF + an empty line, which
joins the passage above it like any blank line.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import opencc

# Full-width ASCII (digits, ％, ．, ，inside numbers …) -> ASCII, the ideographic space ->
# space; Chinese punctuation outside this block (、。“”) stays. The one full-width table:
# the gazetteer's matching forms and the number grammar fold with it too.
FULLWIDTH_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = {0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " "}
_ZERO_WIDTH = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None}
_LINE_ENDS = {0x000D: "\n", 0x2028: "\n", 0x2029: "\n"}
NORMALIZE_TABLE = {**FULLWIDTH_TO_ASCII, **_SPACES, **_ZERO_WIDTH, **_LINE_ENDS}

# A document is "traditional" when at least this share of its Han characters change
# under t2s, "mixed" when some do; simplified pages have a few false hits (e.g. 著).
TRADITIONAL_SHARE = 0.05
MIXED_SHARE = 0.005


def normalize_text(text: str) -> str:
    return text.translate(NORMALIZE_TABLE)


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII and the ideographic space folded to half-width, and nothing else
    (length-preserving): for names and numbers that may come from text not normalized."""
    return text.translate(FULLWIDTH_TO_ASCII)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    return _converter(config).convert(text)


def convert_page(page: str) -> str:
    """The page in simplified script, line for line: where a phrase conversion changed
    the page's length, it is converted again line by line, so that lines still align."""
    simplified = to_simplified(page)
    if len(simplified) != len(page):
        simplified = "\n".join(to_simplified(line) for line in page.split("\n"))
    return simplified


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def detect_script(original: str, converted: str) -> str:
    """simplified / traditional / mixed, by the share of Han characters t2s changed.
    Counted over code-point arrays: a loop over the characters cost more than OpenCC."""
    if len(original) != len(converted):
        # phrase-level conversions changed the length: compare character sets instead
        changed = len(set(original) - set(converted))
        han = len({c for c in original if "\u4e00" <= c <= "\u9fff"}) or 1
    else:
        points = _code_points(original)
        han = int(((points >= 0x4E00) & (points <= 0x9FFF)).sum()) or 1
        changed = int((points != _code_points(converted)).sum())
    share = changed / han
    if share >= TRADITIONAL_SHARE:
        return "traditional"
    if share >= MIXED_SHARE:
        return "mixed"
    return "simplified"
