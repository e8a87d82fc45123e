"""Decoding (transforms/decode.py) on real text in every supported encoding."""
from __future__ import annotations

import pytest

from tests.conftest import RAW
from transforms.decode import decode_bytes

TRAD = "杭州高新區(濱江)地區生產總值首破千億元,同比增長4.0%;數字經濟核心產業增加值超800億元。"
SIMP = "杭州高新区(滨江)地区生产总值首破千亿元,同比增长4.0%;数字经济核心产业增加值超800亿元。"


@pytest.mark.parametrize("text,encoding,expected", [
    (SIMP, "utf-8", "utf-8"),
    (SIMP, "gbk", "gb18030"),
    (SIMP, "gb18030", "gb18030"),
    (TRAD, "big5", "big5"),
    (SIMP, "utf-16", "utf-16"),
    (SIMP, "utf-8-sig", "utf-8-sig"),
    (SIMP, "utf-16-le", "utf-16-le"),
])
def test_decodes_each_encoding(text, encoding, expected):
    result = decode_bytes((text * 20).encode(encoding))
    assert result.reason is None
    assert result.encoding == expected
    assert result.text.lstrip("\ufeff") == text * 20


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\n ", "empty file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    (b"%PDF-1.7\n", "PDF"),
    (b"\x00\x01\x02\x03" * 100 + b"\xff" * 7, "binary"),
])
def test_rejects_with_a_reason_a_person_understands(data, reason):
    result = decode_bytes(data)
    assert result.text is None and reason in result.reason


def test_a_few_broken_bytes_mid_file_are_replaced_not_fatal():
    data = (SIMP * 40).encode()
    data = data[:301] + b"\xff" + data[301:]
    result = decode_bytes(data)
    assert result.encoding == "utf-8" and result.replaced >= 1


def test_every_seed_decodes_as_utf8():
    for path in sorted(RAW.glob("*.txt")):
        assert decode_bytes(path.read_bytes()).encoding == "utf-8"
