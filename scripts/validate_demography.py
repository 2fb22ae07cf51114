#!/usr/bin/python3
"""Compare pfsim's demographic projection with UN WPP 2024 (China, medium variant).

Reads a pfsim results file and the WPP files of configs/data/china/ and prints
Markdown tables (docs/validation.md, section "Demography"). It reports; it
tunes nothing.

Needs numpy and h5py: run it with /usr/bin/python3 (the first python3 on PATH
may lack them).

    build/release/pfsim run configs/china_baseline.toml --paths 2000 \\
        --seed 20240913 -o results/validation.h5 --quiet \\
        --set 'run.quantiles=[0.025,0.05,0.1,0.25,0.5,0.75,0.9,0.95,0.975]'
    /usr/bin/python3 scripts/validate_demography.py results/validation.h5

Time conventions: pfsim's stocks for year y are at 31 December of y (= 1
January of y + 1), as are WPP's annual totals in wpp_benchmark_totals.csv;
flows (births, deaths) and rates (TFR, e0) are for calendar year y. The
jump-off mortality (mortality_2023.csv) is WPP's 2020-2025 period average.
"""
import argparse
import csv
import math
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "configs", "data", "china")


# ---- data -------------------------------------------------------------------
def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def by_year(rows):
    return {int(r["year"]): r for r in rows}


def num(s):
    return float(s) if s not in ("", None) else float("nan")


# ---- model pieces re-implemented for the checks ----------------------------------
def life_table_e(m):
    """e[a] of the constant-hazard life table of model.md section 2 (open last age)."""
    m = np.asarray(m, dtype=float)
    w = len(m) - 1
    p = np.exp(-m[:w])
    f = np.where(m[:w] > 0, -np.expm1(-m[:w]) / np.where(m[:w] > 0, m[:w], 1), 1.0)
    e = np.empty(w + 1)
    e[w] = 1.0 / m[w]
    for a in range(w - 1, -1, -1):
        e[a] = f[a] + p[a] * e[a + 1]
    return e


def split_five_year_shares(groups):
    """Port of models/demography/fertility_pattern.cpp (Fritsch-Carlson cubic of the cumulative)."""
    g = np.asarray(groups, dtype=float)
    n = len(g)
    c = np.concatenate([[0.0], np.cumsum(g / g.sum())])
    c[n] = 1.0
    h = 5.0
    d = np.diff(c) / h
    s = np.zeros(n + 1)
    s[0], s[n] = d[0], d[n - 1]
    for k in range(1, n):
        s[k] = 0.0 if d[k - 1] * d[k] <= 0 else 0.5 * (d[k - 1] + d[k])
    for k in range(n):
        if d[k] == 0:
            s[k] = s[k + 1] = 0.0
            continue
        a, b = s[k] / d[k], s[k + 1] / d[k]
        q = a * a + b * b
        if q > 9:
            tau = 3 / math.sqrt(q)
            s[k], s[k + 1] = tau * a * d[k], tau * b * d[k]

    def ev(k, x):
        t = x / h
        return ((2 * t**3 - 3 * t**2 + 1) * c[k] + (t**3 - 2 * t**2 + t) * h * s[k]
                + (-2 * t**3 + 3 * t**2) * c[k + 1] + (t**3 - t**2) * h * s[k + 1])

    out = []
    for k in range(n):
        for j in range(5):
            lo = c[k] if j == 0 else ev(k, j)
            hi = c[k + 1] if j == 4 else ev(k, j + 1)
            out.append(max(0.0, hi - lo))
    return np.array(out)


def half_year_advance(data):
    """The model's base population on 1 January 2024 (DemographyModel's constructor, re-implemented):
    1 July 2023 table, half of each age stays and half moves up, all survive exp(-m/2) at the
    2020-2025 rates; half a year of births at TFR 2023 and the 2023 pattern survive exp(-m0/4);
    half of 2023's net migration with the 2024 age-sex profile."""
    pop = read_csv(os.path.join(data, "population_2023.csv"))
    mx = read_csv(os.path.join(data, "mortality_2023.csv"))
    P = np.array([[float(r[s]) for r in pop] for s in ("male", "female")])
    M = np.array([[float(r[s]) for r in mx] for s in ("male", "female")])
    w = P.shape[1] - 1
    tfr23 = float(by_year(read_csv(os.path.join(data, "tfr.csv")))[2023]["tfr"])
    srb23 = float(by_year(read_csv(os.path.join(data, "srb.csv")))[2023]["srb"])
    mig23 = float(by_year(read_csv(os.path.join(data, "net_migration.csv")))[2023]["net_migration"])
    groups = {}
    for r in read_csv(os.path.join(data, "pasfr_5y.csv")):
        lo = int(r["age_group"].split("-")[0])
        if int(r["year"]) == 2023 and 15 <= lo <= 45:
            groups[lo] = float(r["pasfr_percent"])
    pattern = split_five_year_shares([groups[a] for a in range(15, 50, 5)])
    births = 0.5 * tfr23 * float(np.dot(pattern, P[1, 15:50]))
    prof = np.zeros((2, w + 1))
    for r in read_csv(os.path.join(data, "net_migration_by_age_sex.csv")):
        if int(r["year"]) == 2024:
            prof[0, int(r["age"])] = float(r["male"])
            prof[1, int(r["age"])] = float(r["female"])
    prof /= prof.sum()
    out = np.zeros_like(P)
    for s in range(2):
        half = np.exp(-0.5 * M[s]) * P[s]
        born = births * (srb23 / (1 + srb23) if s == 0 else 1 / (1 + srb23))
        out[s, 0] = 0.5 * half[0] + born * math.exp(-0.25 * M[s, 0])
        out[s, 1:w] = 0.5 * half[1:w] + 0.5 * half[0:w - 1]
        out[s, w] = half[w] + 0.5 * half[w - 1]
        out[s] += 0.5 * mig23 * prof[s]
    return P, out, births


