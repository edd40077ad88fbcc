#!/usr/bin/env bash
# Every panel of Confavreux et al. 2020 (Figs. 1B/C, 2B/C, 3B/C/D, Supplementary S1, S2)
# from one command: runs the examples, writes each panel's image and one table of the
# paper's claims beside the measured numbers and the commands (measured.md, measured.csv).
#
#   scripts/reproduce_paper.sh [--quick | --medium | --smoke] [--out DIR] [--build DIR] [--threads N]
#
#   (default)  full mode: the budgets of docs/oja.md, docs/oja-antihebbian.md and
#              docs/inhibitory-balance.md (hours; the 50 -> 5 network and N = 100 dominate)
#   --quick    reduced budgets: minutes (10-15 on a shared 2-core machine); every panel and the
#              direction of every result, but the searches are far from converged
#   --medium   between the two (~20 min of CPU; docs/paper.md's images): Fig. 1, Fig. 3 and
#              S1 show their results, Fig. 2 only the early phase of the search
#   --smoke    tiny budgets (seconds; the CTest paper.reproduce_smoke): checks the pipeline,
#              its numbers mean nothing
#   --out DIR  output folder (default paper-out); runs/ holds each run's CSV, JSON summary,
#              log and command, rows/ one JSON row per panel
#   --build DIR  the release build holding examples/ (default build/release). This script
#              builds nothing.
#   --threads N  worker threads per example (default 0: all cores)
#
# Plots use matplotlib and numpy (scripts/install_dependencies.sh installs Debian's
# python3-matplotlib); PYTHON=... overrides the interpreter (default python3). Exit codes:
# 0 done and the table checked, 1 a run failed or the table is incomplete, 2 bad arguments
# or examples not built, 77 matplotlib/numpy missing.
#
# Adding a row: a script scripts/reproduce_paper.d/<name>.sh is run after the panels below
# with MODE (smoke/quick/medium/full), OUT, BUILD, THREADS and PYTHON in its environment; it writes
# its image(s) to $OUT and one JSON object per row to $OUT/rows/<panel>.json with the keys
# panel, claim, measured (text), command, values (an object of numbers, all finite) and
# optionally image. scripts/paper_figures.py puts every row into the table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode=full
out=paper-out
build="$root/build/release"
threads=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) mode=quick ;;
    --medium) mode=medium ;;
    --smoke) mode=smoke ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    --build) build="${2:?--build needs a directory}"; shift ;;
    --threads) threads="${2:?--threads needs a number}"; shift ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "reproduce_paper.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$threads" =~ ^[0-9]+$ ]] || { echo "reproduce_paper.sh: invalid --threads = '$threads' (a number >= 0)" >&2; exit 2; }
PYTHON="${PYTHON:-python3}"

examples=(oja_single_neuron oja_antihebbian_network inhibitory_balance_lif)
for e in "${examples[@]}"; do
  if [[ ! -x "$build/examples/$e" ]]; then
    echo "reproduce_paper.sh: $build/examples/$e is missing. Build the examples first (release):" >&2
    echo "  cmake --preset release && cmake --build --preset release -j2 --target ${examples[*]}" >&2
    echo "(or pass --build DIR for another build directory)" >&2
    exit 2
  fi
done
if ! "$PYTHON" -c 'import matplotlib, numpy' 2>/dev/null; then
  echo "reproduce_paper.sh: $PYTHON cannot import matplotlib and numpy; install python3-matplotlib" >&2
  echo "  (scripts/install_dependencies.sh) or set PYTHON=/usr/bin/python3" >&2
  exit 77  # "skipped" for the CTest paper.reproduce_smoke
fi

