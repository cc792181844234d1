"""SDF Act provisions the blockade model reads: counter-piracy (2009) and mine removal (Art. 99,
numbered 84-2 from 2007), each in force and numbered by date, and switched off by a what-if."""

from __future__ import annotations

import datetime as dt

import pytest

from anpo.core.dates import FOREVER, to_day
from anpo.law import instruments
from anpo.law.japan import numbered
from anpo.law.whatif import Timeline, WhatIf

MINES = ("jp-sdf-act/art-99", "jp-sdf-act/art-84-2")


def _day(iso: str) -> int:
    return int(to_day(dt.date.fromisoformat(iso)))


@pytest.mark.parametrize(
    ("pid", "since"),
    [("jp-sdf-act/art-82-2/piracy", "2009-07-24"), ("jp-sdf-act/art-99", "1954-07-01"),
     ("jp-sdf-act/art-84-2", "2007-01-09")],
)  # fmt: skip
def test_provision_dates(pid: str, since: str) -> None:
    assert Timeline().provision_day(pid) == _day(since)
    assert instruments.cite(pid).version == since
    assert instruments.provision(pid).paraphrase


@pytest.mark.parametrize(
    ("date", "number"),
    [
        ("1991-04-24", "jp-sdf-act/art-99"),
        ("2007-01-08", "jp-sdf-act/art-99"),
        ("2007-01-09", "jp-sdf-act/art-84-2"),
    ],
)
def test_mine_removal_numbered_by_date(date: str, number: str) -> None:
    assert numbered(Timeline(), MINES, _day(date)) == number


def test_without_the_sdf_act_no_counter_piracy_provision() -> None:
    off = Timeline(WhatIf.parse(without=["jp-sdf-act"]))
    assert off.provision_day("jp-sdf-act/art-82-2/piracy") == FOREVER


def test_unverified_numbering_is_labelled() -> None:
    assert instruments.confidence("jp-sdf-act/art-84-2") == "unverified"
    assert instruments.confidence("jp-sdf-act/art-82-2/piracy") == "partly"
