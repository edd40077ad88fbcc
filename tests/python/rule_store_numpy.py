#!/usr/bin/env python3
"""numpy loads a rule store (include/metahebb/sweep/store.hpp) directly, with no parser of ours.

Usage: rule_store_numpy.py <metahebb_sweep_child binary> <scratch directory>
Runs the child (two filtering rounds of the §3.3 task, 64 rules each), loads every committed
chunk with np.load, and checks the columns against header.json, the ids, the θ against the
saved round tables and the prior's box, and exploded rules' NaN rates.
Exit code 77 (CTest's skip) only if numpy is missing.
"""
import json
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("SKIPPED: python3-numpy is not installed (scripts/install_dependencies.sh installs it)")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from plot_rule_family import load_store  # noqa: E402  (the loader users get)

binary, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
subprocess.run([binary, out, "64", "2"], check=True, stdout=subprocess.DEVNULL)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


header = json.load(open(os.path.join(out, "header.json")))
files = [line.split()[0] for line in open(os.path.join(out, "manifest.txt"))]
table = np.concatenate([np.load(os.path.join(out, f)) for f in files])
check(table.dtype.names == ("rule_id", "round", "seed", *header["theta_names"], *header["metric_names"]),
      "columns are rule_id, round, seed, then header.json's theta and metric names")
check(table.dtype["seed"] == np.dtype("<u8") and table.dtype["alpha"] == np.dtype("<f8"), "dtypes u8 and f8")
check(len(table) == 128 and np.array_equal(np.sort(table["rule_id"]), np.arange(128)), "ids 0..127, once each")
check(np.array_equal(table["round"], table["rule_id"] // 64), "round of each rule")
check(load_store(out).tobytes() == table.tobytes(), "load_store gives the same table")
for r in range(2):
    saved = np.load(os.path.join(out, "round-%04d.npy" % r))
    rows = table[table["round"] == r]
    theta = np.stack([rows[name] for name in header["theta_names"]], axis=1)
    check(np.array_equal(saved, theta), "round %d θ equal the saved round table" % r)
check(np.all((table["alpha"] >= -1) & (table["alpha"] <= 1) & (table["tau_pre"] >= 0.005) & (table["tau_pre"] <= 0.1)),
      "θ inside the prior's box")
exploded = table["exploded"] == 1
check(exploded.any() and np.all(np.isnan(table["rate_hz"][exploded])), "exploded rules have NaN rates")
check(np.all(np.isfinite(table["rate_hz"][~exploded])), "the others have finite rates")
check(len(np.unique(table["seed"])) == 8, "rules share a seed in groups of 16")
sys.exit(1 if failures else 0)
