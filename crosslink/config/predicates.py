"""Spark SQL predicates in the config (rules.yaml `when`, routing.yaml `match.when`): checked
for unknown columns, functions and params without starting Spark, and filled with params."""

from __future__ import annotations

import re

# Words of a Spark SQL predicate that are neither columns nor params. Deliberately short: a
# predicate that needs more is probably doing too much for a screening rule.
_SQL_WORDS = frozenset({
    "and", "or", "not", "in", "is", "null", "true", "false", "between", "like", "rlike",
    "case", "when", "then", "else", "end", "cast", "as", "int", "bigint", "double", "string",
    "boolean", "date", "distinct", "from"})
_SQL_FUNCTIONS = frozenset({
    "coalesce", "greatest", "least", "abs", "round", "floor", "ceil", "nvl", "ifnull", "if",
    "nullif", "isnull", "isnotnull", "sqrt", "ln", "log", "log10", "exp", "pow", "power",
    "array_contains", "size", "lower", "upper", "length", "datediff", "cast"})
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDlLfF]?")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def predicate_problems(expression: str, columns: set[str] | frozenset[str],
                       params: dict | None = None) -> list[str]:
    """What is wrong with a SQL predicate, without Spark: `{name}` params that do not exist,
    and identifiers that are neither columns, SQL words, known functions nor params.

    A cheap guard against typos (`holds_crdit_card`), not a parser: string and number literals
    are skipped, a word followed by `(` must be a known function, any other word a column.
    """
    params = params or {}
    problems = [f"unknown param {{{name}}} (params: {sorted(params)})"
                for name in _PARAM.findall(expression) if name not in params]
    text = _PARAM.sub(" 0 ", expression)
    text = _STRING_LITERAL.sub(" '' ", text).replace("`", " ")
    text = _NUMBER.sub(" 0 ", text)
    for match in IDENTIFIER.finditer(text):
        word = match.group(0)
        lower = word.lower()
        called = text[match.end():].lstrip().startswith("(")
        if lower in _SQL_WORDS:
            continue
        if called:
            if lower not in _SQL_FUNCTIONS:
                problems.append(f"unknown function {word}() (known: {sorted(_SQL_FUNCTIONS)})")
        elif word not in columns:
            problems.append(f"unknown column {word!r}")
    return list(dict.fromkeys(problems))


def fill_params(expression: str, params: dict[str, float]) -> str:
    """The predicate with every `{name}` replaced by its number."""
    def _number(match: re.Match) -> str:
        value = params[match.group(1)]
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    return _PARAM.sub(_number, expression)
