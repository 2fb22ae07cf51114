#!/bin/bash
# pfsim-mpi as one Slurm job: 8 ranks on 2 nodes, 8 threads per rank. Rank 0
# gathers every path and writes one results file, bit-identical to
# `pfsim run` of the same config and seed (docs/hpc.md).
#
# Submit from the repository root (paths below are relative to it):
#   sbatch configs/hpc/slurm_mpi.sh
#   sbatch --export=ALL,CONFIG=configs/my_run.toml,NPATHS=400000,SEED=7 configs/hpc/slurm_mpi.sh
#
# Memory (China baseline: 22,928 bytes per path; others: docs/hpc.md#memory).
# With n paths and K ranks, rank 0 needs about (n + n/K) x 22,928 bytes plus
# 16 bytes x n per thread for the statistics; every other rank n/K x 22,928;
# each process about 27 MB more.
# For n = 10^5 and K = 8: rank 0 about 2.6 GB, the others 0.31 GB, so the
# node of rank 0 (with 3 more ranks) about 3.6 GB: --mem=8G below is ample.
# For n = 10^6 and K = 8: rank 0 about 26 GB, the others 2.9 GB; the first
# node then needs about 35 GB (raise --mem, or place fewer ranks on it).
#
#SBATCH --job-name=pfsim-mpi
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=pfsim-mpi-%j.out

set -euo pipefail

CONFIG=${CONFIG:-configs/china_baseline.toml}
NPATHS=${NPATHS:-100000}
SEED=${SEED:-42}
OUT=${OUT:-results/mpi_${SLURM_JOB_ID}.h5}
PFSIM_MPI=${PFSIM_MPI:-./build/release/pfsim-mpi}
THREADS=${SLURM_CPUS_PER_TASK:-1}

cd "${SLURM_SUBMIT_DIR:-.}"
mkdir -p "$(dirname "$OUT")"

# pfsim uses oneTBB, sized by --threads; OMP_NUM_THREADS only keeps any
# OpenMP library in the environment from taking more cores than given.
export OMP_NUM_THREADS=$THREADS

echo "pfsim-mpi: $SLURM_NTASKS ranks x $THREADS threads, $NPATHS paths, seed $SEED, config $CONFIG"

# srun starts one rank per task with --cpus-per-task cores each (given
# explicitly: recent Slurm versions do not pass sbatch's value on to srun).
# This needs an MPI built with Slurm support (PMI/PMIx); otherwise use the
# mpirun line below instead, which reads the allocation from Slurm.
srun --cpus-per-task="$THREADS" "$PFSIM_MPI" run "$CONFIG" \
  --paths "$NPATHS" --seed "$SEED" --threads "$THREADS" -o "$OUT"

# mpirun "$PFSIM_MPI" ... with Open MPI: bind each rank to its own cores,
# otherwise every rank is bound to one core and oneTBB uses one thread.
# mpirun --map-by "ppr:${SLURM_NTASKS_PER_NODE}:node:PE=${THREADS}" "$PFSIM_MPI" run "$CONFIG" \
#   --paths "$NPATHS" --seed "$SEED" --threads "$THREADS" -o "$OUT"
