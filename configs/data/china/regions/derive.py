#!/usr/bin/env python3
"""Re-does the arithmetic of derivation.md (illustrative five-region split).
Inputs: the research notes' provincial figures (copied below with their marks),
configs/data/china/population_2023.csv and asfr_2023.csv (WPP 2024), and the
national totals of configs/china_baseline.toml.
Run from anywhere: python3 configs/data/china/regions/derive.py (plain Python 3, no packages)."""
import csv, math

import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..") + os.sep
R = ["guangdong", "coast", "centre", "west", "northeast"]
REGION = {
    "Guangdong": "guangdong",
    **{p: "coast" for p in ["Beijing", "Tianjin", "Shanghai", "Jiangsu", "Zhejiang", "Fujian", "Shandong"]},
    **{p: "centre" for p in ["Hebei", "Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan", "Hainan"]},
    **{p: "west" for p in ["Inner Mongolia", "Guangxi", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet",
                           "Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"]},
    **{p: "northeast" for p in ["Liaoning", "Jilin", "Heilongjiang"]},
}
# national totals, china_baseline.toml
C_NAT, P_NAT, BAL_NAT, PEN_NAT, SUB_NAT = 379.25e6, 141.96e6, 6.0e12, 45_000.0, 1.0e12

def by_region(d):
    out = {r: 0.0 for r in R}
    for k, v in d.items():
        out[REGION[k]] += v
    return out

def show(title, d, fmt="{:.4f}"):
    print(f"{title:38s} " + "  ".join(f"{r[:5]}=" + fmt.format(d[r]) for r in R))

# ---------------------------------------------------------------- A.2: 2010 NBS table [V]
T2010 = {  # contributors M, retirees M, balance bn
    "Beijing": (7.859, 1.955, 61.79), "Tianjin": (2.879, 1.436, 20.3), "Hebei": (7.289, 2.595, 56.29),
    "Shanxi": (4.437, 1.473, 63.74), "Inner Mongolia": (3.115, 1.192, 25.79), "Liaoning": (10.242, 4.727, 73.93),
    "Jilin": (3.929, 2.066, 35.18), "Heilongjiang": (5.892, 3.63, 47.9), "Shanghai": (6.573, 3.922, 46.2),
    "Jiangsu": (15.839, 4.491, 127.18), "Zhejiang": (14.786, 2.236, 116.21), "Anhui": (4.92, 1.775, 35.3),
    "Fujian": (5.22, 1.135, 14.12), "Jiangxi": (4.621, 1.455, 20.36), "Shandong": (14.279, 3.451, 107.76),
    "Henan": (8.09, 2.703, 49.9), "Hubei": (7.382, 3.016, 42.76), "Hunan": (6.735, 2.654, 45.59),
    "Guangdong": (28.756, 3.396, 247.15), "Guangxi": (3.112, 1.381, 37.9), "Hainan": (1.354, 0.454, 6.49),
    "Chongqing": (3.919, 1.925, 25.56), "Sichuan": (8.619, 4.39, 92.84), "Guizhou": (1.903, 0.67, 17.79),
    "Yunnan": (2.251, 0.923, 22.93), "Tibet": (0.068, 0.032, 0.0),
}
NAT2010 = (194.023, 63.05, 1536.53)
resid = tuple(NAT2010[i] - sum(v[i] for v in T2010.values()) for i in range(3))
print("2010 residual (Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang, XPCC; Tibet balance):",
      "contributors %.3f M, retirees %.3f M, balance %.2f bn" % resid)
c10 = by_region({k: v[0] for k, v in T2010.items()}); c10["west"] += resid[0]
p10 = by_region({k: v[1] for k, v in T2010.items()}); p10["west"] += resid[1]
b10 = by_region({k: v[2] for k, v in T2010.items()}); b10["west"] += resid[2]
show("2010 contributors M", c10, "{:.3f}"); show("2010 retirees M", p10, "{:.3f}")
show("2010 ratio", {r: c10[r] / p10[r] for r in R}, "{:.2f}")
show("2010 balance bn", b10, "{:.1f}")

