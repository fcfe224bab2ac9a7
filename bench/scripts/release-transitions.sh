#!/usr/bin/env bash
# Times each `aegis release` step through an engine (default: the packed one) on a repository that holds a Risk Card:
# N releases, each create --force → approve → advance ×4 → gate → show → rollback, then list. Prints median, min and
# max per step in ms. Usage: release-transitions.sh <Aegis.Cli.dll> <repository root> <risk-card.json> [N]
# Removes <repository root>/.aegis/releases first.
set -euo pipefail
ENGINE=$1 ROOT=$2 CARD=$3 N=${4:-10}
export AEGIS_ACTOR=bench
rm -rf "$ROOT/.aegis/releases"
times=$(mktemp)
step() {
  local name=$1; shift
  local start; start=$(date +%s%N)
  dotnet "$ENGINE" release "$@" --repository-root "$ROOT" >/dev/null 2>&1 || [ "$name" = gate ]
  echo -e "$name\t$(( ($(date +%s%N) - start) / 1000000 ))" >> "$times"
}
for i in $(seq 1 "$N"); do
  id=$(printf 'rel-%04d' "$i")
  step create create --card "$CARD" --name "bench-$i" --force
  step approve approve "$id"
  for stage in canary staged broad full; do step "advance:$stage" advance "$id"; done
  step gate gate "$id"
  step show show "$id"
  step rollback rollback "$id"
done
step list list
python3 - "$times" <<'PY'
import collections, sys
steps = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, ms = line.split('\t'); steps[name].append(int(ms))
for name in sorted(steps):
    v = sorted(steps[name])
    print(f"{name:16} n={len(v):2}  median {v[(len(v) - 1) // 2]:4} ms  min {v[0]:4} ms  max {v[-1]:4} ms")
PY
rm -f "$times"
