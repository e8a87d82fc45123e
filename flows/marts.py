"""SQL models run by DuckDB after landing (staging -> marts), one model a file, in the
order their references to each other give; their tests beside them (marts/schema.yml)."""
from __future__ import annotations

import functools
import re
from importlib import resources
from typing import NamedTuple

import pyarrow as pa
import yaml

SELECTS_FROM = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
# the reference data the models may select from: relations create_marts registers
REFERENCE_TABLES = ("reference_regions", "reference_indicator_names")


class Model(NamedTuple):
    name: str
    sql: str
    reads_reference: bool   # selects from REFERENCE_TABLES: built as a table, so the warehouse
                            # carries the reference data it was landed with wherever it is copied


def _models() -> dict[str, Model]:
    root = resources.files("transforms").joinpath("marts")
    if not root.is_dir():
        return {}
    models = {}
    for f in sorted(root.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".sql"):
            sql = f.read_text("utf-8").strip().rstrip(";")
            models[f.name[:-4]] = Model(f.name[:-4], sql,
                                        any(ref in REFERENCE_TABLES for ref in SELECTS_FROM.findall(sql)))
    return models


@functools.cache
def reference_tables() -> dict[str, pa.Table]:
    """REFERENCE_TABLES as transforms.gazetteer reads transforms/reference/: the regions
    (aliases joined with | as in regions.csv, a shared one marked ?) and every indicator
    name the dictionary gives (synonyms joined with |)."""
    from transforms.gazetteer import SHARED_MARK, indicator_names, load_regions
    regions, names = load_regions(), list(indicator_names().values())
    return {
        "reference_regions": _strings({
            "name": [r.name for r in regions], "level": [r.level for r in regions],
            "parent": [r.parent for r in regions],
            "aliases": [_joined(SHARED_MARK * (a in r.shared_aliases) + a for a in r.aliases) for r in regions]}),
        "reference_indicator_names": _strings({
            "name": [n.name for n in names], "base": [n.base for n in names],
            "qualifier": [n.qualifier for n in names], "measure": [n.measure for n in names],
            "unit_base": [n.unit_base for n in names], "category": [n.category for n in names],
            "synonyms": [_joined(n.synonyms) for n in names]}),
    }


def _strings(columns: dict[str, list]) -> pa.Table:
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _joined(items) -> str | None:
    return "|".join(items) or None


def create_marts(con, sql_models) -> None:
    """Create the models on a DuckDB connection, in the order given."""
    tables = reference_tables()
    for name, table in tables.items():
        con.register(name, table)
    try:
        for name, sql, reads_reference in sql_models:
            # a model over the reference data is a table: the warehouse keeps the reference
            # it was built with, and a copy of it needs nothing outside it
            kind = "table" if reads_reference else "view"
            con.execute(f"create or replace {kind} {name} as {sql}")
    finally:
        for name in tables:
            con.unregister(name)


def dependency_order(sql_by_name: dict[str, str]) -> list[str]:
    """Model names, each after the models it selects from (by name, then file order)."""
    needs = {name: {ref for ref in SELECTS_FROM.findall(sql) if ref in sql_by_name and ref != name}
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