# ---------------------------------------------------------------- census totals (A.4)
POP20 = {"Guangdong": 126.01, "Jiangsu": 84.75, "Henan": 99.37, "Beijing": 8.42 / 0.385,
         "Shanghai": 10.48 / 0.421, "Zhejiang": 16.19 / 0.25}
POP10 = {"Guangdong": 104.32, "Jiangsu": 78.66, "Henan": 94.03, "Heilongjiang": 38.31, "Gansu": 25.58}
NE20, NE10 = 98.51, 98.51 + 11.01
WPP_2020_TOTAL = 1_426_106_092  # persons, 1 July 2020, WPP 2024
# national 1 July 2020 from WPP (population_5y_source.csv); the census national total is not in the sources [N]
# (the sum of male and female of 2020 in the WPP 2024 5-year source table the data pack was built from)
NAT20 = WPP_2020_TOTAL / 1e6
known = {"guangdong": POP20["Guangdong"], "northeast": NE20,
         "coast": POP20["Jiangsu"] + POP20["Beijing"] + POP20["Shanghai"] + POP20["Zhejiang"],
         "centre": POP20["Henan"], "west": 0.0}
# provinces without a census total: spread the rest in proportion to 2010 insured retirees (assumption)
unk_ret = {"coast": sum(T2010[p][1] for p in ["Tianjin", "Fujian", "Shandong"]),
           "centre": p10["centre"] - T2010["Henan"][1], "west": p10["west"], "guangdong": 0, "northeast": 0}
U = NAT20 - sum(known.values())
pop20 = {r: known[r] + U * unk_ret[r] / sum(unk_ret.values()) for r in R}
print(f"national WPP 1 Jul 2020 {NAT20:.2f} M; known {sum(known.values()):.2f}; rest U={U:.2f} M;"
      f" rest split by 2010 retirees {unk_ret}")
show("2020 population M", pop20, "{:.2f}")
S = {r: pop20[r] / NAT20 for r in R}
show("2020 population share", S)

# ---------------------------------------------------------------- contributors & pensioners 2023
g = {"guangdong": 126.01 / 104.32, "northeast": NE20 / NE10, "coast": 84.75 / 78.66,
     "centre": 99.37 / 94.03, "west": (25.02 / 25.58 + 99.37 / 94.03) / 2}
# census growth 2010-20: GD, NE, JS (coast), HA (centre); west = mean of GS and HA (assumption: only six
# provinces shrank, HLJ and JL among them, so GS alone would understate the west)
show("growth 2010-20 used", g, "{:.4f}")
craw = {r: c10[r] * g[r] for r in R}
C = {r: C_NAT * craw[r] / sum(craw.values()) for r in R}
P = {r: P_NAT * p10[r] / sum(p10.values()) for r in R}
def fix(d, tot, step):  # round all but the last region, last = residual
    out = {r: round(d[r] / step) * step for r in R[:-1]}
    out[R[-1]] = tot - sum(out.values())
    return out
C = fix(C, C_NAT, 1e4); P = fix(P, P_NAT, 1e4)
show("contributors 2023 M", {r: C[r] / 1e6 for r in R}, "{:.2f}")
show("pensioners 2023 M", {r: P[r] / 1e6 for r in R}, "{:.2f}")
show("contributors per pensioner", {r: C[r] / P[r] for r in R}, "{:.2f}")

