#!/usr/bin/env bash
# Runs the Google Benchmark suite and prints one markdown table per binary.
#   benchmarks/run.sh [preset] [extra benchmark flags...]    (preset: release or native)
# Builds the benchmark targets of the preset first. Paste the output into docs/benchmarks.md
# together with the machine and this command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset=${1:-release}
shift || true
cmake --preset "$preset" > /dev/null
cmake --build --preset "$preset" --target rate_population spiking_population -j2 > /dev/null
for bench in rate_population spiking_population; do
  json=$(mktemp)
  "build/$preset/benchmarks/$bench" --benchmark_format=json --benchmark_out="$json" \
    --benchmark_out_format=json --benchmark_min_time=0.2 "$@" > /dev/null
  python3 - "$json" "$bench" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
print(f"\n### {sys.argv[2]}\n")
counters = sorted({k for b in data["benchmarks"] for k in b
                   if k not in ("name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
                                "iterations", "real_time", "cpu_time", "time_unit", "family_index",
                                "per_family_instance_index", "aggregate_name", "aggregate_unit", "label")})
print("| benchmark | real time | CPU time | " + " | ".join(counters) + " |")
print("|---" * (3 + len(counters)) + "|")
for b in data["benchmarks"]:
    cells = [f"{b[c]:.4g}" if c in b else "" for c in counters]
    print(f"| {b['name']} | {b['real_time']:.4g} {b['time_unit']} | {b['cpu_time']:.4g} {b['time_unit']} | " + " | ".join(cells) + " |")
PY
  rm -f "$json"
done
