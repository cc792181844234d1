"""An unknown instrument id in a what-if lists the known ids when none is close."""
from __future__ import annotations

import pytest

from anpo.core.errors import InputError
from anpo.law import instruments, whatif


def test_an_unknown_instrument_lists_the_ids_a_shell_user_can_use() -> None:
    with pytest.raises(InputError) as caught:
        whatif._check_instrument("nosuch", "without")
    msg = str(caught.value)
    assert "us-japan-1960" in msg and "GET /v1/instruments" in msg
    assert all(i in msg for i in instruments.instruments())