# ---------------------------------------------------------------- wages
W21 = {"Beijing": (194651, 100011), "Tianjin": (123528, 65272), "Hebei": (82526, 48185), "Shanxi": (82413, 45748),
       "Inner Mongolia": (90426, 51270), "Liaoning": (86062, 50169), "Jilin": (83028, 47886),
       "Heilongjiang": (80369, 42071), "Shanghai": (191844, 96011), "Jiangsu": (115133, 68868),
       "Zhejiang": (122309, 69228), "Anhui": (93861, 56154), "Fujian": (98071, 62433), "Jiangxi": (83766, 52667),
       "Shandong": (94768, 56521), "Henan": (74872, 48117), "Hubei": (96994, 56429), "Hunan": (85438, 54469),
       "Guangdong": (118133, 73231), "Guangxi": (88170, 48494), "Hainan": (97471, 62284),
       "Chongqing": (101670, 59307), "Sichuan": (96741, 57399), "Guizhou": (94487, 51557),
       "Yunnan": (98730, 48940), "Tibet": (140355, 66311), "Shaanxi": (90996, 52331), "Gansu": (84500, 47212),
       "Qinghai": (109346, 50068), "Ningxia": (105266, 55327), "Xinjiang": (94281, 56123)}
CB25 = {"Beijing": 12049, "Shanghai": 12434, "Tianjin": 9417, "Chongqing": 8240, "Hebei": 7410, "Shanxi": 7253,
        "Inner Mongolia": 8179, "Liaoning": 7346, "Jilin": 7322.08, "Heilongjiang": 7570, "Jiangsu": 8917,
        "Zhejiang": 8433, "Anhui": 7999, "Fujian": 7932, "Jiangxi": 7054, "Shandong": 7831, "Henan": 6738,
        "Hubei": 7300, "Hunan": 7694, "Guangdong": 9493, "Guangxi": 6983, "Hainan": 8188, "Sichuan": 8462,
        "Guizhou": 7324.5, "Yunnan": 8265, "Tibet": 11777, "Shaanxi": 7881, "Gansu": 7746, "Qinghai": 9056,
        "Ningxia": 8366, "Xinjiang": 8448}   # Hubei: no province-wide value, 7300 = middle of "most areas 7200-7400"
# within-region weights: 2010 contributors / retirees; the five 2010-missing provinces share the residual:
# Shaanxi = 2008 value x national growth 2008-10, the other four equally (assumption)
gr = NAT2010[0] / 165.875; grp = NAT2010[1] / 53.036
wc = {k: v[0] for k, v in T2010.items()}; wp = {k: v[1] for k, v in T2010.items()}
wc["Shaanxi"] = 3.09 * gr; wp["Shaanxi"] = 1.244 * grp
for p in ["Gansu", "Qinghai", "Ningxia", "Xinjiang"]:
    wc[p] = (resid[0] - wc["Shaanxi"]) / 4; wp[p] = (resid[1] - wp["Shaanxi"]) / 4
def wavg(val, w):
    num = by_region({k: val[k] * w[k] for k in val}); den = by_region({k: w[k] for k in val})
    return {r: num[r] / den[r] for r in R}
full21 = {k: 0.6 * a + 0.4 * b for k, (a, b) in W21.items()}   # 全口径 proxy, 60/40 as china_baseline.toml
nat21 = 0.6 * 106837 + 0.4 * 62884
w21 = wavg(full21, wc); cb = wavg(CB25, wc)
def norm(x):  # contributor-weighted mean = 1
    m = sum(C[r] * x[r] for r in R) / C_NAT
    return {r: x[r] / m for r in R}
show("2021 wage (0.6 np + 0.4 p), yuan", w21, "{:.0f}")
show("  / national 2021 proxy", {r: w21[r] / nat21 for r in R}, "{:.3f}")
show("2025 calc base, yuan/month", cb, "{:.0f}")
lw = norm(w21); lc = norm(cb)
show("2021 wage, normalised", lw, "{:.3f}"); show("2025 calc base, normalised", lc, "{:.3f}")
WL = norm({r: math.sqrt(lw[r] * lc[r]) for r in R})
WL = {r: round(WL[r], 3) for r in R}
show("wage_level (geo mean, renorm, 3 dp)", WL, "{:.3f}")
print("  contributor-weighted mean of rounded wage_level:", sum(C[r] * WL[r] for r in R) / C_NAT)

