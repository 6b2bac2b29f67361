#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after the other, each writing bench/results/<UTC time>-<name>.json
# and appending to bench/RESULTS.md. Arguments go to each benchmark (e.g. --with-baseline).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). See bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The command as typed, for the results (npm sets npm_lifecycle_event when `npm run bench` called us).
if [ "${npm_lifecycle_event:-}" = bench ]; then
  export BENCH_COMMAND="npm run bench${*:+ -- $*}"
else
  export BENCH_COMMAND="bash bench/run.sh${*:+ $*}"
fi

[ -d node_modules ] || { echo "bench: run npm ci first" >&2; exit 1; }
pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || { echo "bench: PostgreSQL is not up on 127.0.0.1:5432" >&2; exit 1; }

benchmarks=(screenings seatmap holds checkout) # add more here: bench/<name>.ts
for b in "${benchmarks[@]}"; do
  echo "==== bench: $b ===="
  node --import tsx "bench/$b.ts" "$@"
done
