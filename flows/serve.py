"""`gaoxin serve`: a Prefect deployment of the flow, served by this process on a cron
schedule, with a local Prefect server (API, UI, scheduler) started and watched here."""
from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

SERVE_DEPLOYMENT = "gaoxin-scheduled"
SERVER_START_SECONDS = 120
SERVER_CHECK_SECONDS = 5
# where a record of the server's log starts: Prefect's "12:00:00.000 | ERROR   | logger - ",
# or uvicorn's own "ERROR:    "; traceback lines follow it
_LOG_RECORD = re.compile(rb"^(?:\d\d:\d\d:\d\d\.\d+ \| (\w+)\s*\| |(DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+)",
                         re.MULTILINE)
_EXCEPTION_LINE = re.compile(rb"^[A-Za-z_][\w.]*: \S")   # "sqlalchemy.exc.OperationalError: ..."


class ServerFailed(Exception):
    """The local Prefect server did not start: a one-line reason naming its log."""


class ServerLog:
    """The log file of the Prefect server `gaoxin serve` started, read as it grows."""

    def __init__(self, path: Path):
        self.path = path
        self._reader = open(path, "rb")
        self._pending = b""
        self._reported: set[bytes] = set()

    def new_errors(self, whole: bool = False) -> list[str]:
        """Errors logged since the last call, each kind once (the scheduler logs its error
        every cycle): the exception a traceback ends with, else the message. `whole`: the
        server has stopped, nothing more will be written."""
        chunk = self._reader.read()
        text = self._pending + chunk
        heads = list(_LOG_RECORD.finditer(text))
        # while the log grows, its last record (a traceback?) or line may not be whole yet
        growing = chunk and not whole
        keep = (heads[-1].start() if heads else text.rfind(b"\n") + 1) if growing else len(text)
        self._pending = text[keep:]
        errors = []
        for head, end in zip(heads, [h.start() for h in heads[1:]] + [len(text)]):
            if head.start() >= keep or (head.group(1) or head.group(2)) not in (b"ERROR", b"CRITICAL"):
                continue
            lines = text[head.end():end].strip().splitlines()
            exceptions = [line for line in lines[1:] if _EXCEPTION_LINE.match(line)]
            error = (exceptions[-1] if exceptions else lines[0]).strip()
            kind = re.sub(rb"\d+", b"", error)
            if kind not in self._reported:
                self._reported.add(kind)
                errors.append(error.decode("utf-8", "replace"))
        return errors

    def close(self) -> None:
        self._reader.close()


class LocalServer:
    """The Prefect server (API, UI, scheduler) `gaoxin serve` started. Its output goes to
    a log file, read while serving so that its errors reach the user, one line each."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process, self.url, self.log = process, url, ServerLog(log)

    def check(self) -> str | None:
        """Report the errors the server logged since the last check; why it stopped, if it did."""
        stopped = self.process.poll() is not None
        for error in self.log.new_errors(whole=stopped):
            print(f"gaoxin: the Prefect server logged an error: {error} (log: {self.log.path})", file=sys.stderr)
        if stopped:
            return f"the Prefect server stopped (exit code {self.process.returncode}); its log: {self.log.path}"
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def start_local_server() -> LocalServer | None:
    """Prefect's embedded API runs no scheduler: serve against a local Prefect server
    started here (and stopped with this process) unless PREFECT_API_URL (environment or
    Prefect profile) names one."""
    import httpx
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings
    settings = get_current_settings()
    if settings.api.url:
        return None
    log = Path(settings.home) / "gaoxin-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PREFECT_SERVER_API_HOST": "127.0.0.1", "PREFECT_SERVER_API_PORT": str(port),
           # the API URL the UI is given (/ui-settings): it said port 4200 when the port was only --port
           "PREFECT_SERVER_UI_API_URL": f"{url}/api"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start"], env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)   # Ctrl+C stops the runner first, then we stop it
    server = LocalServer(process, url, log)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                os.environ["PREFECT_API_URL"] = f"{url}/api"   # for this process (Prefect read its
                refresh_global_settings_context()              # settings at import) and its children
                print(f"gaoxin: Prefect server (API, UI, scheduler) on {url}; its log: {log}", file=sys.stderr)
                return server
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            cause = "".join(f": {e}" for e in server.log.new_errors(whole=True)[:1])
            raise ServerFailed(f"the Prefect server exited while starting (exit code {process.returncode})"
                               f"{cause}; its log: {log}")
        time.sleep(0.5)
    server.stop()
    raise ServerFailed(f"the Prefect server did not answer within {SERVER_START_SECONDS} s; its log: {log}")


def cron_error(cron: str) -> str | None:
    """Why Prefect would refuse the cron string, said before anything starts."""
    import pydantic
    from prefect.client.schemas.schedules import CronSchedule
    try:
        CronSchedule(cron=cron)
    except pydantic.ValidationError:
        return (f"--cron {cron!r} is not a cron schedule: five fields, minute hour day-of-month "
                f"month day-of-week (UTC), e.g. \"0 6 * * *\"")
    return None


async def serve(cron: str, raw: str, warehouse: str, server: LocalServer | None) -> str | None:
    """Serve the scheduled deployment until stopped. With a server started here, watch
    it: its errors are reported, and serving ends when it stops (the reason is returned)."""
    from prefect.runner import Runner
    from prefect.settings import PREFECT_UI_URL
    from flows.pipeline import gaoxin_flow
    runner = Runner(name=SERVE_DEPLOYMENT)
    this_task = asyncio.current_task()
    # Prefect's SIGTERM handler calls the runner's sync stop() inside the running loop (a
    # coroutine never awaited) and exits mid-task: stop the way Ctrl+C does, by cancelling
    runner.handle_sigterm = lambda *_: this_task.cancel()
    deployment_id = await runner.aadd_flow(
        gaoxin_flow, name=SERVE_DEPLOYMENT, cron=cron, parameters={"raw": raw, "warehouse": warehouse})
    print(f"gaoxin: serving {gaoxin_flow.name}/{SERVE_DEPLOYMENT} on cron {cron!r} (UTC); "
          f"UI: {PREFECT_UI_URL.value()}/deployments/deployment/{deployment_id}", file=sys.stderr)
    failure = None

    async def watch_server() -> None:
        nonlocal failure
        while (failure := server.check()) is None:
            await asyncio.sleep(SERVER_CHECK_SECONDS)
        this_task.cancel()

    watcher = asyncio.create_task(watch_server()) if server is not None else None
    try:
        await runner.start()
    except asyncio.CancelledError:
        if failure is None:
            raise
    finally:
        if watcher is not None:
            watcher.cancel()
    return failure
