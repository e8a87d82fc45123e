"""Progress on a terminal (stage, documents done of total); nothing in a pipe or a scheduled run."""
from __future__ import annotations

import sys


class Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.total = 0

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, stage: str, done: int) -> None:
        if self.enabled and self.total:
            width = 30
            filled = width * done // self.total
            sys.stderr.write(f"\r{stage:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} documents")
            sys.stderr.flush()

    def note(self, stage: str) -> None:
        """A whole-batch stage (deduplicate, validate, land): its name while it runs."""
        if self.enabled and self.total:
            sys.stderr.write(f"\r{stage:<14} [{'.' * 30}] all {self.total} documents")
            sys.stderr.flush()

    def stop(self) -> None:
        if self.enabled and self.total:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()
