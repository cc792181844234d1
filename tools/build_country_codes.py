"""Derive the shipped table of ISO 3166-1 alpha-3 codes from pycountry (run by developers).

A country column holds small integers: a code's index in this sorted table (`anpo.core.codes`).
Reading the table from a shipped text file spares every process importing pycountry and
loading its JSON database (30-55 ms of CPU an `anpo where` or `anpo assess` process,
measured in alternating pairs against the code that imported pycountry).

pycountry's data is a copy of Debian's iso-codes (LGPL-2.1 or later); the derived table keeps
that license (`src/anpo/data/countries/NOTICE.md`).

Usage:  .venv/bin/python tools/build_country_codes.py          (writes the table)
        .venv/bin/python tools/build_country_codes.py --check  (exit 1 if it differs)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "anpo" / "data" / "countries" / "iso3166_alpha3.txt"


def pycountry_codes() -> list[str]:
    """Every alpha-3 code pycountry knows, sorted."""
    import pycountry

    return sorted({c.alpha_3 for c in pycountry.countries})


def shipped_codes(text: str) -> list[str]:
    """The codes of the table's text (comment lines skipped), as `anpo.core.codes` reads them."""
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def render() -> str:
    """The table's text: a header naming the source and license, then one code a line, sorted."""
    import importlib.metadata

    version = importlib.metadata.version("pycountry")
    codes = pycountry_codes()
    header = [
        "# ISO 3166-1 alpha-3 codes, sorted; a country's integer code in anpo is the index of its",
        "# code among these lines (ABW is 0).",
        f"# Derived by tools/build_country_codes.py from pycountry {version}, whose data is Debian's",
        "# iso-codes: LGPL-2.1 or later (NOTICE.md in this folder).",
    ]
    return "\n".join([*header, *codes]) + "\n"


def main() -> int:
    if "--check" in sys.argv[1:]:
        same = TABLE.exists() and shipped_codes(TABLE.read_text(encoding="ascii")) == pycountry_codes()
        print("up to date" if same else f"{TABLE} differs from pycountry: re-run without --check")
        return 0 if same else 1
    text = render()
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(text, encoding="ascii")
    print(f"wrote {TABLE} ({len(shipped_codes(text))} codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
