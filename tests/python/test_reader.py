"""pfsim.open: every dataset and attribute of the file reaches the reader
with identical values, and the file's metrics are those of the format doc."""

import os
import re
import shutil
import tempfile
import unittest

import h5py
import numpy as np

import pfsim_fixtures
import pfsim
from pfsim.reader import decode

DOC = os.path.join(pfsim_fixtures.ROOT, "docs", "results-format.md")


def reach(r, name, cache):
    """The reader's value for the HDF5 dataset `name` (a path from the root);
    `cache` keeps the difference Datasets, which span every scenario."""
    parts = name.split("/")
    head = parts[0]
    if head == "scenarios":
        scenario = {r.scenario_group(n): n for n in r.scenario_names}[parts[1]]
        if parts[2] == "difference" and parts[3] == "scalars":
            key = ("scalar", parts[4])
            if key not in cache:
                cache[key] = r.scalar_difference(parts[4])
            return np.atleast_1d(cache[key].sel(scenario=scenario)[parts[5]].values)
        if parts[2] == "difference":
            key = ("metric", parts[3])
            if key not in cache:
                cache[key] = r.difference(parts[3])
            return cache[key].sel(scenario=scenario)[parts[4]].values
        return reach(r.scenario(scenario), "/".join(parts[2:]), cache)
    if head == "years":
        return r.years
    if head == "metrics":
        return r.metric(parts[1])[parts[2]].values
    if head == "scalars":
        return np.atleast_1d(r.scalar(parts[1])[parts[2]].values)
    if head == "risk":
        coord = {"horizons": "horizon", "levels": "level"}.get(parts[1], parts[1])
        return r.risk[coord].values
    if head == "demography":
        return r.pyramid(int(parts[2]))[parts[3]].values
    if head == "paths":
        return r.paths(parts[1]).values
    if head == "comparison":
        return r.comparison["depletion_year" if parts[1] == "depletion_years" else parts[1]].values
    if head in ("lever_values", "statistic", "statistic_lower", "statistic_upper"):
        return r.evaluations["lever_value" if head == "lever_values" else head].values
    raise AssertionError(f"dataset {name} is not reachable through the reader")


def datasets(f):
    names = []
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    return names


def assert_same_attrs(test, expected_h5, actual, where):
    for key in expected_h5.attrs:
        want = decode(expected_h5.attrs[key])
        test.assertIn(key, actual, f"{where}: attribute {key}")
        if isinstance(want, np.ndarray):
            np.testing.assert_array_equal(np.asarray(actual[key]), want, err_msg=f"{where}@{key}")
        else:
            test.assertEqual(actual[key], want, f"{where}@{key}")


class RoundTrip(unittest.TestCase):
    def check_file(self, path):
        r = pfsim.open(path)
        with h5py.File(path, "r") as f:
            names = datasets(f)
            cache = {}
            self.assertGreaterEqual(len(names), 4)
            for name in names:
                want = f[name][()]
                got = np.asarray(reach(r, name, cache))
                self.assertEqual(got.shape, want.shape, name)
                self.assertEqual(got.dtype, want.dtype, name)
                np.testing.assert_array_equal(got, want, err_msg=name)
            assert_same_attrs(self, f, r.attrs, path)
            if r.kind == "goal-seek":
                return r, len(names)
            for group, table, getter in (("metrics", r.metrics(), r.metric),
                                         ("scalars", r.scalars(), r.scalar)):
                self.assertEqual(table, list(f[group]))
                for n in table:
                    ds = getter(n)
                    g = f[group][n]
                    self.assertEqual(ds.attrs["unit"], decode(g.attrs["unit"]))
                    self.assertEqual(ds.attrs["description"], decode(g.attrs["description"]))
                    np.testing.assert_array_equal(ds["quantile"].values, g.attrs["probabilities"])
            assert_same_attrs(self, f["calibration"], r.calibration, "calibration")
        return r, len(names)

    def test_results(self):
        r, n = self.check_file(pfsim_fixtures.path("results.h5"))
        self.assertEqual(r.kind, "results")
        self.assertEqual(r.path_names(), ["fund_balance_real"])

    def test_scenarios(self):
        r, n = self.check_file(pfsim_fixtures.path("scenarios.h5"))
        self.assertEqual(r.kind, "scenarios")
        self.assertEqual(len(r.scenario_names), 4)
        self.assertEqual(r.scenario_names[0], r.reference)
        self.assertIn("|", r.scenario_group("no_reform/equity_domestic=0.3"))
        d = r.difference("depletion_probability")
        self.assertEqual(d.sizes["scenario"], 3)
        self.assertNotIn(r.reference, list(d["scenario"].values))
        self.assertEqual(r.comparison.sizes["scenario"], 4)
        self.assertNotIn("scalars", r.difference_metrics())
        self.assertIn("fund_balance_real", r.difference_metrics())
        # The scenario reader carries the scenario's own config.
        other = r.scenario("no_reform/equity_domestic=0.3")
        self.assertNotEqual(other.config_text, r.config_text)
        self.assertEqual(other.config["funds"]["basic"]["weights"]["equity_domestic"], 0.3)

    def test_scenarios_with_their_own_metrics(self):
        # The reference's dynamic strategy reports weights the fixed mix does not.
        r, n = self.check_file(pfsim_fixtures.path("derisking.h5"))
        self.assertEqual(r.reference, "derisk")

    def test_goal_seek(self):
        r, n = self.check_file(pfsim_fixtures.path("goal_seek.h5"))
        self.assertEqual(r.kind, "goal-seek")
        lo, hi = r.interval
        self.assertTrue(lo <= r.value <= hi)
        self.assertEqual(n, 4)


