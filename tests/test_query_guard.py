"""`gaoxin query` reads the warehouse and nothing else, and changes nothing; its output is
bounded; the warehouse it reads can be copied or moved and still opened by the DuckDB CLI.

Everything runs through the real console scripts (`gaoxin`, and `duckdb` from the pinned
duckdb-cli) as subprocesses, on a warehouse the real flow landed from two seed pages.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT
from tests.test_operations import copy_raw

BIN = Path(sys.executable).parent
GAOXIN, DUCKDB_CLI = BIN / "gaoxin", BIN / "duckdb"


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory) -> Path:
    from flows.pipeline import gaoxin_flow
    root = tmp_path_factory.mktemp("guarded")
    gaoxin_flow(raw=str(copy_raw(root / "raw", ["000", "004"])), warehouse=str(root / "warehouse"))
    return root / "warehouse"


def gaoxin_query(warehouse: Path, sql: str, *options: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GAOXIN), "query", sql, "--warehouse", str(warehouse), *options],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def fingerprint(directory: Path) -> dict[str, str]:
    """Every file under the warehouse (and where the live symlink points), by content."""
    files = {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(directory.rglob("*")) if p.is_file() and not p.is_symlink()}
    files["current ->"] = str((directory / "current").readlink())
    return files


def count(warehouse: Path, table: str, **kw) -> int:
    proc = gaoxin_query(warehouse, f"select count(*) as n from {table}", "--format", "csv", **kw)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.split()[1])


def assert_refused(proc: subprocess.CompletedProcess, *expected: str) -> None:
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("gaoxin: query refused: "), lines[0]
    for text in expected:
        assert text in lines[0], lines[0]


# --------------------------------------------------------------------------- nothing changes

def test_copy_over_the_live_table_is_refused_and_loses_nothing(warehouse):
    before, rows = fingerprint(warehouse), count(warehouse, "indicators")
    assert rows > 0
    proc = gaoxin_query(warehouse, "copy (select * from indicators where false) to "
                                   f"'{warehouse}/current/indicators.parquet'")
    assert_refused(proc, "single SELECT", "got COPY")
    assert fingerprint(warehouse) == before
    assert count(warehouse, "indicators") == rows


def test_copy_to_a_file_outside_the_warehouse_is_refused(warehouse, tmp_path):
    out = tmp_path / "indicators.csv"
    assert_refused(gaoxin_query(warehouse, f"copy indicators to '{out}'"), "got COPY")
    assert not out.exists()


def test_attach_of_a_writable_database_is_refused(warehouse, tmp_path):
    other = tmp_path / "other.duckdb"
    assert_refused(gaoxin_query(warehouse, f"attach '{other}' as other (read_only false)"), "got ATTACH")
    assert not other.exists()


@pytest.mark.parametrize("sql", ["install httpfs", "load httpfs", "update extensions"])
def test_extensions_cannot_be_installed_or_loaded(warehouse, sql):
    assert_refused(gaoxin_query(warehouse, sql), "single SELECT")


@pytest.mark.parametrize("sql", [
    "create table notes as select 1 as a",
    "create temp table notes as select 1 as a",
    "create or replace view indicators as select 1 as a",
    "insert into dim_region select * from dim_region",
    "update dim_region set level = 'zone'",
    "delete from dim_region",
    "drop view indicators",
    "alter view passages rename to gone",
    "export database 'exported'",
    "checkpoint",
])
def test_statements_that_change_anything_are_refused(warehouse, sql, tmp_path):
    before = fingerprint(warehouse)
    assert_refused(gaoxin_query(warehouse, sql, cwd=tmp_path), "single SELECT")
    assert fingerprint(warehouse) == before
    assert not list(tmp_path.iterdir())                     # export wrote nothing either


@pytest.mark.parametrize("sql", [
    "set enable_external_access = true",
    "reset allowed_directories",
    "set lock_configuration = false",
    "pragma enable_external_access",
    # a SET ahead of the read it would allow: one statement only
    "set enable_external_access = true; select * from read_text('/etc/passwd')",
])
def test_no_setting_can_lift_the_guard(warehouse, sql):
    assert_refused(gaoxin_query(warehouse, sql), "single SELECT")


def test_duckdb_itself_refuses_to_unlock_the_connection(warehouse):
    # the second layer: even a statement that got past the SELECT check could not lift
    # DuckDB's own guard, whose configuration is locked
    import duckdb
    from flows.warehouse import Warehouse
    with Warehouse(warehouse).connect() as con:
        for sql in ("set enable_external_access = true", "set allowed_directories = ['/']",
                    "set lock_configuration = false"):
            with pytest.raises(duckdb.InvalidInputException, match="configuration has been locked"):
                con.execute(sql)
        with pytest.raises(duckdb.PermissionException):
            con.execute("select * from read_text('/etc/passwd')")


# --------------------------------------------------------------------------- nothing outside is read

def outside_parquet(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere.parquet"
    pq.write_table(pa.table({"secret": ["not the warehouse's"]}), path)
    return path


@pytest.mark.parametrize("read", [
    "select * from read_text('/etc/passwd')",
    "select * from read_csv('/etc/passwd', sep = ':')",
    "select * from read_blob('/etc/hostname')",
    "select * from glob('/etc/*')",
    "select * from read_parquet('{outside}')",
    "select * from '{outside}'",
    "select * from read_text('{warehouse}/../../../../../../etc/passwd')",
    "select * from read_text('current/../../../../../../etc/passwd')",
    "select * from read_parquet('https://example.com/x.parquet')",
])
def test_files_outside_the_warehouse_cannot_be_read(warehouse, tmp_path, read):
    sql = read.format(outside=outside_parquet(tmp_path), warehouse=warehouse)
    assert_refused(gaoxin_query(warehouse, sql), "reads only the warehouse")


def test_a_parquet_file_outside_is_readable_without_the_guard(tmp_path):
    # what the refusal above stops is real: the same query reads the file elsewhere
    import duckdb
    path = outside_parquet(tmp_path)
    assert duckdb.connect().execute(f"select secret from '{path}'").fetchall() == [("not the warehouse's",)]


def test_queries_that_only_read_still_work(warehouse):
    n = count(warehouse, "indicators")
    assert count(warehouse, "read_parquet('current/indicators.parquet')") == n
    assert count(warehouse, f"read_parquet('{warehouse}/versions/*/indicators.parquet')") == n
    for sql in ("describe indicators", "show tables", "summarize documents",
                "with t as (select doc from indicators) select count(distinct doc) from t",
                "from fct_facts select status, count(*) group by status"):
        proc = gaoxin_query(warehouse, sql)
        assert proc.returncode == 0 and proc.stderr == "", (sql, proc.stderr)
        assert proc.stdout.strip()


# --------------------------------------------------------------------------- bounded output

def test_default_limit_prints_1000_rows_and_says_how_many_were_left_out(warehouse):
    proc = gaoxin_query(warehouse, "select range as i from range(2500)")
    assert proc.returncode == 0
    assert proc.stdout.split() == ["i", *map(str, range(1000))]
    assert proc.stderr.strip() == "gaoxin: 1000 rows shown, 1500 more left out (--limit N shows N, --limit 0 all)"


def test_an_export_is_whole_unless_a_limit_is_given(warehouse):
    # CONTRACT's scorer reads `gaoxin query "select * from indicators" --format csv` whole
    proc = gaoxin_query(warehouse, "select range as i from range(2500)", "--format", "csv")
    assert proc.returncode == 0 and proc.stdout.split() == ["i", *map(str, range(2500))] and proc.stderr == ""


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_limit_bounds_every_format(warehouse, fmt):
    import json
    total = count(warehouse, "passages")
    proc = gaoxin_query(warehouse, "select passage_id from passages order by passage_id",
                        "--format", fmt, "--limit", "7")
    assert proc.returncode == 0
    if fmt == "json":
        rows = [r["passage_id"] for r in json.loads(proc.stdout)]
    else:
        rows = proc.stdout.split()[1:]
    assert len(rows) == 7 and rows == sorted(rows)
    assert f"7 rows shown, {total - 7} more left out" in proc.stderr


def test_limit_0_prints_everything_and_a_small_result_says_nothing(warehouse):
    proc = gaoxin_query(warehouse, "select range from range(2500)", "--format", "csv", "--limit", "0")
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(proc.stdout.split()) == 2501
    proc = gaoxin_query(warehouse, "select * from documents", "--format", "csv")
    assert proc.returncode == 0 and proc.stderr == ""
    assert len(proc.stdout.strip().splitlines()) == 1 + count(warehouse, "documents")


def test_a_limit_across_chunks_keeps_rows_in_order(warehouse):
    # more than one DuckDB chunk (2048 rows) kept, the rest counted
    proc = gaoxin_query(warehouse, "select range as i from range(10000) order by i desc",
                        "--format", "csv", "--limit", "4100")
    assert proc.stdout.split()[1:] == [str(i) for i in range(9999, 9999 - 4100, -1)]
    assert "4100 rows shown, 5900 more left out" in proc.stderr


def test_a_reader_that_stops_early_gets_no_traceback(warehouse):
    # `gaoxin query … | head -1`: half a megabyte, more than a pipe holds
    proc = subprocess.Popen([str(GAOXIN), "query", "select range, repeat('x', 100) from range(5000)",
                             "--warehouse", str(warehouse), "--format", "csv", "--limit", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "range,\"repeat('x', 100)\""
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == ""


@pytest.mark.parametrize("limit", ["-1", "ten"])
def test_a_limit_that_is_not_a_count_is_a_usage_error(warehouse, limit):
    proc = gaoxin_query(warehouse, "select 1", "--limit", limit)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"argument --limit: '{limit}': give a number of rows, 0 for no limit" in proc.stderr


# --------------------------------------------------------------------------- a movable warehouse

def test_a_copied_warehouse_reads_its_own_files_after_the_original_is_gone(warehouse, tmp_path):
    n = count(warehouse, "indicators")
    original = tmp_path / "original"
    shutil.copytree(warehouse, original, symlinks=True)
    copy = tmp_path / "elsewhere" / "copy"
    shutil.copytree(original, copy, symlinks=True)
    shutil.rmtree(original)

    # the CONTRACT's CLI line, from the copy's parent, from inside it and from anywhere
    for cwd, db in ((copy.parent, "copy/gaoxin.duckdb"), (copy, "gaoxin.duckdb"), (tmp_path, str(copy / "gaoxin.duckdb"))):
        proc = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", db, "select count(*) as n from indicators"],
                              capture_output=True, text=True, timeout=60, cwd=cwd)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == ["n", str(n)]
    # and gaoxin query, marts included, from another working directory
    assert count(copy, "indicators", cwd=ROOT) == n
    assert count(copy, "fct_facts", cwd=ROOT) > 0


def test_the_database_file_holds_its_tables_and_reads_no_other_warehouse(warehouse, tmp_path):
    # no view of the file names a path: nothing it answers can come from another directory
    proc = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(warehouse / "gaoxin.duckdb"),
                           "select count(*) as n from duckdb_views() where not internal and sql ilike '%read_parquet%'"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["n", "0"]


def test_the_reference_data_of_the_marts_travels_with_the_warehouse(warehouse):
    # dim_region answers although gaoxin query may not open transforms/reference/: it is
    # a table inside gaoxin.duckdb, like the warehouse's own tables
    import csv
    proc = gaoxin_query(warehouse, "select table_name from duckdb_tables() order by 1", "--format", "csv")
    assert {"dim_indicator", "dim_region", "indicators", "passages"} <= set(proc.stdout.split()[1:])
    regions = ROOT / "transforms" / "reference" / "regions.csv"
    with open(regions, encoding="utf-8") as f:
        assert count(warehouse, "dim_region") == sum(1 for _ in csv.DictReader(f))


# --------------------------------------------------------------------------- object storage

def test_the_guard_holds_on_object_storage(tmp_path, capsys):
    # memory:// lives in this process only, so the CLI is called in-process here
    from flows.cli import main
    from flows.warehouse import Warehouse
    from tests.test_warehouse import frames, memory_url
    url, other = memory_url(), memory_url()
    store = Warehouse(url)
    store.land(frames(3), "run-aaaaaaaaaaaa")
    Warehouse(other).fs.pipe_file(f"{other}/secret.csv", b"a\n1\n")
    live = store.current("runs.parquet")
    before = store.fs.cat_file(live)
    capsys.readouterr()

    assert main(["query", "select count(*) as n from runs", "--warehouse", url, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "3"]
    for sql in (f"select * from read_csv('{other}/secret.csv')", "select * from read_text('/etc/passwd')",
                f"copy (select 1 as a) to '{url}/{live.split('/', 2)[-1]}'"):
        assert main(["query", sql, "--warehouse", url]) == 1
        err = capsys.readouterr().err
        assert err.startswith("gaoxin: query refused: ") and len(err.strip().splitlines()) == 1, err
    assert store.fs.cat_file(live) == before
