"""Host-nation support: the SMA ledger and a what-if calculator.

costs.rows_by_period(); costs.rows_by_year(); costs.rows_by_category()
costs.what_if("2022-26", labor_cap=22000, utilities_share=0.5)
"""

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
