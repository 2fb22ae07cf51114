#!/usr/bin/python3
"""Checks pfsim against its NumPy peer (bench/peer/pfsim_peer.py) on one config.

  /usr/bin/python3 tests/peer_check.py PFSIM_BINARY [CONFIG]

CONFIG defaults to configs/china_baseline.toml. Scratch files go to
$PFSIM_TEST_TMP (default: a fresh temporary directory). Paths per side:
$PEER_CHECK_PATHS (default 2000); pfsim runs with --threads 1.

(a) Central path (every shock zero): pfsim's /metrics/<name>/central against
    the peer's --central, relative difference <= CENTRAL_RTOL in every year for
    fund_balance, population, contributors and pensioners (required), and for a
    few more metrics when pfsim reports them. The denominator is
    max(|pfsim|, 1e-6 max over years |pfsim|), so years after depletion (both
    exactly 0) and the years just before it do not divide by ~0.
(b) Monte Carlo means: |mean_peer - mean_pfsim| <= 4 sqrt(se_pfsim^2 + se_peer^2)
    (+ 1e-6 of the mean's size, for metrics with no spread in a year) for the
    metrics below in MC_YEARS, and the same for the probability of depletion by
    a few years (binomial standard errors). The two sides use different random
    numbers (pfsim's counter-based streams, numpy's default_rng), so only the
    distributions can agree.

Exit status 0 when everything agrees, 1 with a report of what does not, 2 when
a run fails.
"""
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEER = os.path.join(ROOT, "bench", "peer", "pfsim_peer.py")

CENTRAL_RTOL = 1e-9
CENTRAL_REQUIRED = ["fund_balance", "population", "contributors", "pensioners"]
CENTRAL_EXTRA = ["fund_balance_real", "expenditure", "benefits_account", "benefits_pooled", "benefits_basic",
                 "benefits_transitional", "contributions_pooling", "contributions_account", "refunds",
                 "transfers_out", "overdraft", "tfr", "inflation", "portfolio_return", "account_liability",
                 "e0_male", "e0_female", "net_migration"]
MC_METRICS = ["fund_balance", "fund_balance_real", "contributors", "pensioners", "population", "expenditure",
              "benefits_pooled", "benefits_basic", "benefits_transitional", "benefits_account",
              "contributions_pooling", "contributions_account", "portfolio_return", "inflation", "tfr",
              "e0_male", "e0_female", "net_migration"]
MC_YEARS = [2030, 2050, 2080]
DEPLETION_YEARS = [2050, 2055, 2060]
Z = 4.0
PFSIM_SEED = 20240913
PEER_SEED = 777


