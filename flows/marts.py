"""SQL models run by DuckDB after landing (staging -> marts), one model a file."""
from __future__ import annotations

from importlib import resources
from typing import NamedTuple

REFERENCE_PLACEHOLDER = "{reference_dir}"


class Model(NamedTuple):
    name: str
    sql: str
    reads_reference: bool   # reads transforms/reference/: built as a table, so the warehouse
                            # carries the reference data it was landed with wherever it is copied


def mart_models() -> list[Model]:
    """The models in dependency order: dim_, then stg_, then fct_."""
    root = resources.files("transforms").joinpath("marts")
    if not root.is_dir():
        return []
    order = {"dim": 0, "stg": 1, "fct": 2}
    files = sorted((f for f in root.iterdir() if f.name.endswith(".sql")),
                   key=lambda f: (order.get(f.name.split("_", 1)[0], 3), f.name))
    reference = str(resources.files("transforms").joinpath("reference")).replace("'", "''")
    models = []
    for f in files:
        sql = f.read_text("utf-8").strip().rstrip(";")
        models.append(Model(f.name[:-4], sql.replace(REFERENCE_PLACEHOLDER, reference),
                            REFERENCE_PLACEHOLDER in sql))
    return models
