"""`gaoxin serve` as a user runs it: a real `gaoxin serve` process with its own local
Prefect server (scheduler included), serving the flow on a cron schedule; and what a
kill of a gaoxin command leaves behind (nothing); and how serve reads its server's log
(real logs of failing servers, tests/fixtures/prefect_server/).

Each test starts the CLI as a subprocess with a throwaway PREFECT_HOME and no
PREFECT_API_URL, so serve starts and stops its own server. The waits are bounds, not
speed claims: a one-minute cron fires at the next minute boundary, and a cold flow run
on this machine takes tens of seconds.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
import psutil

from tests.conftest import RAW, ROOT

from flows.serve import ServerLog

SERVER_LOGS = ROOT / "tests" / "fixtures" / "prefect_server"   # real logs of failing servers
SCHEDULER_ERROR = ("sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement; "
                   "please supply a bulk_dml decorated function")
GAOXIN = str(Path(sys.executable).parent / "gaoxin")
SERVER_UP_WITHIN = 150      # s: a cold Prefect server on a busy machine
RUN_LANDS_WITHIN = 150      # s after the deployment is served: next minute boundary + a cold flow run
STOPS_WITHIN = 60           # s: the lifeline's grace, the server's shutdown


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


def _start_serve(tmp_path: Path, cron: str) -> tuple[subprocess.Popen, Path, Path]:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    warehouse = tmp_path / "warehouse"
    err = tmp_path / "serve.err"
    with open(err, "wb") as out:
        proc = subprocess.Popen([GAOXIN, "serve", "--cron", cron, "--raw", str(raw), "--warehouse", str(warehouse)],
                                cwd=ROOT, env=_env(tmp_path / "prefect"), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=out)
    return proc, warehouse, err


def _wait_for_line(proc: subprocess.Popen, err: Path, pattern: str, within: float) -> re.Match:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = re.search(pattern, err.read_text(errors="replace"))
        if found:
            return found
        assert proc.poll() is None, f"gaoxin serve exited ({proc.returncode}):\n{err.read_text()}"
        time.sleep(1)
    raise AssertionError(f"no {pattern!r} from gaoxin serve within {within} s:\n{err.read_text()}")


def _server_process(serve: subprocess.Popen) -> psutil.Process:
    [server] = [p for p in psutil.Process(serve.pid).children()
                if p.cmdline()[-3:] == ["prefect", "server", "start"]]
    return server


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_a_served_one_minute_cron_lands_a_run_by_itself(tmp_path):
    from flows.warehouse import Warehouse
    serve, warehouse, err = _start_serve(tmp_path, "* * * * *")
    try:
        url = _wait_for_line(serve, err, r"Prefect server \(API, UI, scheduler\) on (http://\S+);",
                             SERVER_UP_WITHIN).group(1)
        server = _server_process(serve)
        # the UI the printed link opens asks the server where its API is: this server, not :4200
        assert httpx.get(f"{url}/ui-settings", timeout=10).json()["api_url"] == f"{url}/api"
        _wait_for_line(serve, err, r"serving gaoxin/gaoxin-scheduled", SERVER_UP_WITHIN)
        deadline = time.monotonic() + RUN_LANDS_WITHIN
        while Warehouse(warehouse).current_version() is None and time.monotonic() < deadline:
            assert serve.poll() is None, err.read_text()
            time.sleep(2)
        runs = warehouse / "current" / "runs.parquet"   # the live version: whole once it is live
        assert runs.exists(), f"no run landed:\n{err.read_text()}"
        assert pd.read_parquet(runs)["status"].tolist() == ["completed"]
        # it was the scheduler that made the run, not anyone asking for one (the flow run
        # completes just after its last task has landed the tables)
        completed = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
        deadline = time.monotonic() + STOPS_WITHIN
        while not (flow_runs := httpx.post(f"{url}/api/flow_runs/filter", json=completed, timeout=10).json()):
            assert time.monotonic() < deadline, f"the flow run did not complete:\n{err.read_text()}"
            time.sleep(1)
        assert [r["auto_scheduled"] for r in flow_runs] == [True]
        assert "logged an error" not in err.read_text()

        serve.send_signal(signal.SIGTERM)          # how a service manager stops it
        assert serve.wait(timeout=STOPS_WITHIN) == 0, err.read_text()
        _, alive = psutil.wait_procs([server], timeout=STOPS_WITHIN)
        assert alive == []
    finally:
        _stop(serve)


def test_a_killed_serve_leaves_no_server_behind(tmp_path):
    serve, _, err = _start_serve(tmp_path, "0 6 * * *")
    try:
        _wait_for_line(serve, err, r"serving gaoxin/gaoxin-scheduled", SERVER_UP_WITHIN)
        started = psutil.Process(serve.pid).children(recursive=True)
        assert _server_process(serve) in started
        serve.send_signal(signal.SIGKILL)
        serve.wait()
        _, alive = psutil.wait_procs(started, timeout=STOPS_WITHIN)
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        _stop(serve)


def test_a_killed_run_leaves_no_embedded_api_server_behind(tmp_path):
    shutil.copytree(RAW, tmp_path / "raw")
    run = subprocess.Popen([GAOXIN, "run", "--raw", str(tmp_path / "raw"), "--warehouse", str(tmp_path / "wh")],
                           cwd=ROOT, env=_env(tmp_path / "prefect"), stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + SERVER_UP_WITHIN
        embedded = []
        while not embedded and time.monotonic() < deadline and run.poll() is None:
            embedded = [p for p in psutil.Process(run.pid).children()
                        if "prefect.server.api.server:create_app" in p.cmdline()]
            time.sleep(0.5)
        assert embedded, "gaoxin run started no embedded Prefect API server"
        run.send_signal(signal.SIGKILL)
        run.wait()
        _, alive = psutil.wait_procs(embedded, timeout=STOPS_WITHIN)
        assert alive == []
    finally:
        _stop(run)


def test_a_bad_cron_is_one_line_and_starts_nothing(tmp_path):
    home = tmp_path / "prefect"
    out = subprocess.run([GAOXIN, "serve", "--cron", "61 * * * *", "--warehouse", str(tmp_path / "wh")],
                         cwd=ROOT, env=_env(home), capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith("gaoxin: --cron '61 * * * *' is not a cron schedule")
    assert not (home / "gaoxin-server.log").exists()


def test_the_server_log_gives_each_error_once_as_the_exception_it_ended_with():
    # SQLAlchemy 2.1.9 under Prefect 3.8.8: both scheduler services fail, with one exception
    assert ServerLog(SERVER_LOGS / "scheduler_sqlalchemy_2.1.9.log").new_errors() == [SCHEDULER_ERROR]
    # uvicorn's own format, a chained traceback: the last exception is the one said
    assert ServerLog(SERVER_LOGS / "startup_no_database.log").new_errors(whole=True) == [
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) unable to open database file",
        "Application startup failed. Exiting."]


def test_a_traceback_still_being_written_waits_until_it_is_whole(tmp_path):
    text = (SERVER_LOGS / "scheduler_sqlalchemy_2.1.9.log").read_bytes()
    first_traceback = text.index(b"Traceback")
    log = tmp_path / "server.log"
    log.write_bytes(text[:first_traceback + 200])
    reader = ServerLog(log)
    assert reader.new_errors() == []                 # the log grew: its last record may go on
    with open(log, "ab") as out:
        out.write(text[first_traceback + 200:])
    assert reader.new_errors() == [SCHEDULER_ERROR]  # followed by the next record: whole
    assert reader.new_errors() == []                 # the next one is the same error again
