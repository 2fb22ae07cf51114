#!/usr/bin/python3
"""pfsim_peer: the China baseline of pfsim written as an analyst would, in NumPy.

Every path-dependent quantity is an array with paths on the first axis
(economy: paths x variables; demography and scheme: paths x sex x age), and a
year loop advances all paths at once. It reads the same TOML config as pfsim
(the keys configs/china_baseline.toml uses; anything else is refused with a
message) and implements docs/model.md as pfsim's C++ does: the VAR(1)
economy, the half-year advance of the mid-year base population, Lee-Carter
mortality (fitted here with numpy's SVD) with correlated sexes or coherent
Li-Lee mortality (pinned to annual e0), stochastic net migration, log-AR(1)
fertility with the 5-year pattern split by a monotone cubic, cohort-component
projection, the scheme's calibration, accounts, awards, indexation, the
longevity overdraft, refunds, transfers out and subsidy, and the basic fund
with its backstop.

Random numbers come from numpy's own generator (np.random.default_rng(seed)),
not pfsim's counter-based streams: the peer agrees with pfsim in distribution
(Monte Carlo means within their standard errors) and, with every shock zero
(--central), path for path to rounding.

Usage:
  pfsim_peer.py CONFIG --paths N --seed S [--central] [--out FILE.npz] [--quiet]
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
import tomllib

import numpy as np
from statistics import NormalDist

REFORM_YEAR = 1997
FERTILE_FIRST, FERTILE_LAST = 15, 49
NON_ASSETS = {"inflation", "real_wage", "real_gdp", "short_rate", "long_yield"}

# Metrics recorded per year and path (pfsim's names); means, sds and ses are reported.
# benefits = benefits_pooled (basic + transitional) + benefits_account; contributions = pooling + account.
METRICS = [
    "fund_balance", "fund_balance_real", "shadow_balance_real", "contributors", "pensioners",
    "new_pensioners", "population", "expenditure", "benefits", "benefits_pooled", "benefits_basic",
    "benefits_transitional", "benefits_account", "overdraft", "refunds", "transfers_out",
    "contributions", "contributions_pooling", "contributions_account", "subsidy", "backstop",
    "income", "portfolio_return", "inflation", "nominal_wage_growth", "average_wage", "cpi",
    "indexation", "crediting_rate", "account_liability", "tfr", "births", "deaths", "net_migration",
    "e0_male", "e0_female",
]


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------------------
# Config reading
# ---------------------------------------------------------------------------

def read_csv(path):
    """Rows as dicts of strings; '#' lines and blank lines skipped (as pfsim's reader)."""
    with open(path, newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    rows = list(csv.reader(lines))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, [c.strip() for c in r])) for r in rows[1:]]


class TimePath:
    """[[year, value], ...]: linear between points (or a step schedule), flat beyond the ends."""

    def __init__(self, points, how="linear"):
        self.years = np.array([p[0] for p in points], dtype=float)
        self.values = np.array([p[1] for p in points], dtype=float)
        self.how = how

    def at(self, year):
        y, v = self.years, self.values
        if len(y) == 1 or year <= y[0]:
            return float(v[0])
        if year >= y[-1]:
            return float(v[-1])
        if self.how == "step":
            return float(v[np.searchsorted(y, year, side="right") - 1])
        return float(np.interp(year, y, v))

    def sample(self, first, last):
        return np.array([self.at(y) for y in range(first, last + 1)])


