"""Crisis simulation: how the alliance responds, as a fast, reproducible Monte Carlo.

from anpo import sim
spec = sim.parse_sim_scenario(yaml.safe_load(text))
summary = sim.run_simulation(spec, sim.load_parameters(), trials=1_000_000, seed=7)
summary.to_dict()     # JSON-serialisable
"""

from anpo.sim.parameters import Parameters, defaults
from anpo.sim.parameters import load as load_parameters
from anpo.sim.run import MAX_TRIALS, Summary, run_plan, run_simulation
from anpo.sim.scenario import SimScenario, parse_sim_scenario

__all__ = [
    "MAX_TRIALS",
    "Parameters",
    "SimScenario",
    "Summary",
    "defaults",
    "load_parameters",
    "parse_sim_scenario",
    "run_plan",
    "run_simulation",
]
