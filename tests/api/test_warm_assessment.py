"""The server's start-up warming of single assessments (`anpo.api.warm`, issue 19): before
the first request, the geography's structures a single exact point would otherwise build
while a request waits are built, and the heap is frozen for the garbage collector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from anpo.api.warm import _warm_scenarios
from anpo.geo.resolver import FEW_EXACT

PROBE = """
import gc, json, threading
from anpo.api import warm
from anpo.geo.index import geo_index, world_index
warm._warm("today", threading.Event())
print(json.dumps({"built": sorted(geo_index().__dict__), "world": world_index.cache_info().currsize,
                  "frozen": gc.get_freeze_count()}))
"""


def test_the_warm_points_cover_region_world_coasts_and_internal_waters() -> None:
    points = [(s["lat"], s["lon"]) for s in _warm_scenarios()]
    assert len(set(points)) == len(points)
    outside = [p for p in points if not (20 <= p[0] <= 48 and 120 <= p[1] <= 156)]
    assert len(outside) > FEW_EXACT and len(points) - len(outside) > 4 * FEW_EXACT


def test_a_fresh_process_is_warmed_and_frozen(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    built = {"coast_tree", "unit_land", "internal_water_polygons", "specified_area_polygons"}
    assert built <= set(got["built"])
    assert got["world"] == 1
    assert got["frozen"] > 10_000
