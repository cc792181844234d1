"""How many simulation parameters rest on an external source, and that each source names
its publisher (issue 18 item 8: at least half should; the rest are named assumptions).

The count is pinned so that it cannot fall silently: converting a sourced figure back to an
assumption must change SOURCED here, in the same commit, with a reason. Half is reached
(45 of 82, fourth session): `test_at_least_half_are_sourced` holds it.
"""

from __future__ import annotations

import re

from anpo.core.source import URL, publisher_of, publishers
from anpo.sim import parameters

# The parameters whose figure (or the bound it is read against) comes from a publisher.
SOURCED = frozenset({
    "detection.missile_inbound_h",
    "ladder.maritime_security_order_delay_h",
    "readiness.fighter_h",
    "readiness.maritime_patrol_h",
    "readiness.surface_ship_h",
    "japan.defense_order_delay_h",
    "speed.tanker_kmh",
    "speed.maritime_patrol_kmh",
    "speed.surface_ship_kmh",
    "speed.amphibious_kmh",
    "combat_radius.fighter_km",
    "combat_radius.maritime_patrol_km",
    "sortie.maritime_patrol_endurance_h",
    "strike.crater_diameter_m",
    "missile_defense.sm3_kill_probability",
    "missile_defense.pac3_cover_km",
    "repair.hours_per_crater",
    # third session (docs/audit.md, "Simulation parameters sourced (third session)")
    "detection.armed_attack_h",
    "detection.gray_zone_h",
    "detection.cyber_attack_h",
    "consultation.acm_h",
    "ladder.coast_guard_outmatched_probability",
    "ladder.public_security_order_delay_h",
    "us.decision_delay_h",
    "readiness.amphibious_h",
    "speed.fighter_kmh",
    "speed.coast_guard_kmh",
    "sortie.fighter_endurance_h",
    "sortie.fighter_turnaround_h",
    "sortie.tanker_extension_h",
    "sortie.ground_kill_share",
    "strike.missiles_per_base",
    "missile_defense.aegis_on_station_probability",
    "missile_defense.pac3_interceptors_per_fire_unit",
    "us.ships_at_sea_probability",
    "sortie.attrition_per_sortie",
    # fourth session (docs/audit.md, "Simulation parameters sourced (fourth session)")
    "detection.space_attack_h",
    "consultation.pre_acm_h",
    "japan.armed_attack_judgment_delay_h",
    "us.intervention_probability",
    "strike.time_h",
    "strike.salvo_interval_h",
    "denial.required_ratio",
    "missile_defense.pac3_shots",
    # computed from the shipped GSHHG land by tools/sea_route_factor.py (src/anpo/data/sim/sea_routes.csv)
    "sea_route_factor",
})
# A study named by its title in quotes or italics, with its year.
STUDY_TITLE = re.compile(r"(?:'[^']{8,}'|\*[^*]{8,}\*)[^.;]*\b(?:19|20)\d\d\b")


def _publisher_named(text: str) -> bool:
    """The text names a listed publisher: a URL on its host, its host, or its name."""
    for m in URL.finditer(text):
        if publisher_of(m.group(0).rstrip(".,;:)")) is not None:
            return True
    for pub in publishers().values():
        if re.search(rf"(?<![\w.-]){re.escape(pub.host)}\b", text):
            return True
        name = pub.name.split(" (")[0].split(",")[0].removesuffix(" of Japan")
        if len(name) >= 6 and name in text:
            return True
    return False


def test_the_sourced_count_does_not_fall() -> None:
    table = parameters.defaults()
    sourced = {name for name, p in table.items() if p.source}
    assert not SOURCED - sourced, f"no longer sourced: {sorted(SOURCED - sourced)}"
    assert len(sourced) >= len(SOURCED) == 45


def test_every_parameter_has_a_range_for_the_tornado() -> None:
    # Sourced or assumed, each figure states the range the tornado sweeps it over, so every
    # remaining assumption is ranked by how much it moves the outcome (`--tornado`).
    table = parameters.defaults()
    unranged = sorted(n for n, p in table.items() if p.low is None or p.high is None)
    assert not unranged, f"no range: {unranged}"


def test_at_least_half_are_sourced() -> None:
    table = parameters.defaults()
    assert 2 * sum(1 for p in table.values() if p.source) >= len(table)


def test_every_source_names_a_publisher_or_a_study() -> None:
    bad = [
        name
        for name, p in parameters.defaults().items()
        if p.source and not (_publisher_named(p.source) or STUDY_TITLE.search(p.source))
    ]
    assert not bad, f"sources that name no listed publisher or study title: {bad}"


def test_the_checker_rejects_an_unnamed_source() -> None:
    assert not _publisher_named("a figure seen somewhere on the internet")
    assert not _publisher_named("read at https://en.wikipedia.org/wiki/P-8_Poseidon")
    assert _publisher_named("U.S. Navy fact file (navy.mil, read in a copy)")
    assert _publisher_named("MOD page (https://www.mod.go.jp/msdf/sf/about/lookout.html)")
    assert STUDY_TITLE.search("Stimson Center, 'Cratering Effects: Chinese Missile Threats', 2024")
