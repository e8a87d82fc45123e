"""The record one page carries through the stages (plain data: Prefect pickles it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from transforms.segment import Line, Passage
from transforms.strip_spam import LineVerdict


@dataclass
class Document:
    doc: str                        # the raw file's name
    doc_id: str                     # content hash of the raw bytes
    raw: bytes | None = None        # dropped once decoded
    status: str = "ok"              # ok / rejected / duplicate
    reason: str | None = None
    dup_of: str | None = None       # a duplicate's first copy (the file name first in order)
    encoding: str | None = None
    text: str | None = None         # decoded and normalized page (dropped once split into lines)
    n_chars: int = 0
    script: str | None = None
    pub_date: str | None = None
    year: int | None = None
    source: str | None = None
    lines: list[Line] = field(default_factory=list)                # each beside its simplified form …
    verdicts: list[LineVerdict] = field(default_factory=list)      # … and judged (dropped once in passages)
    passages: list[Passage] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)   # article_id, headline, region, n_passages
    indicators: list = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status == "ok"
