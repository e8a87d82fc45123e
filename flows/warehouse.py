"""Warehouse I/O: Parquet tables switched in atomically, DuckDB views, one writer at a time.

Layout: warehouse/versions/<run_id>-<n>/<table>.parquet holds each landed version;
warehouse/current is a symlink to the live one, replaced in one os.replace, so a
crash or kill mid-landing leaves the previous version whole and readable.
warehouse/gaoxin.duckdb holds views over warehouse/current/*.parquet.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("documents", "passages", "articles", "indicators", "quarantine", "runs")
KEEP_VERSIONS = 2


class WarehouseBusy(RuntimeError):
    pass


@contextmanager
def exclusive(warehouse: Path):
    """Never two writers: a second run exits with a clear message."""
    warehouse.mkdir(parents=True, exist_ok=True)
    with open(warehouse / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(f"another gaoxin run is writing to {warehouse}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current_dir(warehouse: Path) -> Path:
    return warehouse / "current"


def read_table(warehouse: Path, name: str, schema: pa.Schema) -> pd.DataFrame:
    path = current_dir(warehouse) / f"{name}.parquet"
    if not path.exists():
        return schema.empty_table().to_pandas()
    return pq.read_table(path, schema=schema).to_pandas()


def _write(df: pd.DataFrame, schema: pa.Schema, path: Path) -> None:
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd")


def land(warehouse: Path, frames: dict[str, tuple[pd.DataFrame, pa.Schema]], version: str,
         files: dict[str, str] | None = None) -> Path:
    """Write every table (and small text files of the run) into a new version
    directory, then switch `current` to it."""
    versions = warehouse / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    n = len(list(versions.iterdir()))
    target = versions / f"{version}-{n:04d}"
    for leftover in versions.glob(".staging-*"):   # a killed run's half-written version
        shutil.rmtree(leftover, ignore_errors=True)
    staging = versions / f".staging-{os.getpid()}"
    staging.mkdir()
    for name, (df, schema) in frames.items():
        _write(df, schema, staging / f"{name}.parquet")
    for name, text in (files or {}).items():
        (staging / name).write_text(text, "utf-8")
    for f in staging.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    os.replace(staging, target)
    link = warehouse / ".current.tmp"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path("versions") / target.name)
    os.replace(link, current_dir(warehouse))        # the one atomic step
    _prune(versions, keep=target.name)
    return target


def _prune(versions: Path, keep: str) -> None:
    old = sorted((p for p in versions.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    for p in [p for p in old if p.name != keep][:-(KEEP_VERSIONS - 1) or None]:
        shutil.rmtree(p, ignore_errors=True)


def write_views(warehouse: Path, sql_models: list[tuple[str, str]] = ()) -> Path:
    """(Re)build gaoxin.duckdb: one view per table over current/*.parquet, then the marts."""
    db = warehouse / "gaoxin.duckdb"
    tmp = warehouse / ".gaoxin.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    current = current_dir(warehouse).resolve().parent.parent / "current"   # absolute, through the symlink
    with duckdb.connect(str(tmp)) as con:
        for name in TABLES:
            path = (current / f"{name}.parquet").as_posix().replace("'", "''")
            con.execute(f"create or replace view {name} as select * from read_parquet('{path}')")
        for name, sql in sql_models:
            con.execute(f"create or replace view {name} as {sql}")
    os.replace(tmp, db)
    return db


def connect(warehouse: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    db = warehouse / "gaoxin.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `gaoxin run` first")
    return duckdb.connect(str(db), read_only=read_only)
