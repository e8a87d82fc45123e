"""Stage 5: mark repeated passages as duplicates of the first copy.

Three kinds, all number-aware (the figures are the data: two passages that differ
only in a number are both kept, so digits are never normalized away):
- exact: same text once punctuation, spaces and markup are dropped;
- near: MinHash over character shingles with LSH (rensa, MinHash in Rust: the cost
  stays linear), confirmed by exact shingle Jaccard and identical numbers;
- fragment: inside one page, a passage that is the first or the last part of a longer
  one (a paragraph printed once cut in two and once whole).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import xxhash
from rensa import RMinHash, RMinHashLSH

NOT_CONTENT = re.compile(r"[^\w%.]|_", re.UNICODE)   # keep Han, letters, digits, %, decimal point
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SHINGLE = 5
NUM_PERM = 96
LSH_BANDS = 16            # 16 bands of 6 rows: a pair at Jaccard 0.8 is a candidate with p = 0.99,
                          # one at 0.5 with p = 0.22 (4 rows: 0.64, and 6x the candidates to confirm)
NEAR_THRESHOLD = 0.8
SKETCH_THRESHOLD = 0.7    # a 96-permutation estimate is within ~0.1 (2.5 sd) of the true Jaccard
MIN_NEAR_CHARS = 30       # shorter passages are compared exactly only
MIN_FRAGMENT_CHARS = 20   # shorter fragments only when they hold a figure (a stray "42项"):
                          # a headline repeating words of its article is no duplicate
FRAGMENT_SCAN = 64        # longer passages sharing a fragment's first (last) words looked at
MIN_EXACT_CHARS = 8       # a repeated byline ("张亮") is no duplicate either


@dataclass(frozen=True)
class Candidate:
    passage_id: str
    doc_id: str
    text: str


def content_key(text: str) -> str:
    return NOT_CONTENT.sub("", text).lower()


def _shingles(key: str) -> list[str]:
    return [key[i:i + SHINGLE] for i in range(max(len(key) - SHINGLE + 1, 1))]


def _minhash(key: str) -> RMinHash:
    m = RMinHash(num_perm=NUM_PERM, seed=7)
    m.update(_shingles(key))   # a MinHash is a minimum over the set: order and repeats do not matter
    return m


def _jaccard(a: str, b: str) -> float:
    sa, sb = set(_shingles(a)), set(_shingles(b))
    return len(sa & sb) / len(sa | sb)


def _fragments(doc_passages: list[tuple[str, str]]) -> dict[str, str]:
    """Passages of one page that are the first or the last part of a longer one (a
    paragraph printed once cut at a layout break and once whole): passage_id -> the
    longest passage it starts or ends. Sorted keys make each look-up a binary search,
    so a page of 200,000 lines costs n log n, not n squared."""
    by_start = sorted((key, pid) for pid, key in doc_passages if key)
    by_end = sorted((key[::-1], pid) for pid, key in doc_passages if key)
    found: dict[str, str] = {}
    for pid, key in doc_passages:
        if len(key) < MIN_FRAGMENT_CHARS and not NUMBER.search(key):
            continue
        best: tuple[int, str] | None = None
        for table, probe in ((by_start, key), (by_end, key[::-1])):
            i = bisect_left(table, (probe,))
            for other, other_pid in table[i:i + FRAGMENT_SCAN]:
                if not other.startswith(probe):
                    break
                if len(other) > len(key) and (best is None or (len(other), other_pid) > best):
                    best = (len(other), other_pid)
        if best is not None:
            found[pid] = best[1]
    return found


class DuplicateIndex:
    """The passages kept so far, to which later ones are compared. Feed it the pages in
    order, a batch of whole pages at a time: the first copy is the one kept, whatever the
    batches (the flow streams chunks of pages through it and never holds them all).

    A passage's content key and sketch are kept, never its shingle set: that is ~50
    times the text, and 100 MB of pages would not fit.
    """

    def __init__(self, prior: list[Candidate] = ()):
        self.exact: dict[str, str] = {}
        self.lsh = RMinHashLSH(threshold=NEAR_THRESHOLD, num_perm=NUM_PERM, num_bands=LSH_BANDS)
        self.indexed: list[tuple[str, str, list[str], RMinHash]] = []   # LSH keys are positions here
        # `prior` are passages already kept in the warehouse (earlier runs): a passage that
        # repeats one of them points at it
        for p in prior:
            self._index(p.passage_id, content_key(p.text))

    def _index(self, pid: str, key: str, minhash: RMinHash | None = None) -> None:
        self.exact.setdefault(xxhash.xxh64_hexdigest(key.encode()), pid)
        if len(key) >= MIN_NEAR_CHARS:
            minhash = _minhash(key) if minhash is None else minhash
            self.indexed.append((pid, key, NUMBER.findall(key), minhash))
            self.lsh.insert(len(self.indexed) - 1, minhash)

    def _first_copy(self, key: str) -> tuple[str | None, RMinHash | None]:
        first = self.exact.get(xxhash.xxh64_hexdigest(key.encode()))
        if first is not None or len(key) < MIN_NEAR_CHARS:
            return first, None
        minhash = _minhash(key)
        numbers = NUMBER.findall(key)
        for position in sorted(self.lsh.query(minhash)):
            other, other_key, other_numbers, other_minhash = self.indexed[position]
            # cheap tests first: same figures, a close sketch; then the exact Jaccard
            if (other_numbers == numbers and other_minhash.jaccard(minhash) >= SKETCH_THRESHOLD
                    and _jaccard(key, other_key) >= NEAR_THRESHOLD):
                return other, minhash
        return None, minhash

    def find(self, candidates: list[Candidate]) -> dict[str, str]:
        """passage_id -> passage_id of the copy it repeats, for these whole pages; the
        passages they keep join the index. A fragment points at the longest passage of
        its page containing it."""
        dup_of: dict[str, str] = {}
        by_doc: dict[str, list[tuple[str, str]]] = {}
        for c in candidates:
            by_doc.setdefault(c.doc_id, []).append((c.passage_id, content_key(c.text)))
        for doc_passages in by_doc.values():
            dup_of.update(_fragments(doc_passages))
        for c in candidates:
            if c.passage_id in dup_of:
                continue
            key = content_key(c.text)
            if len(key) < MIN_EXACT_CHARS and not NUMBER.search(key):
                continue
            first, minhash = self._first_copy(key)
            if first is not None and first != c.passage_id:
                dup_of[c.passage_id] = first
            else:
                self._index(c.passage_id, key, minhash)
        # a fragment may point at a passage that is itself a repeat: point at the kept copy
        for pid, target in list(dup_of.items()):
            seen = {pid}
            while target in dup_of and target not in seen:
                seen.add(target)
                target = dup_of[target]
            dup_of[pid] = target
        return dup_of


def find_duplicates(candidates: list[Candidate], prior: list[Candidate] = ()) -> dict[str, str]:
    """passage_id -> passage_id of the copy it repeats, over one batch of pages (see
    DuplicateIndex)."""
    return DuplicateIndex(prior).find(candidates)
