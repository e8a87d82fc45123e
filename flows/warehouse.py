"""Warehouse I/O: Parquet tables switched in atomically, DuckDB views, one writer at a time.

A warehouse is a local directory or an fsspec URL (s3://bucket/gaoxin, gs://…, memory://…).
Both hold versions/<seq>-<run_id>/<table>.parquet, one directory per landed version
(the newest two are kept), each with its Data Docs in data_docs/. What differs is the
one atomic step:

- local: `current` is a symlink to the live version, replaced with one os.replace;
  gaoxin.duckdb holds the tables (loaded from current/*.parquet) for any DuckDB client,
  and data_docs is a symlink to current/data_docs;
- object storage has no rename: a version is written in place, then the small object
  CURRENT naming it is written (one PUT, atomic on S3, GCS and Azure). A version that
  CURRENT does not name is never read. Queries open an in-memory DuckDB with the
  filesystem registered.

So a crash or kill mid-landing leaves the previous version whole and readable.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import duckdb
import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from flows.marts import create_marts

TABLES = ("documents", "passages", "articles", "indicators", "quarantine", "runs")
KEEP_VERSIONS = 2
POINTER = "CURRENT"
DOCS = "data_docs"                    # a version's Data Docs site
DOCS_LINK = f"current/{DOCS}"


class WarehouseBusy(RuntimeError):
    pass


class Warehouse:
    """Where the tables live: `location` is a directory or an fsspec URL."""

    def __init__(self, location: str | Path):
        self.location = str(location)
        self.fs, root = fsspec.core.url_to_fs(self.location)
        self.root = root.rstrip("/") or "/"
        self.is_local = isinstance(self.fs, LocalFileSystem)

    def __str__(self) -> str:
        return self.location

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def url(self, *parts: str) -> str:
        """A path a person (or DuckDB with the filesystem registered) can open."""
        return self.path(*parts) if self.is_local else "/".join([self.location.rstrip("/"), *parts])

    @cached_property
    def arrow_fs(self) -> pafs.FileSystem:
        return pafs.LocalFileSystem() if self.is_local else pafs.PyFileSystem(pafs.FSSpecHandler(self.fs))

    # ------------------------------------------------------------------ the live version

    def current_version(self) -> str | None:
        if self.is_local:
            link = Path(self.path("current"))
            return Path(os.readlink(link)).name if link.is_symlink() else None
        pointer = self.path(POINTER)
        return self.fs.cat_file(pointer).decode().strip() if self.fs.exists(pointer) else None

    def current(self, name: str) -> str | None:
        """Path of a file of the live version, None before the first run."""
        version = self.current_version()
        if version is None:
            return None
        return self.path("current", name) if self.is_local else self.path("versions", version, name)

    def read_table(self, name: str, schema: pa.Schema, columns: list[str] | None = None) -> pd.DataFrame:
        path = self.current(f"{name}.parquet")
        if path is None or not self.fs.exists(path):
            empty = schema.empty_table()
            return (empty.select(columns) if columns else empty).to_pandas()
        return pq.read_table(path, schema=schema, columns=columns, filesystem=self.arrow_fs).to_pandas()

    def holds(self, tables) -> bool:
        """Whether the live version has every one of these tables."""
        paths = [self.current(f"{name}.parquet") for name in tables]
        return all(p is not None and self.fs.exists(p) for p in paths)

    def read_text(self, name: str) -> str | None:
        path = self.current(name)
        if path is None or not self.fs.exists(path):
            return None
        return self.fs.cat_file(path).decode("utf-8")

    # ------------------------------------------------------------------ landing

    def land(self, frames: dict[str, tuple[pd.DataFrame, pa.Schema]], run_id: str,
             files: dict[str, str] | None = None) -> str:
        """Write every table (and small text files of the run) as a new version, then
        switch to it in one step. Returns the version's path."""
        landing = self.begin_landing(run_id)
        for table, (df, schema) in frames.items():
            landing.write(table, df, schema)
        return landing.commit(files)

    def begin_landing(self, run_id: str) -> Landing:
        """A new version to write tables into, table by table; nothing reads it until
        Landing.commit switches to it. What an earlier run left unfinished is removed."""
        self.fs.makedirs(self.path("versions"), exist_ok=True)
        for leftover in self._leftovers():
            self.fs.rm(self.path("versions", leftover), recursive=True)
        return Landing(self, f"{self._next_seq():06d}-{run_id}")

    def _version_names(self) -> list[str]:
        """Every version directory, oldest first (names of earlier releases, <run_id>-<n>,
        sort first: they are pruned by the next landing)."""
        versions = self.path("versions")
        if not self.fs.exists(versions):
            return []
        names = [p.rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(versions, detail=False)]
        return sorted((n for n in names if not n.startswith(".")), key=lambda n: (_seq(n), n))

    def _leftovers(self) -> list[str]:
        """What a killed run left: a local staging (and Data Docs) directory, or a remote version written
        in place that CURRENT never came to name."""
        if self.is_local:
            versions = Path(self.path("versions"))
            return sorted(p.name for pattern in (".staging-*", f".{DOCS}-*") for p in versions.glob(pattern))
        live = self.current_version()
        return [n for n in self._version_names() if live is None or _seq(n) > _seq(live)]

    def _next_seq(self) -> int:
        return max((_seq(n) for n in self._version_names()), default=-1) + 1

    def _prune(self, keep: str) -> None:
        older = [n for n in self._version_names() if n != keep]
        for name in older[:len(older) - (KEEP_VERSIONS - 1)]:
            self.fs.rm(self.path("versions", name), recursive=True)

    def docs_url(self, page: str = "index.html", version: str | None = None) -> str:
        """Where a person opens a page of the live version's Data Docs (or of `version`'s
        once live). Locally data_docs/ is a symlink into current/: it follows every switch."""
        if self.is_local:
            return self.path(DOCS, page)
        return self.url("versions", version or self.current_version(), DOCS, page)

    def _link_docs(self) -> None:
        """data_docs -> current/data_docs (a real directory left by an earlier release is replaced)."""
        link = Path(self.path(DOCS))
        if link.is_symlink() and os.readlink(link) == DOCS_LINK:
            return
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        tmp = Path(self.path(".data_docs.tmp"))
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(DOCS_LINK)
        os.replace(tmp, link)

    # ------------------------------------------------------------------ one writer

    @contextmanager
    def exclusive(self):
        """Never two writers: a second run exits with a clear message."""
        if self.is_local:
            with _flock(self):
                yield
            return
        with _lock_object(self):
            yield

    # ------------------------------------------------------------------ reading with SQL

    def write_views(self, sql_models=()) -> str | None:
        """Local: (re)build gaoxin.duckdb from the live version: the tables loaded from
        current/<table>.parquet, the marts over them. Object storage keeps no database
        file: connect() builds views over the Parquet files.

        The file holds its tables, not views of paths: DuckDB resolves a view's relative
        path against the working directory (never the database file) and an absolute one
        follows the original, so only a self-contained file opens the same from any
        directory (`duckdb warehouse/gaoxin.duckdb` as CONTRACT.md has it) and after a copy
        or a move. It is written in the storage format of DuckDB STORAGE_VERSION, which
        duckdb-cli reads too, and replaced in one rename."""
        if not self.is_local:
            return None
        root = Path(self.path()).absolute()
        db, tmp = root / "gaoxin.duckdb", root / ".gaoxin.duckdb.tmp"
        tmp.unlink(missing_ok=True)
        with duckdb.connect() as con:
            con.execute(f"attach {_sql_text(str(tmp))} as gaoxin (storage_version '{STORAGE_VERSION}')")
            con.execute("use gaoxin")
            for name in TABLES:
                con.execute(f"create table {name} as select * from read_parquet({_sql_text(str(root / _view_path(name)))})")
            create_marts(con, sql_models)
        os.replace(tmp, db)
        return str(db)

    def connect(self, sql_models=None) -> duckdb.DuckDBPyConnection:
        """A connection that reads the live version and can change nothing: the database
        is attached read-only, and DuckDB itself refuses every file outside the warehouse
        (so COPY TO elsewhere, ATTACH, INSTALL/LOAD, read_text('/etc/passwd') fail) and any
        SET that would lift that. DuckDB still lets a COPY write inside the warehouse:
        check_read_only() refuses every statement but a SELECT."""
        con = duckdb.connect(config=QUERY_CONFIG)
        con.execute("set enable_progress_bar = false")   # it would print into the query's output
        if self.is_local:
            db = Path(self.path("gaoxin.duckdb")).absolute()
            if not db.exists():
                con.close()
                raise FileNotFoundError(f"no warehouse at {self}: run `gaoxin run` first")
            con.execute("set file_search_path = $root", {"root": str(db.parent)})
            con.execute(f"attach {_sql_text(str(db))} as gaoxin (read_only)")
            con.execute("use gaoxin")
            # its own Parquet files may be read too, by the names they have in the warehouse:
            # DuckDB checks a relative path as written before it resolves it against
            # file_search_path, so those names are allowed one by one
            readable_dirs, readable_files = [f"{db.parent}/"], [_view_path(name) for name in TABLES]
        else:
            version = self.current_version()
            if version is None:
                con.close()
                raise FileNotFoundError(f"no warehouse at {self}: run `gaoxin run` first")
            if sql_models is None:
                from flows.marts import mart_models
                sql_models = mart_models()
            con.register_filesystem(self.fs)
            self._create_views(con, lambda name: self.url("versions", version, f"{name}.parquet"), sql_models)
            # as given, and as the filesystem names what a glob finds (memory:///x for memory://x)
            scheme = self.location.split("://", 1)[0]
            readable_dirs = sorted({self.location.rstrip("/") + "/", f"{scheme}://{self.root.rstrip('/')}/"})
            readable_files = []
        con.execute("set allowed_directories = $dirs", {"dirs": readable_dirs})
        con.execute("set allowed_paths = $files", {"files": readable_files})
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
        return con

    @staticmethod
    def _create_views(con, table_url, sql_models) -> None:
        for name in TABLES:
            con.execute(f"create or replace view {name} as select * from read_parquet({_sql_text(table_url(name))})")
        create_marts(con, sql_models)


