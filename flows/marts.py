"""SQL models run by DuckDB after landing (staging -> marts), one model a file."""
from __future__ import annotations

from importlib import resources


def mart_models() -> list[tuple[str, str]]:
    """(view name, select statement) in dependency order: stg_ before dim_ before fct_."""
    root = resources.files("transforms").joinpath("marts")
    if not root.is_dir():
        return []
    order = {"stg": 0, "dim": 1, "fct": 2}
    files = sorted((f for f in root.iterdir() if f.name.endswith(".sql")),
                   key=lambda f: (order.get(f.name.split("_", 1)[0], 3), f.name))
    return [(f.name[:-4], f.read_text("utf-8").strip().rstrip(";")) for f in files]