# ---------------------------------------------------------------- age shares (census 2020, A.4)
NATF = (17.95, 63.35, 18.70)
AGE = {"Beijing": (11.84, 68.53, 19.63), "Tianjin": (13.47, 64.87, 21.66), "Hebei": (20.22, 59.92, 19.85),
       "Shanxi": (16.35, 64.72, 18.92), "Inner Mongolia": (14.04, 66.17, 19.78),
       "Liaoning": (11.12, 63.16, 25.72), "Jilin": (11.71, 65.23, 23.06), "Heilongjiang": (10.32, 100 - 10.32 - 23.2, 23.2),
       "Tibet": (24.53, 100 - 24.53 - 8.52, 8.52)}
# province populations inside regions for weighting the known age rows (2020, M):
# BJ derived above; TJ, HE, SX, NM, XZ by the same 2010-retiree proxy as the rest U; LN/JL = NE - HLJ split by 2010 retirees
per_ret = U / sum(unk_ret.values())
ppop = {"Beijing": POP20["Beijing"], "Heilongjiang": 31.85}
for p in ["Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Tibet"]:
    ppop[p] = T2010[p][1] * per_ret
for p in ["Liaoning", "Jilin"]:
    ppop[p] = (NE20 - 31.85) * T2010[p][1] / (T2010["Liaoning"][1] + T2010["Jilin"][1])
# Guangdong: residents without the 29.62 M from other provinces at the national structure; those 29.62 M at
# 16/80/4 (assumption: working-age movers, with children born to them in Guangdong still registered elsewhere)
gd_mig = (16.0, 80.0, 4.0)
F = {"guangdong": tuple(((126.01 - 29.62) * NATF[i] + 29.62 * gd_mig[i]) / 126.01 for i in range(3))}
for r in ["coast", "centre", "west", "northeast"]:
    kn = [p for p in AGE if REGION[p] == r]
    kpop = sum(ppop[p] for p in kn)
    rest = pop20[r] - kpop
    F[r] = tuple((sum(ppop[p] * AGE[p][i] for p in kn) + rest * NATF[i]) / pop20[r] for i in range(3))
    F[r + "_rest"] = rest
# the regions must reproduce the national fractions: the gap goes to the provinces without age data
# in coast, centre, west (in proportion to their population)
gap = [NATF[i] - sum(S[r] * F[r][i] for r in R) for i in range(3)]
restpop = sum(F[r + "_rest"] for r in ["coast", "centre", "west"]) / NAT20
for r in ["coast", "centre", "west"]:
    F[r] = tuple(F[r][i] + (F[r + "_rest"] / pop20[r]) * gap[i] / restpop for i in range(3))
print("age-fraction gap moved to the provinces without age data (pp):", [round(x, 3) for x in gap])
for r in R:
    print(f"  {r:10s} 0-14 {F[r][0]:6.2f}  15-59 {F[r][1]:6.2f}  60+ {F[r][2]:6.2f}")
G3 = {r: [S[r] * F[r][i] / NATF[i] for i in range(3)] for r in R}   # share of national group
pop = list(csv.DictReader(open(DATA + "population_2023.csv")))
N = [int(x["male"]) + int(x["female"]) for x in pop]
NF = [int(x["female"]) for x in pop]
KN = [0, 15, 25, 45, 60, 100]
def fit(gs):
    # shape (assumption): flat g1 at 0-15, ramp to a plateau h at 25-45, ramp to g3 at 60, flat g3 to 100;
    # h solves: national-population-weighted mean over 15-59 = g2 (means over 0-14 and 60+ hold by construction)
    def base(a, h):
        if a <= 25: return gs[0] + (h - gs[0]) * (a - 15) / 10
        if a <= 45: return h
        return h + (gs[2] - h) * (a - 45) / 15
    w = N[15:60]
    f0 = sum(wi * base(a, 0.0) for wi, a in zip(w, range(15, 60)))
    f1 = sum(wi * base(a, 1.0) for wi, a in zip(w, range(15, 60))) - f0
    h = (gs[1] * sum(w) - f0) / f1
    return [gs[0], gs[0], h, h, gs[2], gs[2]]
