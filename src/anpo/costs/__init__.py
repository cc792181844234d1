"""Host-nation support: the SMA ledger and a what-if calculator.

costs.rows_by_period(); costs.rows_by_year(); costs.rows_by_category()
costs.what_if("2022-26", labor_cap=22000, utilities_share=0.5)
"""

import sys
from typing import Any

from anpo.costs.ledger import (
    categories,
    history,
    ledger,
    period,
    periods,
    rows_by_category,
    rows_by_period,
    rows_by_year,
    sum_checks,
)
from anpo.costs.whatif import WhatIf, what_if

__all__ = [
    "WhatIf",
    "categories",
    "history",
    "ledger",
    "period",
    "periods",
    "rows_by_category",
    "rows_by_period",
    "rows_by_year",
    "sum_checks",
    "what_if",
]


class _CallableModule(sys.modules[__name__].__class__):  # type: ignore[misc]
    # `anpo.costs` is both this package and the public function `anpo.costs(by=...)`: once the
    # package is imported, Python binds the name to the module, so the module itself answers calls.
    def __call__(self, by: str = "period") -> Any:
        from anpo.library import costs

        return costs(by)


sys.modules[__name__].__class__ = _CallableModule
