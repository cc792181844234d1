"""Enumerations and their integer codes, so that columns are small integer arrays."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from functools import cache

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError

NULL = -1  # integer code of a missing value in every code column


class Event(IntEnum):
    """What happens in a scenario."""

    none = 0
    armed_attack = 1
    cyber_attack = 2
    space_attack = 3
    gray_zone = 4
    missile_inbound = 5
    # Tension in which an armed attack on the target is anticipated, none having occurred.
    armed_attack_anticipated = 6
    # A disaster, riot or other emergency abroad endangering Japanese nationals there (target:
    # the country where it happens).
    emergency_abroad = 7


# Events that happen at a place and therefore need lat/lon.
LOCATED_EVENTS = frozenset({Event.armed_attack, Event.gray_zone, Event.missile_inbound})


class UsAction(IntEnum):
    """A U.S. action whose legal conditions a scenario asks about."""

    none = 0
    combat_operations_from_japan = 1
    major_deployment_change = 2
    major_equipment_change = 3


class OperationArea(IntEnum):
    """Where U.S. combat operations launched from Japan are directed (scenario `operation_area`).

    Named so that the Article VI "Far East" test can be applied (the 1960 government view);
    `none` means not stated (the law then reads the area from the place, if one is given).
    """

    none = 0
    japan = 1
    korea = 2
    taiwan = 3
    philippines = 4
    south_china_sea = 5
    middle_east = 6
    indian_ocean = 7
    elsewhere = 8


class Zone(IntEnum):
    """Where a point lies, as far as administration is concerned."""

    land = 0
    territorial_sea = 1
    outside = 2


class Article5Status(IntEnum):
    does_not_apply = 0
    applies = 1
    case_by_case = 2


class RearAreaSupport(IntEnum):
    none = 0
    areas_surrounding_japan = 1
    important_influence = 2


class Treaty(StrEnum):
    t1951 = "1951"
    t1960 = "1960"


def enum_from_name(enum: type[IntEnum], value: object, field: str) -> IntEnum:
    """Strictly parse an enum member from its name; InputError lists what is accepted."""
    if not isinstance(value, str):
        raise InputError(field, f"expected a string, got {type(value).__name__}")
    try:
        return enum[value]
    except KeyError:
        accepted = ", ".join(m.name for m in enum)
        raise InputError(field, f"unknown value {value!r}; accepted: {accepted}") from None


COUNTRY_TABLE = "countries/iso3166_alpha3.txt"


@cache
def iso3_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-3 code, sorted: a country's integer code is its index here.

    Read from the shipped table that `tools/build_country_codes.py` derives from pycountry,
    so that no process imports pycountry and loads its database (30-55 ms of CPU a process)."""
    from anpo import data  # reads YAML: kept off this module's import path

    text = data.path(COUNTRY_TABLE).read_text(encoding="ascii")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _iso3_index() -> dict[str, int]:
    return {c: i for i, c in enumerate(iso3_codes())}


def country_code(alpha3: str) -> int:
    """Integer code of an ISO 3166-1 alpha-3 country code (KeyError if unknown)."""
    return _iso3_index()[alpha3]


def country_name(code: int) -> str | None:
    """ISO-3 string of an integer country code; None for NULL."""
    return None if code == NULL else iso3_codes()[code]


def country_names(codes: npt.NDArray[np.int16]) -> list[str | None]:
    """ISO-3 strings of a column of country codes."""
    table = iso3_codes()
    return [None if c == NULL else table[c] for c in codes.tolist()]


def parse_country(value: object, field: str) -> str:
    """Validate an ISO 3166-1 alpha-3 code such as JPN, USA, TWN."""
    if not isinstance(value, str):
        raise InputError(field, f"expected an ISO 3166-1 alpha-3 code, got {type(value).__name__}")
    if value not in _iso3_index():
        raise InputError(field, f"{value!r} is not an ISO 3166-1 alpha-3 code (e.g. JPN, USA, TWN)")
    return value


JPN = "JPN"
USA = "USA"
