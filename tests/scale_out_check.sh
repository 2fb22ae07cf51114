#!/usr/bin/env bash
# Shards, merge, checkpoint/resume and MPI give the same bits as one process.
# Usage: scale_out_check.sh PFSIM PFSIM_MPI_OR_EMPTY CONFIG TMPDIR
set -uo pipefail
pfsim=$1; pfsim_mpi=$2; config=$3; tmp=$4/scale_out
compare="/usr/bin/python3 $(dirname "$0")/compare_results.py"
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "FAILED: $*"; exit 1; }
n=600
"$pfsim" run "$config" --paths $n --seed 7 -o "$tmp/one.h5" -q || fail "single run"

# Three shards merged (given out of order) equal one run.
for k in 1 2 3; do "$pfsim" run "$config" --paths $n --seed 7 --shard $k/3 -o "$tmp/part$k.h5" -q || fail "shard $k"; done
"$pfsim" merge "$tmp/part3.h5" "$tmp/part1.h5" "$tmp/part2.h5" -o "$tmp/merged.h5" -q || fail "merge"
$compare "$tmp/one.h5" "$tmp/merged.h5" || fail "merged shards differ from one run"

# A duplicated and a missing shard are refused, naming the paths.
out=$("$pfsim" merge "$tmp/part1.h5" "$tmp/part2.h5" "$tmp/part2.h5" "$tmp/part3.h5" -o "$tmp/bad.h5" -q 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "paths 200-399 are duplicated" <<<"$out" || fail "duplicate shard: rc=$rc, $out"
out=$("$pfsim" merge "$tmp/part1.h5" "$tmp/part3.h5" -o "$tmp/bad.h5" -q 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "paths 200-399 are missing" <<<"$out" || fail "missing shard: rc=$rc, $out"
[ ! -e "$tmp/bad.h5" ] || fail "a refused merge left a results file"
out=$("$pfsim" run "$config" --paths $n --seed 8 --shard 2/3 -o "$tmp/other.h5" -q && "$pfsim" merge "$tmp/part1.h5" "$tmp/other.h5" "$tmp/part3.h5" -o "$tmp/bad.h5" -q 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "different config\|seed" <<<"$out" || fail "shard of another seed accepted: rc=$rc, $out"
# A shard written by another build is refused, naming both builds.
cp "$tmp/part2.h5" "$tmp/foreign.h5"
/usr/bin/python3 -c "import h5py, numpy, sys; h5py.File(sys.argv[1], 'r+').attrs.create('build', numpy.bytes_(b'pfsim 0.0.9 (0123456789ab)'))" "$tmp/foreign.h5" || fail "h5py"
out=$("$pfsim" merge "$tmp/part1.h5" "$tmp/foreign.h5" "$tmp/part3.h5" -o "$tmp/bad.h5" -q 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "made by pfsim 0.0.9 (0123456789ab)" <<<"$out" || fail "shard of another build accepted: rc=$rc, $out"

# Checkpoint: killed with SIGKILL after some chunks, resumed, equals one run.
m=6000
"$pfsim" run "$config" --paths $m --seed 9 -o "$tmp/whole.h5" -q || fail "uninterrupted run"
"$pfsim" run "$config" --paths $m --seed 9 --threads 1 --checkpoint "$tmp/ck" -o "$tmp/resumed.h5" -q &
pid=$!
for _ in $(seq 1 600); do
  [ "$(ls "$tmp/ck" 2>/dev/null | grep -c '^chunk-.*\.h5$')" -ge 3 ] && break
  sleep 0.1
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
chunks=$(ls "$tmp/ck" | grep -c '^chunk-.*\.h5$')
[ "$chunks" -ge 1 ] || fail "no checkpoint chunk was written before the kill"
[ ! -e "$tmp/resumed.h5" ] || echo "note: the run finished before it was killed"
"$pfsim" run "$config" --paths $m --seed 9 --checkpoint "$tmp/ck" -o "$tmp/resumed.h5" -q || fail "resume"
$compare "$tmp/whole.h5" "$tmp/resumed.h5" || fail "resumed run differs"
echo "checkpoint: killed after $chunks chunks, resumed bit-identically"

# MPI: two ranks equal one process.
if [ -n "$pfsim_mpi" ] && command -v mpirun >/dev/null; then
  # In a sanitizer build, LeakSanitizer reports Open MPI's own allocations
  # (its plugins keep them until exit, and no pfsim frame is in their
  # stacks): leak checking is off for the MPI ranks, the rest stays on.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$pfsim_mpi" run "$config" --paths $n --seed 7 --threads 1 -o "$tmp/mpi.h5" -q || fail "mpirun"
  $compare "$tmp/one.h5" "$tmp/mpi.h5" || fail "MPI run differs"
  # Rank 0 spills the gathered sample beyond its memory limit: the same bits.
  mkdir -p "$tmp/spill"
  out=$(mpirun --allow-run-as-root --oversubscribe -np 2 "$pfsim_mpi" run "$config" --paths $n --seed 7 --threads 1 -o "$tmp/mpi_spilled.h5" \
        --set 'run.memory_limit="1MB"' --set "run.spill_dir=\"$tmp/spill\"" 2>&1 >/dev/null); rc=$?
  [ $rc -eq 0 ] && grep -q "spilled to a temporary file in $tmp/spill" <<<"$out" || fail "mpirun with a spilled sample: rc=$rc, $out"
  $compare "$tmp/one.h5" "$tmp/mpi_spilled.h5" || fail "MPI run with a spilled sample differs"
  [ -z "$(ls -A "$tmp/spill")" ] || fail "a spill file was left in $tmp/spill"
  echo "mpi: 2 ranks bit-identical, in memory and spilled"
  # pfsim's exit statuses (docs/config.md): bad input 2 on every rank before
  # anything is simulated, a run whose figures are not finite 1, and no file.
  expect_status() {  # STATUS NEEDLE ARGS...
    local want=$1 needle=$2; shift 2
    out=$(mpirun --allow-run-as-root --oversubscribe -np 2 "$pfsim_mpi" run "$config" --paths 20 -q "$@" 2>&1 >/dev/null); rc=$?
    [ $rc -eq "$want" ] && grep -qF -- "$needle" <<<"$out" || fail "pfsim-mpi $*: status $rc (expected $want), $out"
  }
  expect_status 2 "--threads 65537: out of range" --threads 65537 -o "$tmp/mpi_bad.h5"
  mkfifo "$tmp/mpi_fifo.h5"
  expect_status 2 "is a FIFO; pfsim replaces only regular files" --threads 1 -o "$tmp/mpi_fifo.h5"
  expect_status 1 "simulation stopped: path" --threads 1 --set scheme.average_wage=1e30 -o "$tmp/mpi_bad.h5"
  [ ! -e "$tmp/mpi_bad.h5" ] && [ -p "$tmp/mpi_fifo.h5" ] || fail "pfsim-mpi left a results file or replaced the FIFO"
  [ -z "$(ls "$tmp" | grep '\.tmp-')" ] || fail "pfsim-mpi left a temporary file in $tmp"
  echo "mpi: exit statuses 2 (bad option, bad output) and 1 (not finite) as documented"
else
  echo "mpi: pfsim-mpi or mpirun not available; skipped"
fi
echo "scale-out checks passed"
