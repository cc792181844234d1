"""SOFA Article XVII: criminal jurisdiction and custody for incidents (`anpo incident`).

Read the law, then its condition: every rule below is a named condition over columns, each
with the provisions it rests on and the sentence the explanation prints when it holds or
fails. The explanation of a row is the trace of the same evaluation (one evaluator).

- Before 1960-06-23 the 1952 Administrative Agreement governed; anpo does not model it.
- Art. XVII paras 1-2: exclusive jurisdiction when only one state's law punishes the act.
- Art. XVII para 3: concurrent jurisdiction, primary right, official duty (with the
  commander's certificate of the Agreed Minutes), waiver with "sympathetic consideration".
- Art. XVII para 5(c): a member or civilian-component member in U.S. hands stays in U.S.
  custody until Japan indicts; the Joint Committee understandings of 1995 and 2004 say how
  the U.S. answers a Japanese request for transfer before indictment.
- 2011-11-23: on-duty offenses by the civilian component (30-day request window).
- 2017-01-16: supplementary agreement on who counts as civilian component.

Where U.S. law outside the SOFA limits whether the U.S. can actually try a civilian (no
peacetime courts-martial over civilians; MEJA as the federal route), the explanation says
so with a source, without deciding the case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import __version__, data
from anpo.core.citation import Citation
from anpo.core.codes import NULL, enum_from_name
from anpo.core.dates import parse_date, to_day
from anpo.core.errors import InputError
from anpo.law import sofa_place
from anpo.law.instruments import cite, confidence

# --------------------------------------------------------------------------- vocabulary


class Accused(IntEnum):
    member = 0
    civilian_component = 1
    dependent = 2


class PunishableUnder(IntEnum):
    japan = 0
    us = 1
    both = 2


class Heinous(IntEnum):
    murder = 1
    rape = 2


class Victim(IntEnum):
    us_government = 0  # property or security of the United States
    us_person = 1  # another member, civilian-component member or dependent
    japanese_person = 2
    japanese_property = 3
    other = 4


class State(IntEnum):
    us = 0
    japan = 1


class Harm(IntEnum):
    other = 0
    death = 1
    life_threatening_injury = 2
    permanent_disability = 3


class Regime(IntEnum):
    administrative_agreement = 0
    sofa_1960 = 1
    us_administration = 2  # the place was under U.S. administration: the SOFA did not reach it


class Jurisdiction(IntEnum):
    exclusive_us = 0
    exclusive_japan = 1
    concurrent = 2


class CustodyRule(IntEnum):
    us_until_indictment = 0  # para 5(c)
    japan_holds = 1  # Japan arrested the accused and is to exercise jurisdiction
    hand_over_to_japan = 2  # dependent in U.S. hands: 5(c) does not name dependents; 5(a)
    us_jurisdiction = 3  # the U.S. is to exercise jurisdiction


class Consideration(IntEnum):
    none = 0  # no understanding in force: the U.S. keeps custody until indictment
    full_account = 1
    sympathetic_consideration = 2
    depends_on_harm = 3  # 2011 framework when the harm caused is not stated


# --------------------------------------------------------------------------- dated rules

SOFA = "us-japan-sofa-1960"
MINUTES = "us-japan-sofa-1960-agreed-minutes"
JC1995 = "sofa-jc-1995-custody"
JC2004 = "sofa-jc-2004-custody"
JC2011 = "sofa-jc-2011-civilian-component"
SA2017 = "us-japan-sofa-2017-civilian-component"
ARTICLE_III = "treaty-of-peace-1951/art-3"


@cache
def _start(instrument: str) -> int:
    """Day number from which an instrument applies (its `in_force` in the shipped data)."""
    from anpo.law.instruments import instruments

    return to_day(instruments()[instrument].in_force)


# Legal limits outside the SOFA that decide whether the U.S. can use a right in practice.
# Court decisions are not instruments in anpo's catalog (no `decision` kind yet), so their
# sources and confidence are recorded here, next to the sentence that uses them.
@dataclass(frozen=True)
class OutsideSource:
    id: str
    title: str
    url: str
    confidence: str


REID_V_COVERT = OutsideSource(
    "us-scotus/reid-v-covert-1957",
    "Reid v. Covert, 354 U.S. 1 (1957)",
    "https://supreme.justia.com/cases/federal/us/354/1/",
    "confirmed",
)
KINSELLA_V_SINGLETON = OutsideSource(
    "us-scotus/kinsella-v-singleton-1960",
    "Kinsella v. Singleton, 361 U.S. 234 (1960)",
    "https://supreme.justia.com/cases/federal/us/361/234/",
    "partly",  # citation from memory; not re-checked against the report
)
MEJA = OutsideSource(
    "us-code/18-usc-3261",
    "Military Extraterritorial Jurisdiction Act of 2000, Pub. L. 106-523, 18 U.S.C. 3261-3267",
    "https://www.govinfo.gov/link/plaw/106/public/523?link-type=html",
    "confirmed",
)
MEJA_ENACTED = dt.date(2000, 11, 22)

# --------------------------------------------------------------------------- input

INCIDENT_FIELDS = (
    "id", "date", "accused", "offense", "punishable_under", "heinous", "official_duty",
    "duty_certificate", "victim", "harm", "custody", "lat", "lon",
)
REQUIRED = ("date", "accused", "offense", "punishable_under", "official_duty", "victim", "custody")


@dataclass(frozen=True)
class Incident:
    """An offense of which a member, civilian-component member or dependent is accused."""

    date: dt.date
    accused: Accused
    offense: str
    punishable_under: PunishableUnder
    official_duty: bool
    victim: Victim
    custody: State
    heinous: Heinous | None = None
    duty_certificate: bool = False
    harm: Harm | None = None
    lat: float | None = None
    lon: float | None = None
    id: str | None = None

    def to_input_dict(self) -> dict[str, Any]:
        """The incident as the user would write it (echoed and hashed for the receipt)."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out.update(
            date=self.date.isoformat(),
            accused=self.accused.name,
            offense=self.offense,
            punishable_under=self.punishable_under.name,
            heinous=None if self.heinous is None else self.heinous.name,
            official_duty=self.official_duty,
            duty_certificate=self.duty_certificate,
            victim=self.victim.name,
            harm=None if self.harm is None else self.harm.name,
            custody=self.custody.name,
        )
        if self.lat is not None:
            out["lat"], out["lon"] = self.lat, self.lon
        return out


