"""The evaluator on its own: ordering, declared reads, assumptions, traces."""

from __future__ import annotations

import numpy as np
import pytest

from anpo.core.errors import DataError
from anpo.law.engine import Columns, Condition, Ruleset


def _double(c: Columns) -> np.ndarray:
    return c["x"] * 2


def _positive(c: Columns) -> np.ndarray:
    return c["doubled"] > 0


def test_conditions_run_after_what_they_need() -> None:
    rs = Ruleset(
        ["x"], [Condition("positive", ("doubled",), _positive), Condition("doubled", ("x",), _double)]
    )
    assert [c.name for c in rs.conditions] == ["doubled", "positive"]
    ev = rs.evaluate({"x": np.array([-1, 2])})
    assert ev["positive"].tolist() == [False, True]


def test_a_cycle_is_an_error() -> None:
    with pytest.raises(DataError, match="cycle"):
        Ruleset(["x"], [Condition("a", ("b",), _double), Condition("b", ("a",), _double)])


def test_an_unknown_dependency_is_an_error() -> None:
    with pytest.raises(DataError, match="unknown"):
        Ruleset(["x"], [Condition("a", ("nope",), _double)])


def test_an_unknown_citation_is_an_error() -> None:
    with pytest.raises(DataError, match="provision"):
        Ruleset(["x"], [Condition("a", ("x",), _double, cites=("no-such/art-1",))])


def test_a_formula_cannot_read_what_it_does_not_declare() -> None:
    rs = Ruleset(["x", "y"], [Condition("a", ("y",), _double)])
    with pytest.raises(DataError, match="does not declare"):
        rs.evaluate({"x": np.array([1]), "y": np.array([1])})


def test_assumptions_propagate_to_dependents() -> None:
    rs = Ruleset(["x"], [
        Condition("doubled", ("x",), _double, assumed=lambda c: c["x"] > 1),
        Condition("positive", ("doubled",), _positive),
    ])
    ev = rs.evaluate({"x": np.array([1, 5])})
    assert [s.assumed for s in ev.trace(0)] == [False, False]
    assert [s.assumed for s in ev.trace(1)] == [True, True]


def test_trace_reads_the_batch_columns() -> None:
    rs = Ruleset(
        ["x"], [Condition("doubled", ("x",), _double), Condition("positive", ("doubled",), _positive)]
    )
    ev = rs.evaluate({"x": np.array([-3, 4])})
    steps = ev.trace(1)
    assert [(s.condition, s.value) for s in steps] == [("doubled", True), ("positive", True)]
