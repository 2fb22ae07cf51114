#!/usr/bin/python3
"""The deterministic central path of the scheme beside the CASS China Pension
Actuarial Report 2019-2050 (enterprise employees).

Usage: validate_scheme.py BASELINE.h5 PRE_REFORM.h5
(results of configs/china_baseline.toml and configs/china_pre_reform.toml;
the central path does not depend on the number of paths)."""
import sys

import h5py
import numpy as np

CASS = {"peak": "6.99 trn in 2027", "depletion": "2035", "dependency_2050": "96.3%", "retirees_2050": "278 M"}


def central(f, name):
    return f[f"metrics/{name}/central"][()]


def describe(path):
    f = h5py.File(path, "r")
    years = list(f["years"][()])
    nominal = central(f, "fund_balance")
    real = central(f, "fund_balance_real")
    i = int(np.argmax(nominal))
    depletion = f["scalars/depletion_year/central"][()][0]
    at = lambda m, y: central(f, m)[years.index(y)]
    p = f["risk/depletion_probability"][()]
    return {
        "peak": f"{nominal[i] / 1e12:.2f} trn in {years[i]} (real {real.max() / 1e12:.2f} trn of {years[0] - 1} in {years[int(np.argmax(real))]})",
        "depletion": "never" if not np.isfinite(depletion) else f"{int(depletion)}",
        "dependency_2050": f"{100 * at('system_dependency', 2050):.1f}%",
        "retirees_2050": f"{at('pensioners', 2050) / 1e6:.0f} M",
        "p_2035": f"{100 * p[years.index(2035)]:.1f}%",
        "p_2050": f"{100 * p[years.index(2050)]:.1f}%",
        "paths": int(f.attrs["n_paths"]),
        "rows": [(y, at("contributors", y) / 1e6, at("pensioners", y) / 1e6, at("income", y) / 1e12,
                  at("expenditure", y) / 1e12, at("fund_balance", y) / 1e12) for y in (2024, 2030, 2035, 2040, 2050)],
    }


def main():
    base, pre = describe(sys.argv[1]), describe(sys.argv[2])
    print(f"{'':28} {'CASS 2019':>18} {'pfsim pre-reform':>44} {'pfsim 2025 reform':>44}")
    for key, label in [("peak", "balance peak (nominal)"), ("depletion", "depletion year"),
                       ("dependency_2050", "pensioners/contributors 2050"), ("retirees_2050", "retirees 2050")]:
        print(f"{label:28} {CASS[key]:>18} {pre[key]:>44} {base[key]:>44}")
    print(f"{'P(depletion by 2035)':28} {'':>18} {pre['p_2035']:>44} {base['p_2035']:>44}")
    print(f"{'P(depletion by 2050)':28} {'':>18} {pre['p_2050']:>44} {base['p_2050']:>44}")
    for name, d in [("pre-reform", pre), ("reform", base)]:
        print(f"\ncentral path, {name}: year, contributors (M), pensioners (M), income and expenditure (trn), balance (trn)")
        for row in d["rows"]:
            print("  {} {:8.1f} {:8.1f} {:8.2f} {:8.2f} {:8.2f}".format(*row))


if __name__ == "__main__":
    main()
