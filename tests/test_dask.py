"""Scale-out: the same flow on a real local Dask cluster (two worker processes) lands
byte-identical tables."""
from __future__ import annotations

import shutil


from tests.conftest import RAW

TABLES = ("documents", "passages", "articles", "indicators", "quarantine")


def test_dask_run_is_byte_identical_to_a_local_run(tmp_path, prefect_harness):
    from flows.pipeline import gaoxin_flow, with_dask
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    local, dask = tmp_path / "local", tmp_path / "dask"
    gaoxin_flow(raw=str(raw), warehouse=str(local), chunk_size=2)
    # 3 chunks, two of them cleaned ahead on the workers while this process deduplicates one
    summary = with_dask(workers=2)(raw=str(raw), warehouse=str(dask), chunk_size=2, chunks_ahead=2)
    assert summary["counts"]["documents_ingested"] == 5
    for table in TABLES:
        assert (local / "current" / f"{table}.parquet").read_bytes() == \
               (dask / "current" / f"{table}.parquet").read_bytes(), table