class Config:
    """The subset of pfsim's config that the China baseline uses."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.dir = os.path.dirname(self.path)
        with open(path, "rb") as fh:
            self.raw = tomllib.load(fh)
        if "include" in self.raw:
            raise ConfigError("'include' is not supported by the peer")

    def file(self, name):
        return name if os.path.isabs(name) else os.path.normpath(os.path.join(self.dir, name))

    def path_of(self, node, how, where):
        if isinstance(node, (int, float)):
            return TimePath([(0, float(node))], how)
        if isinstance(node, list):
            return TimePath([(int(y), float(v)) for y, v in node], how)
        if isinstance(node, dict):
            how = node.get("interpolation", how)
            if "points" in node:
                return TimePath([(int(y), float(v)) for y, v in node["points"]], how)
            if "file" in node:
                rows = read_csv(self.file(node["file"]))
                yc = node.get("year_column", "year")
                scale = float(node.get("scale", 1.0))
                return TimePath([(int(float(r[yc])), float(r[node["column"]]) * scale) for r in rows], how)
        raise ConfigError(f"{where}: unsupported time path {node!r}")


def refuse(cond, msg):
    if cond:
        raise ConfigError("the peer does not support " + msg)


def fit_lee_carter(log_m, period):
    """alpha = row means; (beta, kappa) from the first singular pair, sum(beta) = 1."""
    alpha = log_m.mean(axis=1)
    centred = log_m - alpha[:, None]
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    u1, v1 = u[:, 0], vt[0]
    beta = u1 / u1.sum()
    kappa = s[0] * u1.sum() * v1
    d = np.diff(kappa)
    drift = d.mean() / period
    sigma = math.sqrt(d.var(ddof=1) / period) if len(d) >= 2 else 0.0
    return beta, drift, sigma, d


def split_five_year(groups):
    """Monotone (Fritsch-Carlson) cubic Hermite through the cumulative shares, differenced at integer ages."""
    g = len(groups)
    total = sum(groups)
    c = np.zeros(g + 1)
    c[1:] = np.cumsum(np.asarray(groups) / total)
    c[g] = 1.0
    h = 5.0
    delta = np.diff(c) / h
    slope = np.empty(g + 1)
    slope[0], slope[g] = delta[0], delta[g - 1]
    for k in range(1, g):
        slope[k] = 0.0 if delta[k - 1] * delta[k] <= 0 else 0.5 * (delta[k - 1] + delta[k])
    for k in range(g):
        if delta[k] == 0:
            slope[k] = slope[k + 1] = 0.0
            continue
        a, b = slope[k] / delta[k], slope[k + 1] / delta[k]
        s = a * a + b * b
        if s > 9:
            tau = 3 / math.sqrt(s)
            slope[k], slope[k + 1] = tau * a * delta[k], tau * b * delta[k]

    def ev(k, x):
        t = x / h
        t2, t3 = t * t, t * t * t
        return ((2 * t3 - 3 * t2 + 1) * c[k] + (t3 - 2 * t2 + t) * h * slope[k]
                + (-2 * t3 + 3 * t2) * c[k + 1] + (t3 - t2) * h * slope[k + 1])

    out = []
    for k in range(g):
        for j in range(5):
            lo = c[k] if j == 0 else ev(k, j)
            hi = c[k + 1] if j == 4 else ev(k, j + 1)
            out.append(max(0.0, hi - lo))
    return np.array(out)


def retirement_age_months(rule, birth_year, month):
    """Statutory age (months) by birth month, vectorised over birth_year."""
    b = np.asarray(birth_year)
    if rule["step"] <= 0:
        return np.full(b.shape, rule["old"], dtype=float)
    since = (b * 12 + month - 1) - (rule["fb_year"] * 12 + rule["fb_month"] - 1)
    steps = since // rule["step"] + 1
    return np.where(since < 0, rule["old"], np.minimum(rule["old"] + steps, rule["cap"])).astype(float)


def retired_fraction(rule, birth_year, year):
    b = np.asarray(birth_year)
    n = np.zeros(b.shape)
    for m in range(1, 13):
        age = 12.0 * (year - b) - (m - 0.5)
        n += age >= retirement_age_months(rule, b, m)
    return n / 12.0


def mean_retirement_age(rule, birth_year):
    return sum(retirement_age_months(rule, birth_year, m) for m in range(1, 13)) / 12.0


class Model:
    """Everything deterministic: parameters, calibration, and per-year tables."""

    def __init__(self, cfg: Config):
        r = cfg.raw
        for top in r:
            refuse(top not in {"run", "economy", "demography", "scheme", "funds", "output", "uncertainty"}, f"[{top}]")
        run = r["run"]
        self.y0, self.y1 = int(run["start_year"]), int(run["end_year"])
        self.T = self.y1 - self.y0 + 1
        self.default_paths = int(run.get("paths", 1000))
        self.default_seed = int(run.get("seed", 0))
        self.years = np.arange(self.y0, self.y1 + 1)
        self._economy(cfg, r["economy"])
        self._demography(cfg, r["demography"])
        self._scheme(cfg, r["scheme"])
        self._fund(cfg, r["funds"])
        self._calibrate()
        self._uncertainty(r.get("uncertainty"))

    # ---- parameter uncertainty: priors drawn once per path -------------------
    def _uncertainty(self, u):
        self.shift_sd = np.zeros(len(self.vars))
        self.tfr_level_sd = 0.0
        self.ll_drift_sd = 0.0
        if u is None or not u.get("enabled", True):
            return
        for k, v in u.get("economy_mean", {}).items():
            self.shift_sd[self.ix[k]] = float(v)
        self.tfr_level_sd = float(u.get("fertility_level", 0.0))
        if self.mort_model == "li_lee":
            self.ll_drift_sd = abs(self.ll_drift) * float(u.get("mortality_drift", 0.0))

    # ---- economy -----------------------------------------------------------
    def _economy(self, cfg, e):
        refuse(e.get("generator", "var1") != "var1", "economy.generator other than var1")
        refuse(e.get("shocks", {}).get("distribution", "normal") != "normal", "non-normal shocks")
        refuse("regimes" in e or "regime" in e, "economic regimes")
        self.vars = list(e["variables"])
        n = len(self.vars)
        ix = {v: i for i, v in enumerate(self.vars)}
        self.ix = ix
        means = [cfg.path_of(e["mean"][v], "linear", f"economy.mean.{v}") for v in self.vars]
        # mu[t+1] for t = -1..T-1
        self.mu = np.array([[m.at(y) for m in means] for y in range(self.y0 - 1, self.y1 + 1)])
        sig = np.array([float(e["volatility"][v]) for v in self.vars])
        R = np.eye(n)
        corr = e.get("correlation", {})
        refuse("matrix" in corr, "economy.correlation.matrix")
        for a, b, rho in corr.get("pairs", []):
            R[ix[a], ix[b]] = R[ix[b], ix[a]] = rho
        cov = sig[:, None] * R * sig[None, :]
        w, V = np.linalg.eigh(cov)  # any L with L L' = cov gives the same distribution
        self.L = V * np.sqrt(np.clip(w, 0, None))
        A = np.zeros((n, n))
        pers = e.get("persistence", {})
        refuse("matrix" in pers, "economy.persistence.matrix")
        for v, a in pers.items():
            A[ix[v], ix[v]] = a
        self.A = A
        init = self.mu[0].copy()
        for v, x in e.get("initial", {}).items():
            init[ix[v]] = x
        self.z_initial = init
        self.assets = [i for i, v in enumerate(self.vars) if v not in NON_ASSETS]

    # ---- demography --------------------------------------------------------
    def _demography(self, cfg, d):
        bp = d["base_population"]
        rows = read_csv(cfg.file(bp["file"]))
        pop = np.array([[float(rw["male"]) for rw in rows], [float(rw["female"]) for rw in rows]])
        self.A_ = pop.shape[1]
        self.w = self.A_ - 1
        date = str(bp["date"])
        refuse(date not in (f"{self.y0 - 1}-07-01", f"{self.y0}-01-01"), f"base_population.date {date}")
        mid_year = date == f"{self.y0 - 1}-07-01"

        mt = d["mortality"]
        self.mort_model = mt.get("model")
        refuse(self.mort_model not in ("lee_carter", "li_lee"), "mortality models other than lee_carter and li_lee")
        rows = read_csv(cfg.file(mt["jump_off"]))
        self.jump_mx = np.array([[float(rw["male"]) for rw in rows], [float(rw["female"]) for rw in rows]])
        self.jump_year = int(mt.get("jump_off_year", self.y0 - 1))
        fy0, fy1 = mt["fit_years"]
        period = float(mt.get("period_length", 5.0))
        hist = {0: {}, 1: {}}
        for rw in read_csv(cfg.file(mt["history"])):
            y = int(float(rw["year"]))
            if y < fy0 or y > fy1:
                continue
            s = 0 if rw["sex"] == "male" else 1
            hist[s].setdefault(y, []).append(float(rw["mx"]))
        if self.mort_model == "li_lee":
            self._li_lee(cfg, mt, hist, period)
        beta, drift, sigma, diffs = [], [], [], []
        for s in (0, 1):
            ys = sorted(hist[s])
            lm = np.log(np.array([hist[s][y] for y in ys]).T)  # ages x years
            b, dr, sg, df = fit_lee_carter(lm, period)
            beta.append(b), drift.append(dr), sigma.append(sg), diffs.append(df)
        self.lc_beta = np.array(beta)
        self.lc_drift = np.array(drift)
        self.lc_sigma = np.array(sigma)
        self.lc_rho = float(np.corrcoef(diffs[0], diffs[1])[0, 1]) if len(diffs[0]) >= 3 else 0.0
        for key, attr in (("drift", "lc_drift"), ("sigma", "lc_sigma")):
            if key in mt:
                v = mt[key]
                setattr(self, attr, np.array([v["male"], v["female"]] if isinstance(v, dict) else [v, v], float))
        self.lc_rho = float(mt.get("correlation", self.lc_rho))
        self.log_jump = np.log(self.jump_mx)

        ft = d["fertility"]
        target = cfg.path_of(ft["target_tfr"], "linear", "fertility.target_tfr")
        self.target_log_tfr = np.log([target.at(y) for y in range(self.y0 - 1, self.y1 + 1)])
        self.initial_tfr = float(ft.get("initial_tfr", target.at(self.y0 - 1)))
        self.tfr_phi = float(ft.get("persistence", 0.0))
        self.tfr_sigma = float(ft.get("volatility", 0.0))
        srb = cfg.path_of(ft["sex_ratio_at_birth"], "linear", "fertility.sex_ratio_at_birth")
        self.srb = srb.sample(self.y0, self.y1)
        pat = ft["age_pattern"]
        refuse(pat.get("format") != "five_year", "fertility age_pattern formats other than five_year")
        col = pat.get("column", "pasfr_percent")
        groups = {}
        for rw in read_csv(cfg.file(pat["file"])):
            lo = int(rw["age_group"].split("-")[0])
            if 15 <= lo <= 45:
                groups.setdefault(int(float(rw["year"])), [0.0] * 7)[(lo - 15) // 5] = float(rw[col])
        gy = sorted(groups)
        self.fert_pattern = np.zeros((self.T + 1, self.A_))  # index year - (y0 - 1)
        for k, y in enumerate(range(self.y0 - 1, self.y1 + 1)):
            i = np.searchsorted(gy, y)
            key = gy[min(i, len(gy) - 1)]
            self.fert_pattern[k, 15:50] = split_five_year(groups[key])

        mg = d["migration"]
        total = cfg.path_of(mg["total"], "linear", "migration.total")
        self.migration = total.sample(self.y0, self.y1)
        prof = mg["profile"]
        g = np.zeros((2, self.A_))
        for rw in read_csv(cfg.file(prof["file"])):
            if int(float(rw["year"])) != int(prof["year"]):
                continue
            a = int(float(rw["age"]))
            g[0, a], g[1, a] = float(rw["male"]), float(rw["female"])
        self.mig_profile = g / g.sum()
        self.mig_sd = np.zeros(self.T)
        self.mig_phi = 0.0
        if "uncertainty" in mg:
            u = mg["uncertainty"]
            prob = float(u.get("probability", 0.95))
            z = NormalDist().inv_cdf(0.5 * (1 + prob))

            def band(node, where):
                if isinstance(node, dict) and node.get("skip_empty"):
                    rows = [r for r in read_csv(cfg.file(node["file"])) if r[node["column"]] != ""]
                    return TimePath([(int(float(r[node.get("year_column", "year")])), float(r[node["column"]]))
                                     for r in rows], node.get("interpolation", "linear"))
                return cfg.path_of(node, "linear", where)
            lo, hi = band(u["lower"], "uncertainty.lower"), band(u["upper"], "uncertainty.upper")
            self.mig_sd = np.array([(hi.at(y) - lo.at(y)) / (2 * z) for y in range(self.y0, self.y1 + 1)])
            self.mig_phi = float(u.get("persistence", 0.0))

        # Base population advanced half a year to 1 January y0 under the jump-off rates.
        self.pop0 = pop.copy()
        if mid_year:
            w = self.w
            births = 0.5 * self.initial_tfr * (self.fert_pattern[0, 15:50] * pop[1, 15:50]).sum()
            s = srb.at(self.y0 - 1)
            half_mig = 0.5 * total.at(self.y0 - 1)
            half = np.exp(-0.5 * self.jump_mx) * pop
            out = np.empty_like(pop)
            born = births * np.array([s / (1 + s), 1 / (1 + s)])
            out[:, 0] = 0.5 * half[:, 0] + born * np.exp(-0.25 * self.jump_mx[:, 0])
            out[:, 1:w] = 0.5 * half[:, 1:w] + 0.5 * half[:, 0:w - 1]
            out[:, w] = half[:, w] + 0.5 * half[:, w - 1]
            self.pop0 = out + half_mig * self.mig_profile

    def _li_lee(self, cfg, mt, hist, period):
        """Li-Lee: common factor of the two sexes' mean centred log rates, a
        sex factor of each residual; K's drift and sd from annual indices
        pinned to the mean of the sexes' e0; deviations AR(1) through 0."""
        ys = sorted(hist[0])
        lm = [np.log(np.array([hist[x][y] for y in ys]).T) for x in (0, 1)]
        alpha = [m.mean(axis=1) for m in lm]
        cen = [m - a[:, None] for m, a in zip(lm, alpha)]

        def factor(mat):
            u, sv, vt = np.linalg.svd(mat, full_matrices=False)
            return u[:, 0] / u[:, 0].sum(), sv[0] * u[:, 0].sum() * vt[0]
        B, K = factor(0.5 * (cen[0] + cen[1]))
        b, k = zip(*[factor(c - np.outer(B, K)) for c in cen])
        drift = np.diff(K).mean() / period
        sigma = np.diff(K).std(ddof=1) / math.sqrt(period)
        nd = len(K) - 1
        if "annual_e0" in mt:
            ae = mt["annual_e0"]
            y_lo, y_hi = (int(v) for v in ae["years"])
            rows = {int(float(r["year"])): r for r in read_csv(cfg.file(ae["file"]))}

            def e0_of(m):
                p = np.exp(-m)
                lx = np.concatenate([[1.0], np.cumprod(p)[:-1]])
                Lx = lx * -np.expm1(-m) / m
                Lx[-1] = lx[-1] / m[-1]
                return Lx.sum()

            def mean_e0(kk):
                return 0.5 * (e0_of(np.exp(alpha[0] + B * kk)) + e0_of(np.exp(alpha[1] + B * kk)))
            pins = []
            for y in range(y_lo, y_hi + 1):
                r = rows[y]
                target = 0.5 * (float(r[ae.get("male", "e0_male")]) + float(r[ae.get("female", "e0_female")]))
                lo, hi = -1000.0, 1000.0
                for _ in range(200):  # e0 falls as K rises
                    mid = 0.5 * (lo + hi)
                    if mean_e0(mid) > target:
                        lo = mid
                    else:
                        hi = mid
                pins.append(0.5 * (lo + hi))
            d = np.diff(pins)
            drift, sigma, nd = d.mean(), d.std(ddof=1), len(d)
        self.ll_drift = float(mt.get("drift", drift))
        self.ll_sigma = float(mt.get("sigma", sigma))
        pers = mt.get("persistence")
        phi, dev_sd, res = [], [], []
        for x in (0, 1):
            if pers is None:
                ph5 = float(np.dot(k[x][:-1], k[x][1:]) / np.dot(k[x][:-1], k[x][:-1]))
                refuse(not 0 < ph5 < 1, "a deviation that is not mean-reverting")
                ph = ph5 ** (1 / period)
            else:
                ph = float(pers[("male", "female")[x]] if isinstance(pers, dict) else pers)
            e = k[x][1:] - ph ** period * k[x][:-1]
            sd_h = math.sqrt(np.dot(e, e) / (len(e) - 1))
            phi.append(ph)
            dev_sd.append(sd_h * math.sqrt((1 - ph * ph) / (1 - ph ** (2 * period))))
            res.append(e)
        self.ll_phi = np.array(phi)
        self.ll_dev_sd = np.array(dev_sd)
        self.ll_rho = float(mt.get("deviation_correlation", np.corrcoef(res[0], res[1])[0, 1]))
        self.ll_k0 = np.array([k[0][-1], k[1][-1]])
        self.ll_B, self.ll_b = B, np.array(b)

    # ---- scheme ------------------------------------------------------------
    def _scheme(self, cfg, s):
        y0, y1, T, A, w = self.y0, self.y1, self.T, self.A_, self.w
        self.wage0 = float(s["average_wage"])
        self.compliance = float(s["compliance"])
        coverage = cfg.path_of(s.get("coverage", 1.0), "linear", "scheme.coverage")
        self.pmult = float(s.get("pensioner_mortality_multiplier", 1.0))
        cal = s["calibration"]
        self.cal_contrib, self.cal_pens, self.cal_pension = (float(cal["contributors"]), float(cal["pensioners"]),
                                                             float(cal["average_pension"]))
        self.pensioner_accounts = cal.get("pensioner_accounts", "rebuilt") == "rebuilt"
        mem = s.get("members", {})
        zb, pf = int(mem.get("zero_below", 16)), int(mem.get("plateau_from", 25))
        ages = np.arange(A)
        self.shape = np.where(ages < zb, 0.0, np.where(ages >= pf, 1.0, (ages - zb + 1) / (pf - zb + 1)))
        cr = s["contribution_rate"]
        self.tau_pool = cfg.path_of(cr["pooling"], "step", "pooling").sample(y0, y1)
        self.tau_pa = cfg.path_of(cr["account"], "step", "account").sample(y0, y1)

        ret = s["retirement"]

        def rule(t):
            old = float(t["old_age"])
            fb = t.get("first_birth", "1900-01")
            yy, mm = (int(p) for p in fb.split("-"))
            return {"old": round(old * 12), "cap": round(float(t.get("cap", old)) * 12),
                    "step": int(t.get("months_per_step", 0)), "fb_year": yy, "fb_month": mm}

        male, cadre, worker = rule(ret["male"]), rule(ret["female_cadre"]), rule(ret["female_worker"])
        sc = float(ret["female_cadre"]["share"])
        sw = float(ret["female_worker"]["share"])
        min_years = cfg.path_of(ret.get("min_contribution_years", 15.0), "step", "min_contribution_years")
        ref = np.array([male["old"], round(sc * cadre["old"] + sw * worker["old"])], dtype=float)

        def ret_age(x, b):
            if x == 0:
                return mean_retirement_age(male, b)
            return sc * mean_retirement_age(cadre, b) + (1 - sc) * mean_retirement_age(worker, b)

        # retired[t][x][a] and member shares for t = 0..T (1 January of y0 + t)
        self.retired = np.zeros((T + 1, 2, A))
        for t in range(T + 1):
            y = y0 + t
            b = y - ages - 1
            self.retired[t, 0] = retired_fraction(male, b, y)
            self.retired[t, 1] = sc * retired_fraction(cadre, b, y) + (1 - sc) * retired_fraction(worker, b, y)
        self.k = coverage.sample(y0, y1 + 1)

        ben = s["benefit"]
        I = float(ben["indexed_wage_ratio"])
        cy_mean = float(ben["contribution_years"]["mean"])
        cy_sd = float(ben["contribution_years"].get("sd", 0.0))
        cy_eligible = ben["contribution_years"].get("award", "eligible") == "eligible"
        tr = ben.get("transitional", {})
        tr_rate = float(tr.get("rate", 0.0))
        tr_share = cfg.path_of(tr.get("share", 0.0), "linear", "transitional.share").sample(y0, y1)
        dv = read_csv(cfg.file(ben["account_divisors"]))
        d_age = np.array([float(r["age"]) for r in dv])
        d_mon = np.array([float(r["months"]) for r in dv])
        order = np.argsort(d_age)
        d_age, d_mon = d_age[order], d_mon[order]

        # Per year t and cohort a (aged a on 1 January of y0 + t): eligibility, award factors.
        erfc = np.vectorize(math.erfc)
        self.elig = np.zeros((T, 2, A))
        self.k_basic = np.zeros((T, 2, A))   # times w_{y-1}
        self.k_trans = np.zeros((T, 2, A))   # times w_{y-1} (share included)
        self.divisor = np.zeros((T, 2, A))
        for t in range(T):
            y = y0 + t
            b = y - ages - 1
            mn = min_years.at(y)
            for x in (0, 1):
                r_m = ret_age(x, b)
                yrs = cy_mean + (r_m - ref[x]) / 12.0
                if cy_sd <= 0:
                    self.elig[t, x] = (yrs >= mn).astype(float)
                else:
                    self.elig[t, x] = 0.5 * erfc((mn - yrs) / cy_sd / math.sqrt(2.0))
                if cy_eligible and cy_sd > 0:
                    # mean of Normal(yrs, sd) above mn: the inverse Mills ratio
                    zz = (mn - yrs) / cy_sd
                    upper = 0.5 * erfc(zz / math.sqrt(2.0))
                    mills = np.exp(-0.5 * zz * zz) / math.sqrt(2.0 * math.pi) / np.where(upper > 0, upper, 1.0)
                    yrs = np.where(upper > 0, yrs + cy_sd * mills, np.maximum(yrs, mn))
                self.k_basic[t, x] = (1 + I) / 2 * yrs * 0.01
                n_pre = np.clip(REFORM_YEAR - (b + r_m / 12.0 - yrs), 0.0, yrs)
                self.k_trans[t, x] = tr_share[t] * tr_rate * I * n_pre
                self.divisor[t, x] = np.interp(r_m / 12.0, d_age, d_mon)

        idx = s["indexation"]
        if "history" in idx:
            self.idx_hist = cfg.path_of(idx["history"], "step", "indexation.history")
            self.idx_hist_last = int(self.idx_hist.years[-1])
        else:
            self.idx_hist, self.idx_hist_last = None, y0 - 1
        rl = idx["rule"]
        self.idx_wage, self.idx_price = float(rl.get("wage", 0.0)), float(rl.get("price", 0.0))
        self.idx_const = float(rl.get("constant", 0.0))
        self.idx_floor, self.idx_cap = float(rl.get("floor", -1.0)), float(rl.get("cap", 1.0))

        acc = s["accounts"]
        refuse(acc.get("funding", "notional") != "notional", "funded accounts")
        cr = acc["crediting"]
        self.credit_rule = cr["rule"]
        refuse(self.credit_rule not in ("wage_growth", "fixed", "fund_return"), f"crediting rule {self.credit_rule}")
        self.credit_fixed = float(cr.get("rate", 0.0))
        self.credit_floor = float(cr.get("floor", -1.0))
        h = acc["history"]
        self.h_rate = cfg.path_of(h["rates"], "step", "history.rates")
        self.h_credit = cfg.path_of(h["crediting"], "step", "history.crediting")
        if "average_wage" in h:  # a level series: its ratios to y0 - 1, at the model's level
            lv = cfg.path_of(h["average_wage"], "linear", "history.average_wage")
            self.h_wage_of = lambda year: self.wage0 * lv.at(year) / lv.at(self.y0 - 1)
        else:
            gw = cfg.path_of(h["wage_growth"], "step", "history.wage_growth")

            def deflated(year):
                wage = self.wage0
                for u in range(year + 1, self.y0):
                    wage /= 1 + gw.at(u)
                return wage
            self.h_wage_of = deflated
        self.ret_age = ret_age
        self.d_age, self.d_mon = d_age, d_mon
        self.h_density = float(h.get("density", 1.0))

        sub = s["subsidy"]
        self.subsidy_rule = sub["rule"]
        refuse(self.subsidy_rule not in ("none", "wage_indexed", "expenditure_share"), "that subsidy rule")
        self.subsidy_amount = float(sub.get("amount", 0.0))
        self.subsidy_share = float(sub.get("share", 0.0))
        self.backstop = bool(sub.get("backstop", False))
        self.backstop_months = float(sub.get("backstop_floor_months", 0.0))
        self.admin_share = float(sub.get("admin_cost_share", 0.0))

    def rebuilt_balance(self, a):
        if self.shape[a] <= 0:
            return 0.0
        bal = 0.0
        for year in range(REFORM_YEAR, self.y0):
            age = a - (self.y0 - year)
            if age < 0:
                continue
            wage = self.h_wage_of(year)
            i = self.h_credit.at(year)
            share = self.shape[age] / self.shape[a]
            bal = bal * (1 + i) + self.h_rate.at(year) * self.compliance * wage * self.h_density * share * math.sqrt(1 + i)
        return bal

    def pensioner_account(self, x, a):
        """Account pension and remaining balance per head of a starting pensioner aged a."""
        b = self.y0 - a - 1
        r = float(self.ret_age(x, b))
        t_ret = b + r / 12.0
        y_ret = math.floor(t_ret)
        if not self.pensioner_accounts or y_ret < REFORM_YEAR or y_ret >= self.y0:
            return 0.0, 0.0
        a_ret = y_ret - b - 1
        if self.shape[a_ret] <= 0:
            return 0.0, 0.0
        # the balance at the end of the retirement year: each year's contribution
        # grown by the later years' crediting
        years = np.arange(REFORM_YEAR, y_ret + 1)
        ages = a_ret - (y_ret - years)
        cred = np.array([self.h_credit.at(int(y)) for y in years])
        later = np.concatenate([np.cumprod((1 + cred)[::-1])[::-1][1:], [1.0]])
        part = np.where(years < y_ret, 1.0, t_ret - y_ret)
        contrib = np.array([self.h_rate.at(int(y)) * self.compliance * self.h_wage_of(int(y)) for y in years])
        share = np.where(ages >= 0, self.shape[np.maximum(ages, 0)] / self.shape[a_ret], 0.0)
        bal = float((part * contrib * self.h_density * share * np.sqrt(1 + cred) * later).sum())
        pension = min(12.0 * bal / np.interp(r / 12.0, self.d_age, self.d_mon), self.cal_pension)
        rem = bal - 0.5 * pension * math.sqrt(1 + self.h_credit.at(y_ret))
        for y in range(y_ret + 1, self.y0):
            if rem <= 0:
                break
            i = self.h_credit.at(y)
            rem = rem * (1 + i) - pension * math.sqrt(1 + i)
        return pension, max(rem, 0.0)

    # ---- fund --------------------------------------------------------------
    def _fund(self, cfg, f):
        refuse(set(f) - {"basic"}, "funds other than [funds.basic]")
        b = f["basic"]
        self.fund0 = float(b["initial_balance"])
        self.w_assets = [self.ix[k] for k in b["weights"]]
        self.weights = np.array([cfg.path_of(v, "linear", k).sample(self.y0, self.y1) for k, v in b["weights"].items()]).T
        self.fee = float(b.get("fee", 0.0))
        if "debt_rate" in b:
            self.debt_var = self.ix[b["debt_rate"]]
        elif "short_rate" in self.ix:
            self.debt_var = self.ix["short_rate"]
        else:
            self.debt_var = self.ix.get("deposit", -1)

    # ---- calibration -------------------------------------------------------
    def _calibrate(self):
        pop, rho0, k0 = self.pop0, self.retired[0], self.k[0]

        def members_at(c):
            return (pop * np.minimum(1.0, c * self.shape * k0) * (1 - rho0)).sum()

        lo, hi = 0.0, 1.0
        while members_at(hi) < self.cal_contrib and hi < 1e6:
            hi *= 2
        it = 0
        while it < 200 and hi - lo > 1e-15 * hi:
            mid = 0.5 * (lo + hi)
            if members_at(mid) < self.cal_contrib:
                lo = mid
            else:
                hi = mid
            it += 1
        self.member_level = 0.5 * (lo + hi)
        past = (pop * rho0).sum()
        self.pensioner_factor = self.cal_pens / past if past > 0 else 0.0
        self.members = np.minimum(1.0, self.member_level * self.shape[None, None, :] * self.k[:, None, None])
        self.members = np.broadcast_to(self.members, (self.T + 1, 2, self.A_)).copy()
        bal = np.array([self.rebuilt_balance(a) for a in range(self.A_)])
        m0 = pop * self.members[0] * (1 - rho0)
        self.accounts0 = m0 * bal
        self.pensioners0 = pop * rho0 * self.pensioner_factor
        acct = np.array([[self.pensioner_account(x, a) for a in range(self.A_)] for x in (0, 1)])
        self.pension_account0 = acct[..., 0]
        self.remaining0 = self.pensioners0 * acct[..., 1]


