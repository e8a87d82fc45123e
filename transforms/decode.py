"""Stage 1: raw bytes -> text, with the encoding found or a reason to reject the file.

A file is rejected (never guessed at) when it is empty, binary, or no candidate
encoding decodes it cleanly enough; the caller records the reason and goes on.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer

# Encodings the corpus is known to use; the detector only chooses among these.
CANDIDATES = ("utf_8", "gb18030", "big5", "utf_16")
# Magic numbers of the binary files that end up in scraped folders.
MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x1f\x8b": "a gzip archive",
}
# A page may carry a few bytes broken by the scraper; more than this share of
# replaced characters means the decoding itself is wrong.
MAX_REPLACED_SHARE = 0.01


@dataclass(frozen=True)
class Decoded:
    text: str | None          # None when rejected
    encoding: str | None
    reason: str | None        # why it was rejected, for a person
    replaced: int = 0         # undecodable bytes replaced by U+FFFD


def _reject(reason: str) -> Decoded:
    return Decoded(None, None, reason)


def _with_bom(data: bytes) -> Decoded | None:
    for bom, enc, name in (
        (codecs.BOM_UTF8, "utf_8_sig", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf_16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf_16", "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return Decoded(text, name, None, text.count("\ufffd"))
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes on one parity only (ASCII/CJK mixes)."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(sample) >= 4 and (even + odd) > len(sample) // 8:
        if odd > 4 * max(even, 1):
            return "utf_16_le"
        if even > 4 * max(odd, 1):
            return "utf_16_be"
    return None


def _control_share(text: str) -> float:
    control = sum(1 for c in text if (c < " " and c not in "\n\r\t") or "\ue000" <= c <= "\uf8ff"
                  or c in "\uffff\ufffe")
    return control / max(len(text), 1)


def _as_utf16(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM: pure CJK text has no NUL bytes, so try both byte orders."""
    if len(data) % 2:
        return None
    for encoding in ("utf_16_le", "utf_16_be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f")
        if cjk > 0.3 * len(text) and _control_share(text) < 0.01:
            return Decoded(text, encoding.replace("_", "-"), None)
    return None


def _few_replaced(text: str) -> bool:
    replaced = text.count("\ufffd")
    return replaced <= 8 or replaced <= MAX_REPLACED_SHARE * len(text)


def decode_bytes(data: bytes) -> Decoded:
    if not data.strip():
        return _reject("empty file (no text)")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            return _reject(f"not text: the file is {what}")
    bom = _with_bom(data)
    if bom is not None:
        return bom
    utf16 = _looks_utf16(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        if _control_share(text) < 0.01 and _few_replaced(text):
            return Decoded(text, utf16.replace("_", "-"), None, text.count("\ufffd"))
    if b"\x00" not in data:
        try:
            return Decoded(data.decode("utf_8"), "utf-8", None)   # the common case, at C speed
        except UnicodeDecodeError:
            pass
    utf16_text = _as_utf16(data)
    if utf16_text is not None:
        return utf16_text
    if b"\x00" in data:
        return _reject("not text: the file contains NUL bytes (binary data)")
    utf8 = data.decode("utf_8", errors="replace")
    if _few_replaced(utf8):
        return Decoded(utf8, "utf-8", None, utf8.count("\ufffd"))
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    encoding = best.encoding if best is not None else "utf_8"
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd")
    if not _few_replaced(text):
        return _reject(
            f"cannot be decoded: {replaced} of {len(text)} characters are invalid "
            f"in every supported encoding (UTF-8, GB18030/GBK, Big5, UTF-16)"
        )
    return Decoded(text, encoding.replace("_", "-"), None, replaced)
