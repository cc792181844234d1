"""The citation every row of the Okinawa, realignment and governance datasets carries.

`source` names the publisher's document; `url` is its official page (empty where the exact
address is not known: never guessed); `read_from` names the copy actually read. A source must
not be a local path, a `url` must be on the publisher list (`anpo.core.source`, the same rule
every dataset follows), and `confirmed` needs a primary publisher's `url` to check. Errors
name the file, the row (by id or position) and the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from anpo.core.errors import DataError
from anpo.core.source import host_of, is_primary, publisher_of
from anpo.posture.schema import Confidence

M = TypeVar("M", bound=BaseModel)


def check_reference(text: str, field: str) -> None:
    """A source, url or read_from must not be a local path; a url must be http(s)."""
    if text.startswith(("../", "./", "/", "~")) or "shared/reference" in text:
        raise ValueError(f"{field} is a local path ({text!r}): cite the publisher")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Cited(Strict):
    source: str
    url: str = ""
    read_from: str | None = None
    confidence: Confidence

    @model_validator(mode="after")
    def _citation(self) -> Cited:
        if not self.source.strip():
            raise ValueError("source is empty")
        check_reference(self.source, "source")
        if self.read_from is not None:
            check_reference(self.read_from, "read_from")
        if self.url:
            check_reference(self.url, "url")
            if not self.url.startswith(("http://", "https://")):
                raise ValueError(f"url {self.url!r} is not an http(s) address")
            if publisher_of(self.url) is None:
                raise ValueError(f"url host {host_of(self.url)!r} is a copy, not a publisher (not on "
                                 "data/publishers.yaml): put it in read_from")
        if self.confidence == "confirmed" and not (self.url and is_primary(self.url)):
            raise ValueError("confidence 'confirmed' needs the publisher's url it was checked against")
        return self


def row_label(raw: Any, index: int) -> str:
    """How an error names a row: its id where it has one, else its position."""
    if isinstance(raw, dict) and "id" in raw:
        return f"{raw['id']}"
    return f"row {index}"


def validate_file(model: type[M], raw: object, name: str) -> M:
    """Validate a parsed file; DataError names the file, the row (id or position) and the field."""
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        loc = list(first["loc"])
        parts: list[str] = []
        node: Any = raw
        for step in loc:
            if isinstance(step, int) and isinstance(node, list) and step < len(node):
                parts.append(row_label(node[step], step))
                node = node[step]
            else:
                parts.append(str(step))
                node = node.get(step) if isinstance(node, dict) else None
        raise DataError(f"{name}: {'.'.join(parts)}: {first['msg']}") from None