K = {r: [round(x, 4) for x in fit(G3[r])] for r in R[:-1]}
K["northeast"] = [round(1 - sum(K[r][j] for r in R[:-1]), 4) for j in range(len(KN))]
nefit = fit(G3["northeast"])
print("population_share knots", KN, "; northeast = 1 - others; NE own fit:", [round(x, 4) for x in nefit])
for r in R:
    print(f"  {r:10s}", K[r])
def share_at(r, a):
    for (x0, y0), (x1, y1) in zip(zip(KN, K[r]), zip(KN[1:], K[r][1:])):
        if x0 <= a <= x1: return y0 + (y1 - y0) * (a - x0) / (x1 - x0)
popr = {r: sum(share_at(r, min(a, 100)) * N[a] for a in range(101)) for r in R}
show("2023 population share (implied)", {r: popr[r] / sum(N) for r in R})
show("2023 population M (implied)", {r: popr[r] / 1e6 for r in R}, "{:.1f}")

# ---------------------------------------------------------------- fertility factor
asfr = {int(x["age"]): float(x["asfr"]) for x in csv.DictReader(open(DATA + "asfr_2023.csv"))}
Bn = sum(asfr[a] * NF[a] for a in asfr)
wom = {r: sum(asfr[a] * NF[a] * share_at(r, a) for a in asfr) / Bn for r in R}
FF = {r: round(K[r][0] / wom[r], 2) for r in R}   # births share = share at age 0
show("share of asfr-weighted women", wom); show("fertility_factor = s0 / women share", FF, "{:.2f}")
print("  women-weighted mean:", sum(wom[r] * FF[r] for r in R))

# ---------------------------------------------------------------- internal migration
prof = [(0, 0.1), (15, 0.2), (20, 1.0), (30, 1.0), (45, 0.3), (60, 0.1), (100, 0.1)]
def pf(a):
    for (x0, y0), (x1, y1) in zip(prof, prof[1:]):
        if x0 <= a <= x1: return y0 + (y1 - y0) * (a - x0) / (x1 - x0)
E = {r: sum(pf(min(a, 100)) * share_at(r, min(a, 100)) * N[a] for a in range(101)) / 1e6 for r in R}
show("peak-equivalent population E, M", E, "{:.1f}")
GROSS = 50.83 / 5 * 0.75          # inter-region share of inter-provincial moves 0.75 (assumption)
NET = {"guangdong": 0.60, "coast": 0.90, "centre": -0.65, "west": -0.35, "northeast": -0.50}  # M/yr, assumption
churn = GROSS - sum(-v for v in NET.values() if v < 0)
O = {r: churn * E[r] / sum(E.values()) + max(0, -NET[r]) for r in R}
I = {r: churn * E[r] / sum(E.values()) + max(0, NET[r]) for r in R}
print(f"gross inter-region moves {GROSS:.3f} M/yr, churn part {churn:.3f}")
show("gross outflow M/yr", O, "{:.3f}"); show("gross inflow M/yr", I, "{:.3f}")
# affinity seed from the 2020 stocks of people living in another province (124.84 M, A.4):
# destinations GD 29.62 [S], coast 45.09 = ZJ 16.19 [V] + SH 10.48 + BJ 8.42 + JS 10.0 (">10 M") [S] + TJ/FJ/SD,
# the rest at assumed shares of residents (TJ/FJ/SD 7%, centre 3%, west 5%, NE 4%) scaled to the 124.84 total;
# origins at assumed shares of residents (GD 2%, coast 3.5%, centre 12%, west 11%, NE 8%) scaled to 124.84
tfs = pop20["coast"] - (POP20["Jiangsu"] + POP20["Beijing"] + POP20["Shanghai"] + POP20["Zhejiang"])
extra = {"coast": 0.07 * tfs, "centre": 0.03 * pop20["centre"], "west": 0.05 * pop20["west"], "northeast": 0.04 * NE20}
sc = (124.84 - 29.62 - 45.09) / sum(extra.values())
DST = {"guangdong": 29.62, "coast": 45.09 + sc * extra["coast"], "centre": sc * extra["centre"],
       "west": sc * extra["west"], "northeast": sc * extra["northeast"]}
