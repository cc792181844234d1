"""Law tests build Place columns directly: they are the law's real input, not a mock."""

from __future__ import annotations

import pytest
from law_places import law_context

from anpo.law.common import LawContext


@pytest.fixture(scope="session")
def context() -> LawContext:
    return law_context()
