"""Plot of host-nation support over time, by category (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from anpo.core.errors import InputError  # noqa: E402
from anpo.core.files import save_png
from anpo.costs.ledger import categories, history, rows_by_year  # noqa: E402

COLORS = {
    "labor": "#4c72b0",
    "utilities": "#dd8452",
    "training_relocation": "#55a868",
    "training_equipment": "#8172b3",
    "fip": "#c44e52",
    "labor_welfare": "#937860",
}


def _amount(row: dict[str, object], category: str) -> float:
    value = row.get(f"{category}_jpy_bn")
    return float(value) if isinstance(value, int | float) else 0.0


def _total(row: dict[str, object]) -> float:
    value = row.get("hns_total_jpy_bn")
    return float(value) if isinstance(value, int | float) else 0.0


def plot_hns(out: str | Path) -> Path:
    """Write a PNG: stacked budget categories where verified, agreed levels as markers,
    missing years left empty, and the annotated history points."""
    target = Path(out)
    if target.suffix.lower() != ".png":
        raise InputError("plot", f"expected a .png file name, got {str(out)!r}")
    if not target.parent.exists():
        raise InputError("plot", f"folder {str(target.parent)!r} does not exist")
    rows = rows_by_year(1978, 2026)
    fig, ax = plt.subplots(figsize=(11, 5.5))
    years = [int(str(r["jfy"])) for r in rows]
    bottom = [0.0] * len(rows)
    for c in categories():
        vals = [_amount(r, c.id) if r["categories_add_up"] else 0.0 for r in rows]
        if any(vals):
            ax.bar(years, vals, bottom=bottom, color=COLORS[c.id], label=c.id.replace("_", " "))
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    agreed = [
        (y, _total(r))
        for y, r in zip(years, rows, strict=True)
        if not r["categories_add_up"] and r["hns_total_jpy_bn"] is not None
    ]
    if agreed:
        ax.plot(
            [a for a, _ in agreed],
            [b for _, b in agreed],
            "k_",
            markersize=14,
            mew=2,
            label="total without a verified category split (budget, agreed level or average)",
        )
    for key, style, label in (
        ("stationing_total_jpy_bn", "s", "stationing-related costs (HNS + rent, neighbourhood, other)"),
        ("mod_usfj_total_jpy_bn", "^", "all U.S.-forces-related costs in MOD's budget"),
        ("gov_usfj_total_jpy_bn", "x", "all ministries, as the government stated it"),
    ):
        pts = [(y, float(str(r[key]))) for y, r in zip(years, rows, strict=True) if r[key] is not None]
        if pts:
            ax.plot([a for a, _ in pts], [b for _, b in pts], style, color="grey", ms=5, label=label)
    for h in history():
        ax.axvline(h.jfy, color="grey", lw=0.6, ls=":")
        ax.annotate(
            h.label.split("(")[0].split(":")[0].strip()[:40],
            (h.jfy, 5),
            rotation=90,
            fontsize=7,
            color="grey",
            xytext=(2, 0),
            textcoords="offset points",
        )
    ax.set_xlabel("Japanese fiscal year")
    ax.set_ylabel("JPY billion")
    ax.set_title("Japan's spending on U.S. forces by JFY (gaps = no figure anpo can source)")
    top = max([b for b in bottom] + [_total(r) for r in rows] + [
        float(str(r[k])) for r in rows for k in ("stationing_total_jpy_bn", "mod_usfj_total_jpy_bn",
                                                 "gov_usfj_total_jpy_bn") if r[k] is not None])
    ax.set_ylim(0, top * 1.55)  # room above the data for the legend
    ax.legend(fontsize=8, loc="upper left", ncol=2)
    ax.set_xlim(1976, 2028)
    fig.tight_layout()
    return save_png(fig, target, dpi=110)
