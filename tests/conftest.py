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


def run_page(page: str, until: str = "extract"):
    """One page through the flow's page-wise stages (transforms.stages), as UTF-8 bytes."""
    from transforms.document import Document
    from transforms.stages import run_stages
    [doc] = run_stages([Document(doc="page.txt", doc_id="d", raw=page.encode("utf-8"))], until)
    assert doc.accepted, doc.reason
    return doc


def clean_page(page: str):
    """The passages of one page as the flow lands them, duplicates marked (dup_of is
    the seq of the kept copy)."""
    return run_page(page, until="dedup").passages


def extract_page(page: str):
    """Indicator rows of one page, as the flow would land them."""
    return run_page(page).indicators


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=60):
        yield
