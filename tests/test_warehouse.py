"""The warehouse on a local directory and on object storage (an fsspec URL).

Object storage is fsspec's in-memory filesystem (memory://): the same code path as
s3:// or gs:// (no rename; a CURRENT object switched last, a lock object created only
if absent), with no server to start. Landing is tested directly on the Warehouse
(fast); one test runs the whole flow into memory:// and compares its tables with a
local run's.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid

import fsspec
import pandas as pd
import pyarrow as pa
import pytest

from flows.warehouse import KEEP_VERSIONS, Warehouse, WarehouseBusy
from tests.test_operations import ALL_TABLES, copy_raw, parquet_bytes, run_flow
from transforms import tables as T

SCHEMAS = {"documents": T.DOCUMENTS, "passages": T.PASSAGES, "articles": T.ARTICLES,
           "indicators": T.INDICATORS, "quarantine": T.QUARANTINE, "runs": T.RUNS}


def memory_url() -> str:
    return f"memory://gaoxin-test-{uuid.uuid4().hex[:8]}"


def frames(n_runs: int, run_id: str = "run-aaaaaaaaaaaa") -> dict:
    """Empty tables except `runs`, which holds n_runs rows: enough to tell versions apart."""
    out = {name: (T.empty(schema), schema) for name, schema in SCHEMAS.items()}
    runs = T.frame([{"run_id": f"{run_id}-{i}", "started_at": f"2026-11-2{i}T00:00:00+00:00",
                     "finished_at": f"2026-11-2{i}T00:01:00+00:00", "status": "completed",
                     "counts": "{}", "validation_success": True, "pipeline_version": "v"}
                    for i in range(n_runs)], T.RUNS)
    out["runs"] = (runs, T.RUNS)
    return out


def runs_count(store: Warehouse) -> int:
    with store.connect(sql_models=[]) as con:
        return con.execute("select count(*) from runs").fetchone()[0]


@pytest.fixture(params=["local", "memory"])
def store(request, tmp_path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse" if request.param == "local" else memory_url())


def test_many_landings_of_the_same_run_each_switch_and_keep_two_versions(store):
    # the same input lands under the same run id every day: version names must not collide
    for n in range(1, 6):
        store.land(frames(n), "run-aaaaaaaaaaaa")
        if store.is_local:
            store.write_views()
        assert runs_count(store) == n
    versions = store.fs.ls(store.path("versions"), detail=False)
    assert len(versions) == KEEP_VERSIONS
    assert store.current_version() == "000004-run-aaaaaaaaaaaa"


def test_a_landing_that_fails_midway_leaves_the_previous_version_live(store):
    store.land(frames(1), "run-aaaaaaaaaaaa")
    if store.is_local:
        store.write_views()
    live = store.current_version()
    broken = frames(2)
    # a table that cannot be written (a text where the schema says integer): landing stops there
    broken["quarantine"] = (pd.DataFrame({"indicator_id": [1]}), T.QUARANTINE)
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, KeyError)):
        store.land(broken, "run-bbbbbbbbbbbb")
    assert store.current_version() == live
    assert runs_count(store) == 1
    assert store.read_table("runs", T.RUNS)["run_id"].tolist() == ["run-aaaaaaaaaaaa-0"]

    # the next landing removes what the failed one left and goes live
    store.land(frames(3), "run-cccccccccccc")
    if store.is_local:
        store.write_views()
    assert runs_count(store) == 3
    names = [p.rstrip("/").rsplit("/", 1)[-1] for p in store.fs.ls(store.path("versions"), detail=False)]
    assert "run-bbbbbbbbbbbb" not in " ".join(names)


def test_a_landing_written_table_by_table_is_read_back_and_goes_live_only_at_commit(store, monkeypatch):
    # the flow writes the tables before validation and moves the rows validation passed
    # after it: nothing of that is visible until commit
    from flows import warehouse as wh
    monkeypatch.setattr(wh, "ROW_GROUP", 3)
    store.land(frames(1), "run-aaaaaaaaaaaa")
    if store.is_local:
        store.write_views()
    landing = store.begin_landing("run-bbbbbbbbbbbb")
    runs = frames(7, "run-bbbbbbbbbbbb")["runs"][0]
    assert landing.write("unvalidated-runs", runs, T.RUNS) == 7
    parts = list(landing.read_back("unvalidated-runs"))
    assert [len(part) for part in parts] == [3, 3, 1]          # a row group at a time
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), runs)
    assert landing.read("unvalidated-runs", ["run_id"])["run_id"].tolist() == runs["run_id"].tolist()

    assert landing.write_parts("runs", (part.iloc[1:] for part in parts), T.RUNS) == 4
    landing.remove("unvalidated-runs")
    for name, (df, schema) in frames(0).items():
        if name != "runs":
            landing.write(name, df, schema)
    assert runs_count(store) == 1 and store.current_version() == "000000-run-aaaaaaaaaaaa"

    landing.commit()
    if store.is_local:
        store.write_views()
    assert store.read_table("runs", T.RUNS)["run_id"].tolist() == [f"run-bbbbbbbbbbbb-{i}" for i in (1, 2, 4, 5)]
    assert runs_count(store) == 4
    assert not store.fs.exists(store.current("unvalidated-runs.parquet"))


def test_object_storage_lock_refuses_a_second_writer_and_names_the_first():
    url = memory_url()
    with Warehouse(url).exclusive():
        with pytest.raises(WarehouseBusy) as busy:
            with Warehouse(url).exclusive():
                pass
    message = str(busy.value)
    assert f"another gaoxin run is writing to {url}" in message
    assert f"pid {os.getpid()}" in message and f"{url}/.lock" in message
    with Warehouse(url).exclusive():     # released: the next run takes it
        pass


def test_object_storage_lock_left_by_a_killed_run_on_this_host_is_taken_over():
    url = memory_url()
    store = Warehouse(url)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    store.fs.pipe_file(store.path(".lock"), json.dumps(
        {"host": socket.gethostname(), "pid": int(dead.stdout), "since": "2026-11-22T06:00:00+00:00"}).encode())
    with store.exclusive():
        holder = json.loads(store.fs.cat_file(store.path(".lock")))
        assert holder["pid"] == os.getpid()
    assert not store.fs.exists(store.path(".lock"))

    # a lock held from another host is never taken over
    store.fs.pipe_file(store.path(".lock"), json.dumps({"host": "scheduler-2", "pid": 1}).encode())
    with pytest.raises(WarehouseBusy, match="host scheduler-2"):
        with store.exclusive():
            pass


def test_flow_lands_on_object_storage_the_same_tables_as_locally(prefect_harness, tmp_path, capsys):
    from flows.cli import main
    raw = copy_raw(tmp_path / "raw", ["000", "004"])
    local = tmp_path / "warehouse"
    url = memory_url()
    first = run_flow(raw, url)
    run_flow(raw, local)
    store = Warehouse(url)

    assert store.fs.exists(store.path("CURRENT"))
    assert not any(p.endswith("gaoxin.duckdb") for p in store.fs.find(store.root))
    remote_bytes = {name: store.fs.cat_file(store.current(f"{name}.parquet")) for name in ALL_TABLES
                    if name != "runs"}
    assert remote_bytes == parquet_bytes(local)

    # queries go through DuckDB over the object store, marts included
    with store.connect() as con:
        assert con.execute("select count(*) from indicators").fetchone()[0] == first["counts"]["indicators_landed"]
        assert con.execute("select count(*) from fct_facts").fetchone()[0] > 0
    capsys.readouterr()
    assert main(["query", "select count(*) as n from documents", "--warehouse", url, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "2"]

    # the Data Docs are copied next to the tables, and the report says where
    docs = first["validation"]["docs_index"]
    assert docs.startswith("memory://") and store.fs.exists(docs)
    assert main(["report", "--warehouse", url]) == 0
    assert docs in capsys.readouterr().out

    # a second run on the same pages processes nothing and changes no table
    second = run_flow(raw, url)
    assert second["counts"]["documents_unchanged"] == 2 and second["counts"]["documents_ingested"] == 0
    assert {name: store.fs.cat_file(store.current(f"{name}.parquet")) for name in remote_bytes} == remote_bytes


def test_pages_are_read_from_an_fsspec_url(prefect_harness, tmp_path):
    raw = copy_raw(tmp_path / "raw", ["004"])
    fs = fsspec.filesystem("memory")
    url = memory_url()
    for path in raw.iterdir():
        fs.pipe_file(f"{url}/raw/{path.name}", path.read_bytes())
    summary = run_flow(f"{url}/raw", tmp_path / "warehouse")
    assert summary["counts"]["documents_ingested"] == 1
    assert summary["counts"]["indicators_landed"] > 0