class Frames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = pfsim.open(pfsim_fixtures.path("results.h5"))

    def test_long_frame_matches_datasets(self):
        df = self.r.to_frame()
        self.assertEqual(list(df.columns), ["kind", "metric", "year", "statistic", "probability", "value", "unit"])
        m = self.r.metric("fund_balance_real")
        rows = df[(df.metric == "fund_balance_real") & (df.statistic == "quantile") & (df.probability == 0.5)]
        np.testing.assert_array_equal(rows["year"].values, self.r.years)
        np.testing.assert_array_equal(rows["value"].values, m["quantiles"].sel(quantile=0.5).values)
        self.assertTrue((rows["unit"] == m.attrs["unit"]).all())
        n_q = m.sizes["quantile"]
        expected = len(self.r.metrics()) * len(self.r.years) * (5 + 3 * n_q) + len(self.r.scalars()) * (5 + 3 * n_q)
        self.assertEqual(len(df), expected)

    def test_wide_frame(self):
        w = self.r.frame("months_covered")
        self.assertEqual(list(w.index), list(self.r.years))
        np.testing.assert_array_equal(w["p0.95_upper"].values,
                                      self.r.metric("months_covered")["quantiles_upper"].sel(quantile=0.95).values)
        self.assertEqual(w.attrs["unit"], "months")

    def test_quantiles_array(self):
        q = self.r.quantiles
        self.assertEqual(q.dims, ("metric", "quantile", "year"))
        np.testing.assert_array_equal(q.sel(metric="inflation").values, self.r.metric("inflation")["quantiles"].values)

    def test_paths_reproduce_quantiles(self):
        # The format promises numpy's default quantiles of the float32 paths.
        x = self.r.paths("fund_balance_real")
        self.assertEqual(x.dims, ("path", "year"))
        self.assertEqual(x.dtype, np.float32)
        median = np.quantile(x.values.astype(np.float64), 0.5, axis=0)
        np.testing.assert_array_equal(median, self.r.quantile("fund_balance_real", 0.5).values)

    def test_dims(self):
        self.assertEqual(dict(self.r.risk.sizes)["year"], len(self.r.years))
        self.assertIn("horizon", self.r.risk.dims)
        self.assertIn("level", self.r.risk.dims)
        p = self.r.pyramid(self.r.pyramid_years[0])
        self.assertEqual(list(p["sex"].values), ["male", "female"])
        self.assertEqual(p["quantiles"].dims, ("quantile", "sex", "age"))
        self.assertEqual(self.r.scalar("depletion_year")["quantiles"].dims, ("quantile",))


