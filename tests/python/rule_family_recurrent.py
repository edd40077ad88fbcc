#!/usr/bin/env python3
"""examples/rule_family --task recurrent on a tiny network (40 E, 10 I, 1 + 1 s): the JSON
summary's fields, the store's rows, and a second run that resumes without simulating.

Usage: rule_family_recurrent.py <rule_family binary> <scratch directory>
Two rounds of 8 rules (round 1 from the population proposal, --proposal population), then the
same command again. Exit code 77 (CTest's skip) only if numpy is missing.
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
command = [binary, "--task", "recurrent", "--exc", "40", "--inh", "10", "--training-time", "1", "--scoring-time", "1",
           "--rounds", "2", "--rules-per-round", "8", "--proposal", "population", "--parents", "4",
           "--store", out, "--seed", "3", "--threads", "1"]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


def run():
    p = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(p.stdout.strip().splitlines()[-1]), p.stderr


summary, log = run()
print(summary)
check(summary["rounds"] == 2 and summary["simulated"] == 16 and summary["store"] == out, "rounds 2, simulated 16, store")
check(len(summary["acceptance_per_round"]) == 2 and all(0 <= a <= 1 for a in summary["acceptance_per_round"]),
      "one acceptance in [0, 1] per round")
check(summary["accepted"] == round(sum(8 * a for a in summary["acceptance_per_round"])), "accepted = Σ rounds' acceptance × 8")

header = json.load(open(os.path.join(out, "header.json")))
table = load_store(out)
names = ["rate_e_hz", "rate_i_hz", "cv_isi", "spatial_fano", "temporal_fano", "w_blow", "w_creep", "w_creep_fsbi"]
check(all(n in header["metric_names"] for n in names), "the recurrent metrics are stored")
check(len(header["theta_names"]) == 24, "24 coordinates (6 per synapse type)")
check(len(table) == 16 and np.array_equal(np.sort(table["rule_id"]), np.arange(16)), "ids 0..15, once each")
check(np.array_equal(table["round"], table["rule_id"] // 8), "round of each rule")
theta = np.stack([table[n] for n in header["theta_names"]], axis=1)
tau = np.array(["tau" in n for n in header["theta_names"]])
check(np.all((theta[:, tau] >= 0.01) & (theta[:, tau] <= 0.1)) and np.all(np.abs(theta[:, ~tau]) <= 2),
      "θ inside the filter-SBI box")
stopped = ~np.isfinite(table["rate_e_hz"])
check(np.all(np.isfinite(table["w_blow"][~stopped])), "finite metrics for the networks that ran to the end")
check(np.any(~stopped), "at least one network ran to the end")
for r in range(2):
    saved = np.load(os.path.join(out, "round-%04d.npy" % r))
    check(np.array_equal(saved, theta[table["round"] == r]), "round %d θ equal the saved round table" % r)

again, log = run()
check(again == summary, "the second run reports the same summary")
check(log.count("simulated now 0") == 2, "the second run simulates nothing")
check(len(load_store(out)) == 16, "and adds no rows")
shutil.rmtree(out, ignore_errors=True)
sys.exit(1 if failures else 0)
