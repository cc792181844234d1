"""Drawing a grid written by `anpo grid`: one determination per cell, one panel per date."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from anpo.core.errors import InputError
from anpo.core.files import save_png
from anpo.io.grid import read_grid_metadata

MAX_PANELS = 6
# Colours that read without relying on hue alone: the legend names every value.
PALETTE = {
    "applies": "#1b7837",
    "case_by_case": "#f1a340",
    "does_not_apply": "#d9d9d9",
    "true": "#1b7837",
    "false": "#d9d9d9",
}
OTHER = ["#2166ac", "#b2182b", "#762a83", "#5aae61", "#e08214", "#8c510a", "#4d4d4d"]


def write_grid_map(grid: str, out: str, *, field: str = "article5", date: str | None = None) -> Path:
    """Draw `field` of the grid Parquet file `grid` into the PNG `out` (written atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pyarrow.parquet as pq
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    meta = read_grid_metadata(grid)
    names = pq.read_schema(grid).names
    not_drawn = ("row", "col", "lat", "lon", "date", "geometry")  # the cell, not a determination
    if field not in names or field in not_drawn:
        choices = ", ".join(n for n in names if n not in not_drawn)
        raise InputError("--field", f"{field!r} is not a determination of this grid; accepted: {choices}")
    dates = [str(d) for d in meta["dates"]]  # type: ignore[attr-defined]
    if date is not None:
        if date not in dates:
            raise InputError("--date", f"{date} is not a date of this grid ({', '.join(dates)})")
        dates = [date]
    if len(dates) > MAX_PANELS:
        raise InputError("--date", f"the grid has {len(dates)} dates: pick one with --date")
    target = Path(out)
    if target.suffix.lower() != ".png":
        raise InputError("-o", "a grid map is a .png")
    if not target.parent.exists():
        raise InputError("-o", f"folder {str(target.parent)!r} does not exist")

    table = pq.read_table(grid, columns=["row", "col", "date", field])
    rows, cols = int(meta["rows"]), int(meta["cols"])  # type: ignore[call-overload]
    values = np.array([("" if v is None else str(v).lower()) for v in table.column(field).to_pylist()])
    categories = sorted(set(values.tolist()) - {""})
    code = {c: k for k, c in enumerate(categories)}
    colours = [PALETTE.get(c, OTHER[k % len(OTHER)]) for k, c in enumerate(categories)]
    row = table.column("row").to_numpy()
    col = table.column("col").to_numpy()
    day = np.array([d.isoformat() for d in table.column("date").to_pylist()])
    box = (float(meta["west"]), float(meta["east"]), float(meta["south"]), float(meta["north"]))  # type: ignore[arg-type]

    fig, axes = plt.subplots(1, len(dates), figsize=(4.2 * len(dates) + 1.5, 4.8), squeeze=False)
    for ax, d in zip(axes[0], dates, strict=True):
        sel = day == d
        image = np.full((rows, cols), np.nan)
        image[row[sel], col[sel]] = [code.get(v, np.nan) for v in values[sel]]
        ax.imshow(np.ma.masked_invalid(image), extent=box, origin="upper", interpolation="nearest",
                  cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5, aspect="auto")
        ax.set_title(d)
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    target_txt = meta.get("target") or "-"
    fig.suptitle(f"{field}: {meta['event']} on {target_txt}, U.S. action {meta['us_action']} "
                 f"({meta['step_km']} km cells)")
    fig.legend(handles=[Patch(color=c, label=n) for c, n in zip(colours, categories, strict=True)],
               loc="lower center", ncol=max(1, len(categories)), frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    return save_png(fig, target, dpi=110)
