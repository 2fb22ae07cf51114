"""pfsim.export: the CSV files, read back with pandas, and the netCDF file,
reopened with xarray, hold the values of the HDF5 file."""

import os
import unittest

import h5py
import numpy as np
import pandas as pd
import xarray as xr

import pfsim_fixtures
import pfsim
from pfsim.reader import decode


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pfsim_fixtures.scratch()
        cls.out = {}
        for name in ("results.h5", "scenarios.h5", "goal_seek.h5"):
            csv_dir = os.path.join(cls.dir, name + ".csv")
            nc = os.path.join(cls.dir, name + ".nc")
            pfsim.export(pfsim_fixtures.path(name), csv_dir=csv_dir, netcdf=nc)
            cls.out[name] = (pfsim_fixtures.path(name), csv_dir, nc)

    def csv(self, name, filename):
        # round_trip: the exact doubles written (pandas' default parser may differ in the last bit)
        return pd.read_csv(os.path.join(self.out[name][1], filename), float_precision="round_trip")

    def test_no_temporaries(self):
        for _, csv_dir, nc in self.out.values():
            leftovers = [f for f in os.listdir(csv_dir) + os.listdir(os.path.dirname(nc)) if ".tmp-" in f]
            self.assertEqual(leftovers, [])

    def test_metrics_csv(self):
        h5, _, _ = self.out["results.h5"]
        df = self.csv("results.h5", "metrics.csv")
        self.assertEqual(list(df.columns), ["kind", "metric", "year", "statistic", "probability", "value", "unit"])
        with h5py.File(h5, "r") as f:
            years = f["years"][()]
            self.assertEqual(set(df["metric"]), set(f["metrics"]))
            for metric, g in f["metrics"].items():
                sub = df[df["metric"] == metric]
                self.assertTrue((sub["unit"] == decode(g.attrs["unit"])).all(), metric)
                for stat in ("mean", "sd", "se", "central", "finite_count"):
                    rows = sub[sub["statistic"] == stat]
                    np.testing.assert_array_equal(rows["year"].values, years)
                    np.testing.assert_array_equal(rows["value"].values, g[stat][()].astype(float), err_msg=metric)
                for stat, ds in (("quantile", "quantiles"), ("quantile_lower", "quantiles_lower"),
                                 ("quantile_upper", "quantiles_upper")):
                    for i, p in enumerate(g.attrs["probabilities"]):
                        rows = sub[(sub["statistic"] == stat) & (sub["probability"] == p)]
                        np.testing.assert_array_equal(rows["value"].values, g[ds][i], err_msg=f"{metric} {stat} {p}")

    def test_scalars_and_risk_csv(self):
        h5, _, _ = self.out["results.h5"]
        scalars = self.csv("results.h5", "scalars.csv")
        risk = self.csv("results.h5", "risk.csv")
        with h5py.File(h5, "r") as f:
            d = f["scalars/depletion_year"]
            rows = scalars[(scalars["metric"] == "depletion_year") & (scalars["statistic"] == "quantile")]
            np.testing.assert_array_equal(rows["value"].values, d["quantiles"][()])  # inf survives as "inf"
            self.assertTrue(scalars["year"].isna().all())
            for name, ds in f["risk"].items():
                if name in ("horizons", "levels"):
                    continue
                rows = risk[risk["variable"] == name]
                np.testing.assert_array_equal(rows["value"].values, ds[()].astype(float), err_msg=name)
            rows = risk[risk["variable"] == "preservation_probability"]
            np.testing.assert_array_equal(rows["horizon"].values, f["risk/horizons"][()])

    def test_pyramids_paths_provenance_csv(self):
        h5, _, _ = self.out["results.h5"]
        pyr = self.csv("results.h5", "pyramids.csv")
        paths = self.csv("results.h5", "paths_fund_balance_real.csv")
        prov = self.csv("results.h5", "provenance.csv").set_index("attribute")["value"]
        with h5py.File(h5, "r") as f:
            for year, g in f["demography/pyramids"].items():
                rows = pyr[(pyr["year"] == int(year)) & (pyr["statistic"] == "mean")]
                np.testing.assert_array_equal(rows[rows["sex"] == "female"]["value"].values, g["mean"][1])
            x = f["paths/fund_balance_real"][()]
            np.testing.assert_array_equal(paths.drop(columns="path").values.astype(np.float32), x)
            self.assertEqual(prov["seed"], str(f.attrs["seed"]))
            self.assertEqual(prov["config"], decode(f.attrs["config"]))

    def test_scenario_csv(self):
        h5, _, _ = self.out["scenarios.h5"]
        r = pfsim.open(h5)
        diff = self.csv("scenarios.h5", "differences.csv")
        comp = self.csv("scenarios.h5", "comparison.csv")
        srisk = self.csv("scenarios.h5", "scenario_risk.csv")
        with h5py.File(h5, "r") as f:
            for name in r.scenario_names[1:]:
                g = f["scenarios"][r.scenario_group(name)]
                rows = diff[(diff["scenario"] == name) & (diff["metric"] == "fund_balance_real")
                            & (diff["statistic"] == "upper")]
                np.testing.assert_array_equal(rows["value"].values, g["difference/fund_balance_real/upper"][()])
                rows = srisk[(srisk["scenario"] == name) & (srisk["variable"] == "depletion_probability")]
                np.testing.assert_array_equal(rows["value"].values, g["risk/depletion_probability"][()])
            rows = comp[comp["variable"] == "depletion_probability"]
            np.testing.assert_array_equal(rows["value"].values, f["comparison/depletion_probability"][()].ravel())

    def test_goal_seek_csv(self):
        h5, _, _ = self.out["goal_seek.h5"]
        ev = self.csv("goal_seek.h5", "evaluations.csv")
        with h5py.File(h5, "r") as f:
            np.testing.assert_array_equal(ev["lever_value"].values, f["lever_values"][()])
            np.testing.assert_array_equal(ev["statistic_upper"].values, f["statistic_upper"][()])

    def open_nc(self, name, group=None):
        return xr.open_dataset(self.out[name][2], engine="h5netcdf", group=group)

    def test_netcdf_results(self):
        h5, _, nc = self.out["results.h5"]
        with h5py.File(h5, "r") as f, self.open_nc("results.h5") as root, \
                self.open_nc("results.h5", "metrics") as m, self.open_nc("results.h5", "scalars") as s, \
                self.open_nc("results.h5", "risk") as k, self.open_nc("results.h5", "pyramids") as p, \
                self.open_nc("results.h5", "paths") as x:
            self.assertEqual(root.attrs["format"], "pfsim-results")
            self.assertEqual(root.attrs["seed"], f.attrs["seed"])
            for metric, g in f["metrics"].items():
                for d in ("mean", "finite_count", "quantiles", "quantiles_upper"):
                    np.testing.assert_array_equal(m[d].sel(metric=metric).values, g[d][()], err_msg=metric)
                self.assertEqual(str(m["unit"].sel(metric=metric).values), decode(g.attrs["unit"]))
            np.testing.assert_array_equal(s["quantiles"].sel(scalar="depletion_year").values,
                                          f["scalars/depletion_year/quantiles"][()])
            for name, ds in f["risk"].items():
                coord = {"horizons": "horizon", "levels": "level"}.get(name, name)
                np.testing.assert_array_equal(k[coord].values, ds[()], err_msg=name)
            for year, g in f["demography/pyramids"].items():
                np.testing.assert_array_equal(p["quantiles"].sel(pyramid_year=int(year)).values, g["quantiles"][()])
            np.testing.assert_array_equal(x["fund_balance_real"].values, f["paths/fund_balance_real"][()])

    def test_netcdf_scenarios_and_goal_seek(self):
        h5, _, _ = self.out["scenarios.h5"]
        r = pfsim.open(h5)
        with h5py.File(h5, "r") as f, self.open_nc("scenarios.h5", "differences") as d, \
                self.open_nc("scenarios.h5", "comparison") as c, \
                self.open_nc("scenarios.h5", "scenarios/s01/metrics") as s1:
            name = r.scenario_names[1]
            g = f["scenarios"][r.scenario_group(name)]
            np.testing.assert_array_equal(d["se"].sel(metric="months_covered", scenario=name).values,
                                          g["difference/months_covered/se"][()])
            np.testing.assert_array_equal(c["depletion_probability_upper"].values,
                                          f["comparison/depletion_probability_upper"][()])
            self.assertEqual(s1.attrs["scenario"], name)
            np.testing.assert_array_equal(s1["quantiles"].sel(metric="fund_balance_real").values,
                                          g["metrics/fund_balance_real/quantiles"][()])
        h5, _, _ = self.out["goal_seek.h5"]
        with h5py.File(h5, "r") as f, self.open_nc("goal_seek.h5") as ev:
            np.testing.assert_array_equal(ev["statistic"].values, f["statistic"][()])
            self.assertEqual(ev.attrs["value"], f.attrs["value"])


if __name__ == "__main__":
    unittest.main()
