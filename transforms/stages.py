"""The page-wise stages of a run, in order: each a pure step over a chunk of documents
(list[Document] -> list[Document]) named like the module it applies.

    decode -> to_simplified -> strip_spam -> segment -> dedup -> extract

The flow makes a Prefect task of each stage and hands chunks from one to the next; the
tests run the same list in one process (run_stages). A rejected or duplicate document
passes every stage after decode untouched. dedup is the one stage with state: the
passages kept so far (earlier runs' and this run's), so it takes the chunks in page
order and is built once a run (Dedup).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from transforms import tables as T
from transforms.decode import decode_bytes
from transforms.dedup import Candidate, DuplicateIndex
from transforms.document import Document
from transforms.extract import describe_articles, extract_document
from transforms.periods import document_year
from transforms.segment import assign_articles, page_lines, repair_layout, split_passages
from transforms.strip_spam import classify_lines
from transforms.to_simplified import convert_page, detect_script, normalize_text

Stage = Callable[[list[Document]], list[Document]]


def _each_accepted(docs: list[Document], step: Callable[[Document], Document]) -> list[Document]:
    return [step(d) if d.accepted else d for d in docs]


def decode(docs: list[Document]) -> list[Document]:
    """Raw bytes -> normalized text, or the document rejected with the reason. A file with
    the bytes of one before it is marked duplicate: its passages are its first copy's."""
    out = []
    for d in docs:
        result = decode_bytes(d.raw)
        if result.text is None:
            out.append(replace(d, raw=None, status="rejected", reason=result.reason))
            continue
        text = normalize_text(result.text)
        if d.dup_of is not None:
            out.append(replace(d, raw=None, status="duplicate", reason=f"the same bytes as {d.dup_of}",
                               encoding=result.encoding, n_chars=len(text)))
        else:
            out.append(replace(d, raw=None, encoding=result.encoding, text=text, n_chars=len(text)))
    return out


def _simplified_lines(d: Document) -> Document:
    simplified = convert_page(d.text)
    year, pub_date = document_year(simplified)
    return replace(d, text=None, lines=page_lines(d.text, simplified),
                   script=detect_script(d.text, simplified), year=year, pub_date=pub_date)


def to_simplified(docs: list[Document]) -> list[Document]:
    """The page in simplified script, line by line beside the original; its script and year."""
    return _each_accepted(docs, _simplified_lines)


def strip_spam(docs: list[Document]) -> list[Document]:
    """A verdict for every line: kept, spam or boilerplate (and the rule that said so)."""
    return _each_accepted(docs, lambda d: replace(d, verdicts=classify_lines([line.text for line in d.lines])))


def segment(docs: list[Document]) -> list[Document]:
    """Lines -> passages (removed ones kept, with their verdict), layout breaks repaired,
    each passage in its article. The passages hold every line from here on."""
    return _each_accepted(docs, lambda d: replace(
        d, passages=assign_articles(repair_layout(split_passages(d.lines, d.verdicts))), lines=[], verdicts=[]))


class Dedup:
    """Stage dedup: a passage that repeats one kept before it (within its page, across
    pages, or landed by an earlier run: `prior`) is marked duplicate, pointing at the copy
    kept. Call it on the chunks in page order."""
    __name__ = "dedup"

    def __init__(self, prior: Iterable[Candidate] = ()):
        self.index = DuplicateIndex(list(prior))

    def __call__(self, docs: list[Document]) -> list[Document]:
        dup_of = self.index.find([Candidate(T.passage_id(d.doc_id, p.seq), d.doc_id, p.text)
                                  for d in docs if d.accepted for p in d.passages if not p.removed])
        return [replace(d, passages=[self._marked(d.doc_id, p, dup_of) for p in d.passages]) for d in docs]

    @staticmethod
    def _marked(doc_id: str, p, dup_of: dict[str, str]):
        target = dup_of.get(T.passage_id(doc_id, p.seq))
        if target is None:
            return p
        same_doc = target.startswith(doc_id + "-")
        return replace(p, removed="duplicate", rule="dedup", dup_of_id=target,
                       dup_of=int(target.rsplit("-", 1)[1]) if same_doc else None)


def extract(docs: list[Document]) -> list[Document]:
    """Indicator rows of the kept passages, and a record of each article."""
    return _each_accepted(docs, lambda d: replace(
        d, indicators=extract_document(d.passages, d.year), articles=describe_articles(d.passages)))


CLEANING: tuple[Stage, ...] = (decode, to_simplified, strip_spam, segment)


def page_stages(prior: Iterable[Candidate] = ()) -> tuple[Stage, ...]:
    """Every page-wise stage in order, dedup with a fresh index over `prior`."""
    return (*CLEANING, Dedup(prior), extract)


STAGE_NAMES = tuple(stage.__name__ for stage in page_stages())


def run_stages(docs: list[Document], until: str = "extract") -> list[Document]:
    """The documents through the stages in one process, up to and including `until`."""
    for stage in page_stages():
        docs = stage(docs)
        if stage.__name__ == until:
            return docs
    raise ValueError(f"no stage {until!r}: the stages are {', '.join(STAGE_NAMES)}")