# ---- results ------------------------------------------------------------------
class Results:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        if self.f.attrs.get("format") not in (b"pfsim-results", "pfsim-results"):
            sys.exit(f"{path}: not a pfsim results file")
        self.years = list(self.f["years"][()])
        self.n_paths = int(self.f.attrs["n_paths"])
        self.seed = int(self.f.attrs["seed"])

    def _g(self, name):
        return self.f["metrics"][name]

    def probs(self, name):
        return [float(p) for p in self._g(name).attrs["probabilities"]]

    def q(self, name, year, prob):
        ps = self.probs(name)
        i = min(range(len(ps)), key=lambda k: abs(ps[k] - prob))
        return float(self._g(name)["quantiles"][i, self.years.index(year)]), ps[i]

    def central(self, name, year):
        return float(self._g(name)["central"][self.years.index(year)])

    def band(self, name, year, lo=0.025, hi=0.975):
        (a, pa), (m, _), (b, pb) = self.q(name, year, lo), self.q(name, year, 0.5), self.q(name, year, hi)
        return m, a, b, (pa, pb)


# ---- output -------------------------------------------------------------------
def fmt_m(x):
    return f"{x / 1e6:,.1f}"


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="pfsim results file (HDF5)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder of the WPP China files (default: %(default)s)")
    args = ap.parse_args()
    d = args.data
    R = Results(args.results)
    wpp = by_year(read_csv(os.path.join(d, "wpp_benchmark_totals.csv")))
    tfr = by_year(read_csv(os.path.join(d, "tfr.csv")))
    e0 = by_year(read_csv(os.path.join(d, "e0.csv")))
    ltc = {r["sex"]: r for r in read_csv(os.path.join(d, "life_table_check.csv"))}

    ps = R.probs("population")
    print(f"Results: {args.results}: {R.n_paths} paths, seed {R.seed}, years {R.years[0]}-{R.years[-1]}; "
          f"probabilities {ps}.")
    if not (any(abs(p - 0.025) < 1e-9 for p in ps) and any(abs(p - 0.975) < 1e-9 for p in ps)):
        print("WARNING: the file has no 0.025/0.975 quantiles; the bands below use the nearest probabilities "
              "(rerun with --set 'run.quantiles=[0.025,...,0.975]').")
    print("Model columns: median and 2.5-97.5% band over paths; 'central' is the path with every shock zero. "
          "WPP: medium variant (median) and its 95% interval.\n")

    # 1. Life expectancy.
    print("### Life expectancy at birth\n")
    mx = read_csv(os.path.join(d, "mortality_2023.csv"))
    rows = []
    for sex in ("male", "female"):
        e23 = life_table_e([float(r[sex]) for r in mx])[0]
        wpp23 = float(e0[2023][f"e0_{sex}"])
        rows.append([f"{sex}, rates 2023 (2020-25 period; constant-hazard table, numpy)", f"{e23:.3f}", "",
                     f"{wpp23:.3f} (2023)", f"{e23 - wpp23:+.3f}"])
        rows.append([f"{sex}, rates 2023, pack's table (a0 Andreev-Kingkade)", f"{float(ltc[sex]['e0']):.3f}", "",
                     f"{wpp23:.3f} (2023)", f"{float(ltc[sex]['e0']) - wpp23:+.3f}"])
        for y in (2024, 2030, 2050, 2075, 2100):
            m, a, b, _ = R.band(f"e0_{sex}", y)
            w_ = e0[y]
            lo, hi = float(w_[f"e0_{sex}_95l"]), float(w_[f"e0_{sex}_95u"])
            rows.append([f"{sex}, model {y}", f"{m:.2f} ({a:.2f}-{b:.2f})", f"{R.central(f'e0_{sex}', y):.2f}",
                         f"{float(w_[f'e0_{sex}']):.2f} ({lo:.2f}-{hi:.2f})",
                         f"{m - float(w_[f'e0_{sex}']):+.2f}", f"{(b - a) / (hi - lo):.2f}"])
    table(["e0", "model median (95%)", "central", "WPP median (95%)", "median - WPP", "band width / WPP's"], rows)

    print("### Sex gap in e0 (women - men, years) and life expectancy at 60 and 65\n")
    rows = []
    for y in (2024, 2030, 2050, 2075, 2100):
        gap_m = R.q("e0_female", y, 0.5)[0] - R.q("e0_male", y, 0.5)[0]
        gap_w = float(e0[y]["e0_female"]) - float(e0[y]["e0_male"])
        cells = [str(y), f"{gap_m:.2f}", f"{gap_w:.2f}", f"{gap_m - gap_w:+.2f}"]
        for name in ("e60_male", "e60_female", "e65_male", "e65_female"):
            m, a, b, _ = R.band(name, y)
            cells.append(f"{m:.2f} ({a:.2f}-{b:.2f})")
        rows.append(cells)
    table(["year", "gap, model medians", "gap, WPP medians", "model - WPP", "e60 men", "e60 women", "e65 men",
           "e65 women"], rows)

    # 2. Base population: the half-year advance.
    print("### Base population: 1 July 2023 advanced to 1 January 2024\n")
    P, jan, half_births = half_year_advance(d)
    mx_arr = np.array([[float(r[s]) for r in mx] for s in ("male", "female")])
    b23, d23 = float(wpp[2023]["births"]), float(wpp[2023]["deaths"])
    srb23 = float(by_year(read_csv(os.path.join(d, "srb.csv")))[2023]["srb"])
    mig = {}
    for r in read_csv(os.path.join(d, "net_migration_by_age_sex.csv")):
        if int(r["year"]) == 2023:
            mig["male"] = mig.get("male", 0) + float(r["male"])
            mig["female"] = mig.get("female", 0) + float(r["female"])
    male_death_share = 0.568  # README of the data pack: modelled male share of 2023 deaths
    births_sex = {"male": b23 * srb23 / (1 + srb23), "female": b23 / (1 + srb23)}
    deaths_sex = {"male": d23 * male_death_share, "female": d23 * (1 - male_death_share)}
    # Back from WPP's 31 December 2024 total by 2024's flows (total only; WPP's own identity).
    b24, d24 = float(wpp[2024]["births"]), float(wpp[2024]["deaths"])
    m24 = float(by_year(read_csv(os.path.join(d, "net_migration.csv")))[2024]["net_migration"])
    dec24 = float(wpp[2024]["pop_male_dec31"]) + float(wpp[2024]["pop_female_dec31"])
    rows = []
    for i, sex in enumerate(("male", "female")):
        ref = P[i].sum() + 0.5 * (births_sex[sex] - deaths_sex[sex] + mig[sex])
        rows.append([sex, fmt_m(P[i].sum()), fmt_m(jan[i].sum()), fmt_m(ref),
                     f"{(jan[i].sum() - ref) / 1e6:+.3f}", f"{100 * (jan[i].sum() / ref - 1):+.3f}%"])
    ref_t = P.sum() + 0.5 * (b23 - d23 + sum(mig.values()))
    rows.append(["total", fmt_m(P.sum()), fmt_m(jan.sum()), fmt_m(ref_t), f"{(jan.sum() - ref_t) / 1e6:+.3f}",
                 f"{100 * (jan.sum() / ref_t - 1):+.3f}%"])
    table(["sex", "1 Jul 2023 (pack)", "model 1 Jan 2024", "WPP 31 Dec 2023 (derived)", "model - WPP (M)",
           "model / WPP - 1"], rows)
    print(f"WPP 31 Dec 2023 = 1 July 2023 + half of 2023's births ({b23 / 1e6:.2f} M) - deaths ({d23 / 1e6:.2f} M) "
          f"+ net migration ({sum(mig.values()) / 1e6:.3f} M); by sex: births split by the SRB {srb23}, deaths "
          f"{100 * male_death_share:.1f}% male (the pack's modelled share), migration from the 2023 age-sex table. "
          f"Cross-check of the total: WPP 31 Dec 2024 ({fmt_m(dec24)} M) - 2024 births + deaths - migration = "
          f"{fmt_m(dec24 - b24 + d24 - m24)} M.\n")
    half_mig = 0.5 * float(by_year(read_csv(os.path.join(d, "net_migration.csv")))[2023]["net_migration"])
    half_deaths = P.sum() + half_births + half_mig - jan.sum()
    print(f"Model's half year (1 July - 31 December 2023): births {half_births / 1e6:.3f} M (WPP 2023 / 2: "
          f"{b23 / 2e6:.3f} M), deaths {half_deaths / 1e6:.3f} M (WPP 2023 / 2: {d23 / 2e6:.3f} M), net migration "
          f"{half_mig / 1e6:.3f} M. Annual deaths implied by the jump-off rates on the 1 July 2023 population, "
          f"sum P m: {(P * mx_arr).sum() / 1e6:.3f} M (WPP 2023: {d23 / 1e6:.3f} M).\n")

    # 3. Population totals.
    print("### Total population at 31 December (millions)\n")
    rows = []
    for y in (2024, 2030, 2049, 2050, 2075, 2100):
        m, a, b, _ = R.band("population", y)
        w_ = wpp[y]
        wm = float(w_["pop_male_dec31"]) + float(w_["pop_female_dec31"])
        rows.append([str(y), f"{fmt_m(m)} ({fmt_m(a)}-{fmt_m(b)})", fmt_m(R.central("population", y)),
                     f"{fmt_m(wm)} ({fmt_m(num(w_['pop_total_dec31_95l']))}-{fmt_m(num(w_['pop_total_dec31_95u']))})",
                     f"{100 * (m / wm - 1):+.1f}%", f"{(b - a) / (num(w_['pop_total_dec31_95u']) - num(w_['pop_total_dec31_95l'])):.2f}"])
    table(["31 Dec", "model median (95%)", "central", "WPP median (95%)", "median vs WPP", "band width / WPP's"], rows)

    # 4. TFR.
    print("### Total fertility rate\n")
    rows = []
    for y in (2024, 2030, 2050, 2075, 2100):
        m, a, b, _ = R.band("tfr", y)
        t = tfr[y]
        rows.append([str(y), f"{m:.3f} ({a:.3f}-{b:.3f})", f"{R.central('tfr', y):.3f}",
                     f"{float(t['tfr']):.3f} ({float(t['tfr_95l']):.3f}-{float(t['tfr_95u']):.3f})"])
    table(["year", "model median (2.5-97.5%)", "central", "WPP median (95%)"], rows)

    # 5. Births and deaths.
    print("### Births and deaths (millions a year)\n")
    rows = []
    for what in ("births", "deaths"):
        for y in (2024, 2030, 2050, 2075, 2100):
            m, a, b, _ = R.band(what, y)
            w_ = wpp[y]
            wm = float(w_[what])
            rows.append([what, str(y), f"{m / 1e6:.2f} ({a / 1e6:.2f}-{b / 1e6:.2f})",
                         f"{R.central(what, y) / 1e6:.2f}",
                         f"{wm / 1e6:.2f} ({num(w_[what + '_95l']) / 1e6:.2f}-{num(w_[what + '_95u']) / 1e6:.2f})",
                         f"{100 * (m / wm - 1):+.1f}%"])
    table(["flow", "year", "model median (95%)", "central", "WPP median (95%)", "median vs WPP"], rows)

    # 6. Age structure (no WPP comparator in the pack).
    print("### Net migration (millions a year)\n")
    mig = by_year(read_csv(os.path.join(d, "net_migration.csv")))
    rows = []
    for y in (2024, 2030, 2050, 2075, 2100):
        m, a, b, _ = R.band("net_migration", y)
        lo, hi = float(mig[y]["net_migration_95l"]), float(mig[y]["net_migration_95u"])
        rows.append([str(y), f"{m / 1e6:.3f} ({a / 1e6:.3f} to {b / 1e6:.3f})", f"{R.central('net_migration', y) / 1e6:.3f}",
                     f"{float(mig[y]['net_migration']) / 1e6:.3f} ({lo / 1e6:.3f} to {hi / 1e6:.3f})",
                     f"{(b - a) / (hi - lo):.2f}"])
    table(["year", "model median (95%)", "central", "WPP median (95%)", "band width / WPP's"], rows)

    print("### Age structure at 31 December (model only: the pack has no WPP projection by age)\n")
    rows = []
    for y in (2024, 2030, 2050, 2075, 2100):
        cells = [str(y)]
        for name in ("population_0_14", "population_15_64", "population_65_plus"):
            m, a, b, _ = R.band(name, y)
            cells.append(f"{fmt_m(m)} ({fmt_m(a)}-{fmt_m(b)})")
        m, a, b, _ = R.band("old_age_dependency", y)
        cells.append(f"{m:.3f} ({a:.3f}-{b:.3f})")
        rows.append(cells)
    table(["31 Dec", "0-14 (M)", "15-64 (M)", "65+ (M)", "65+ / 15-64"], rows)


if __name__ == "__main__":
    main()