# ---------------------------------------------------------------------------
# Simulation, vectorised over paths
# ---------------------------------------------------------------------------

def life_expectancy(m):
    """e0 by path of rates m (paths x ages): constant hazards within each age, open group l/m."""
    p = np.exp(-m)
    lx = np.concatenate([np.ones((m.shape[0], 1)), np.cumprod(p, axis=1)[:, :-1]], axis=1)
    Lx = lx * -np.expm1(-m) / m
    Lx[:, -1] = lx[:, -1] / m[:, -1]
    return Lx.sum(axis=1)


def survival_ratios(m):
    """Cohort-component survival ratios from central rates m[..., age] (constant hazard per age)."""
    w = m.shape[-1] - 1
    x = np.expm1(-m)
    p = 1.0 + x           # l[a+1] / l[a]
    f = -x / m            # L[a] / l[a]
    s = np.empty_like(m)
    s[..., 0] = f[..., 0]
    s[..., 1:w] = p[..., :w - 1] * f[..., 1:w] / f[..., :w - 1]
    s[..., w] = p[..., w - 1] / (m[..., w] * f[..., w - 1] + p[..., w - 1])
    return s


def to_next_age(x):
    """Cohort values by age a on 1 January y -> by age min(a+1, omega) on 1 January y+1."""
    w = x.shape[-1] - 1
    out = np.zeros_like(x)
    out[..., 1:w] = x[..., :w - 1]
    out[..., w] = x[..., w - 1] + x[..., w]
    return out


