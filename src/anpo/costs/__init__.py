"""Japan's spending on U.S. forces: the SMA agreements, a yearly ledger of every budget line
MOD publishes (since JFY1978), comparisons, and a what-if calculator.

costs.ledger(by="year")            # rows: year | period | category | line | comparison
costs.what_if("JFY2022-2026", labor_cap=22000, utilities_share=0.5)
anpo.costs(by="year")              # the same rows as a DataFrame (the package is callable)
"""

import sys
from typing import Any

from anpo.costs.coverage import coverage, coverage_text
from anpo.costs.ledger import (
    VIEWS,
    agreements,
    categories,
    history,
    ledger,
    period,
    periods,
    rows_by_category,
    rows_by_line,
    rows_by_period,
    rows_by_year,
    sum_checks,
)
from anpo.costs.series import checks, comparisons, figures, lines
from anpo.costs.whatif import WhatIf, what_if

__all__ = [
    "VIEWS",
    "WhatIf",
    "agreements",
    "categories",
    "checks",
    "comparisons",
    "coverage",
    "coverage_text",
    "figures",
    "history",
    "ledger",
    "lines",
    "period",
    "periods",
    "rows_by_category",
    "rows_by_line",
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
