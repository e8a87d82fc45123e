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


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=60):
        yield
