"""The small pfsim files the Python tests read, and where to find them.

ctest runs make_fixtures.py once (fixture python_fixtures) and passes the
directory in $PFSIM_PY_FIXTURES. Run by hand, the tests make the files
themselves in a temporary directory with $PFSIM_BINARY (default
build/release/pfsim).
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIGS = os.path.join(ROOT, "configs")
sys.path.insert(0, os.path.join(ROOT, "python"))

# name -> pfsim arguments (300 paths and fixed seeds: each file takes well under a second)
FILES = {
    "results.h5": ["run", os.path.join(CONFIGS, "china_baseline.toml"), "--paths", "300", "--seed", "3",
                   "--set", 'output.paths=["fund_balance_real"]'],
    # Four scenarios whose names contain "/" (group names write it as "|").
    "scenarios.h5": ["run", os.path.join(CONFIGS, "examples", "equity_share.toml"), "--paths", "300",
                     "--seed", "5", "--set", "scenarios.grid.values=[0.05,0.3]"],
    "goal_seek.h5": ["seek", os.path.join(CONFIGS, "examples", "goal_seek_contribution.toml"),
                     "--paths", "300", "--seed", "7"],
    # Three pooling regimes on the five illustrative regions.
    "regions.h5": ["run", os.path.join(CONFIGS, "examples", "pooling_regimes.toml"), "--paths", "300", "--seed", "11"],
    # A de-risking rule (a dynamic strategy's weights) as the reference,
    # against the fixed mix (without weights) and the rule with bands; in
    # every scenario a strategic reserve with a rule of its own.
    "derisking.h5": ["run", os.path.join(CONFIGS, "examples", "derisking.toml"), "--paths", "300", "--seed", "13",
                     "--set", 'scenarios.reference="derisk"',
                     "--set", 'funds.reserve={ initial_balance = 2.0e12, inflow = 1.0e11, '
                     'transfer = { below_months = 8, max_share = 0.5 }, rule = { state = "months_covered", '
                     'points = [[24, { bond_government = 0.5, deposit = 0.5 }], '
                     '[240, { equity_domestic = 0.4, bond_government = 0.4, deposit = 0.2 }]] } }'],
    # A small optimisation with a frontier of one bound.
    "optimize.h5": ["optimize", os.path.join(CONFIGS, "examples", "optimize_allocation.toml"), "--paths", "200",
                    "--set", "optimize.max_evaluations=6", "--set", "optimize.frontier.bounds=[-0.05]"],
    # Representative workers with both funded tiers; and workers beside regions.
    # The residents' scheme with its representative member.
    "residents.h5": ["run", os.path.join(CONFIGS, "examples", "multilevel.toml"), "--paths", "200", "--seed", "23"],
    "workers.h5": ["run", os.path.join(CONFIGS, "examples", "replacement_rates.toml"), "--paths", "300", "--seed", "17"],
    "regions_workers.h5": ["run", os.path.join(CONFIGS, "china_regions.toml"), "--paths", "100", "--seed", "19",
                           "--set", "workers={ cohorts = [2005] }"],
    "sensitivity.h5": ["sensitivity", os.path.join(CONFIGS, "examples", "sensitivity.toml"), "--paths", "300",
                       "--seed", "9"],
}


def make(binary, directory):
    """Runs pfsim to write every fixture file into `directory`."""
    os.makedirs(directory, exist_ok=True)
    for name, args in FILES.items():
        target = os.path.join(directory, name)
        if os.path.lexists(target):
            os.unlink(target)
        subprocess.run([binary] + args + ["--quiet", "-o", target], check=True, timeout=300,
                       stdout=subprocess.DEVNULL)


_made = None


def directory():
    """The directory holding the fixture files (made on first use when needed)."""
    global _made
    given = os.environ.get("PFSIM_PY_FIXTURES")
    if given and all(os.path.exists(os.path.join(given, n)) for n in FILES):
        return given
    if _made is None:
        _made = tempfile.mkdtemp(prefix="pfsim-py-fixtures-")
        make(os.environ.get("PFSIM_BINARY", os.path.join(ROOT, "build", "release", "pfsim")), _made)
    return _made


def path(name):
    return os.path.join(directory(), name)


def scratch():
    """A fresh scratch directory under $PFSIM_PY_SCRATCH (or the system's temp)."""
    base = os.environ.get("PFSIM_PY_SCRATCH")
    if base:
        os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix="pfsim-py-", dir=base)
