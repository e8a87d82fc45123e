"""raw/, the landing zone: its pages listed (never modified), and the checks that keep a
wrong or emptied raw/ from replacing the warehouse.

No Prefect here: the CLI runs these checks before the flow starts, so that a person
reads one line, not a flow run's traceback; the flow runs them again for scheduled runs.
"""
from __future__ import annotations

from collections.abc import Iterable

import fsspec

# A run that would remove more than this share of the pages the warehouse holds is
# refused unless asked for (--allow-shrink): an emptied, half-synced or mistyped raw/
# must not replace the warehouse.
MAX_REMOVED_SHARE = 0.5


class RawError(ValueError):
    """raw/ is missing or cannot be read; the message is one line for a person."""


class ShrinkRefused(RuntimeError):
    """The run would remove too many pages from the warehouse; nothing was changed."""


def list_pages(raw: str) -> tuple[fsspec.AbstractFileSystem, list[tuple[str, str]]]:
    """The filesystem of raw/ and its pages as (name, path), in name order. Hidden files
    and subdirectories are not pages."""
    try:
        fs, root = fsspec.core.url_to_fs(raw)
        if not fs.isdir(root):
            what = "a file, not a directory of pages" if fs.isfile(root) else "no such directory"
            raise RawError(f"--raw {raw}: {what}")
        entries = fs.ls(root, detail=True)
    except RawError:
        raise
    except ImportError as e:    # a URL whose fsspec filesystem is not installed (s3fs, gcsfs …)
        raise RawError(f"--raw {raw} cannot be read: {e}") from None
    except (OSError, ValueError) as e:
        raise RawError(f"--raw {raw} cannot be read: {getattr(e, 'strerror', None) or e}") from None
    pages = []
    for entry in entries:
        name = entry["name"].rstrip("/").rsplit("/", 1)[-1]
        if entry["type"] == "file" and not name.startswith("."):
            pages.append((name, entry["name"]))
    return fs, sorted(pages)


def removed_pages(landed: Iterable[str], present: Iterable[str], raw: str, allow_shrink: bool) -> list[str]:
    """Names the warehouse holds that raw/ no longer has: their rows are removed. Raises
    ShrinkRefused when they are more than MAX_REMOVED_SHARE of what it holds (an empty
    raw/ among them) and the run was not allowed to shrink the warehouse."""
    landed = sorted(set(landed))
    removed = sorted(set(landed) - set(present))
    if removed and not allow_shrink and len(removed) > MAX_REMOVED_SHARE * len(landed):
        shown = ", ".join(removed[:3]) + (", …" if len(removed) > 3 else "")
        raise ShrinkRefused(
            f"--raw {raw} lacks {len(removed)} of the {len(landed)} pages the warehouse holds ({shown}); "
            "nothing was changed. If they were removed on purpose, run again with --allow-shrink")
    return removed
