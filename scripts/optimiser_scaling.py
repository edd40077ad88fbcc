#!/usr/bin/env python3
"""Supplementary Fig. S1 of Confavreux et al. 2020: CMA-ES against Adam on finite differences
as the number of inputs N grows, on the §3.1 task (examples/oja_single_neuron).

    scripts/optimiser_scaling.py --binary build/release/examples/oja_single_neuron \\
        --inputs 3,10,30 --generations 300 --out DIR [--prefix s1] [--threads 0] [--seed 1]

For each N it runs CMA-ES for --generations generations (population 13, the default for 27
coefficients; 20 datasets per rule and generation unless --datasets; --stop-below 0, so no
run stops early) and Adam with central finite differences (54 evaluations per iteration) for
the iterations that cost the *same number of rule evaluations*, both from the same random
start A ~ N(0, 0.1^2) with the same seed, and records the held-out loss of the final rule
(datasets the search never saw, no L1 term), its angle to Oja's rule, and the wall and CPU
seconds of the run (CPU from getrusage of the child). Writes DIR/PREFIX.csv, DIR/PREFIX.png
and DIR/runs/PREFIX_*.{csv,json,log,cmd}; the table is printed too.
"""
import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import time

CMAES_POPULATION = 13  # 4 + floor(3 ln 27): the CMA-ES default for the 27 coefficients
ADAM_POPULATION = 54   # 2 x 27 points of one central-difference gradient


def positive_int(text, field):
    try:
        value = int(text)
    except ValueError:
        sys.exit(f"optimiser_scaling.py: invalid {field} = {text!r} (a positive integer)")
    if value < 1:
        sys.exit(f"optimiser_scaling.py: invalid {field} = {value} (must be >= 1)")
    return value


def run_one(args, n, optimiser, iterations, runs):
    name = f"{args.prefix}_{optimiser}_n{n}"
    # --stop-below 0: both optimisers spend the whole budget (the example otherwise stops at 10 deg).
    command = [args.binary, "--inputs", str(n), "--optimiser", optimiser, "--generations", str(iterations),
               "--datasets", str(args.datasets), "--stop-below", "0", "--seed", str(args.seed),
               "--population", str(CMAES_POPULATION),  # pinned: the example's default is 26 (Adam ignores it)
               "--threads", str(args.threads), "--csv", os.path.join(runs, name + ".csv")]
    if args.steps is not None:
        command += ["--steps", str(args.steps)]
    with open(os.path.join(runs, name + ".cmd"), "w") as f:
        f.write(" ".join(command) + "\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(os.path.join(runs, name + ".log"), "w") as log:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=log, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"optimiser_scaling.py: {' '.join(command)} failed (exit {done.returncode}); "
                 f"see {os.path.join(runs, name + '.log')}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    with open(os.path.join(runs, name + ".json"), "w") as f:
        json.dump(summary, f)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"inputs": n, "optimiser": optimiser, "iterations": summary["generations"],
            "evaluations": summary["evaluations"], "loss": summary["loss"], "oja_loss": summary["oja_loss"],
            "angle_deg": summary["angle_deg"], "wall_s": wall, "cpu_s": cpu, "command": " ".join(command)}


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_angle, ax_time) = plt.subplots(1, 3, figsize=(13, 3.6), constrained_layout=True)
    for optimiser, colour in (("cmaes", "tab:blue"), ("adam", "tab:orange")):
        mine = sorted((r for r in rows if r["optimiser"] == optimiser), key=lambda r: r["inputs"])
        n = [r["inputs"] for r in mine]
        label = "CMA-ES" if optimiser == "cmaes" else "Adam, finite differences"
        ax_loss.plot(n, [r["loss"] for r in mine], "o-", color=colour, label=label)
        ax_angle.plot(n, [r["angle_deg"] for r in mine], "o-", color=colour, label=label)
        ax_time.plot(n, [r["wall_s"] for r in mine], "o-", color=colour, label=f"{label}, wall")
        ax_time.plot(n, [r["cpu_s"] for r in mine], "s--", color=colour, label=f"{label}, CPU")
    oja = sorted({(r["inputs"], r["oja_loss"]) for r in rows if r["optimiser"] == "cmaes"})
    ax_loss.plot([x for x, _ in oja], [y for _, y in oja], "k:", label="Oja's rule")
    for ax in (ax_loss, ax_angle, ax_time):
        ax.set_xscale("log")
        ax.set_xlabel("inputs N")
        ax.legend(frameon=False, fontsize=7)
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("held-out loss of the final rule")
    ax_angle.set_ylabel("angle to Oja's rule (deg)")
    ax_time.set_ylabel("seconds")
    evaluations = rows[0]["evaluations"]
    ax_loss.set_title(f"same budget: ~{evaluations} rule evaluations")
    ax_angle.set_title("distance to Oja's rule")
    ax_time.set_title("cost of the run")
    fig.savefig(path, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="examples/oja_single_neuron of a release build")
    parser.add_argument("--inputs", required=True, help="comma-separated N, e.g. 3,10,30")
    parser.add_argument("--generations", required=True, help="CMA-ES generations; Adam gets the same evaluations")
    parser.add_argument("--datasets", default="20", help="datasets per rule and generation (default 20, the paper's)")
    parser.add_argument("--steps", help="batch updates per dataset (default: the example's)")
    parser.add_argument("--threads", default="0")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--out", required=True)
    parser.add_argument("--prefix", default="s1")
    args = parser.parse_args()
    inputs = [positive_int(x, "--inputs entry") for x in args.inputs.split(",")]
    generations = positive_int(args.generations, "--generations")
    for flag in ("datasets", "steps"):
        if getattr(args, flag) is not None:
            positive_int(getattr(args, flag), f"--{flag}")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"optimiser_scaling.py: --binary {args.binary} is not an executable")
    runs = os.path.join(args.out, "runs")
    os.makedirs(runs, exist_ok=True)
    adam_iterations = max(1, round(generations * CMAES_POPULATION / ADAM_POPULATION))
    rows = []
    for n in inputs:
        rows.append(run_one(args, n, "cmaes", generations, runs))
        rows.append(run_one(args, n, "adam", adam_iterations, runs))
        for r in rows[-2:]:
            print(f"N = {n:4d} {r['optimiser']:6s} {r['iterations']:5d} iterations, {r['evaluations']:7d} evaluations: "
                  f"loss {r['loss']:.4g} (Oja {r['oja_loss']:.4g}), angle {r['angle_deg']:.1f} deg, "
                  f"{r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU", flush=True)
    fields = ["inputs", "optimiser", "iterations", "evaluations", "loss", "oja_loss", "angle_deg", "wall_s", "cpu_s",
              "command"]
    with open(os.path.join(args.out, args.prefix + ".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    bad = [r for r in rows if not all(math.isfinite(r[k]) for k in ("loss", "angle_deg", "wall_s", "cpu_s"))]
    if bad:
        sys.exit(f"optimiser_scaling.py: non-finite results in {bad}")
    plot(rows, os.path.join(args.out, args.prefix + ".png"))


if __name__ == "__main__":
    main()