def _boolean(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(name, f"expected true or false, got {type(value).__name__}")
    return value


def _number(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(name, f"expected a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(name, f"{value} is outside [{low:g}, {high:g}]")
    return number


def parse_incident(raw: object) -> Incident:
    """Parse one incident strictly: unknown fields, missing fields and wrong types are errors."""
    if not isinstance(raw, Mapping):
        raise InputError("incident", f"expected an object, got {type(raw).__name__}")
    for key in raw:
        if key not in INCIDENT_FIELDS:
            raise InputError(str(key), f"unknown field; accepted: {', '.join(INCIDENT_FIELDS)}")
    for key in REQUIRED:
        if key not in raw or raw[key] is None:
            raise InputError(key, "missing (required)")
    iid = raw.get("id")
    if iid is not None and not isinstance(iid, str):
        raise InputError("id", f"expected a string, got {type(iid).__name__}")
    offense = raw["offense"]
    if not isinstance(offense, str) or not offense.strip():
        raise InputError("offense", "expected a non-empty description (free text)")
    heinous = raw.get("heinous")
    harm = raw.get("harm")
    lat, lon = raw.get("lat"), raw.get("lon")
    if (lat is None) != (lon is None):
        raise InputError("lon" if lon is None else "lat", "lat and lon go together")
    return Incident(
        date=parse_date(raw["date"], "date"),
        accused=Accused(enum_from_name(Accused, raw["accused"], "accused")),
        offense=offense.strip(),
        punishable_under=PunishableUnder(
            enum_from_name(PunishableUnder, raw["punishable_under"], "punishable_under")
        ),
        official_duty=_boolean(raw["official_duty"], "official_duty"),
        victim=Victim(enum_from_name(Victim, raw["victim"], "victim")),
        custody=State(enum_from_name(State, raw["custody"], "custody")),
        heinous=None if heinous is None else Heinous(enum_from_name(Heinous, heinous, "heinous")),
        duty_certificate=_boolean(raw.get("duty_certificate", False), "duty_certificate"),
        harm=None if harm is None else Harm(enum_from_name(Harm, harm, "harm")),
        lat=None if lat is None else _number(lat, "lat", -90.0, 90.0),
        lon=None if lon is None else _number(lon, "lon", -180.0, 180.0),
        id=iid,
    )


def parse_incidents(raw: object) -> tuple[list[Incident], bool]:
    """One object or a non-empty list of objects. Returns (incidents, was_a_list)."""
    if isinstance(raw, Mapping):
        return [parse_incident(raw)], False
    if isinstance(raw, list):
        if not raw:
            raise InputError("incidents", "the list is empty")
        out = []
        for i, item in enumerate(raw):
            try:
                out.append(parse_incident(item))
            except InputError as err:
                raise err.at_row(i) from None
        return out, True
    raise InputError(
        "incidents", f"expected an object or a list of objects, got {type(raw).__name__}"
    )


# --------------------------------------------------------------------------- columns

I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]


@dataclass
class IncidentFrame:
    """Incidents as columns; NULL (-1) where an optional field is not stated."""

    day: npt.NDArray[np.int32]
    accused: I8
    punishable_under: I8
    heinous: I8
    official_duty: B
    duty_certificate: B
    victim: I8
    harm: I8
    custody: I8
    us_administered: B  # the place was under U.S. administration on the date (False: no place)

    def __len__(self) -> int:
        return len(self.day)

    @classmethod
    def from_incidents(
        cls, incidents: Sequence[Incident], us_administered: B | None = None
    ) -> IncidentFrame:
        n = len(incidents)

        def col(get: Callable[[Incident], int | None], dtype: type = np.int8) -> Any:
            return np.fromiter(
                (NULL if (v := get(x)) is None else int(v) for x in incidents), dtype, n
            )

        return cls(
            day=np.fromiter((to_day(x.date) for x in incidents), np.int32, n),
            accused=col(lambda x: x.accused),
            punishable_under=col(lambda x: x.punishable_under),
            heinous=col(lambda x: x.heinous),
            official_duty=np.fromiter((x.official_duty for x in incidents), np.bool_, n),
            duty_certificate=np.fromiter((x.duty_certificate for x in incidents), np.bool_, n),
            victim=col(lambda x: x.victim),
            harm=col(lambda x: x.harm),
            custody=col(lambda x: x.custody),
            us_administered=np.zeros(n, np.bool_) if us_administered is None else us_administered,
        )


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class Rule:
    """A named legal condition: where it is asked, whether it holds, and why (cited)."""

    name: str
    asked: B  # rows for which the condition is part of the reasoning
    holds: B
    cites: tuple[str, ...]
    if_true: str
    if_false: str | None = None  # None: say nothing when it fails
    cites_if_false: tuple[str, ...] | None = None  # None: the same as `cites`


@dataclass
class Evaluation:
    """Determination columns plus the trace (rules in evaluation order)."""

    regime: I8
    jurisdiction: I8  # Jurisdiction or NULL
    primary_right: I8  # State or NULL (concurrent only)
    waiver_by: I8  # State that may ask for a waiver, or NULL
    custody_holder: I8  # State or NULL
    custody_rule: I8  # CustodyRule or NULL
    transfer_consideration: I8  # Consideration or NULL (only under para 5(c))
    cc_framework_consideration: I8  # Consideration or NULL (2011 framework)
    us_forum_limited: B
    rules: list[Rule] = field(default_factory=list)

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)


def evaluate(f: IncidentFrame) -> Evaluation:
    """Evaluate SOFA Art. XVII and the Joint Committee understandings over all rows at once."""
    n = len(f)
    every = np.ones(n, np.bool_)
    rules: list[Rule] = []

    def rule(
        name: str, asked: B, holds: B, cites: Sequence[str], yes: str, no: str | None = None,
        cites_no: Sequence[str] | None = None,
    ) -> B:
        holds = holds & asked
        no_cites = None if cites_no is None else tuple(cites_no)
        rules.append(Rule(name, asked, holds, tuple(cites), yes, no, no_cites))
        return holds

    day = f.day
    in_force = rule(
        "sofa_in_force", every, day >= _start(SOFA), [f"{SOFA}/art-17/para-1/b"],
        "The SOFA of 1960 is in force on this date (from 1960-06-23).",
        "Before 1960-06-23 the 1952 Administrative Agreement governed criminal jurisdiction "
        "over U.S. forces in Japan; anpo does not model it, so no determination is made.",
    )
    # The SOFA applies in Japan: not where the United States itself administered (Art. III).
    us_administered = rule(
        "place_under_us_administration", in_force, f.us_administered, [ARTICLE_III],
        "On this date the place was under U.S. administration (Peace Treaty Art. III), "
        "outside the reach of the SOFA; anpo does not model the law U.S. authorities applied "
        "there, so no determination is made.",
    )
    sofa = in_force & ~us_administered
    member_or_cc = (f.accused == Accused.member) | (f.accused == Accused.civilian_component)
    civilian = sofa & ~(f.accused == Accused.member)

    # Paras 1 and 2: whose law punishes the act.
    excl_us = rule(
        "exclusive_us", sofa, f.punishable_under == PunishableUnder.us,
        [f"{SOFA}/art-17/para-1/a", f"{SOFA}/art-17/para-2/a"],
        "Only U.S. law punishes the act: the U.S. military authorities have exclusive "
        "jurisdiction over persons subject to U.S. military law.",
    )
    excl_jp = rule(
        "exclusive_japan", sofa, f.punishable_under == PunishableUnder.japan,
        [f"{SOFA}/art-17/para-1/b", f"{SOFA}/art-17/para-2/b"],
        "Only Japanese law punishes the act: Japan has exclusive jurisdiction.",
    )
    concurrent = rule(
        "concurrent", sofa, f.punishable_under == PunishableUnder.both,
        [f"{SOFA}/art-17/para-1/a", f"{SOFA}/art-17/para-1/b"],
        "Both U.S. and Japanese law punish the act: jurisdiction is concurrent, and "
        "paragraph 3 decides who has the primary right.",
    )

    # Para 3(a): the U.S. primary right covers members and the civilian component only.
    sending = rule(
        "accused_member_or_civilian_component", concurrent, member_or_cc,
        [f"{SOFA}/art-17/para-3/a-i", f"{SOFA}/art-17/para-3/a-ii"],
        "The accused is a member or in the civilian component, so paragraph 3(a) can give "
        "the U.S. the primary right.",
        "The accused is a dependent: paragraph 3(a) gives the U.S. a primary right only over "
        "members and the civilian component, so paragraph 3(b) applies.",
    )
    solely_us = rule(
        "solely_against_us", sending,
        (f.victim == Victim.us_government) | (f.victim == Victim.us_person),
        [f"{SOFA}/art-17/para-3/a-i"],
        "The offense is solely against U.S. property or security, or against another "
        "member, civilian-component member or dependent.",
        "The offense is not solely against the United States or U.S. personnel.",
    )
    certificate = f.duty_certificate
    duty = rule(
        "official_duty", sending, f.official_duty,
        [f"{SOFA}/art-17/para-3/a-ii"],
        "The act arose in the performance of official duty.",
        "The act did not arise in the performance of official duty.",
    )
    rule(
        "duty_certificate_evidence", sending & certificate & f.official_duty, every,
        [f"{MINUTES}/art-17/para-3-a-ii"],
        "The commander's certificate of official duty is sufficient evidence of that fact "
        "unless the contrary is proved.",
    )
    rule(
        "duty_without_certificate", sending & ~certificate & f.official_duty, every,
        [f"{MINUTES}/art-17/para-3-a-ii"],
        "No commander's certificate is stated: official duty rests on the input's word "
        "(ASSUMPTION); in practice it is shown by such a certificate.",
    )
    rule(
        "certificate_contradicted", sending & certificate & ~f.official_duty, every,
        [f"{MINUTES}/art-17/para-3-a-ii"],
        "A commander's certificate was issued but the input states the act was not on duty: "
        "anpo treats the contrary as proved (ASSUMPTION); without such proof the certificate "
        "would give the U.S. the primary right.",
    )
    us_primary = rule(
        "us_primary_right", concurrent, sending & (solely_us | duty),
        [f"{SOFA}/art-17/para-3/a-i", f"{SOFA}/art-17/para-3/a-ii", f"{SOFA}/art-17/para-3/b"],
        "The U.S. military authorities have the primary right to exercise jurisdiction.",
        "Japan has the primary right to exercise jurisdiction (any other offense).",
    )
    jp_primary = concurrent & ~us_primary
    rule(
        "waiver", concurrent, every, [f"{SOFA}/art-17/para-3/c"],
        "If the state with the primary right decides not to use it, it notifies the other "
        "as soon as practicable, and it gives sympathetic consideration to the other's "
        "request for a waiver where the other considers a waiver of particular importance.",
    )

    # The 2011 framework: on-duty offenses by the civilian component.
    cc_on_duty = us_primary & (f.accused == Accused.civilian_component) & f.official_duty
    cc2011 = rule(
        "civilian_component_framework_2011", cc_on_duty, day >= _start(JC2011),
        [f"{JC2011}/para-1", f"{JC2011}/para-2"],
        "Under the 2011 Joint Committee framework the U.S. decides whether to prosecute and "
        "notifies Japan; if it does not prosecute, Japan may within 30 days ask the U.S. to "
        "consent to Japanese jurisdiction.",
        "The 2011 framework for on-duty offenses by the civilian component (from 2011-11-23) "
        "does not apply on this date: Japan's only route is a waiver request under "
        "paragraph 3(c).",
        [f"{SOFA}/art-17/para-3/c"],
    )
    grave = (f.harm == Harm.death) | (f.harm == Harm.life_threatening_injury) | (
        f.harm == Harm.permanent_disability
    )
    harm_known = f.harm != NULL
    cc_grave = rule(
        "framework_grave_harm", cc2011 & harm_known, grave, [f"{JC2011}/para-3/a"],
        "The offense caused death, a life-threatening injury or a permanent disability: the "
        "U.S. gives sympathetic consideration to Japan's request.",
        "The offense caused no death, life-threatening injury or permanent disability: the "
        "U.S. takes full account of Japan's views.",
    )
    rule(
        "framework_harm_unstated", cc2011 & ~harm_known, every,
        [f"{JC2011}/para-3/a", f"{JC2011}/para-3/b"],
        "The harm caused is not stated (field `harm`): sympathetic consideration if the "
        "offense caused death, a life-threatening injury or a permanent disability; full "
        "account otherwise.",
    )

    # Which state is to exercise jurisdiction, and custody until indictment.
    japan_to_exercise = excl_jp | jp_primary
    us_to_exercise = excl_us | us_primary
    in_us_hands = f.custody == State.us
    c5 = rule(
        "custody_5c", japan_to_exercise & in_us_hands, member_or_cc,
        [f"{SOFA}/art-17/para-5/c"],
        "Japan is to exercise jurisdiction and the accused (a member or civilian-component "
        "member) is in U.S. hands: the U.S. keeps custody until Japan indicts.",
        "The custody-until-indictment rule names members and the civilian component, not "
        "dependents: the two sides assist each other in handing the accused over to Japan, "
        "the authority to exercise jurisdiction (anpo's reading; INTERPRETATION).",
        [f"{SOFA}/art-17/para-5/c", f"{SOFA}/art-17/para-5/a"],
    )
    dep_handover = japan_to_exercise & in_us_hands & ~member_or_cc
    japan_holds = rule(
        "japan_holds", japan_to_exercise & ~in_us_hands, every,
        [f"{SOFA}/art-17/para-5/b", f"{SOFA}/art-17/para-5/c"],
        "Japan holds the accused and is to exercise jurisdiction: Japan keeps custody "
        "(paragraph 5(c) applies only to an accused in U.S. hands) and notifies the U.S. "
        "military authorities of the arrest.",
    )
    rule(
        "us_exercises", us_to_exercise, every,
        [f"{SOFA}/art-17/para-5/a", f"{SOFA}/art-17/para-5/b"],
        "The U.S. is to exercise jurisdiction: the accused is with, or is handed over to, the "
        "U.S. military authorities (Japan notifies any arrest it makes).",
    )

    # Pre-indictment transfer under para 5(c): the 1995 and 2004 understandings.
    jc1995 = rule(
        "understanding_1995", c5, day >= _start(JC1995), [f"{JC1995}/para-2"],
        "Japan may ask, through the Joint Committee, for a transfer of custody before "
        "indictment (1995 understanding, from 1995-10-25).",
        "No understanding on pre-indictment transfer exists yet (the first dates from "
        "1995-10-25): the U.S. keeps custody until indictment and has made no commitment on "
        "a Japanese request.",
        [f"{SOFA}/art-17/para-5/c"],
    )
    heinous = f.heinous != NULL
    rule(
        "heinous_crime", jc1995, heinous, [f"{JC1995}/para-1/heinous"],
        "The offense is murder or rape: the U.S. gives sympathetic consideration to a "
        "request for transfer before indictment.",
        "The offense is not murder or rape: the U.S. takes full account of any special "
        "views Japan puts forward in the Joint Committee.",
        [f"{JC1995}/para-1/other"],
    )
    rule(
        "confirmation_2004", jc1995, day >= _start(JC2004),
        [f"{JC2004}/para-1", f"{JC2004}/para-2"],
        "Since 2004-04-02 the U.S. does not rule out transfer for any crime of serious "
        "concern to Japan, and a U.S. command representative may attend questioning after "
        "a transfer.",
    )

    # Who counts as civilian component.
    cc = sofa & (f.accused == Accused.civilian_component)
    rule(
        "civilian_component_2017", cc, day >= _start(SA2017),
        [f"{SOFA}/art-1/b", f"{SA2017}/criteria"],
        "Civilian-component status is defined by Art. I(b) as narrowed by the 2017 "
        "supplementary agreement; anpo takes the input's word that the accused qualifies.",
        "Civilian-component status is defined by Art. I(b); anpo takes the input's word that "
        "the accused qualifies (the 2017 supplementary agreement is not yet in force).",
        [f"{SOFA}/art-1/b"],
    )

    # Limits outside the SOFA: the U.S. forum for civilians.
    us_forum_limited = civilian & us_to_exercise
    rule(
        "us_forum_for_civilians", us_forum_limited, every, [],
        "OUTSIDE THE SOFA: U.S. courts-martial cannot try civilians (dependents, civilian "
        f"employees) in peacetime ({REID_V_COVERT.title}; {KINSELLA_V_SINGLETON.title}); the "
        "U.S. right under the SOFA may therefore have no military forum. The federal route "
        "for conduct that would be a felony is the Military Extraterritorial Jurisdiction "
        "Act (enacted 2000-11-22). anpo does not decide whether a U.S. court can try the case.",
    )
    rule(
        "meja_not_yet", us_forum_limited, day < to_day(MEJA_ENACTED), [],
        "On this date MEJA was not yet enacted (2000-11-22).",
    )

    # Determination columns.
    regime = np.where(sofa, Regime.sofa_1960, Regime.administrative_agreement).astype(np.int8)
    regime[us_administered] = Regime.us_administration
    jurisdiction = np.full(n, NULL, np.int8)
    jurisdiction[excl_us] = Jurisdiction.exclusive_us
    jurisdiction[excl_jp] = Jurisdiction.exclusive_japan
    jurisdiction[concurrent] = Jurisdiction.concurrent
    primary = np.full(n, NULL, np.int8)
    primary[us_primary] = State.us
    primary[jp_primary] = State.japan
    waiver_by = np.full(n, NULL, np.int8)
    waiver_by[us_primary] = State.japan
    waiver_by[jp_primary] = State.us

    holder = np.full(n, NULL, np.int8)
    crule = np.full(n, NULL, np.int8)
    holder[c5] = State.us
    crule[c5] = CustodyRule.us_until_indictment
    holder[japan_holds] = State.japan
    crule[japan_holds] = CustodyRule.japan_holds
    holder[dep_handover] = State.japan
    crule[dep_handover] = CustodyRule.hand_over_to_japan
    holder[us_to_exercise] = State.us
    crule[us_to_exercise] = CustodyRule.us_jurisdiction

    transfer = np.full(n, NULL, np.int8)
    transfer[c5] = Consideration.none
    transfer[c5 & jc1995 & heinous] = Consideration.sympathetic_consideration
    transfer[c5 & jc1995 & ~heinous] = Consideration.full_account

    ccf = np.full(n, NULL, np.int8)
    ccf[cc2011 & harm_known & cc_grave] = Consideration.sympathetic_consideration
    ccf[cc2011 & harm_known & ~cc_grave] = Consideration.full_account
    ccf[cc2011 & ~harm_known] = Consideration.depends_on_harm

    return Evaluation(
        regime, jurisdiction, primary, waiver_by, holder, crule, transfer, ccf,
        us_forum_limited, rules,
    )


# --------------------------------------------------------------------------- results


def _name(enum: type[IntEnum], code: int) -> str | None:
    return None if code == NULL else enum(code).name


def _confidence(levels: Sequence[str]) -> str:
    order = ["unverified", "partly", "confirmed"]  # anpo.core.source.CONFIDENCE, weakest first
    return min(levels, key=lambda c: order.index(c.lower())) if levels else "confirmed"


@cache
def rules_sha256() -> str:
    """Hash of the rule set: this module plus every instrument file it cites."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(Path(sofa_place.__file__).read_bytes())
    for inst in (SOFA, MINUTES, JC1995, JC2004, JC2011, SA2017, ARTICLE_III.split("/")[0]):
        h.update(data.path(f"instruments/{inst}.yaml").read_bytes())
    return h.hexdigest()


def _explain(ev: Evaluation, i: int) -> tuple[list[dict[str, Any]], list[str]]:
    steps: list[dict[str, Any]] = []
    cited: list[str] = []
    for r in ev.rules:
        if not r.asked[i]:
            continue
        holds = bool(r.holds[i])
        text = r.if_true if holds else r.if_false
        if text is None:
            continue
        cites = list(r.cites if holds or r.cites_if_false is None else r.cites_if_false)
        steps.append({"rule": r.name, "holds": holds, "finding": text, "cites": cites})
        cited += [c for c in cites if c not in cited]
    return steps, cited


def result_row(
    ev: Evaluation, incident: Incident, i: int, place: sofa_place.IncidentPlace | None = None
) -> dict[str, Any]:
    """The output object of row i: determinations, explanation, citations, receipt."""
    steps, cited = _explain(ev, i)
    citations: list[Citation] = [cite(c) for c in cited]
    # Per provision: a confirmed paragraph of a partly confirmed agreement counts as confirmed.
    levels = [confidence(c) for c in cited]
    outside: list[dict[str, str]] = []
    if ev.us_forum_limited[i]:
        for src in (REID_V_COVERT, KINSELLA_V_SINGLETON, MEJA):
            outside.append({"id": src.id, "title": src.title, "url": src.url,
                            "confidence": src.confidence})
            levels.append(src.confidence)
    regime = Regime(int(ev.regime[i]))
    jur = _name(Jurisdiction, int(ev.jurisdiction[i]))
    out: dict[str, Any] = {"id": incident.id, "date": incident.date.isoformat(),
                           "regime": regime.name}
    if regime is not Regime.sofa_1960:
        out.update(jurisdiction=None, custody=None)
    else:
        jd: dict[str, Any] = {"kind": jur}
        if jur == Jurisdiction.concurrent.name:
            jd["primary_right"] = _name(State, int(ev.primary_right[i]))
            jd["waiver"] = {
                "may_be_requested_by": _name(State, int(ev.waiver_by[i])),
                "consideration": Consideration.sympathetic_consideration.name,
                "provision": f"{SOFA}/art-17/para-3/c",
            }
            ccf = int(ev.cc_framework_consideration[i])
            jd["civilian_component_on_duty"] = None if ccf == NULL else {
                "request_window_days": 30,
                "consideration": Consideration(ccf).name,
                "provision": f"{JC2011}/para-2",
            }
        transfer = int(ev.transfer_consideration[i])
        out["jurisdiction"] = jd
        out["custody"] = {
            "holder": _name(State, int(ev.custody_holder[i])),
            "rule": _name(CustodyRule, int(ev.custody_rule[i])),
            "pre_indictment_transfer": None if transfer == NULL else Consideration(transfer).name,
        }
    out["practical_limits"] = outside
    out["location"] = (
        None if incident.lat is None or incident.lon is None or place is None
        else sofa_place.location(place, i, incident.lat, incident.lon)
    )
    out["confidence"] = _confidence(levels)
    out["explanation"] = steps
    out["citations"] = [
        {**c.to_dict(), "confidence": level} for c, level in zip(citations, levels, strict=False)
    ]
    echo = incident.to_input_dict()
    out["input"] = echo
    out["receipt"] = {
        "anpo_version": __version__,
        "rules_sha256": rules_sha256(),
        "data_sha256": data.data_sha256(),
        "input_sha256": hashlib.sha256(
            json.dumps(echo, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest(),
    }
    return out


def assess_incidents(incidents: Sequence[Incident]) -> list[dict[str, Any]]:
    """Evaluate a batch of incidents and return one result object per incident."""
    place = sofa_place.locate(
        [x.lat for x in incidents], [x.lon for x in incidents], [x.date for x in incidents]
    )
    ev = evaluate(IncidentFrame.from_incidents(incidents, place.us_administered()))
    return [result_row(ev, x, i, place) for i, x in enumerate(incidents)]