STORAGE_VERSION = "v1.5.0"   # gaoxin.duckdb's format, DuckDB 1.5's: duckdb-cli 1.5.6 (the newest
                             # CLI on PyPI) cannot open a file in duckdb 2.0's own
QUERY_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
VECTOR_SIZE = 2048           # rows in a DuckDB result chunk
COUNTED_VECTORS = 64         # chunks fetched at a time when rows are only counted


class QueryRefused(ValueError):
    pass


def _view_path(table: str) -> str:
    return f"current/{table}.parquet"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Only one SELECT (DESCRIBE, SHOW, SUMMARIZE, WITH, VALUES, FROM … are SELECTs too)."""
    try:
        kinds = [statement.type.name for statement in con.extract_statements(sql)]
    except ValueError:   # a statement the Python client has no type for (UPDATE EXTENSIONS)
        kinds = ["an unknown statement"]
    if kinds != ["SELECT"]:
        got = ", ".join(kinds) or "nothing"
        raise QueryRefused(f"gaoxin query runs a single SELECT and changes nothing (got {got})")


def fetch_bounded(con: duckdb.DuckDBPyConnection, sql: str, limit: int) -> tuple[pd.DataFrame, int]:
    """Run `sql`: its first `limit` rows (all of them when limit is 0) and the number of
    rows left out, counted a chunk at a time as DuckDB streams them, never all held."""
    con.execute(sql)
    if not limit:
        return con.fetch_df(), 0
    vectors = -(-limit // VECTOR_SIZE)
    head = con.fetch_df_chunk(vectors)
    while 0 < len(head) < limit:
        more = con.fetch_df_chunk(vectors)
        if more.empty:
            break
        head = pd.concat([head, more], ignore_index=True)
    left_out = max(len(head) - limit, 0)
    while len(rest := con.fetch_df_chunk(COUNTED_VECTORS)):
        left_out += len(rest)
    return head.iloc[:limit], left_out


class Landing:
    """A version being written: local, a staging directory renamed into versions/ at
    commit; on object storage, versions/<name> itself, which CURRENT does not name yet."""

    def __init__(self, store: Warehouse, name: str):
        self.store, self.name = store, name
        self.staging = store.path("versions", f".staging-{os.getpid()}" if store.is_local else name)
        store.fs.makedirs(self.staging, exist_ok=True)
        self._docs: Path | None = None

    def docs_dir(self) -> Path:
        """A local directory for this version's Data Docs, first holding a copy of the live
        version's (so their history goes on). It becomes the version's data_docs/ at
        commit: until then no one reads it, and a run that fails or is killed leaves the
        live Data Docs as they were. Locally it sits beside the staging directory (and
        goes with it when a later run clears what a killed one left)."""
        if self._docs is None:
            store = self.store
            key = hashlib.sha256(store.location.encode()).hexdigest()[:12]
            work = Path(store.path("versions", f".{DOCS}-{os.getpid()}") if store.is_local
                        else Path(tempfile.gettempdir()) / f"gaoxin-data-docs-{key}")
            shutil.rmtree(work, ignore_errors=True)
            live = store.current(DOCS)
            if live is not None and store.fs.isdir(live):
                if store.is_local:
                    shutil.copytree(live, work, symlinks=True)
                else:
                    store.fs.get(live, str(work), recursive=True)
            work.mkdir(parents=True, exist_ok=True)
            self._docs = work
        return self._docs

    def docs_url(self, page: str = "index.html") -> str:
        """Where a page of this version's Data Docs will be opened once it is live."""
        return self.store.docs_url(page, self.name)

    def connect(self, sql_models: list[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
        """DuckDB over the tables written to this landing, marts included: what the
        version will show once live."""
        con = duckdb.connect()
        if not self.store.is_local:
            con.register_filesystem(self.store.fs)
        self.store._create_views(con, lambda name: self._url(name), sql_models)
        return con

    def write(self, table: str, df: pd.DataFrame, schema: pa.Schema, prepare=None) -> int:
        """`prepare`, if given, turns each row group's slice of `df` into the rows written
        (so that what it adds is never held for the whole table at once). Returns the
        number of rows written."""
        parts = (df.iloc[start:start + ROW_GROUP] for start in range(0, len(df), ROW_GROUP))
        return self.write_parts(table, (prepare(part) for part in parts) if prepare else parts, schema)

    def write_parts(self, table: str, parts, schema: pa.Schema) -> int:
        """Write a table given as consecutive frames (none over ROW_GROUP rows)."""
        return _write(parts, schema, self._file(table), self.store.arrow_fs)

    def carry(self, table: str) -> None:
        """The live version's file of a table, into this version as it is (locally a
        hard link: versions are never modified, only removed)."""
        source, target = self.store.current(f"{table}.parquet"), self._file(table)
        if self.store.is_local:
            try:
                os.link(os.path.realpath(source), target)
                return
            except OSError:   # a filesystem without hard links
                pass
        self.store.fs.copy(source, target)

    def read(self, table: str, columns: list[str]) -> pd.DataFrame:
        """Columns of a table written to this landing."""
        return pq.read_table(self._file(table), columns=columns, filesystem=self.store.arrow_fs).to_pandas()

    def read_back(self, table: str):
        """A table written to this landing, a row group at a time (frames)."""
        with self.store.arrow_fs.open_input_file(self._file(table)) as source:
            parquet = pq.ParquetFile(source)
            for i in range(parquet.num_row_groups):
                yield parquet.read_row_group(i).to_pandas()

    def remove(self, table: str) -> None:
        self.store.fs.rm(self._file(table))

    def _file(self, table: str) -> str:
        return f"{self.staging}/{table}.parquet"

    def _url(self, table: str) -> str:
        return self._file(table) if self.store.is_local else self.store.url("versions", self.name, f"{table}.parquet")

    def commit(self, files: dict[str, str] | None = None) -> str:
        """Add the run's small text files and switch the warehouse to this version in one
        step. Returns the version's path."""
        store = self.store
        for filename, text in (files or {}).items():
            store.fs.pipe_file(f"{self.staging}/{filename}", text.encode("utf-8"))
        target = store.path("versions", self.name)
        if store.is_local:
            for f in Path(self.staging).iterdir():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
            if self._docs is not None:
                os.replace(self._docs, Path(self.staging) / DOCS)
            os.replace(self.staging, target)
            link = Path(store.path(".current.tmp"))
            link.unlink(missing_ok=True)
            link.symlink_to(Path("versions") / self.name)
            os.replace(link, store.path("current"))        # the one atomic step
            store._link_docs()
        else:
            if self._docs is not None:
                store.fs.put(str(self._docs), f"{self.staging}/{DOCS}", recursive=True)
                shutil.rmtree(self._docs)
            store.fs.pipe_file(store.path(POINTER), self.name.encode())   # the one atomic step
        store._prune(keep=self.name)
        return target


def _seq(name: str) -> int:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else -1


ROW_GROUP = 122_880   # rows: DuckDB's own row group size


def _write(parts, schema: pa.Schema, path: str, filesystem: pafs.FileSystem) -> int:
    """Frames of at most ROW_GROUP rows, a row group each: pandas holds strings as
    large_string, and casting a whole table to the schema's string would copy all its
    text at once (the passages: 200 MB at 100 MB of pages). Returns the rows written."""
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd", filesystem=filesystem) as writer:
        for part in parts:
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False)
                               .replace_schema_metadata(None))
            rows += len(part)
    return rows


