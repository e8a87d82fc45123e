"""Custom Great Expectations (GX 1.x) used by the gaoxin suites.

GX has no built-in expectation for these checks, so each one is a small map
expectation (row-level: every failing row is reported with its index columns):

    expect_column_pair_values_a_to_contain_b      evidence must contain value_text
    expect_column_values_to_be_simplified_chinese  OpenCC t2s leaves the text unchanged
                                                   (transforms.to_simplified's converter)
    expect_column_values_to_not_contain_lexicon_words
                                                   no word of weight >= min_weight from a
                                                   lexicon file (path given as a kwarg,
                                                   usually a suite parameter), read and
                                                   matched as transforms.strip_spam does
    expect_column_values_to_be_whole_numbers       finite and integral (ranks)

Importing this module registers the expectations and their metrics with GX (class
definition is registration). It imports GX at module level, so import it lazily:
`expectations.validate` does so only when it builds the context.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import ClassVar, Tuple, Union

import ahocorasick
import numpy as np
import pandas as pd

from transforms.strip_spam import lexicon_automaton, lexicon_hits, parse_lexicon
from transforms.to_simplified import to_simplified

from great_expectations.compatibility import pydantic
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    ColumnPairMapMetricProvider,
    column_condition_partial,
    column_pair_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.util import parse_row_condition_string, substitute_none_for_missing

__all__ = [
    "ExpectColumnPairValuesAToContainB",
    "ExpectColumnValuesToBeSimplifiedChinese",
    "ExpectColumnValuesToNotContainLexiconWords",
    "ExpectColumnValuesToBeWholeNumbers",
    "load_lexicon",
    "flagged_words",
]


# --------------------------------------------------------------------------- helpers

def load_lexicon(path: str | os.PathLike) -> dict[str, int]:
    """Lexicon file -> {word: weight}.

    Parsed by transforms.strip_spam.parse_lexicon, as the spam filter reads it; cached
    per (path, mtime, size).
    """
    st = os.stat(path)
    return dict(_load_lexicon_cached(os.fspath(path), st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=16)
def _load_lexicon_cached(path: str, _mtime_ns: int, _size: int) -> tuple[tuple[str, int], ...]:
    with open(path, encoding="utf-8-sig") as fh:
        return tuple(parse_lexicon(fh.read()).items())


@lru_cache(maxsize=16)
def _flagged_automaton_cached(path: str, mtime_ns: int, size: int, min_weight: int) -> ahocorasick.Automaton | None:
    words = {w: weight for w, weight in _load_lexicon_cached(path, mtime_ns, size) if weight >= min_weight}
    return lexicon_automaton(words) if words else None


def _flagged_automaton(lexicon_path: str | os.PathLike, min_weight: int) -> ahocorasick.Automaton | None:
    """strip_spam's automaton over the lexicon's words of weight >= min_weight (None when
    there are none), cached per (path, mtime, size, min_weight)."""
    st = os.stat(lexicon_path)
    return _flagged_automaton_cached(os.fspath(lexicon_path), st.st_mtime_ns, st.st_size, int(min_weight))


def flagged_words(text: str, lexicon_path: str | os.PathLike, min_weight: int = 2) -> list[str]:
    """The distinct lexicon words of weight >= min_weight in text (case-insensitive), in
    the order they end."""
    automaton = _flagged_automaton(lexicon_path, min_weight)
    return [] if automaton is None else list(lexicon_hits(str(text), automaton))


def _render(configuration, runtime_configuration, template: str, keys: tuple[str, ...],
            defaults: dict | None = None):
    """Data Docs sentence for an expectation (legacy prescriptive renderer)."""
    styling = (runtime_configuration or {}).get("styling")
    params = substitute_none_for_missing(
        configuration.kwargs if configuration else {}, [*keys, "row_condition", "condition_parser"]
    )
    for key, value in (defaults or {}).items():
        if params.get(key) is None:
            params[key] = value
    if params.get("row_condition") is not None:
        params["condition_content"] = parse_row_condition_string(params["row_condition"])
        styling = dict(styling or {})
        styling["params"] = {
            **styling.get("params", {}),
            "condition_content": {"classes": ["badge", "badge-secondary"]},
        }
        template = "If $condition_content, then " + template
    return [
        RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={"template": template, "params": params, "styling": styling},
        )
    ]


def _as_bool_series(values, index) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=bool), index=index)


def _each_value(column: pd.Series, test) -> pd.Series:
    """test(str) for each row. A category column (gaoxin holds strings as categories) is tested
    once per category, one string at a time, and the verdicts taken by code: no list of
    every row's text is built (at 100 MB of pages that list alone was ~100 MB)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        verdicts = np.fromiter((test(str(v)) for v in categories), dtype=bool, count=len(categories))
        codes = column.cat.codes.to_numpy()
        return pd.Series(np.where(codes >= 0, verdicts[codes], test("nan")), index=column.index)
    return _as_bool_series([test(str(v)) for v in column], column.index)


