"""The evaluator: named, cited conditions over columns, in dependency order.

A `Condition` is one legal concept (`article5_applies`, `survival_threatening_situation`)
computed by a vectorized formula over whole columns. A `Ruleset` orders conditions by their
declared dependencies and evaluates them once over a batch; an `Evaluation` holds every
column, and its `trace(i)` is the explanation of row i read off the same columns, so the
explanation can never disagree with the batch result.

This module knows no instrument: citations are provision ids, checked against the shipped
instruments when a ruleset is built.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from anpo import __version__, data
from anpo.core.errors import DataError
from anpo.core.heap import keep_freed_blocks
from anpo.law import instruments

Column = npt.NDArray[Any]
Formula = Callable[["Columns"], Column]
RowFunction = Callable[["Row"], Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Condition:
    """One legal concept, computed over columns.

    `labels` names the integer codes of a categorical condition (code i -> labels[i]); a
    condition without labels is boolean. `assumed` returns the rows where the condition's
    own value rests on a judgment stated under `assume`; results built on such rows are
    marked assumed too. `requires` lists the conditions that must all hold for a positive
    result, so an explanation can name the one that blocks it; `negative` is the value
    (code) that counts as not holding, for categorical conditions. `cite_row` adds citations
    that depend on the row (a reversion, a statement made after some date), and `hint` says
    what would change the condition when it blocks a result.
    """

    name: str
    needs: tuple[str, ...]
    formula: Formula
    cites: tuple[str, ...] = ()
    doc: str = ""
    labels: tuple[str, ...] | None = None
    assumed: Formula | None = None
    requires: tuple[str, ...] = ()
    negative: int = 0
    cite_row: RowFunction | None = None
    hint: RowFunction | None = None


class Columns(Mapping[str, Column]):
    """What a formula sees: only the columns it declared, plus the static context.

    `shared` holds columns derived from the inputs that several formulas read (`day >= d`
    for the same date, `target == Japan`): the first formula that asks makes one, the others
    of the same evaluation get that one (`Columns.shared`)."""

    def __init__(self, values: Mapping[str, Column], allowed: frozenset[str], context: Any,
                 shared: dict[Hashable, Any] | None = None) -> None:
        self._values = values
        self._allowed = allowed
        self.context = context
        self._shared: dict[Hashable, Any] = {} if shared is None else shared

    def __getitem__(self, name: str) -> Column:
        if name not in self._allowed:
            raise DataError(f"formula reads {name!r}, which it does not declare in `needs`")
        return self._values[name]

    def shared(self, key: Hashable, make: Callable[[], T], uses: int = 0) -> T:
        """`make()`, made once per evaluation for `key`. The key must name what the value is
        made of, and the caller reads those columns through this mapping first (so `needs`
        is still checked). An array made here is read-only: formulas share it, so one that
        changes it in place would change it for all (numpy raises instead).

        `uses`: how many formulas ask for it; the evaluation lets go of it after the last
        (made again if asked once more). A column kept to the end of an evaluation costs
        more in the CPU's caches than a comparison or two saves: share whole columns only
        between formulas evaluated close together, with `uses` (0: kept to the end)."""
        entry = self._shared.get(key)
        if entry is None:
            value = make()
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            entry = self._shared[key] = [value, uses]
        if entry[1]:
            entry[1] -= 1
            if not entry[1]:
                del self._shared[key]
        return cast(T, entry[0])

    def __iter__(self) -> Iterator[str]:
        return iter(self._allowed)

    def __len__(self) -> int:
        return len(self._allowed)


@dataclass(frozen=True)
class Step:
    """One line of an explanation."""

    condition: str
    value: Any
    citation: tuple[str, ...]
    assumed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "value": self.value,
            "citation": list(self.citation),
            "assumed": self.assumed,
        }


class Ruleset:
    """Conditions in dependency order over a fixed set of input columns."""

    def __init__(self, inputs: Iterable[str], conditions: Sequence[Condition],
                 unremembered: Iterable[str] = ()) -> None:
        """`unremembered`: inputs that take too many values for a condition that reads one
        to be worth remembering on a few rows (`_FewRows`), such as the day."""
        self.inputs = tuple(inputs)
        by_name: dict[str, Condition] = {}
        for c in conditions:
            if c.name in by_name or c.name in self.inputs:
                raise DataError(f"condition {c.name!r} defined twice")
            by_name[c.name] = c
        known = set(self.inputs) | set(by_name)
        for c in conditions:
            for dep in (*c.needs, *c.requires):
                if dep not in known:
                    raise DataError(f"condition {c.name!r} needs unknown {dep!r}")
            for pid in c.cites:
                instruments.cite(pid)  # DataError on an id the instruments do not define
        self.conditions = self._ordered(conditions, by_name)
        self.by_name = {c.name: c for c in self.conditions}
        self._needs = {c.name: frozenset(c.needs) for c in self.conditions}
        skip = frozenset(unremembered)
        self._remembered = frozenset(c.name for c in self.conditions if not skip & self._needs[c.name])
        self._few = _FewRows(None)

    def _ordered(
        self, conditions: Sequence[Condition], by_name: dict[str, Condition]
    ) -> tuple[Condition, ...]:
        # Depth-first in declaration order: a condition follows what it needs, and otherwise
        # keeps the order in which the law modules declare it (the order of explanations).
        done: dict[str, bool] = {}
        out: list[Condition] = []

        def visit(c: Condition) -> None:
            state = done.get(c.name)
            if state is True:
                return
            if state is False:
                raise DataError(f"dependency cycle through {c.name!r}")
            done[c.name] = False
            for dep in c.needs:
                if dep in by_name:
                    visit(by_name[dep])
            done[c.name] = True
            out.append(c)

        for c in conditions:
            visit(c)
        return tuple(out)

    def evaluate(self, inputs: Mapping[str, Column], context: Any = None) -> Evaluation:
        """Evaluate every condition over the batch of input columns."""
        missing = [name for name in self.inputs if name not in inputs]
        if missing:
            raise DataError(f"missing input columns: {missing}")
        values: dict[str, Column] = {name: inputs[name] for name in self.inputs}
        if self.inputs and len(values[self.inputs[0]]) >= LONG_COLUMN_ROWS:
            reuse_freed_memory()
        assumed: dict[str, Column | None] = {}
        shared: dict[Hashable, Any] = {}
        few = self._few_rows(values, context)
        read: dict[str, tuple[Any, ...] | None] = {}  # each column's type, shape, bytes, once
        for c in self.conditions:
            key = few.key(c, values, read) if few is not None and c.name in self._remembered else None
            got = few.results.get(key) if few is not None and key is not None else None
            if got is not None:  # the same columns in, the same context: the same columns out
                value, mask = got[0].copy(), (None if got[1] is None else got[1].copy())
                values[c.name] = value
            else:
                cols = Columns(values, self._needs[c.name], context, shared)
                value = c.formula(cols)
                mask = c.assumed(cols) if c.assumed is not None else None
                if few is not None and key is not None:
                    few.keep(key, value, mask)
                # A shared column returned as it is: the evaluation keeps its own, writable copy.
                values[c.name] = value if value.flags.writeable else value.copy()
            # A result rests on an assumption if its own formula used one or a dependency did.
            # (On a few rows count_nonzero: a C call, where `any` goes through Python.)
            if mask is not None and not (np.count_nonzero(mask) if mask.size < _FEW_ROWS else mask.any()):
                mask = None  # no row assumed (the usual batch): nothing to carry to dependents
            for dep in c.needs:
                dep_mask = assumed.get(dep)
                if dep_mask is not None:
                    mask = dep_mask if mask is None else (mask | dep_mask)
            assumed[c.name] = mask
        return Evaluation(self, values, assumed, context)

    def _few_rows(self, values: Mapping[str, Column], context: Any) -> _FewRows | None:
        """The remembered results for this context, on a batch of a few rows; else None."""
        if not self.inputs or not self._remembered or not 0 < len(values[self.inputs[0]]) <= FEW_ROWS:
            return None
        few = self._few
        if few.context is not context:  # (a thread still on the old one keeps its own table)
            few = self._few = _FewRows(context)
        return few


# On a batch of up to this many rows (the server's single requests) a condition's result is
# remembered by the bytes of the columns it reads: each formula is a function of its declared
# columns and the context alone (`Columns` allows no other), and on a row or two the numpy
# calls' overhead, not the rows, is its cost, so a row whose inputs were seen before (the same
# event, target, zone, or the same values of the conditions before it) is not computed again.
# Conditions that read an input with too many values (the day) are always computed.
FEW_ROWS = 8
FEW_ROWS_KEPT = 1 << 15  # results kept for one context (all forgotten when full)


class _FewRows:
    """Results of conditions on a few rows, by (condition, the bytes and types of the columns
    it reads), for one context."""

    __slots__ = ("context", "results")

    def __init__(self, context: Any) -> None:
        self.context = context
        self.results: dict[Hashable, tuple[Column, Column | None]] = {}

    @staticmethod
    def key(c: Condition, values: Mapping[str, Column], read: dict[str, tuple[Any, ...] | None]
            ) -> Hashable | None:
        """(the condition, the type and bytes of each column it reads), or None."""
        parts = []
        for name in c.needs:
            part = read.get(name)
            if part is None:
                if name in read:
                    return None
                v = values[name]
                # (an object column's bytes are pointers, not values: never remembered)
                part = read[name] = None if v.dtype.hasobject else (v.dtype.str, v.shape, v.tobytes())
                if part is None:
                    return None
            parts.append(part)
        return c.name, tuple(parts)

    def keep(self, key: Hashable, value: Column, mask: Column | None) -> None:
        if len(self.results) >= FEW_ROWS_KEPT:
            self.results.clear()
        self.results[key] = value.copy(), (None if mask is None else np.array(mask, copy=True))


# From this many rows a column's temporaries are large enough (a MB and more) that the C
# allocator hands them back to the system when freed (`reuse_freed_memory`).
LONG_COLUMN_ROWS = 1 << 16
_FEW_ROWS = 64


def reuse_freed_memory() -> bool:
    """Let glibc's malloc keep freed blocks of up to 32 MB for reuse (once a process).

    The law's formulas make a few hundred whole-column temporaries per batch. By default
    glibc serves blocks this large with fresh pages from the system and returns them when
    they are freed, so every temporary paid a page fault per 4 KB on first write: about
    8,000 faults and a third of the law-only pass's CPU time at a million rows
    (docs/scale.md). With these two settings the freed blocks stay in the heap and the
    next temporaries reuse them: same values, no faults. The process keeps up to 256 MB
    of freed memory for reuse instead of returning it. False where there is no glibc."""
    return keep_freed_blocks()


@dataclass
class Row:
    """One row of an evaluation, as the `cite_row` and `hint` functions see it."""

    evaluation: Evaluation
    index: int

    def __getitem__(self, name: str) -> Any:
        return self.evaluation.values[name][self.index].item()

    @property
    def context(self) -> Any:
        return self.evaluation.context


@dataclass
class Evaluation:
    """Every input and condition column of one evaluated batch."""

    ruleset: Ruleset
    values: dict[str, Column]
    assumed_masks: dict[str, Column | None]
    context: Any = field(default=None)

    def __len__(self) -> int:
        first = self.ruleset.inputs[0]
        return len(self.values[first])

    def __getitem__(self, name: str) -> Column:
        return self.values[name]

    def assumed(self, name: str, i: int) -> bool:
        mask = self.assumed_masks[name]
        return bool(mask[i]) if mask is not None else False

    def row(self, i: int) -> Row:
        return Row(self, i)

    def value(self, name: str, i: int) -> Any:
        """A condition's value in row i: a bool, or the label of a categorical code."""
        c = self.ruleset.by_name[name]
        raw = self.values[name][i].item()
        return c.labels[raw] if c.labels is not None else bool(raw)

    def holds(self, name: str, i: int) -> bool:
        """Whether a condition holds (is not its negative value) in row i."""
        c = self.ruleset.by_name[name]
        raw = self.values[name][i].item()
        return raw != c.negative if c.labels is not None else bool(raw)

    def citations(self, name: str, i: int) -> tuple[str, ...]:
        c = self.ruleset.by_name[name]
        extra: tuple[str, ...] = c.cite_row(self.row(i)) if c.cite_row is not None else ()
        return tuple(dict.fromkeys((*c.cites, *extra)))

    def trace(self, i: int, names: Iterable[str] | None = None) -> list[Step]:
        """The explanation of row i: each condition, its value, citations, and assumption mark."""
        wanted = None if names is None else set(names)
        return [
            Step(c.name, self.value(c.name, i), self.citations(c.name, i), self.assumed(c.name, i))
            for c in self.ruleset.conditions
            if wanted is None or c.name in wanted
        ]

    def blockers(self, name: str, i: int) -> list[str]:
        """The required conditions that do not hold in row i, in evaluation order."""
        c = self.ruleset.by_name[name]
        return [r for r in c.requires if not self.holds(r, i)]

    def hint(self, name: str, i: int) -> str | None:
        c = self.ruleset.by_name[name]
        return c.hint(self.row(i)) if c.hint is not None else None


def ruleset_sha256(sources: Sequence[Path]) -> str:
    """SHA-256 over the shipped instruments and the law's source files."""
    h = hashlib.sha256(data.tree_sha256("instruments").encode())
    for p in sorted(sources):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def input_sha256(canonical: Any) -> str:
    """SHA-256 of the canonical JSON of a parsed input."""
    import json

    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def receipt(ruleset_hash: str, canonical_input: Any) -> dict[str, str]:
    """What an answer needs to be reproduced: versions and hashes."""
    return {
        "anpo_version": __version__,
        "ruleset_sha256": ruleset_hash,
        "data_sha256": data.data_sha256(),
        "input_sha256": input_sha256(canonical_input),
    }
