"""Japan's spending on U.S. forces: the SMA agreements, a yearly ledger of every budget line
MOD publishes (since JFY1978), comparisons, and a what-if calculator.

costs.ledger(by="year")            # rows: year | period | category | line | comparison
costs.what_if("JFY2022-2026", labor_cap=22000, utilities_share=0.5)
"""

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