@contextmanager
def _flock(store: Warehouse):
    root = Path(store.root)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(f"another gaoxin run is writing to {store}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _lock_object(store: Warehouse):
    """Object stores have no flock: the lock is an object created only if absent
    (If-None-Match on S3 and GCS), naming its holder. A holder on this host that is no
    longer alive left it behind when killed: it is taken over."""
    path = store.path(".lock")
    me = {"host": socket.gethostname(), "pid": os.getpid(),
          "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    for attempt in range(2):
        try:
            with store.fs.open(path, "xb") as f:
                f.write(json.dumps(me).encode())
            break
        except FileExistsError:
            holder = _lock_holder(store, path)
            if attempt == 0 and holder.get("host") == me["host"] and not _alive(holder.get("pid")):
                store.fs.rm(path)
                continue
            raise WarehouseBusy(
                f"another gaoxin run is writing to {store} (host {holder.get('host')}, pid {holder.get('pid')}, "
                f"since {holder.get('since')}); try again when it ends, or delete {store.url('.lock')} "
                "if that run is dead") from None
    try:
        yield
    finally:
        store.fs.rm(path)


def _lock_holder(store: Warehouse, path: str) -> dict:
    try:
        return json.loads(store.fs.cat_file(path))
    except (FileNotFoundError, ValueError):
        return {}


def _alive(pid) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
