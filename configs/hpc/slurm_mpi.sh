#!/bin/bash
# pfsim-mpi as one Slurm job: 8 ranks on 2 nodes, 8 threads per rank. Each
# rank keeps its own paths and the statistics are computed where they are;
# rank 0 writes one results file, bit-identical to `pfsim run` of the same
# config and seed (docs/hpc.md).
#
# Submit from the repository root (paths below are relative to it):
#   sbatch configs/hpc/slurm_mpi.sh
#   sbatch --export=ALL,CONFIG=configs/my_run.toml,NPATHS=400000,SEED=7 configs/hpc/slurm_mpi.sh
#
# Memory (China baseline: 21,476 bytes per path; others: docs/hpc.md#memory).
# With n paths and K ranks, each rank holds n/K x 21,476 bytes, plus about
# 27 MB, or, beyond its memory limit, about 1 GB and n/K x 21,476 bytes of
# local disk (MEMORY_LIMIT below). For n = 10^5 and K = 8: 0.27 GB a rank,
# 1.1 GB a node: --mem=8G below is ample. For n = 10^6 and K = 8: 2.7 GB a
# rank, 10.7 GB a node. 10^8 paths: docs/hpc.md, "10^8 paths on a Slurm
# cluster".
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
# Memory for each rank's paths before they spill to ${TMPDIR:-the output's
# directory} (node-local scratch). auto: half of the job's memory on the
# node (its cgroup limit), shared by the node's ranks.
MEMORY_LIMIT=${MEMORY_LIMIT:-auto}
# More options for pfsim-mpi run, e.g. EXTRA='--set output.paths=[]'.
EXTRA=${EXTRA:-}

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
  --paths "$NPATHS" --seed "$SEED" --threads "$THREADS" --memory-limit "$MEMORY_LIMIT" -o "$OUT" $EXTRA

# mpirun "$PFSIM_MPI" ... with Open MPI: bind each rank to its own cores,
# otherwise every rank is bound to one core and oneTBB uses one thread.
# mpirun --map-by "ppr:${SLURM_NTASKS_PER_NODE}:node:PE=${THREADS}" "$PFSIM_MPI" run "$CONFIG" \
#   --paths "$NPATHS" --seed "$SEED" --threads "$THREADS" --memory-limit "$MEMORY_LIMIT" -o "$OUT" $EXTRA
