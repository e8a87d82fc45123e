"""SQL models run by DuckDB after landing (staging -> marts), one model a file, in the
order their references to each other give; their tests beside them (marts/schema.yml)."""
from __future__ import annotations

import re
from importlib import resources
from typing import NamedTuple

import yaml

REFERENCE_PLACEHOLDER = "{reference_dir}"
REFERENCE = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


class Model(NamedTuple):
    name: str
    sql: str
    reads_reference: bool   # reads transforms/reference/: built as a table, so the warehouse
                            # carries the reference data it was landed with wherever it is copied


def _models() -> dict[str, Model]:
    root = resources.files("transforms").joinpath("marts")
    if not root.is_dir():
        return {}
    reference = str(resources.files("transforms").joinpath("reference")).replace("'", "''")
    models = {}
    for f in sorted(root.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".sql"):
            sql = f.read_text("utf-8").strip().rstrip(";")
            models[f.name[:-4]] = Model(f.name[:-4], sql.replace(REFERENCE_PLACEHOLDER, reference),
                                        REFERENCE_PLACEHOLDER in sql)
    return models


def dependency_order(sql_by_name: dict[str, str]) -> list[str]:
    """Model names, each after the models it selects from (by name, then file order)."""
    needs = {name: {ref for ref in REFERENCE.findall(sql) if ref in sql_by_name and ref != name}
             for name, sql in sql_by_name.items()}
    order: list[str] = []
    while needs:
        ready = sorted(name for name, deps in needs.items() if deps <= set(order))
        if not ready:
            raise ValueError(f"marts reference each other in a cycle: {sorted(needs)}")
        order += ready
        for name in ready:
            del needs[name]
    return order


def mart_models() -> list[Model]:
    """The models in dependency order."""
    models = _models()
    return [models[name] for name in dependency_order({n: m.sql for n, m in models.items()})]


def mart_tests() -> list[tuple[str, str, bool]]:
    """(test name, query returning the rows that break it, warn only) for schema.yml."""
    spec = yaml.safe_load(resources.files("transforms").joinpath("marts", "schema.yml").read_text("utf-8"))
    tests = []
    for model in spec["models"]:
        name = model["name"]
        for test in model.get("tests", []):
            key = ", ".join(test["unique_combination"])
            tests.append((f"{name}: unique ({key})",
                          f"select {key}, count(*) from {name} group by all having count(*) > 1", False))
        for column in model.get("columns", []):
            col = column["name"]
            for test in column.get("tests", []):
                if test == "unique":
                    tests.append((f"{name}.{col}: unique",
                                  f"select {col}, count(*) from {name} where {col} is not null "
                                  f"group by all having count(*) > 1", False))
                elif test == "not_null":
                    tests.append((f"{name}.{col}: not_null", f"select * from {name} where {col} is null", False))
                else:
                    rel = test["relationships"]
                    unless = f" and not ({rel['unless']})" if "unless" in rel else ""
                    tests.append((f"{name}.{col}: in {rel['to']}.{rel['field']}",
                                  f"select * from {name} m where m.{col} is not null{unless} and not exists "
                                  f"(select 1 from {rel['to']} r where r.{rel['field']} = m.{col})",
                                  bool(rel.get("warn"))))
    return tests
