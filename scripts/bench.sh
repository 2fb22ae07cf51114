#!/usr/bin/env bash
# Google Benchmark figures as JSON, to track performance across commits:
#   scripts/bench.sh [OUT.json]     (default: results/bench-<git sha>.json)
# Compare two files with Debian's libbenchmark-tools:
#   /usr/share/benchmark/compare.py benchmarks OLD.json NEW.json
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j 2 --target pfsim_bench pfsim >/dev/null
out=${1:-results/bench-$(git rev-parse --short HEAD 2>/dev/null || echo local).json}
mkdir -p "$(dirname "$out")"
build/release/bench/pfsim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json
echo "wrote $out"
