"""The processes a gaoxin command starts die with it, however it dies (SIGKILL included).

Prefect starts its embedded API as a child process (`uvicorn prefect.server...`) with no
way to pass it a preexec_fn, and `gaoxin serve` starts a Prefect server and flow-run
processes; killed parents would leave them running. So the command marks its
environment with a token (every descendant inherits it) and starts a small watchdog
that the kernel signals when the command is gone (Linux PR_SET_PDEATHSIG). The watchdog
then stops every process still carrying the token: SIGTERM, then SIGKILL after a grace.
"""
from __future__ import annotations

import ctypes
import os
import secrets
import signal
import subprocess
import sys
import threading

import psutil

ENV = "GAOXIN_LIFELINE"
PR_SET_PDEATHSIG = 1           # <linux/prctl.h>
SETTLE_SECONDS = 1
GRACE_SECONDS = 10             # the embedded uvicorn can take a few seconds to shut down
_bound = False                 # this process has its watchdog


def bind_descendants() -> None:
    """Make every process started from here on die with this one (Linux; elsewhere a
    no-op). Once per process, from its main thread: the kernel signals when the thread
    that started the watchdog ends, which for the main thread is the process's end."""
    global _bound
    if _bound or sys.platform != "linux" or threading.current_thread() is not threading.main_thread():
        return
    _bound = True
    token = secrets.token_hex(8)
    os.environ[ENV] = token
    subprocess.Popen([sys.executable, "-m", "flows.lifeline", token, str(os.getpid())],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     start_new_session=True,   # Ctrl+C in the terminal is for the command, not for it
                     preexec_fn=_signal_me_when_parent_dies)


def _signal_me_when_parent_dies() -> None:
    """Runs in the watchdog between fork and exec. SIGTERM stays blocked across exec,
    so a parent that dies before the watchdog is ready leaves it pending, not lost."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_marked(token: str) -> int:
    """Stop the processes whose environment carries the token; how many had to be stopped."""
    marked = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            if proc.environ().get(ENV) == token:
                marked.append(proc)
        except (psutil.Error, OSError):   # gone, a zombie, or another user's
            continue
    # some end by themselves once their parent is gone (multiprocessing's resource tracker)
    _, marked = psutil.wait_procs(marked, timeout=SETTLE_SECONDS)
    _send(marked, "terminate")
    _, alive = psutil.wait_procs(marked, timeout=GRACE_SECONDS)
    _send(alive, "kill")
    return len(marked)


def _send(procs, signal: str) -> None:
    """proc.terminate() or proc.kill() to each that is still there."""
    for proc in procs:
        try:
            getattr(proc, signal)()
        except psutil.NoSuchProcess:
            pass


def _watch(token: str, parent_pid: int) -> None:
    if os.getppid() == parent_pid:      # else the parent is already gone
        signal.sigwait({signal.SIGTERM})
    stopped = stop_marked(token)
    if stopped:
        print(f"gaoxin: pid {parent_pid} ended; stopped {stopped} process(es) it had started",
              file=sys.stderr)


if __name__ == "__main__":
    _watch(sys.argv[1], int(sys.argv[2]))
