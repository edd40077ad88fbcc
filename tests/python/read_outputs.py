#!/usr/bin/env python3
"""Loads what tests/io/write_outputs.cpp wrote, with numpy and json, and checks the contents.

Usage: read_outputs.py <write_outputs binary> <scratch directory>
Exit code 77 (CTest's skip) only if numpy is missing; the install script installs it.
"""
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("SKIPPED: python3-numpy is not installed (scripts/install_dependencies.sh installs it)")
    sys.exit(77)

binary, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
subprocess.run([binary, out], check=True)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAILED:", what)


def load(name):
    path = os.path.join(out, name)
    with open(path, "rb") as f:
        head = f.read(10)
        header_len = head[8] | (head[9] << 8)
        check(head[:8] == b"\x93NUMPY\x01\x00", name + ": magic and version 1.0")
        check((10 + header_len) % 64 == 0, name + ": data aligned to 64 bytes")
    return np.load(path, allow_pickle=False)


m = load("matrix_f8.npy")
check(m.dtype == np.dtype("<f8") and m.shape == (2, 3), "matrix_f8 dtype/shape")
check(np.array_equal(m, [[1.5, -2.0, 3.25], [4.0, 0.1, -0.0]]), "matrix_f8 values (column-major source)")
check(math.copysign(1.0, m[1, 2]) < 0, "matrix_f8 keeps -0.0")
r = load("rowmajor_f4.npy")
check(r.dtype == np.dtype("<f4") and np.array_equal(r, [[1, 2], [3, 4], [5, 6]]), "rowmajor_f4")
check(np.array_equal(load("vector_i8.npy"), np.array([-3, 0, 1 << 40], dtype="<i8")), "vector_i8")
u = load("vector_u4.npy")
check(u.dtype == np.dtype("<u4") and list(u) == [7, 4000000000], "vector_u4")
e = load("empty_f8.npy")
check(e.shape == (0,), "empty_f8 shape")
check(np.array_equal(load("cube_f8.npy"), np.arange(24.0).reshape(2, 3, 4)), "cube_f8 (C order, 3-D)")
s = load("special_f8.npy")
check(math.isnan(s[0]) and s[1] == -math.inf and s[2] == 1e-310 and s[3] == 0.1, "special_f8")

gen = load("run_generation.npy")
theta = load("run_theta.npy")
best_theta = load("run_best_theta.npy")
losses = load("run_losses.npy")
best_loss = load("run_best_loss.npy")
sigma = load("run_sigma.npy")
check(list(gen) == [1, 2, 3, 4, 5, 6], "run_generation")
check(theta.shape == (6, 27) and best_theta.shape == (6, 27), "run_theta shapes")
check(losses.shape[0] == 6 and losses.shape[1] >= 4, "run_losses shape")
check(np.array_equal(best_loss, losses.min(axis=1)), "best_loss is the row minimum of losses")
check(np.all(sigma > 0), "sigma positive")

with open(os.path.join(out, "run_summary.json"), encoding="utf-8") as f:
    summary = json.load(f)
check(summary["format"] == "metahebb-run-summary", "summary format")
check(summary["generations"] == 6 and summary["status"] == "max_generations", "summary counters")
check(len(summary["parameter_names"]) == 27, "summary parameter names")
check(np.array_equal(np.array(summary["final_theta"]), theta[-1]), "summary final_theta == last row of theta.npy, exactly")
check(np.array_equal(np.array(summary["best_theta"]), best_theta[-1]), "summary best_theta == last best_theta row")
check(summary["best_loss"] == float(best_loss.min()), "summary best_loss exactly the minimum")
extra = summary["extra"]
check(extra["note"] == 'quote " backslash \\ newline \n tab \t control \x01 unicode \u00e9', "escaped string")
check(extra["nan"] is None and extra["tiny"] == 5e-324, "non-finite as null, denormal exact")

csv = np.genfromtxt(os.path.join(out, "run.csv"), delimiter=",", names=True)
check(len(csv) == 6 and np.allclose(csv["best_loss"], best_loss, rtol=1e-9), "CSV agrees with the npy arrays")

if failures:
    print(len(failures), "check(s) failed")
    sys.exit(1)
print("read_outputs: all checks passed (numpy", np.__version__ + ")")