def simulate(M: Model, n: int, seed: int, central: bool):
    rng = np.random.default_rng(seed)
    T, A, w = M.T, M.A_, M.w
    nv = len(M.vars)
    ax = (1, 2)
    rec = {k: np.zeros((T, n)) for k in METRICS}
    depletion = np.full(n, np.inf)

    # Economy state
    # parameter draws: each path's mean shift of every variable, ln TFR level, Li-Lee drift
    shift = np.zeros((n, len(M.vars))) if central else rng.standard_normal((n, len(M.vars))) * M.shift_sd
    f_shift = np.zeros(n) if central else M.tfr_level_sd * rng.standard_normal(n)
    dev = M.z_initial - M.mu[0] - shift
    iinf, irw = M.ix["inflation"], M.ix["real_wage"]
    prev_g = np.full(n, math.exp(M.z_initial[iinf] + M.z_initial[irw]) - 1)
    prev_pi = np.full(n, math.exp(M.z_initial[iinf]) - 1)
    cpi = np.ones(n)
    # Demography state
    P = np.tile(M.pop0, (n, 1, 1))
    kappa = np.zeros((n, 2))
    li_lee = M.mort_model == "li_lee"
    if li_lee:
        K = np.zeros(n)
        kdev = np.tile(M.ll_k0, (n, 1))
        mu = np.full(n, M.ll_drift)
        if not central and M.ll_drift_sd > 0:
            mu = M.ll_drift + M.ll_drift_sd * rng.standard_normal(n)
    mig_u = np.zeros(n)
    gap = math.log(M.initial_tfr) - M.target_log_tfr[0] - f_shift
    # Scheme state
    Acc = np.tile(M.accounts0, (n, 1, 1))
    Q = np.tile(M.pensioners0, (n, 1, 1))
    BB = np.tile(M.cal_pension - M.pension_account0, (n, 1, 1))
    BT = np.zeros((n, 2, A))
    BA = np.tile(M.pension_account0, (n, 1, 1))
    RB = np.tile(M.remaining0, (n, 1, 1))
    wage_prev = np.full(n, M.wage0)
    first_wage = None
    balance = np.full(n, M.fund0)
    shadow = np.full(n, M.fund0)

    a1 = np.minimum(np.arange(A) + 1, w)
    fert = slice(FERTILE_FIRST, FERTILE_LAST + 1)
    rho_lc = M.lc_rho

    for t in range(T):
        year = M.y0 + t
        # ---- economy: z_t = mu_t + A (z_{t-1} - mu_{t-1}) + L eps_t
        shock = np.zeros((n, nv)) if central else rng.standard_normal((n, nv)) @ M.L.T
        dev = shock + dev @ M.A.T
        z = M.mu[t + 1] + shift + dev
        pi = np.exp(z[:, iinf]) - 1
        g = np.exp(z[:, iinf] + z[:, irw]) - 1
        cpi = cpi * (1 + pi)
        gross = np.exp(z[:, M.w_assets]) @ M.weights[t] - M.fee
        debt = np.exp(z[:, M.debt_var]) if M.debt_var >= 0 else np.ones(n)

        # ---- demography: Lee-Carter kappa or Li-Lee (K, k), life table, fertility, projection
        steps = (year - M.jump_year) if t == 0 else 1
        if li_lee:
            e = np.zeros((3, n)) if central else rng.standard_normal((3, n))
            K = K + steps * mu + math.sqrt(steps) * M.ll_sigma * e[0]
            shocks = np.stack([e[1], M.ll_rho * e[1] + math.sqrt(1 - M.ll_rho ** 2) * e[2]], axis=1)
            ph = M.ll_phi ** steps
            kdev = ph * kdev + np.sqrt((1 - ph * ph) / (1 - M.ll_phi ** 2)) * M.ll_dev_sd * shocks
            mx = np.exp(M.log_jump + M.ll_B * K[:, None, None] + M.ll_b * (kdev - M.ll_k0)[:, :, None])
        else:
            if central or not (M.lc_sigma > 0).any():
                eta = np.zeros((n, 2))
            else:
                z1, z2 = rng.standard_normal((2, n))
                eta = np.stack([z1, rho_lc * z1 + math.sqrt(1 - rho_lc * rho_lc) * z2], axis=1)
            kappa = kappa + steps * M.lc_drift + M.lc_sigma * eta
            mx = np.exp(M.log_jump + M.lc_beta * kappa[:, :, None])
        sv = survival_ratios(mx)
        xi = np.zeros(n) if (central or M.tfr_sigma <= 0) else rng.standard_normal(n)
        gap = M.tfr_phi * gap + M.tfr_sigma * xi
        tfr = np.exp(M.target_log_tfr[t + 1] + f_shift + gap)

        if M.mig_sd[t] > 0 and not central:
            eps = rng.standard_normal(n)
            mig_u = eps if t == 0 else M.mig_phi * mig_u + math.sqrt(1 - M.mig_phi ** 2) * eps
        migrants = M.migration[t] + M.mig_sd[t] * mig_u
        mig = migrants[:, None, None] * M.mig_profile
        P1 = np.empty_like(P)
        P1[..., 1:w] = P[..., :w - 1] * sv[..., 1:w]
        P1[..., w] = (P[..., w - 1] + P[..., w]) * sv[..., w]
        P1[..., 1:] += mig[..., 1:]
        pattern = M.fert_pattern[t + 1, fert]
        births = tfr * (0.5 * (P[:, 1, fert] + P1[:, 1, fert]) @ pattern)
        boys = births * M.srb[t] / (1 + M.srb[t])
        P1[:, 0, 0] = boys * sv[:, 0, 0] + mig[:, 0, 0]
        P1[:, 1, 0] = (births - boys) * sv[:, 1, 0] + mig[:, 1, 0]
        deaths = P.sum(ax) - P1.sum(ax) + births + migrants

        # ---- scheme
        if year <= M.idx_hist_last:
            idx = np.full(n, M.idx_hist.at(year))
        else:
            idx = np.clip(M.idx_wage * prev_g + M.idx_price * prev_pi + M.idx_const, M.idx_floor, M.idx_cap)
        wage = wage_prev * (1 + g)
        if M.credit_rule == "wage_growth":
            credit = np.maximum(g, M.credit_floor)
        elif M.credit_rule == "fixed":
            credit = np.full(n, M.credit_fixed)
        else:
            credit = np.maximum(gross - 1, M.credit_floor)
        grow = (1 + credit)[:, None, None]
        half = np.sqrt(grow)
        base = M.compliance * wage
        sp = sv if M.pmult == 1.0 else survival_ratios(mx * M.pmult)

        rho0, rho1 = M.retired[t], M.retired[t + 1][:, a1]
        e0, e1 = M.members[t], M.members[t + 1][:, a1]
        sv_j, sp_j = sv[..., a1], sp[..., a1]
        # survivors of each cohort at year end; the open group's split by the cohorts' shares
        p1 = P1[..., a1]
        tot = P[..., w - 1] + P[..., w]
        safe = np.where(tot > 0, tot, 1.0)
        p1[..., w - 1] = np.where(tot > 0, P1[..., w] * P[..., w - 1] / safe, 0.0)
        p1[..., w] = np.where(tot > 0, P1[..., w] * P[..., w] / safe, 0.0)

        m0 = P * (e0 * (1 - rho0))
        m1 = p1 * (e1 * (1 - rho1))
        exposure = 0.5 * (m0 + m1)
        contributor_years = exposure.sum(ax)
        c_pool = M.tau_pool[t] * base * contributor_years
        c_pa_cohort = (M.tau_pa[t] * base)[:, None, None] * exposure
        c_pa = c_pa_cohort.sum(ax)
        members = m1.sum(ax)

        refunds = (Acc * (1 - sv_j)).sum(ax) * half[:, 0, 0]
        a_end = Acc * sv_j * grow + c_pa_cohort * half
        ret_share = np.where(rho0 < 1, np.clip((rho1 - rho0) / np.where(rho0 < 1, 1 - rho0, 1.0), 0.0, 1.0), 0.0)
        a_ret = a_end * ret_share
        Acc1 = to_next_age(a_end - a_ret)

        retiring = p1 * (e1 * np.maximum(0.0, rho1 - rho0))
        has = retiring > 0
        eligible = np.where(has, M.elig[t], 0.0)
        awarded = retiring * eligible
        transfers_out = (a_ret * (1 - eligible)).sum(ax)
        aw = awarded > 0
        bb_new = np.where(aw, wage_prev[:, None, None] * M.k_basic[t], 0.0)
        bt_new = np.where(aw, wage_prev[:, None, None] * M.k_trans[t], 0.0)
        ba_new = np.where(aw, 12.0 * a_ret / np.where(has, retiring, 1.0) / M.divisor[t], 0.0)
        new_pensioners = awarded.sum(ax)

        up = (1 + idx)[:, None, None]
        bb0, bt0, ba0 = BB * up, BT * up, BA
        qs = Q * sp_j
        q_both = Q + qs
        pensioner_years = 0.5 * (q_both + awarded).sum(ax)
        ben_basic = 0.5 * (q_both * bb0 + awarded * bb_new).sum(ax)
        ben_trans = 0.5 * (q_both * bt0 + awarded * bt_new).sum(ax)
        account_paid = 0.5 * (q_both * ba0 + awarded * ba_new)
        ben_account = account_paid.sum(ax)
        refunds = refunds + (RB * (1 - sp_j)).sum(ax) * half[:, 0, 0]
        available = RB * sp_j * grow + a_ret * eligible
        due = account_paid * half
        short = due > available
        overdraft = np.where(short, (due - available) / half, 0.0).sum(ax)
        RB1 = to_next_age(np.where(short, 0.0, available - due))
        Q1 = to_next_age(qs + awarded)
        inv_q = np.where(Q1 > 0, 1.0 / np.where(Q1 > 0, Q1, 1.0), 0.0)
        BB1 = to_next_age(qs * bb0 + awarded * bb_new) * inv_q
        BT1 = to_next_age(qs * bt0 + awarded * bt_new) * inv_q
        BA1 = to_next_age(qs * ba0 + awarded * ba_new) * inv_q
        pensioners = Q1.sum(ax)
        liability = (Acc1 + RB1).sum(ax)

        benefits = ben_basic + ben_trans + ben_account
        admin = M.admin_share * benefits
        if M.subsidy_rule == "wage_indexed":
            if first_wage is None:
                first_wage = wage
            subsidy = M.subsidy_amount * wage / first_wage
        elif M.subsidy_rule == "expenditure_share":
            subsidy = M.subsidy_share * benefits
        else:
            subsidy = np.zeros(n)
        contributions = c_pool + c_pa
        expenditure = benefits + refunds + transfers_out + admin

        # ---- fund: F* = F (1+R) + net (1+R)^(1/2), the debt rate on a negative balance
        net = contributions + subsidy - expenditure

        def fund_step(f):
            gg = np.where(f >= 0, gross, debt)
            return f * gg + net * np.sqrt(np.maximum(gg, 0.0))

        before = fund_step(balance)
        floor = M.backstop_months / 12.0 * benefits
        if M.backstop:
            backstop = np.where(before < floor, floor - before, 0.0)
            balance = np.maximum(before, floor)
        else:
            backstop = np.zeros(n)
            balance = before
        shadow = fund_step(shadow)
        depletion = np.where((before < 0) & ~np.isfinite(depletion), year, depletion)

        for k, v in (("fund_balance", balance), ("fund_balance_real", balance / cpi),
                     ("shadow_balance_real", shadow / cpi), ("contributors", members),
                     ("pensioners", pensioners), ("new_pensioners", new_pensioners),
                     ("population", P1.sum(ax)), ("expenditure", expenditure), ("benefits", benefits),
                     ("benefits_pooled", ben_basic + ben_trans), ("benefits_basic", ben_basic),
                     ("benefits_transitional", ben_trans),
                     ("benefits_account", ben_account), ("overdraft", overdraft), ("refunds", refunds),
                     ("transfers_out", transfers_out), ("contributions", contributions),
                     ("contributions_pooling", c_pool), ("contributions_account", c_pa),
                     ("subsidy", subsidy), ("backstop", backstop),
                     ("income", contributions + subsidy), ("portfolio_return", gross - 1),
                     ("inflation", pi), ("nominal_wage_growth", g), ("average_wage", wage), ("cpi", cpi),
                     ("indexation", idx), ("crediting_rate", credit), ("account_liability", liability),
                     ("tfr", tfr), ("births", births), ("deaths", deaths), ("net_migration", migrants),
                     ("e0_male", life_expectancy(mx[:, 0])), ("e0_female", life_expectancy(mx[:, 1]))):
            rec[k][t] = v

        # advance to 1 January of year + 1
        P, Acc, Q, BB, BT, BA, RB = P1, Acc1, Q1, BB1, BT1, BA1, RB1
        wage_prev, prev_g, prev_pi = wage, g, pi

    return rec, depletion