mkdir -p "$out/runs" "$out/rows"
rm -f "$out"/rows/*.json
bin="$build/examples"
t="--threads $threads"

# Budgets per mode. Full: the examples' documented budgets.
case "$mode" in
  smoke)
    oja3="--generations 4 --datasets 4 --steps 50"; oja100="--generations 2 --datasets 2 --steps 50"
    net5="--generations 2 --datasets 2 --steps 100"; net50="--generations 1 --datasets 2 --steps 100"
    spk="--iterations 1 --datasets 1"; seeds="1 2"
    s1="--inputs 3,5 --generations 2 --datasets 2 --steps 50" ;;
  quick)
    oja3="--generations 300"; oja100="--generations 30"
    net5="--generations 60"; net50="--generations 10"
    spk="--iterations 10 --datasets 2"; seeds="1 2 3"
    s1="--inputs 3,10 --generations 150" ;;
  medium)
    oja3="--generations 800"; oja100="--generations 600"
    net5="--generations 150"; net50="--generations 20"
    spk="--iterations 30 --datasets 2"; seeds="1 2 3"
    s1="--inputs 3,10,30 --generations 300" ;;
  full)
    oja3="--generations 1500"; oja100="--generations 4000"
    net5="--generations 8000"; net50="--generations 3000"
    spk="--iterations 40 --datasets 4"; seeds="1 2 3 4 5"
    s1="--inputs 3,10,30,100 --generations 1500" ;;
esac

# run NAME COMMAND...: the command's stdout (JSON summary last) to runs/NAME.json, its
# stderr to runs/NAME.log, the command itself to runs/NAME.cmd.
run() {
  local name="$1"; shift
  echo "$*" > "$out/runs/$name.cmd"
  echo "[$(date +%H:%M:%S)] $name: $*" >&2
  if ! "$@" > "$out/runs/$name.out" 2> "$out/runs/$name.log"; then
    echo "reproduce_paper.sh: $name failed; its log: $out/runs/$name.log" >&2
    tail -5 "$out/runs/$name.log" >&2
    exit 1
  fi
  tail -n 1 "$out/runs/$name.out" > "$out/runs/$name.json"
}

# Fig. 1B/C (§3.1): Oja's rule in a single neuron, 3 and 100 inputs.
run fig1_n3 "$bin/oja_single_neuron" --inputs 3 $oja3 $t --csv "$out/runs/fig1_n3.csv"
run fig1_n100 "$bin/oja_single_neuron" --inputs 100 $oja100 $t --csv "$out/runs/fig1_n100.csv"
# Fig. 2B/C (§3.2): Oja + anti-Hebbian, 5 -> 5 and 50 -> 5.
run fig2_5x5 "$bin/oja_antihebbian_network" --inputs 5 --outputs 5 $net5 $t --csv "$out/runs/fig2_5x5.csv"
run fig2_50x5 "$bin/oja_antihebbian_network" --inputs 50 --outputs 5 $net50 $t --csv "$out/runs/fig2_50x5.csv"
# Fig. 3B/D (§3.3): Adam-FD searches from random starts (one per seed), inhibitory weights
# initially random (U(0, 0.2)) as in the paper.
for s in $seeds; do
  run "fig3_search_s$s" "$bin/inhibitory_balance_lif" --seed "$s" $spk --w-inh-spread 0.1 $t \
    --csv "$out/runs/fig3_search_s$s.csv"
done
# Fig. 3C, S2: currents per group before and after learning with the first seed's learnt
# rule, and with Vogels et al.'s rule (rho0 = 7 Hz, which settles near 5 Hz with this input).
first_seed="${seeds%% *}"
learnt="$("$PYTHON" -c 'import json, sys; print(",".join(repr(float(x)) for x in json.load(open(sys.argv[1]))["theta"]))' \
  "$out/runs/fig3_search_s$first_seed.json")"
run fig3_learnt "$bin/inhibitory_balance_lif" --rule="$learnt" --seed "$first_seed" --w-inh-spread 0.1 $t \
  --csv "$out/runs/fig3_learnt.csv"
run fig3_vogels "$bin/inhibitory_balance_lif" --rule vogels --rho0 7 --seed "$first_seed" --w-inh-spread 0.1 $t \
  --csv "$out/runs/fig3_vogels.csv"
# Supplementary S1: CMA-ES against Adam on finite differences as N grows (§3.1 task).
s1_command=("$here/optimiser_scaling.py" --binary "$bin/oja_single_neuron" $s1 $t --out "$out" --prefix s1)
echo "${s1_command[*]}" > "$out/runs/s1.cmd"
echo "[$(date +%H:%M:%S)] s1: ${s1_command[*]}" >&2
"$PYTHON" "${s1_command[@]}" > "$out/runs/s1.log"

# Rows other scripts add (see the header).
shopt -s nullglob
for extra in "$here"/reproduce_paper.d/*.sh; do
  echo "[$(date +%H:%M:%S)] $(basename "$extra")" >&2
  MODE="$mode" OUT="$out" BUILD="$build" THREADS="$threads" PYTHON="$PYTHON" bash "$extra"
done

"$PYTHON" "$here/paper_figures.py" --out "$out" --mode "$mode" --seeds $seeds