orate = {"guangdong": 0.02, "coast": 0.035, "centre": 0.12, "west": 0.11, "northeast": 0.08}
sc = 124.84 / sum(orate[r] * pop20[r] for r in R)
ORG = {r: sc * orate[r] * pop20[r] for r in R}
show("2020 stock by destination M", DST, "{:.2f}"); show("2020 stock by origin M", ORG, "{:.2f}")
# seed: forward (origin -> destination) plus the same pattern reversed (return moves); zero diagonal
M = {o: {d: (0.0 if o == d else ORG[o] * DST[d] + ORG[d] * DST[o]) for d in R} for o in R}
for _ in range(2000):   # IPF, zero diagonal
    for o in R:
        s = sum(M[o].values()); M[o] = {d: M[o][d] * O[o] / s for d in R}
    for d in R:
        s = sum(M[o][d] for o in R)
        for o in R: M[o][d] *= I[d] / s
MO = {r: round(O[r] / E[r], 4) for r in R}
show("out_migration (peak rate)", MO)
DEST = {}
for o in R:
    row = {d: M[o][d] / sum(M[o].values()) for d in R if d != o}
    ks = [d for d in R if d != o]
    rr = {d: round(row[d], 2) for d in ks[:-1]}; rr[ks[-1]] = round(1 - sum(rr.values()), 2)
    DEST[o] = rr
    print(f"  destinations {o:10s}", rr)
outs = {r: MO[r] * E[r] for r in R}
ins = {d: sum(MO[o] * E[o] * DEST[o][d] for o in R if o != d) for d in R}
show("implied net M/yr (rounded params)", {r: ins[r] - outs[r] for r in R}, "{:+.3f}")
print("  implied gross/yr %.2f M, x5 = %.1f M (census 2015-20 inter-provincial 50.83 M)" %
      (sum(outs.values()), 5 * sum(outs.values())))

# ---------------------------------------------------------------- international migration
IM = {r: S[r] * WL[r] for r in R}
tot = sum(IM.values()); IM = {r: round(IM[r] / tot, 3) for r in R[:-1]}
IM["northeast"] = round(1 - sum(IM.values()), 3)
show("international_migration_share", IM, "{:.3f}")

# ---------------------------------------------------------------- fund balance (A.1 list, probably 2016)
B16 = {"Guangdong": 7258, "Beijing": 3524, "Jiangsu": 3366, "Zhejiang": 3225, "Shandong": 2306, "Sichuan": 2158,
       "Shanxi": 1237, "Anhui": 1170, "Hunan": 945, "Liaoning": 929, "Yunnan": 719, "Chongqing": 826,
       "Hubei": 828, "Xinjiang": 839 + 59, "Fujian": 574, "Hebei": 546, "Guizhou": 513, "Shaanxi": 438,
       "Tianjin": 405, "Gansu": 371, "Jilin": 331, "Ningxia": 184, "Tibet": 59, "Heilongjiang": -232}
both = [p for p in B16 if p in T2010 and p not in ("Heilongjiang", "Tibet")]
ratio = sum(B16[p] for p in both) / sum(T2010[p][2] * 10 for p in both)
print(f"balance list / 2010 balance for the {len(both)} provinces in both: {ratio:.3f}")
for p in ["Shanghai", "Henan", "Hainan", "Jiangxi", "Inner Mongolia", "Guangxi"]:
    B16[p] = T2010[p][2] * 10 * ratio
B16["Qinghai"] = 50.0   # assumption: no row in either table; small, negative cash flow in 2016
b16 = by_region(B16)
show("balance list with fills, 100 M yuan", b16, "{:.0f}")
FB = {r: round(BAL_NAT * b16[r] / sum(b16.values()) / 1e9) * 1e9 for r in R[:-1]}
FB["northeast"] = BAL_NAT - sum(FB.values())
show("fund_balance 2023, bn", {r: FB[r] / 1e9 for r in R}, "{:.0f}")
show("2010 balance share", {r: b10[r] / sum(b10.values()) for r in R}, "{:.3f}")

