"""SQL models run by DuckDB after landing (staging -> marts), one model a file."""
from __future__ import annotations

from importlib import resources


def mart_models() -> list[tuple[str, str]]:
    """(view name, select statement) in dependency order: dim_, then stg_, then fct_."""
    root = resources.files("transforms").joinpath("marts")
    if not root.is_dir():
        return []
    order = {"dim": 0, "stg": 1, "fct": 2}
    files = sorted((f for f in root.iterdir() if f.name.endswith(".sql")),
                   key=lambda f: (order.get(f.name.split("_", 1)[0], 3), f.name))
    reference = str(resources.files("transforms").joinpath("reference")).replace("'", "''")
    return [(f.name[:-4], f.read_text("utf-8").replace("{reference_dir}", reference).strip().rstrip(";"))
            for f in files]
