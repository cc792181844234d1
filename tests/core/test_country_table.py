"""The shipped country-code table is pycountry's alpha-3 codes, and reading it loads no pycountry."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from anpo import data
from anpo.core.codes import COUNTRY_TABLE, country_code, country_name, iso3_codes, parse_country
from anpo.core.errors import InputError

_TOOL = Path(__file__).resolve().parents[2] / "tools" / "build_country_codes.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_country_codes", _TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_is_pycountrys_codes_sorted() -> None:
    tool = _tool()
    codes = iso3_codes()
    assert list(codes) == tool.pycountry_codes()  # the integer codes pycountry would have given
    assert list(codes) == sorted(set(codes)) and all(len(c) == 3 and c.isupper() for c in codes)
    assert list(codes) == tool.shipped_codes(data.path(COUNTRY_TABLE).read_text(encoding="ascii"))


def test_codes_round_trip() -> None:
    for iso in ("JPN", "USA", "TWN", "CHN", "KOR", "PRK", "ZWE", "ABW"):
        assert country_name(country_code(iso)) == iso
    assert country_code("ABW") == 0
    with pytest.raises(KeyError):
        country_code("XXX")
    with pytest.raises(InputError, match="target"):
        parse_country("Japan", "target")


def test_country_codes_load_no_pycountry() -> None:
    probe = ("import sys; from anpo.core.codes import country_code, country_name; "
             "assert country_name(country_code('JPN')) == 'JPN'; print('pycountry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip() == "False"
