#!/usr/bin/python3
"""Runs pfsim and its NumPy peer on the same config, single-threaded, and reports the per-core ratio.

  /usr/bin/python3 bench/peer/compare.py [--pfsim BIN] [--config TOML] [--paths N] [--repeat R] [--no-pin]

Both processes run with one thread (pfsim --threads 1; the peer with
OPENBLAS/OMP/MKL threads 1) and, unless --no-pin, pinned to the same single
CPU, one after the other. Simulation time is what each reports itself:
pfsim's stderr line "simulated in X s (Y path-years/s)" (simulation only,
after config loading and building the model: the Lee-Carter fit and the
calibration, reported as "model built in") and the peer's "peer: simulated
in X s" (simulation only, after config loading and calibration). Whole-process wall times are printed too. With --repeat R the
best of R runs of each is used (the least disturbed by other load).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIM_RE = re.compile(r"simulated in ([0-9.]+) s \(([0-9.]+) path-years/s\)")


def default_pfsim():
    for d in ("release",):
        p = os.path.join(ROOT, "build", d, "pfsim")
        if os.path.exists(p):
            return p
    return os.path.join(ROOT, "build", "release", "pfsim")


def run(cmd, env, cpu):
    pre = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, preexec_fn=pre)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"compare: failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    m = SIM_RE.search(r.stderr)
    if not m:
        sys.exit(f"compare: no 'simulated in' line from {' '.join(cmd)}:\n{r.stderr}")
    return float(m.group(1)), float(m.group(2)), wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pfsim", default=default_pfsim())
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "china_baseline.toml"))
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-pin", action="store_true", help="do not pin both processes to one CPU")
    args = ap.parse_args()

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMEXPR_NUM_THREADS="1")
    cpu = None if args.no_pin else min(os.sched_getaffinity(0))
    tmp = tempfile.mkdtemp(prefix="peer_compare_")
    out = os.path.join(tmp, "pfsim.h5")
    pf_cmd = [args.pfsim, "run", args.config, "--paths", str(args.paths), "--seed", str(args.seed),
              "--threads", "1", "--output", out, "--no-summary"]
    peer_cmd = ["/usr/bin/python3", os.path.join(HERE, "pfsim_peer.py"), args.config, "--paths", str(args.paths),
                "--seed", str(args.seed), "--quiet"]

    print(f"config {args.config}, {args.paths} paths, one thread each"
          f"{'' if cpu is None else f', pinned to CPU {cpu}'}; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs")
    pf, peer = [], []
    for _ in range(args.repeat):
        pf.append(run(pf_cmd, env, cpu))
        peer.append(run(peer_cmd, env, cpu))
    pf_best = min(pf)
    peer_best = min(peer)
    print(f"pfsim: {pf_best[0]:8.3f} s simulation ({pf_best[1]:9.0f} path-years/s), {pf_best[2]:7.2f} s whole process")
    print(f"peer : {peer_best[0]:8.3f} s simulation ({peer_best[1]:9.0f} path-years/s), "
          f"{peer_best[2]:7.2f} s whole process")
    print(f"per-core ratio peer/pfsim: {peer_best[0] / pf_best[0]:.2f}x simulation time, "
          f"{peer_best[2] / pf_best[2]:.2f}x whole process")
    print(f"(load average now {os.getloadavg()[0]:.2f}; other load on the machine inflates both)")


if __name__ == "__main__":
    main()
