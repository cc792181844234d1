"""Error types. An InputError names the field (and the row of a batch) and what is accepted."""

from __future__ import annotations


class AnpoError(Exception):
    """Base class of every error anpo raises on purpose."""


class InputError(AnpoError):
    """Bad input from a user: the CLI exits with code 2, the API answers 422."""

    def __init__(self, field: str, reason: str, row: int | None = None) -> None:
        self.field = field
        self.reason = reason
        self.row = row
        where = f"row {row}: " if row is not None else ""
        super().__init__(f"{where}{field}: {reason}")

    def at_row(self, row: int) -> InputError:
        """The same error, located in row `row` of a batch."""
        return InputError(self.field, self.reason, row)


class DataError(AnpoError):
    """Shipped data is missing or inconsistent: a bug in anpo, not in the input."""
