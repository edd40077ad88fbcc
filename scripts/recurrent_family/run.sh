#!/bin/sh
# The recurrent validation of filter SBI (docs/rule-families.md, "Recurrent network"):
# rounds of the flow proposal through an increasingly fine mesh of constraints (filter SBI):
# round 0 samples the prior (ROUND0_RULES rules), round 1's q is fitted on the rates and the
# weight metrics (stage2_weights.txt), rounds >= 2 on the full set (stage3_all.txt).
#
#   scripts/recurrent_family/run.sh BIN STORE ROUND0_RULES RULES_PER_ROUND ROUNDS [extra rule_family options]
#
# One rule_family call per round on the same store (it resumes the rounds already there),
# so the constraints of the next round can be chosen here; `touch STORE/STOP` ends the run
# after the current round.
set -eu
bin=$1 store=$2 round0=$3 per_round=$4 rounds=$5
shift 5
here=$(dirname "$0")
r=0
while [ "$r" -lt "$rounds" ]; do
  [ -e "$store/STOP" ] && break
  if [ "$r" -le 1 ]; then c=$here/stage2_weights.txt; else c=$here/stage3_all.txt; fi
  n=$per_round
  [ "$r" -eq 0 ] && n=$round0  # later calls resume round 0 from its saved table (round0 rows)
  echo "== round $r: $(date -u +%H:%M:%S), constraints $c" >&2
  "$bin" --task recurrent --rounds $((r + 1)) --rules-per-round "$n" --constraints "$c" \
    --store "$store" "$@"
  r=$((r + 1))
done
