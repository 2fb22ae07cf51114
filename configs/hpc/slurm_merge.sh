#!/bin/bash
# Merges the partial files of slurm_array.sh into one results file. Submit it
# to start when every array task has succeeded:
#   jid=$(sbatch --parsable --array=1-16 --export=ALL,NSHARDS=16 configs/hpc/slurm_array.sh)
#   sbatch --dependency=afterok:${jid%%;*} --export=ALL,NSHARDS=16 configs/hpc/slurm_merge.sh
#
# If a task fails, this job never starts (its dependency cannot be met; it
# stays pending with reason DependencyNeverSatisfied, or is cancelled where
# the cluster sets kill_invalid_depend): scancel it, resubmit the failed
# tasks, then submit this script again (with a new dependency, or none once
# every part exists).
#
# Submit from the same directory as the array: the merge rebuilds the model
# from the config recorded in the parts, whose relative path is resolved
# from here (docs/hpc.md#where-to-run-merge).
#
# Memory (China baseline, 22,928 bytes per path): NPATHS x 22,928 x
# (1 + 2 / NSHARDS) bytes, plus 16 bytes x NPATHS per thread for the
# statistics. For 10^6 paths in 16 shards: about 25.8 GB plus 16 MB per
# thread; --mem=32G below.
#
#SBATCH --job-name=pfsim-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=32G
#SBATCH --time=01:00:00
#SBATCH --output=pfsim-merge-%j.out

set -euo pipefail

NSHARDS=${NSHARDS:-16}
WORK=${WORK:-scratch/pfsim_shards}
OUT=${OUT:-results/merged_${SLURM_JOB_ID:-local}.h5}
PFSIM=${PFSIM:-./build/release/pfsim}
THREADS=${SLURM_CPUS_PER_TASK:-1}

cd "${SLURM_SUBMIT_DIR:-.}"
mkdir -p "$(dirname "$OUT")"

parts=()
for k in $(seq 1 "$NSHARDS"); do parts+=("$WORK/part_$k.h5"); done
for p in "${parts[@]}"; do
  [ -e "$p" ] || { echo "missing $p: rerun its array task first" >&2; exit 2; }
done

# pfsim merge checks that the parts are of one config and seed and tile the
# paths exactly (missing, duplicated or foreign parts are refused, status 2).
"$PFSIM" merge "${parts[@]}" -o "$OUT" --threads "$THREADS"
echo "merged ${#parts[@]} parts into $OUT; the parts in $WORK can be deleted"