def load_peer():
    sys.dont_write_bytecode = True  # leave no __pycache__ in bench/peer
    spec = importlib.util.spec_from_file_location("pfsim_peer", PEER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    pfsim = os.path.abspath(argv[1])
    config = os.path.abspath(argv[2]) if len(argv) > 2 else os.path.join(ROOT, "configs", "china_baseline.toml")
    paths = int(os.environ.get("PEER_CHECK_PATHS", "2000"))
    tmp = os.environ.get("PFSIM_TEST_TMP") or tempfile.mkdtemp(prefix="peer_check_")
    os.makedirs(tmp, exist_ok=True)
    h5 = os.path.join(tmp, "peer_check_pfsim.h5")

    t0 = time.perf_counter()
    cmd = [pfsim, "run", config, "--paths", str(paths), "--seed", str(PFSIM_SEED), "--threads", "1",
           "--output", h5, "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(f"peer_check: pfsim failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}", file=sys.stderr)
        return 2
    t_pfsim = time.perf_counter() - t0

    peer = load_peer()
    t1 = time.perf_counter()
    try:
        model = peer.Model(peer.Config(config))
    except (peer.ConfigError, KeyError) as e:
        print(f"peer_check: the peer cannot run this config: {e}", file=sys.stderr)
        return 2
    rec_c, dep_c = peer.simulate(model, 1, 0, central=True)
    central = peer.summarise(model, rec_c, dep_c)
    rec, dep = peer.simulate(model, paths, PEER_SEED, central=False)
    mc = peer.summarise(model, rec, dep)
    t_peer = time.perf_counter() - t1

    failures, notes = [], []
    with h5py.File(h5, "r") as f:
        years = list(f["years"][:])
        metrics = f["metrics"]
        n_pfsim = int(f.attrs["n_paths"])

        # (a) central path
        worst = {}
        for name in CENTRAL_REQUIRED + CENTRAL_EXTRA:
            if name not in metrics:
                if name in CENTRAL_REQUIRED:
                    failures.append(f"central: pfsim reports no metric '{name}'")
                continue
            c = metrics[name]["central"][:]
            q = central[name + "_mean"]
            scale = np.maximum(np.abs(c), 1e-6 * np.abs(c).max() if np.abs(c).max() > 0 else 1e-300)
            rel = np.abs(q - c) / scale
            i = int(np.argmax(rel))
            worst[name] = (rel[i], years[i])
            if rel[i] > CENTRAL_RTOL:
                failures.append(f"central {name} {years[i]}: pfsim {c[i]:.12g} peer {q[i]:.12g} "
                                f"(relative difference {rel[i]:.3g} > {CENTRAL_RTOL:g})")
        print(f"(a) central path, relative tolerance {CENTRAL_RTOL:g}: worst relative difference per metric")
        for name, (v, y) in worst.items():
            print(f"    {name:24s} {v:.2e} ({y})")

        # (b) Monte Carlo means
        print(f"(b) Monte Carlo means, {n_pfsim} pfsim paths vs {paths} peer paths, tolerance {Z:g} combined se")
        print(f"    {'metric':24s} year {'pfsim mean':>14s} {'se':>10s} {'peer mean':>14s} {'se':>10s}      z")
        for name in MC_METRICS:
            if name not in metrics:
                continue
            g = metrics[name]
            for y in MC_YEARS:
                if y not in years:
                    continue
                i = years.index(y)
                mp, sp = float(g["mean"][i]), float(g["se"][i])
                mq, sq = float(mc[name + "_mean"][i]), float(mc[name + "_se"][i])
                se = math.hypot(sp, sq)
                tol = Z * se + 1e-6 * max(abs(mp), abs(mq))
                z = (mq - mp) / se if se > 0 else 0.0
                flag = "" if abs(mq - mp) <= tol else "  <-- FAIL"
                print(f"    {name:24s} {y} {mp:14.6g} {sp:10.3g} {mq:14.6g} {sq:10.3g} {z:+6.2f}{flag}")
                if flag:
                    failures.append(f"mean {name} {y}: pfsim {mp:.6g} (se {sp:.3g}) peer {mq:.6g} (se {sq:.3g}), "
                                    f"z = {z:+.2f}")
        dp = f["risk"]["depletion_probability"][:]
        for y in DEPLETION_YEARS:
            if y not in years:
                continue
            i = years.index(y)
            pp, pq = float(dp[i]), float(mc["depletion_probability"][i])
            pbar = (pp * n_pfsim + pq * paths) / (n_pfsim + paths)
            se = math.sqrt(pbar * (1 - pbar) * (1 / n_pfsim + 1 / paths))
            ok = abs(pq - pp) <= Z * se + 1e-12
            z = (pq - pp) / se if se > 0 else 0.0
            print(f"    {'P(depleted by year)':24s} {y} {pp:14.4f} {'':10s} {pq:14.4f} {'':10s} {z:+6.2f}"
                  f"{'' if ok else '  <-- FAIL'}")
            if not ok:
                failures.append(f"depletion probability by {y}: pfsim {pp:.4f} peer {pq:.4f}, z = {z:+.2f}")
        # Parameters both sides estimate from the same data.
        cal = f["calibration"].attrs
        for key, mine in (("member_level", model.member_level), ("pensioner_factor", model.pensioner_factor),
                          ("lee_carter_rho", model.lc_rho)):
            if key in cal and abs(float(cal[key]) - mine) > 1e-9 * abs(float(cal[key])):
                failures.append(f"calibration {key}: pfsim {float(cal[key]):.12g} peer {mine:.12g}")

    print(f"pfsim {t_pfsim:.1f} s (whole process), peer {t_peer:.1f} s (setup and both runs); scratch {tmp}")
    if failures:
        print(f"peer_check: FAILED, {len(failures)} disagreement(s):", file=sys.stderr)
        for m in failures:
            print("  " + m, file=sys.stderr)
        return 1
    print("peer_check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