# --------------------------------------------------------------------------- metrics


class ColumnPairValuesAContainB(ColumnPairMapMetricProvider):
    """Row passes when str(A) contains str(B) as a substring."""

    condition_metric_name = "column_pair_values.gaoxin_a_contains_b"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, **kwargs):
        return _as_bool_series(
            [str(b) in str(a) for a, b in zip(column_A, column_B)], column_A.index
        )


class ColumnValuesSimplifiedChinese(ColumnMapMetricProvider):
    """Row passes when OpenCC t2s conversion leaves the text unchanged."""

    condition_metric_name = "column_values.gaoxin_simplified_chinese"
    condition_value_keys = ()

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return _each_value(column, lambda text: to_simplified(text) == text)


class ColumnValuesFreeOfLexiconWords(ColumnMapMetricProvider):
    """Row passes when the text contains no lexicon word of weight >= min_weight."""

    condition_metric_name = "column_values.gaoxin_free_of_lexicon_words"
    condition_value_keys = ("lexicon_path", "min_weight")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, lexicon_path, min_weight=2, **kwargs):
        automaton = _flagged_automaton(lexicon_path, min_weight)
        if automaton is None:
            return _as_bool_series([True] * len(column), column.index)
        return _each_value(column, lambda text: not lexicon_hits(text, automaton))


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    """Row passes when the value is a finite number with no fractional part."""

    condition_metric_name = "column_values.gaoxin_whole_number"
    condition_value_keys = ()

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        values = pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(values) & (values == np.floor(values))
        return _as_bool_series(ok, column.index)


# --------------------------------------------------------------------------- expectations


class ExpectColumnPairValuesAToContainB(ColumnPairMapExpectation):
    """Expect each value of column_A (a text) to contain the value of column_B as a substring.

    Used as: evidence must contain value_text (the number as written).
    """

    ignore_row_if: Union[
        str,  # "both_values_are_missing" | "either_value_is_missing" | "neither"
        SuiteParameterDict,
    ] = pydantic.Field(default="either_value_is_missing")

    map_metric: ClassVar[str] = "column_pair_values.gaoxin_a_contains_b"
    success_keys: ClassVar[Tuple[str, ...]] = (
        "column_A",
        "column_B",
        "ignore_row_if",
        "mostly",
    )
    args_keys: ClassVar[Tuple[str, ...]] = ("column_A", "column_B")

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        return _render(configuration, runtime_configuration,
                       "values of $column_A must contain the value of $column_B.", ("column_A", "column_B"))


class ExpectColumnValuesToBeSimplifiedChinese(ColumnMapExpectation):
    """Expect each text to contain no traditional character: OpenCC('t2s').convert(text) == text."""

    map_metric: ClassVar[str] = "column_values.gaoxin_simplified_chinese"
    success_keys: ClassVar[Tuple[str, ...]] = ("mostly",)
    args_keys: ClassVar[Tuple[str, ...]] = ("column",)

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        return _render(configuration, runtime_configuration,
                       "$column values must contain no traditional character (OpenCC t2s leaves them unchanged).",
                       ("column",))


class ExpectColumnValuesToNotContainLexiconWords(ColumnMapExpectation):
    """Expect each text to contain no word of weight >= min_weight from the lexicon file.

    The lexicon is `WORD [weight]` a line, `#` comments, missing weight = 1; matching is
    case-insensitive substring matching. In the spam lexicon weight 2 means "never seen in
    real news" (a flagged word), weight 1 an ordinary word that only counts with others.
    Pass the path as a suite parameter ({"$PARAMETER": "spam_lexicon_path"}) so the
    suite stays data.
    """

    lexicon_path: Union[str, SuiteParameterDict]
    min_weight: Union[int, SuiteParameterDict] = 2

    map_metric: ClassVar[str] = "column_values.gaoxin_free_of_lexicon_words"
    success_keys: ClassVar[Tuple[str, ...]] = ("lexicon_path", "min_weight", "mostly")
    args_keys: ClassVar[Tuple[str, ...]] = ("column", "lexicon_path", "min_weight")

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        return _render(configuration, runtime_configuration,
                       "$column values must contain no word of weight >= $min_weight from the lexicon $lexicon_path.",
                       ("column", "lexicon_path", "min_weight"), {"min_weight": 2})


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Expect each value to be a finite number without a fractional part (e.g. ranks)."""

    map_metric: ClassVar[str] = "column_values.gaoxin_whole_number"
    success_keys: ClassVar[Tuple[str, ...]] = ("mostly",)
    args_keys: ClassVar[Tuple[str, ...]] = ("column",)

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None, **kwargs):
        return _render(configuration, runtime_configuration,
                       "$column values must be whole numbers.", ("column",))