def summarise(M, rec, depletion):
    n = depletion.size
    out = {"years": M.years, "n_paths": n}
    for k, v in rec.items():
        out[k + "_mean"] = v.mean(axis=1)
        out[k + "_sd"] = v.std(axis=1, ddof=1) if n > 1 else np.zeros(M.T)
        out[k + "_se"] = out[k + "_sd"] / math.sqrt(n)
    first = np.where(np.isfinite(depletion), depletion, np.inf)
    out["depletion_probability"] = np.array([(first <= y).mean() for y in M.years])
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config")
    ap.add_argument("--paths", type=int, default=None, help="number of paths (default: run.paths)")
    ap.add_argument("--seed", type=int, default=None, help="numpy seed (default: run.seed)")
    ap.add_argument("--central", action="store_true", help="the central path: every shock zero (one path)")
    ap.add_argument("--out", help="save per-year means, sds and ses to this .npz")
    ap.add_argument("--quiet", action="store_true", help="print only the timing line")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    try:
        M = Model(Config(args.config))
    except ConfigError as e:
        print(f"pfsim_peer: {e}", file=sys.stderr)
        return 2
    except KeyError as e:
        print(f"pfsim_peer: {args.config}: a required key is missing: {e}", file=sys.stderr)
        return 2
    t_setup = time.perf_counter() - t0
    n = 1 if args.central else (args.paths or M.default_paths)
    seed = M.default_seed if args.seed is None else args.seed

    t1 = time.perf_counter()
    rec, depletion = simulate(M, n, seed, args.central)
    t_sim = time.perf_counter() - t1
    out = summarise(M, rec, depletion)
    out.update(central=int(args.central), seed=seed, sim_seconds=t_sim, setup_seconds=t_setup,
               member_level=M.member_level, pensioner_factor=M.pensioner_factor,
               lc_drift=M.lc_drift, lc_sigma=M.lc_sigma, lc_rho=M.lc_rho)
    if args.out:
        np.savez(args.out, **out)

    rate = n * M.T / t_sim
    if not args.quiet:
        print(f"# peer: {n} path(s){' (central)' if args.central else ''}, seed {seed}, {M.y0}-{M.y1}; "
              f"member level {M.member_level:.6g}, pensioner factor {M.pensioner_factor:.6g}, "
              f"LC drift {M.lc_drift.round(4).tolist()} sigma {M.lc_sigma.round(4).tolist()} rho {M.lc_rho:.4f}")
        show = ["fund_balance", "fund_balance_real", "contributors", "pensioners", "population", "expenditure",
                "contributions", "portfolio_return", "inflation", "tfr"]
        print("year " + " ".join(f"{k:>18}" for k in show) + " P(depleted)")
        for i, y in enumerate(M.years):
            if y in (M.y0, M.y1) or y % 10 == 0:
                print(f"{y} " + " ".join(f"{out[k + '_mean'][i]:18.6g}" for k in show)
                      + f" {out['depletion_probability'][i]:11.4f}")
    print(f"peer: simulated in {t_sim:.3f} s ({rate:.0f} path-years/s), setup {t_setup:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
