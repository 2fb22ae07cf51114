#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset "asan-ubsan", build/asan-ubsan:
# the clang tree that also builds the test suite under ASan and UBSan) and
# runs each for a while on a scratch copy of its seed corpus (docs/fuzzing.md).
#
#   scripts/fuzz.sh [-s SECONDS] [-t "fuzz_config fuzz_csv fuzz_results"] [--no-build] [-- LIBFUZZER_FLAGS...]
#
#   -s, --seconds N   seconds per target (-max_total_time; default $FUZZ_SECONDS or 60)
#   -t, --targets L   the targets to run, in order (default: all three)
#   --no-build        run what build/asan-ubsan holds (FUZZ_BUILD_DIR: another tree)
#   -j, --jobs N      build jobs (default $JOBS or 1)
#   -k, --keep-going  libFuzzer's fork mode (one child at a time): record every
#                     crash, timeout and OOM and go on instead of stopping at the first
#
# The seeds in fuzz/corpus/<target> are copied to <tree>/fuzz-run/corpus/<target>,
# where new inputs accumulate from run to run; the source tree is never written.
# Crash, leak, timeout and OOM reproducers go to <tree>/fuzz-run/artifacts/, logs
# to <tree>/fuzz-run/logs/. Exit status 1 when any target reported a finding.
set -uo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
targets="fuzz_config fuzz_results fuzz_csv"
build=1
jobs="${JOBS:-1}"
extra=()
extra_mode=()
while [ $# -gt 0 ]; do
  case "$1" in
    -s|--seconds) seconds="$2"; shift 2 ;;
    -t|--targets) targets="$2"; shift 2 ;;
    -j|--jobs) jobs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -k|--keep-going) extra_mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

tree="${FUZZ_BUILD_DIR:-build/asan-ubsan}"
if [ "$build" = 1 ]; then
  if [ -z "${FUZZ_BUILD_DIR:-}" ]; then cmake --preset asan-ubsan >/dev/null || exit 2; fi
  cmake --build "$tree" -j "$jobs" --target $targets || exit 2
fi

out="$tree/fuzz-run"
mkdir -p "$out/artifacts" "$out/logs"
status=0
for t in $targets; do
  # fuzz_results keeps its base files here between the processes of fork mode.
  export PFSIM_FUZZ_RESULTS_CACHE="$(cd "$out" && pwd)/results-cache"
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  echo "fuzz.sh: $t for ${seconds}s (corpus $corpus, log $out/logs/$t.log)" >&2
  "$tree/$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
    -artifact_prefix="$out/artifacts/$t-" -print_final_stats=1 "${extra_mode[@]}" "${extra[@]}" </dev/null >"$out/logs/$t.log" 2>&1
  rc=$?
  grep -E '^#[0-9]+ +DONE|^#[0-9]+: cov:|^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::new_units_added' "$out/logs/$t.log" | tail -4 >&2
  ls "$out/artifacts/$t-"* 2>/dev/null | head -20 >&2
  if [ $rc -ne 0 ]; then
    echo "fuzz.sh: $t stopped with status $rc: a finding, see $out/logs/$t.log and $out/artifacts/" >&2
    status=1
  fi
done
exit $status
