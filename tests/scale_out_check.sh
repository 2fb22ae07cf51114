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
  # Statistics computed where the paths are: 1 to 4 ranks (block-aligned
  # ranges of 1,024 paths; 4.4 blocks, so every split has a short block and
  # with 4 ranks one holds two) and 3 shards merged all equal one process on
  # every dataset.
  w=4500
  "$pfsim" run "$config" --paths $w --seed 7 -o "$tmp/wide.h5" -q || fail "single run of $w paths"
  for k in 1 2 3 4; do
    mpirun --allow-run-as-root --oversubscribe -np $k "$pfsim_mpi" run "$config" --paths $w --seed 7 --threads 1 -o "$tmp/mpi$k.h5" -q || fail "mpirun -np $k"
    $compare "$tmp/wide.h5" "$tmp/mpi$k.h5" || fail "MPI run on $k ranks differs"
  done
  for k in 1 2 3; do "$pfsim" run "$config" --paths $w --seed 7 --shard $k/3 -o "$tmp/wpart$k.h5" -q || fail "shard $k of $w paths"; done
  "$pfsim" merge "$tmp/wpart2.h5" "$tmp/wpart3.h5" "$tmp/wpart1.h5" -o "$tmp/wmerged.h5" -q || fail "merge of $w paths"
  $compare "$tmp/wide.h5" "$tmp/wmerged.h5" || fail "merged shards of $w paths differ from one run"
  # The gathered route (--gather) gives the same bits too.
  mpirun --allow-run-as-root --oversubscribe -np 3 "$pfsim_mpi" run "$config" --paths $w --seed 7 --threads 1 --gather -o "$tmp/mpi_gathered.h5" -q || fail "mpirun --gather"
  $compare "$tmp/wide.h5" "$tmp/mpi_gathered.h5" || fail "MPI run with --gather differs"
  echo "mpi: 1-4 ranks, --gather and 3 shards merged bit-identical on every dataset"
  # Each rank spills its own range beyond its memory limit: the same bits,
  # and no spill file left.
  mkdir -p "$tmp/spill"
  out=$(mpirun --allow-run-as-root --oversubscribe -np 2 "$pfsim_mpi" run "$config" --paths $w --seed 7 --threads 1 -o "$tmp/mpi_spilled.h5" \
        --set 'run.memory_limit="1MB"' --set "run.spill_dir=\"$tmp/spill\"" 2>&1 >/dev/null); rc=$?
  [ $rc -eq 0 ] && grep -q "rank 1: per-path sample .* spilled to a temporary file in $tmp/spill" <<<"$out" || fail "mpirun with a spilled sample: rc=$rc, $out"
  $compare "$tmp/wide.h5" "$tmp/mpi_spilled.h5" || fail "MPI run with a spilled sample differs"
  [ -z "$(ls -A "$tmp/spill")" ] || fail "a spill file was left in $tmp/spill"
  # A rank killed mid-run: the job stops, and no results file, temporary
  # file or spill file is left.
  mkdir -p "$tmp/killed"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$pfsim_mpi" run "$config" --paths 400000 --seed 7 --threads 1 -o "$tmp/killed/out.h5" -q \
    --set 'run.memory_limit="1MB"' --set "run.spill_dir=\"$tmp/killed\"" >/dev/null 2>&1 &
  job=$!
  victim=""
  for _ in $(seq 1 300); do  # rank 1: the second rank process (mpirun's own command line starts with mpirun)
    victim=$(pgrep -f "^[^ ]*pfsim-mpi run .*$tmp/killed/out.h5" | sed -n 2p)
    [ -n "$victim" ] && break
    sleep 0.1
  done
  [ -n "$victim" ] || fail "no rank of the job to kill"
  sleep 2  # simulating: 400,000 paths take the two ranks about 40 s
  kill -9 "$victim"
  wait $job; rc=$?
  [ $rc -ne 0 ] || fail "a job with a killed rank exited 0"
  sleep 1
  [ -z "$(ls -A "$tmp/killed")" ] || fail "a killed rank left files: $(ls "$tmp/killed")"
  echo "mpi: a rank killed mid-run (status $rc) leaves no results file"
  echo "mpi: 2 ranks spilled bit-identical"
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