def documented_names(heading):
    """First-column names of the table under `## heading` in results-format.md."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)


def as_pattern(name):
    return re.compile("^" + re.escape(name).replace("<asset>", "[a-z0-9_]+").replace("<variable>", "[a-z0-9_]+")
                      .replace("<h>", "[0-9]+") + "$")


class DocumentedNames(unittest.TestCase):
    def check(self, heading, in_file, min_documented):
        names = documented_names(heading)
        self.assertGreaterEqual(len(names), min_documented, f"parsing the {heading} table")
        fixed = {n for n in names if "<" not in n}
        patterns = [as_pattern(n) for n in names if "<" in n]
        self.assertTrue(patterns, heading)
        self.assertEqual(fixed - set(in_file), set(), f"documented {heading} missing from the file")
        unknown = [n for n in in_file if n not in fixed and not any(p.match(n) for p in patterns)]
        self.assertEqual(unknown, [], f"{heading} in the file but not documented")
        for p in patterns:
            self.assertTrue(any(p.match(n) for n in in_file), f"nothing in the file matches {p.pattern}")
        return fixed, patterns

    def test_year_metrics(self):
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        self.check("Year metrics", r.metrics(), 55)

    def test_scalar_metrics(self):
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        _, patterns = self.check("Scalar metrics", r.scalars(), 11)
        # One of each _<h>y scalar per horizon of /risk/horizons.
        for h in r.risk["horizon"].values:
            for p in (p for p in patterns if "[0-9]+" in p.pattern):
                self.assertIn(p.pattern.replace("[0-9]+", str(h)).strip("^$"), r.scalars())


class Regions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = pfsim_fixtures.path("regions.h5")
        cls.r = pfsim.open(cls.path)

    def test_every_dataset_reaches_the_reader(self):
        RoundTrip.check_file(self, self.path)

    def test_regions_dataset(self):
        r = self.r
        self.assertEqual(r.region_names, ["guangdong", "coast", "centre", "west", "northeast"])
        self.assertEqual(pfsim.open(pfsim_fixtures.path("results.h5")).region_names, [])
        ds = r.regions
        self.assertEqual(ds["fund_balance_real"].dims, ("region", "year"))
        self.assertEqual(ds["fund_balance_real_quantiles"].dims, ("region", "quantile", "year"))
        self.assertEqual(ds["depletion_year_quantiles"].dims, ("region", "quantile"))
        for region in r.region_names:
            np.testing.assert_array_equal(ds["population"].sel(region=region).values,
                                          r.metric(f"population@{region}")["mean"].values)
            np.testing.assert_array_equal(ds["depletion_year_quantiles"].sel(region=region).values,
                                          r.scalar(f"depletion_year@{region}")["quantiles"].values)
        # Each scenario has its own regions: under provincial pooling the regions hold funds.
        provincial = r.scenario("provincial").regions
        self.assertTrue((provincial["fund_balance"].sel(year=2030).values > 0).any())
        self.assertTrue((ds["fund_balance"].values == 0).all())

    def test_region_metrics_documented(self):
        names = documented_names("Regions")
        per_region = {n[:-2] for n in names if n.endswith("@R")}
        self.assertGreaterEqual(len(per_region), 14)
        found = {n.split("@", 1)[0] for n in self.r.metrics() + self.r.scalars() if "@" in n}
        self.assertEqual(found, per_region)
        national = {n for n in names if "@" not in n}
        self.assertEqual(national - set(self.r.metrics()), set())
        without = set(pfsim.open(pfsim_fixtures.path("results.h5")).metrics())
        self.assertEqual(national & without, set(), "region metrics in a run without regions")


class Workers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = pfsim_fixtures.path("workers.h5")
        cls.r = pfsim.open(cls.path)

    def test_every_dataset_reaches_the_reader(self):
        RoundTrip.check_file(self, self.path)

    def test_workers_dataset(self):
        r = self.r
        names = r.worker_names
        self.assertEqual(len(names), 4 * 3 * 3)
        self.assertEqual(names[:3], ["1975_male_60", "1975_male_100", "1975_male_300"])
        self.assertEqual(pfsim.open(pfsim_fixtures.path("results.h5")).worker_names, [])
        ds = r.workers
        self.assertEqual(ds["quantiles"].dims, ("worker", "tier", "quantile"))
        for w in names:
            for tier in ("basic", "account", "annuity", "private", "total"):
                np.testing.assert_array_equal(ds["quantiles"].sel(worker=w, tier=tier).values,
                                              r.scalar(f"replacement_{tier}@{w}")["quantiles"].values)
            self.assertEqual(float(ds["below"].sel(worker=w)), float(r.scalar(f"replacement_below@{w}")["mean"]))
        # The man born 1995 on the average wage: 41 years, basic (1 + 1)/2 x 41 x 1% on every path.
        basic = ds["quantiles"].sel(worker="1995_male_100", tier="basic").values
        np.testing.assert_allclose(basic, 0.41, rtol=1e-12)
        self.assertEqual(int(ds["cohort"].sel(worker="1995_male_100")), 1995)
        self.assertEqual(str(ds["group"].sel(worker="2005_female_worker_60").values), "female_worker")
        self.assertEqual(float(ds["career"].sel(worker="2005_female_worker_300")), 3.0)

    def test_worker_scalars_documented(self):
        names = documented_names("Representative workers")
        patterns = [re.compile("^" + re.escape(n).replace("<worker>", "[0-9]{4}_[a-z_]+_[0-9]+") + "$") for n in names]
        self.assertEqual(len(patterns), 6)
        found = [n for n in self.r.scalars() if n.startswith("replacement_")]
        self.assertEqual(len(found), 36 * 6)
        for n in found:
            self.assertTrue(any(p.match(n) for p in patterns), n)
        for p in patterns:
            self.assertTrue(any(p.match(n) for n in found), p.pattern)

    def test_beside_regions(self):
        # A run with regions and workers: each view has only its own names.
        r = pfsim.open(pfsim_fixtures.path("regions_workers.h5"))
        self.assertEqual(len(r.worker_names), 3 * 3)
        self.assertEqual(len(r.region_names), 5)
        self.assertNotIn("replacement_total", r.regions)
        self.assertIn("depletion_year", r.regions)
        self.assertTrue(np.isnan(r.workers["mean"].sel(tier="annuity").values).all())


class Residents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = pfsim_fixtures.path("residents.h5")
        cls.r = pfsim.open(cls.path)

    def test_every_dataset_reaches_the_reader(self):
        RoundTrip.check_file(self, self.path)

    def test_residents_names_documented(self):
        # Every documented name is in the file and every residents' name in
        # the file is documented; none of them in a run without [residents].
        names = set(documented_names("The residents' scheme"))
        self.assertEqual(len(names), 22)
        found = {n for n in self.r.metrics() + self.r.scalars() if n.startswith("residents_") or n == "gdp"}
        self.assertEqual(found, names)
        without = pfsim.open(pfsim_fixtures.path("results.h5"))
        self.assertEqual(names & set(without.metrics() + without.scalars()), set())

    def test_annuity_names_documented(self):
        names = set(documented_names("The annuity plans"))
        self.assertEqual(len(names), 18)
        found = {n for n in self.r.metrics() + self.r.scalars() if "_annuity_" in n or n.startswith("private_pension_")}
        self.assertEqual(found, names)
        with h5py.File(self.path, "r") as f:
            cal = f["calibration"].attrs
            self.assertGreater(cal["enterprise_annuity_member_share"], 0)
            self.assertGreater(cal["occupational_annuity_member_share"], 0)
            self.assertGreater(cal["private_pension_member_share"], 0)

    def test_calibration_and_stocks(self):
        with h5py.File(self.path, "r") as f:
            cal = f["calibration"].attrs
            self.assertAlmostEqual(cal["residents_participants"] / 545.22e6, 1.0, places=12)
            self.assertAlmostEqual(cal["residents_beneficiaries"] / 172.68e6, 1.0, places=12)
            self.assertTrue(0 < cal["residents_participation"] <= 1 and 0 < cal["residents_beneficiary_share"] <= 1)
        r = self.r
        # Participants count the beneficiaries and those of working age; the
        # contributors are those of working age (density 1 in the example),
        # to the float32 precision of the per-path sample.
        part = r.metric("residents_participants")["mean"].values
        np.testing.assert_allclose(part, r.metric("residents_contributors")["mean"].values
                                   + r.metric("residents_beneficiaries")["mean"].values, rtol=1e-6)  # float32 sample
        # The minimum follows its path to 2025 on every path.
        q = r.metric("residents_minimum")["quantiles"]
        np.testing.assert_array_equal(q.sel(year=2024).values, 123.0)
        np.testing.assert_array_equal(q.sel(year=2025).values, 143.0)


class FormatErrors(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pfsim-py-reader-", dir=pfsim_fixtures.scratch())
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, name, attrs):
        path = os.path.join(self.dir, name)
        with h5py.File(path, "w") as f:
            for k, v in attrs.items():
                f.attrs[k] = v
        return path

    def assert_format_error(self, path, words):
        with self.assertRaises(pfsim.FormatError) as cm:
            pfsim.open(path)
        self.assertIn(path, str(cm.exception))
        self.assertIn(words, str(cm.exception))

    def test_not_hdf5(self):
        path = os.path.join(self.dir, "text.h5")
        with open(path, "w") as f:
            f.write("not hdf5\n")
        self.assert_format_error(path, "not an HDF5 file")

    def test_no_format(self):
        self.assert_format_error(self.write("none.h5", {}), "'format' is missing")

    def test_other_format(self):
        self.assert_format_error(self.write("other.h5", {"format": b"netcdf", "format_version": 1}), "'netcdf'")

    def test_other_version(self):
        self.assert_format_error(self.write("v2.h5", {"format": b"pfsim-results", "format_version": 2}),
                                 "format_version 2")

    def test_incomplete(self):
        self.assert_format_error(self.write("empty.h5", {"format": b"pfsim-results", "format_version": 1}),
                                 "incomplete")

    def test_missing(self):
        with self.assertRaises(FileNotFoundError):
            pfsim.open(os.path.join(self.dir, "absent.h5"))


if __name__ == "__main__":
    unittest.main()
