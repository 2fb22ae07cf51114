#!/bin/bash
# pfsim as a Slurm job array: task k (1..N) simulates shard k of N and writes
# a partial file; slurm_merge.sh then merges the N parts into one results
# file, bit-identical to a single run (docs/hpc.md).
#
# Submit from the repository root; --array must be 1-N with N = NSHARDS:
#   jid=$(sbatch --parsable --array=1-16 --export=ALL,NSHARDS=16 configs/hpc/slurm_array.sh)
#   sbatch --dependency=afterok:${jid%%;*} --export=ALL,NSHARDS=16 configs/hpc/slurm_merge.sh
#
# Every task must run the same config, paths and seed: change them only
# through the variables below, identically for the array and the merge.
#
# Each task checkpoints its shard: if it is killed (time limit, preemption,
# node failure), resubmit the same task ids, e.g. --array=3,11, with the
# same NSHARDS; they resume from their completed chunks.
#
# Memory per task (China baseline, 22,928 bytes per path): about
# 2 x (NPATHS / NSHARDS) x 22,928 bytes, plus 16 bytes x NPATHS / NSHARDS per
# thread and 27 MB. For 10^6 paths in 16 shards: about 2.9 GB; --mem=4G below.
# Disk: each part and each checkpoint directory is about
# (NPATHS / NSHARDS) x 22,928 bytes (1.4 GB here); a task deletes its
# checkpoint directory once its part is written.
#
#SBATCH --job-name=pfsim-shard
#SBATCH --array=1-16
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=4G
#SBATCH --time=01:00:00
#SBATCH --output=pfsim-shard-%A_%a.out

set -euo pipefail

NSHARDS=${NSHARDS:-16}
CONFIG=${CONFIG:-configs/china_baseline.toml}
NPATHS=${NPATHS:-1000000}
SEED=${SEED:-42}
WORK=${WORK:-scratch/pfsim_shards}
PFSIM=${PFSIM:-./build/release/pfsim}
THREADS=${SLURM_CPUS_PER_TASK:-1}
k=${SLURM_ARRAY_TASK_ID:?run this script as a job array: sbatch --array=1-N}

if [ "$k" -lt 1 ] || [ "$k" -gt "$NSHARDS" ]; then
  echo "array task $k is outside 1..$NSHARDS: submit with --array=1-$NSHARDS" >&2
  exit 2
fi

cd "${SLURM_SUBMIT_DIR:-.}"
mkdir -p "$WORK"
export OMP_NUM_THREADS=$THREADS

# srun makes this a job step, so the step receives Slurm's SIGTERM at the
# time limit: pfsim then stops cleanly (exit status 130) keeping its chunks.
srun --cpus-per-task="$THREADS" "$PFSIM" run "$CONFIG" \
  --paths "$NPATHS" --seed "$SEED" --shard "$k/$NSHARDS" \
  --checkpoint "$WORK/ck_$k" --threads "$THREADS" -o "$WORK/part_$k.h5"

# The part holds the same paths as the chunks.
rm -rf "$WORK/ck_$k"
