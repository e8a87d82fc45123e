"""Shared fixtures. Prefect runs on its embedded API with a throwaway home, one
test harness for the whole session (a server start costs seconds)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="gaoxin-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")


def seed(name_prefix: str) -> str:
    """The decoded, normalized text of a seed page."""
    from transforms.decode import decode_bytes
    from transforms.to_simplified import normalize_text
    path = next(RAW.glob(f"{name_prefix}*.txt"))
    return normalize_text(decode_bytes(path.read_bytes()).text)


def clean_page(page: str, doc_id: str = "d"):
    """The cleaning stages as the flow wires them, for one page: passages with
    duplicates marked (dup_of is the seq of the kept copy)."""
    from dataclasses import replace

    from transforms.dedup import Candidate, find_duplicates
    from transforms.segment import assign_articles, page_lines, repair_layout, split_passages
    from transforms.strip_spam import classify_lines
    from transforms.to_simplified import to_simplified
    simplified = to_simplified(page)
    lines = page_lines(page, simplified)
    passages = assign_articles(repair_layout(split_passages(lines, classify_lines([line.text for line in lines]))))
    dup = find_duplicates([Candidate(f"{doc_id}-{p.seq}", doc_id, p.text)
                           for p in passages if not p.removed])
    return [replace(p, removed="duplicate", dup_of=int(dup[f"{doc_id}-{p.seq}"].rsplit("-", 1)[1]))
            if f"{doc_id}-{p.seq}" in dup else p for p in passages]


def extract_page(page: str):
    """Indicator rows of one page, as the flow would land them."""
    from transforms.extract import extract_document
    from transforms.periods import document_year
    from transforms.to_simplified import to_simplified
    return extract_document(clean_page(page), document_year(to_simplified(page))[0])


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=60):
        yield
