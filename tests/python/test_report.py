"""pfsim.report.build: every chart of every section, with its table, and no
external resource in the HTML."""

import os
import re
import unittest

import h5py
import numpy as np

import pfsim_fixtures
from pfsim.report import fmt
import pfsim
from pfsim import report

SECTION = re.compile(r'<section id="([^"]+)">(.*?)</section>', re.S)
# Anything that would make the browser fetch something: a src/href with a
# scheme other than data: (or a #anchor), CSS url(...) and @import, any http.
EXTERNAL = [re.compile(p, re.I) for p in (
    r'(?:src|href)\s*=\s*["\']?(?!data:|#)[a-z][a-z0-9+.-]*:',
    r'(?:src|href)\s*=\s*["\']?(?!data:|#)[^"\'\s>]+',
    r"url\(", r"@import", r"https?:", r"<link\b", r"<script\b")]


def sections(text):
    return {sid: body for sid, body in SECTION.findall(text)}


def build(name, **kw):
    out = os.path.join(pfsim_fixtures.scratch(), name + ".html")
    report.build(pfsim_fixtures.path(name), out, **kw)
    with open(out, encoding="utf-8") as f:
        return out, f.read()


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pdf = os.path.join(pfsim_fixtures.scratch(), "results.pdf")
        cls.results = build("results.h5", pdf=cls.pdf)[1]
        cls.scenarios = build("scenarios.h5")[1]
        cls.goal_seek = build("goal_seek.h5")[1]

    def expected_charts(self, r):
        returns = [n for n in r.metrics() if n.startswith("return_")]
        return {"provenance": 0, "key-figures": 0, "fund": 3, "depletion": 2, "preservation": 1,
                "shortfall": 0, "who-pays": 2, "economy": 3 + len(returns),
                "demography": len(r.pyramid_years) + 2}

    def check_charts(self, text, expected):
        found = sections(text)
        self.assertEqual(list(found), list(expected))
        for sid, n in expected.items():
            body = found[sid]
            self.assertEqual(body.count("<img "), n, sid)
            self.assertEqual(len(re.findall(r'src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', body)), n, sid)
            # Every chart has its table.
            self.assertEqual(body.count("<details><summary>Table"), n, sid)

    def test_results_charts(self):
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        self.check_charts(self.results, self.expected_charts(r))

    def test_scenario_charts(self):
        r = pfsim.open(pfsim_fixtures.path("scenarios.h5"))
        expected = self.expected_charts(r)
        expected["comparison"] = 5
        self.check_charts(self.scenarios, expected)
        body = sections(self.scenarios)["comparison"]
        for name in r.scenario_names:
            self.assertIn(name, body)

    def test_region_charts(self):
        # Under national pooling (the file's reference) the regions hold no
        # funds and pay no adjustment: P(depleted), surplus, dependency,
        # transfers, the backstop's parts, and P(any region) by scenario.
        path = pfsim_fixtures.path("regions.h5")
        r = pfsim.open(path)
        text = build("regions.h5")[1]
        expected = self.expected_charts(r)
        expected["regions"] = 6
        expected["comparison"] = 5
        self.check_charts(text, expected)
        body = sections(text)["regions"]
        self.assertIn("national 2024-2100", body)
        for region in r.region_names:
            q = r.scalar(f"depletion_year@{region}")["quantiles"].sel(quantile=0.5)
            self.assertRegex(body, rf"<th>{region}</th>\s*<td>{int(q)}</td>")
        for name in r.scenario_names:
            self.assertIn(f"{name} (%)", body)

    def test_dynamic_strategy_weights(self):
        # The reference follows a de-risking rule: its report shows the
        # weights in the fund section; the fixed mix has none.
        path = pfsim_fixtures.path("derisking.h5")
        r = pfsim.open(path)
        weights = [n for n in r.metrics() if n.startswith("basic_weight_")]
        self.assertEqual(len(weights), 4)
        self.assertFalse([n for n in r.scenario("current").metrics() if n.startswith("basic_weight_")])
        # The weights add up to 1 on every path, so their means do too.
        total = sum(r.metric(n)["mean"].values for n in weights)
        np.testing.assert_allclose(total, 1.0, rtol=1e-6)
        # Differences: of the metrics both runs report; the weights only for
        # the scenario that has them (NaN for the fixed mix).
        self.assertIn("fund_balance_real", r.difference_metrics())
        self.assertNotIn("basic_weight_equity_domestic", r.difference_metrics())
        d = r.difference("basic_weight_equity_domestic")
        self.assertTrue(np.isnan(d["mean"].sel(scenario="current").values).all())
        self.assertTrue(np.isfinite(d["mean"].sel(scenario="derisk_liquid").values).all())
        # The reserve's rule gives its own weights, in every scenario.
        reserve = [n for n in r.metrics() if n.startswith("reserve_weight_")]
        self.assertEqual(len(reserve), 3)
        self.assertEqual(len([n for n in r.scenario("current").metrics() if n.startswith("reserve_weight_")]), 3)
        text = build("derisking.h5")[1]
        fund = sections(text)["fund"]
        self.assertEqual(fund.count("<img "), 5)
        self.assertIn("strategic reserve", fund)

    def test_workers_section(self):
        # One chart of the tiers by worker, its table a row per worker with
        # the file's figures; no such section without workers.
        path = pfsim_fixtures.path("workers.h5")
        r = pfsim.open(path)
        body = sections(build("workers.h5")[1])["workers"]
        self.assertEqual(body.count("<img "), 1)
        for w in r.worker_names:
            self.assertIn(f"<th>{w}</th>", body)
        p = float(r.workers["below"].sel(worker="1975_female_worker_100"))
        self.assertEqual(p, 1.0)  # 28 years at 50: below 40% on every path
        self.assertNotIn("workers", sections(build("results.h5")[1]))

    def test_residents_section(self):
        # Six charts (people, fiscal cost, its share of GDP, the fund, the
        # pension per beneficiary, its ratio to the employees') and the member's
        # table with the file's median; no such section without [residents].
        path = pfsim_fixtures.path("residents.h5")
        r = pfsim.open(path)
        body = sections(build("residents.h5")[1])["residents"]
        self.assertEqual(body.count("<img "), 6)
        self.assertIn("The representative member", body)
        median = float(r.scalar("residents_member_pension")["quantiles"].sel(quantile=0.5, method="nearest"))
        self.assertIn(f"<td>{median:.4g}</td>", body)  # the table cell, as the report formats it
        self.assertNotIn("residents", sections(build("results.h5")[1]))

    def test_annuities_section(self):
        # Members, assets, flows, and the occupational plan's notional part;
        # the members chart's table holds the file's medians.
        r = pfsim.open(pfsim_fixtures.path("residents.h5"))
        body = sections(build("residents.h5")[1])["annuities"]
        self.assertEqual(body.count("<img "), 4)
        median = float(r.metric("enterprise_annuity_members")["quantiles"].sel(quantile=0.5, method="nearest")
                       .sel(year=2024))
        self.assertIn("enterprise_annuity_members median", body)
        self.assertNotIn("annuities", sections(build("results.h5")[1]))
        self.assertGreater(median, 3e7)

    def test_optimize_charts(self):
        # The search and the frontier, with their tables; the optimum's
        # variables as the file holds them.
        path = pfsim_fixtures.path("optimize.h5")
        r = pfsim.open(path)
        self.assertTrue(r.has_optimize)
        self.assertEqual(r.scenario_names, ["current", "optimum"])
        text = build("optimize.h5")[1]
        body = sections(text)["optimize"]
        self.assertEqual(body.count("<img "), 2)
        self.assertEqual(body.count("<details><summary>Table"), 2)
        with h5py.File(path, "r") as f:
            optimum = f["optimize/optimum"][()]
            n = len(f["optimize/evaluations_objective"])
        self.assertLessEqual(n, 6)
        self.assertIn(fmt(optimum[0]), body)
        # The optimum's statistics with their Monte Carlo intervals, as the file holds them.
        with h5py.File(path, "r") as f:
            lo, hi = f["optimize/out_of_sample_optimum_lower"][0], f["optimize/out_of_sample_optimum_upper"][0]
        self.assertIn("out of sample, optimum: interval", body)
        self.assertIn(f"[{lo:.5g}, {hi:.5g}]", body)
        self.assertFalse(pfsim.open(pfsim_fixtures.path("scenarios.h5")).has_optimize)

    def test_sensitivity_tornado(self):
        # The tornado's table holds the file's numbers, widest swing first.
        path = pfsim_fixtures.path("sensitivity.h5")
        r = pfsim.open(path)
        t = r.sensitivity
        self.assertEqual(dict(t.sizes), {"item": 9, "side": 2})
        self.assertEqual(list(t["kind"].values).count("group"), 3)
        self.assertTrue(np.isnan(t["depletion_probability_difference"].sel(item="economic", side="high")))
        text = build("sensitivity.h5")[1]
        body = sections(text)["sensitivity"]
        self.assertEqual(body.count("<img "), 1)
        self.assertEqual(body.count("<details><summary>Table"), 1)
        dp = 100 * t["depletion_probability_difference"].values
        swing = np.where(np.isnan(dp[:, 1]), np.abs(dp[:, 0]), np.abs(dp[:, 1] - dp[:, 0]))
        first = str(t["item"].values[int(np.argmax(swing))])
        # Each body row: the item, then its cells; "P low pp" is the second cell.
        rows = re.findall(r"<tr>\s*<th>([^<]+)</th>\s*((?:<td>[^<]*</td>\s*)+)</tr>", body)
        self.assertEqual([name for name, _ in rows][0], first)
        self.assertEqual(sorted(name for name, _ in rows), sorted(t["item"].values))
        for name, cells in rows:
            tds = re.findall(r"<td>([^<]*)</td>", cells)
            low = 100 * float(t["depletion_probability_difference"].sel(item=name, side="low"))
            self.assertAlmostEqual(float(tds[1]), low, delta=abs(low) * 1e-3 + 1e-12, msg=name)

    def test_pareto_front(self):
        # Lower risk and higher reward are better: (1, 5), (2, 7) and (4, 9)
        # are beaten by nothing, (3, 6) is beaten by (2, 7) and (2, 4) by
        # (1, 5); of two equal points only the first is on the front.
        risk = [3.0, 1.0, 2.0, 2.0, 4.0, 1.0]
        reward = [6.0, 5.0, 7.0, 4.0, 9.0, 5.0]
        self.assertEqual(report.pareto_front(risk, reward), [1, 2, 4])

    def test_goal_seek_charts(self):
        self.check_charts(self.goal_seek, {"provenance": 0, "goal-seek": 1})
        g = pfsim.open(pfsim_fixtures.path("goal_seek.h5"))
        self.assertIn(f"{g.value:.6g}", self.goal_seek)

    def test_no_external_resource(self):
        for text in (self.results, self.scenarios, self.goal_seek):
            for pattern in EXTERNAL:
                self.assertIsNone(pattern.search(text), pattern.pattern)
            self.assertIn('<a href="#fund">', self.results)

    def test_depletion_histogram_is_exact(self):
        # The per-year counts are the differences of the cumulative counts:
        # they add up to the paths that deplete, and reproduce the file's
        # depletion-year quantiles (type 7) with "never" as +inf.
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        n = int(r.attrs["n_paths"])
        counts = r.risk["depletion_probability_count"].values
        table = report.depletion_histogram(r.years, counts, n)
        d = r.scalar("depletion_year")
        self.assertEqual(int(table["paths"].sum()), n)
        self.assertEqual(int(table.loc["never", "paths"]), n - int(d["finite_count"]))
        values = np.concatenate([np.full(int(k), float(y)) for y, k in table["paths"].items() if y != "never"] +
                                [np.full(int(table.loc["never", "paths"]), np.inf)])
        self.assertEqual(len(values), n)
        for p in d["quantile"].values:
            want = d["quantiles"].sel(quantile=p).item()
            h = (n - 1) * p
            lo, hi = np.sort(values)[int(np.floor(h))], np.sort(values)[min(int(np.floor(h)) + 1, n - 1)]
            got = lo if lo == hi or h == np.floor(h) else lo + (h - np.floor(h)) * (hi - lo)
            self.assertEqual(got, want, p)
        self.assertEqual(report.depletion_histogram([2030, 2031, 2032], [0, 3, 3], 5)["paths"].to_dict(),
                         {2031: 3, "never": 2})

    def test_key_figures(self):
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        body = sections(self.results)["key-figures"]
        d = r.scalar("depletion_year")["quantiles"].sel(quantile=0.5).item()
        # The row of the median, by its label, holds the median.
        row = re.search(r"<th>Median depletion year</th>\s*<td>([^<]*)</td>", body) or \
            re.search(r"<td>Median depletion year</td>\s*<td>([^<]*)</td>", body)
        self.assertIsNotNone(row, body[:2000])
        self.assertEqual(row.group(1).strip(), report.fmt_year(d))
        self.assertEqual(report.fmt_year(2050.99), "2050.99")
        self.assertEqual(report.fmt_year(np.nan), "n/a")
        self.assertIn(f"P(depletion) by {int(r.years[-1])}", body)
        self.assertEqual(report.fmt_year(np.inf), "never within the horizon")
        self.assertIn(r.attrs["config_file"], sections(self.results)["provenance"])

    def test_units_from_attributes(self):
        body = sections(self.results)["fund"]
        unit = pfsim.open(pfsim_fixtures.path("results.h5")).unit("fund_balance_real")
        label = report.axis_unit(unit, [6e12], "CNY", 2024)[1]
        self.assertEqual(label, "trillion CNY, prices of 1 Jan 2024" if unit.startswith("currency units")
                         else f"trillion {unit}")
        self.assertIn(label, body)
        self.assertEqual(report.axis_unit("CNY (nominal)", [3e9], "CNY", 2024), (1e9, "billion CNY (nominal)"))
        self.assertEqual(report.axis_unit("rate", [0.03], "CNY", 2024), (0.01, "% per year"))

    def test_pdf(self):
        with open(self.pdf, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"%PDF"))
        r = pfsim.open(pfsim_fixtures.path("results.h5"))
        pages = len(re.findall(rb"/Type\s*/Page\b", data))
        self.assertEqual(pages, sum(self.expected_charts(r).values()))

    def test_pyramid_years(self):
        text = build("results.h5", pyramid_years=[2050])[1]
        self.assertEqual(sections(text)["demography"].count("<img "), 3)
        with self.assertRaises(pfsim.output.BadInput):
            build("results.h5", pyramid_years=[2031])


if __name__ == "__main__":
    unittest.main()