# ---------------------------------------------------------------- average pension
cbp = wavg(CB25, wp)
AP = {r: cbp[r] for r in R}
m = sum(P[r] * AP[r] for r in R) / P_NAT
AP = {r: round(PEN_NAT * AP[r] / m / 100) * 100 for r in R[:-1]}
AP["northeast"] = round((PEN_NAT * P_NAT - sum(P[r] * AP[r] for r in R[:-1])) / P["northeast"])
show("calc base, retiree-weighted", cbp, "{:.0f}")
show("average_pension", AP, "{:.0f}")
print("  expenditure check (trn):", sum(P[r] * AP[r] for r in R) / 1e12, "vs", PEN_NAT * P_NAT / 1e12)

# ---------------------------------------------------------------- subsidy share
kk = {"guangdong": 0.25, "coast": 0.25, "centre": 1.0, "west": 1.0, "northeast": 1.0}
SS = {r: P[r] * kk[r] for r in R}; t = sum(SS.values())
SS = {r: round(SS[r] / t, 3) for r in R[:-1]}; SS["northeast"] = round(1 - sum(SS.values()), 3)
show("subsidy_share", SS, "{:.3f}")

# ---------------------------------------------------------------- checks
print("\nCheck: 2020 central adjustment, 739.823 bn raised at 4% x 90% x wage x members")
FUND = 739.823
pay = {r: C[r] * WL[r] for r in R}; tp = sum(pay.values())
rec = {r: FUND * P[r] / P_NAT for r in R}
paid = {r: FUND * pay[r] / tp for r in R}
show("pays bn", paid, "{:.1f}"); show("receives bn", rec, "{:.1f}")
show("net bn (+ receiver)", {r: rec[r] - paid[r] for r in R}, "{:+.1f}")
Wimp = FUND * 1e9 / (0.04 * 0.9 * C_NAT)
print(f"  implied national wage if members = 2023 contributors: {Wimp:.0f} yuan")
# same with 2010 structure (contributors 2010, retirees 2010)
x = 1.0
for _ in range(100):   # Guangdong levy base scaled until its net = -64.571 bn
    pay2 = dict(pay); pay2["guangdong"] *= x; t2 = sum(pay2.values())
    x *= (rec["guangdong"] + 64.571) / (FUND * pay2["guangdong"] / t2)
show(f"net bn, GD levy base x{x:.2f}", {r: rec[r] - FUND * pay2[r] / t2 for r in R}, "{:+.1f}")
print("  LN, HLJ 2010 retiree shares x fund (bn):", FUND * 4.727 / 63.05, FUND * 3.63 / 63.05, "JL", FUND * 2.066 / 63.05)
pay10 = {r: c10[r] * WL[r] for r in R}
show("net bn with 2010 structure", {r: FUND * (p10[r] / sum(p10.values()) - pay10[r] / sum(pay10.values())) for r in R}, "{:+.1f}")

print("\nCheck: regional pooling-account cash flow 2024 at 24% x 0.68 x 100000 x wage_level (bn)")
for r in R:
    inc = C[r] * 0.24 * 0.68 * 100000 * WL[r] / 1e9; out = P[r] * AP[r] / 1e9
    print(f"  {r:10s} income {inc:7.0f} spending {out:7.0f} balance {inc - out:+7.0f} after subsidy {inc - out + SS[r] * SUB_NAT / 1e9:+7.0f} months {12 * FB[r] / 1e9 / out:5.1f}")
print("2018->19 regional wage growth, log change relative to national:",
      {k: round(math.log(b / a) - math.log(90501 / 82413), 4) for k, (a, b) in
       {"east": (93178, 104069), "central": (68969, 73457), "west": (75755, 81954), "northeast": (65411, 71721)}.items()})
