"""Japanese renderings of English data fields (`*_ja`), for the dashboard's Japanese page."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def has_japanese(text: str) -> bool:
    """True when `text` holds kana or kanji (a Japanese rendering, not a copy of the English)."""
    return bool(_JAPANESE.search(text))


def _japanese(text: str) -> str:
    if not text.strip() or not has_japanese(text):
        raise ValueError(f"a *_ja field must be Japanese text, not {text!r}")
    return text


# The Japanese rendering of an English field: optional in a schema, required of every shown row
# by tests, and never empty or without kana/kanji.
JaText = Annotated[str, AfterValidator(_japanese)]
