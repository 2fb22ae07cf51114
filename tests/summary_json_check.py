"""`pfsim summary` against its results files: the JSON validates against
docs/summary.schema.json, its figures are the file's, the default years are
where the depletion curve crosses 5%, 50% and 95%, a scenario file's
comparison years and paired depletion-year differences follow from the
scenarios' own depletion counts, and a year outside the run is bad input.

usage: summary_json_check.py PFSIM SOURCE_DIR SCRATCH_DIR
"""
import json
import math
import os
import subprocess
import sys

import h5py
import jsonschema
import numpy as np

PFSIM, SOURCE, SCRATCH = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def pfsim(*args, status=0):
    p = subprocess.run([PFSIM, *args], capture_output=True, text=True)
    if p.returncode != status:
        sys.exit(f"pfsim {' '.join(args)}: status {p.returncode}, expected {status}\n{p.stderr}")
    return p


def crossing(curve, years, level):
    hit = np.nonzero(np.asarray(curve) >= level)[0]
    return int(years[hit[0]]) if hit.size else None


def censored_mean_depletion_year(counts, years, n):
    """E[min(D, end + 1)] from the cumulative depletion counts by year."""
    per_year = np.diff(np.concatenate([[0], counts]))
    never = n - counts[-1]
    return (float(np.dot(per_year, years)) + never * (years[-1] + 1)) / n


os.makedirs(SCRATCH, exist_ok=True)
schema = json.load(open(os.path.join(SOURCE, "docs", "summary.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
jsonschema.Draft202012Validator.check_schema(schema)

# --- a results file -----------------------------------------------------------
def run_and_summarise(name, config, *args):
    """Runs `config` into SCRATCH/name and returns (file, its summary --json, validated)."""
    out = os.path.join(SCRATCH, name)
    if os.path.exists(out):
        os.remove(out)
    pfsim("run", os.path.join(SOURCE, "configs", config), "--threads", "2", "--quiet", "-o", out, *args)
    summary = json.loads(pfsim("summary", out, "--json").stdout)
    errors = sorted(validator.iter_errors(summary), key=str)
    check(not errors, f"{name}: the summary validates: {[e.message for e in errors[:3]]}")
    return out, summary


base, doc = run_and_summarise("summary_base.h5", "china_baseline.toml", "--paths", "400", "--seed", "5",
                              "--set", "scheme.contribution_rate.pooling=0.15")

with h5py.File(base, "r") as f:
    years = f["years"][:]
    dep = f["risk/depletion_probability"][:]
    lo = f["risk/depletion_probability_lower"][:]
    n = int(f.attrs["n_paths"])
    check(doc["run"]["n_paths"] == n and doc["run"]["seed"] == 5, "run: paths and seed")
    check("scheme.contribution_rate.pooling=0.15" in doc["run"]["overrides"], "run: the --set override is listed")
    check(doc["units"]["real_money"] == f["metrics/fund_balance_real"].attrs["unit"].decode(), "units: the file's real unit")
    check(doc["units"]["real_money"] == "CNY at prices of 1 Jan 2024", "units: one label for real money")
    # Default depletion rows: the crossing years, then the horizon.
    want = [y for y in (crossing(dep, years, p) for p in (0.05, 0.5, 0.95)) if y is not None]
    want = sorted(set(want + [int(years[-1])]))
    got = [r["year"] for r in doc["depletion"]["probability"]]
    check(got == want, f"depletion rows at the crossings and the horizon: {got} vs {want}")
    check(len(want) >= 2, "the test run depletes (its crossings are exercised)")
    for r in doc["depletion"]["probability"]:
        t = int(r["year"] - years[0])
        check(r["p"] == dep[t] and r["lower"] == lo[t], f"P(depletion by {r['year']}) is the file's")
    d = f["scalars/depletion_year"]
    p = list(d.attrs["probabilities"])
    med = d["quantiles"][p.index(0.5)]
    check((doc["depletion"]["median_year"] is None) == (not math.isfinite(med)), "median depletion year: null iff never")
    if math.isfinite(med):
        check(doc["depletion"]["median_year"] == med, "median depletion year is the file's")
    check(doc["depletion"]["share_depleted"] == d["finite_count"][0] / n, "share depleted")
    # Who pays: the file's mean shares, which add up to one (each path's
    # shares are held as float32, so to a few float32 roundings).
    for r in doc["who_pays"]:
        t = int(r["year"] - years[0])
        parts = [r["state"], r["employers"], r["individuals"]]
        check(parts == [f[f"metrics/burden_{k}/mean"][t] for k in ("state", "employers", "individuals")], f"who pays in {r['year']} is the file's")
        check(abs(sum(parts) - 1) < 4 * np.finfo(np.float32).eps, f"who pays adds up to 1 in {r['year']}")
    a = f["scalars/actuarial_balance"]
    check(doc["actuarial_balance"]["median"] == a["quantiles"][p.index(0.5)], "actuarial balance median")
    check(doc["actuarial_balance"]["median_lower"] == a["quantiles_lower"][p.index(0.5)], "actuarial balance median's interval")
    check(doc["investment"]["active_return"]["mean"] == f["scalars/active_return/mean"][0], "active return")

# The schema can fail: a document without its depletion block does not validate.
broken = dict(doc)
del broken["depletion"]
check(not validator.is_valid(broken), "the schema rejects a summary without 'depletion'")
broken = json.loads(json.dumps(doc))
broken["who_pays"][0]["state"] = "a lot"
check(not validator.is_valid(broken), "the schema rejects a share that is not a number")

# --years sets every table; a year outside the run is bad input.
doc2 = json.loads(pfsim("summary", base, "--json", "--years", "2040,2030").stdout)
check([r["year"] for r in doc2["depletion"]["probability"]] == [2030, 2040], "--years sets the depletion rows")
check([r["year"] for r in doc2["balance"]] == [2030, 2040], "--years sets the balance rows")
bad = pfsim("summary", base, "--years", "2030,2200", status=2)
check("year 2200 is outside the run; allowed: 2024-2100" in bad.stderr and bad.stdout == "", "a year outside the run is status 2")
text = pfsim("summary", base).stdout
check("first year with P >= 50%" in text and "overrides: scheme.contribution_rate.pooling=0.15" in text, "text summary")
# Returns are measured while the fund holds assets: each horizon says on how
# many paths its figures rest, and one that no path's fund lasts says so.
with h5py.File(base, "r") as f:
    held = [int(x) for x in f["risk/return_paths"][()]]
    ret = f["scalars/return_real_%dy/finite_count" % doc["preservation"][-2]["horizon"]][()][0]
check([p["paths"] for p in doc["preservation"]] == held, "preservation: the paths behind each horizon are the file's")
check(ret == held[-2], "the paths behind a horizon are those with a defined return")
lines = {int(l.split()[0]): l for l in text.splitlines() if l.strip() and l.split()[0].isdigit() and len(l) > 6}
for p in doc["preservation"]:
    if p["paths"] == 0:
        check(p["real_return_nonnegative"]["p"] is None and "no path's fund holds assets for %d years" % p["horizon"] in text,
              f"horizon {p['horizon']}: no path, no probability")
    else:
        check(lines.get(p["horizon"], "").rstrip().endswith(str(p["paths"])), f"horizon {p['horizon']}: its paths in the text")
check(held[0] == doc["run"]["n_paths"] and held[-1] < held[0], "every path holds assets in year 1; fewer over the whole run")

# --- representative workers -------------------------------------------------------
# Each worker's tiers, total and P(below) are the file's scalars; the text lists every worker.
wfile, wdoc = run_and_summarise("summary_workers.h5", "examples/replacement_rates.toml", "--paths", "300", "--seed", "5")
check("workers" in wdoc and "workers" not in doc, "the workers block: with [workers] only")
with h5py.File(wfile, "r") as f:
    names = [n for n in f["calibration"].attrs["workers"].decode().split("\n") if n]
    check([w["name"] for w in wdoc["workers"]["workers"]] == names and len(names) == 36, "the workers are the file's, in order")
    check(wdoc["workers"]["threshold"] == 0.4, "the threshold")
    for w in wdoc["workers"]["workers"]:
        for tier in ("basic", "account", "annuity", "private", "total"):
            g = f[f"scalars/replacement_{tier}@{w['name']}"]
            p = list(g.attrs["probabilities"])
            got = w["total"] if tier == "total" else w["tiers"][tier]
            check(got["median"] == g["quantiles"][p.index(0.5)] and got["p05"] == g["quantiles"][p.index(0.05)],
                  f"{w['name']}: the {tier} tier's median and 5% are the file's")
        b = f[f"scalars/replacement_below@{w['name']}"]
        check(w["below"]["probability"] == b["mean"][0] and w["below"]["se"] == b["se"][0], f"{w['name']}: P(below)")
wtext = pfsim("summary", wfile).stdout
check("Replacement rates of representative workers" in wtext and all(n in wtext for n in names), "the workers in the text")
broken = json.loads(json.dumps(wdoc))
del broken["workers"]["workers"][0]["tiers"]["basic"]
check(not validator.is_valid(broken), "the schema rejects a worker without the basic tier")

# --- the residents' scheme ------------------------------------------------------------
# Each year's figures are the file's quantiles; the member's pension is the file's scalar.
rfile, rdoc = run_and_summarise("summary_residents.h5", "examples/multilevel.toml", "--paths", "200", "--seed", "5")
check("residents" in rdoc and "residents" not in doc, "the residents block: with [residents] only")
with h5py.File(rfile, "r") as f:
    years = list(f["years"][:])
    check([row["year"] for row in rdoc["residents"]["years"]] == [row["year"] for row in rdoc["balance"]],
          "the residents' years are the balance table's")
    for row in rdoc["residents"]["years"]:
        t = years.index(row["year"])
        for key, name in (("beneficiaries", "residents_beneficiaries"), ("fund", "residents_fund"),
                          ("central_cost", "residents_central_cost"), ("local_cost", "residents_local_cost"),
                          ("cost_gdp", "residents_cost_gdp")):
            g = f[f"metrics/{name}"]
            p = list(g.attrs["probabilities"])
            check(row[key]["median"] == g["quantiles"][p.index(0.5), t] and row[key]["p95"] == g["quantiles"][p.index(0.95), t]
                  and row[key]["mean"] == g["mean"][t], f"{row['year']}: {key} is the file's")
    g = f["scalars/residents_member_pension"]
    p = list(g.attrs["probabilities"])
    check(rdoc["residents"]["member"]["pension"]["median"] == g["quantiles"][p.index(0.5)], "the member's pension is the file's")
    check(sorted(rdoc["annuities"]) == ["enterprise_annuity", "occupational_annuity", "private_pension"], "the three plans")
    for plan in ("enterprise_annuity", "occupational_annuity", "private_pension"):
        for row in rdoc["annuities"][plan]:
            t = years.index(row["year"])
            for key in ("members", "assets", "benefits"):
                g = f[f"metrics/{plan}_{key}"]
                p = list(g.attrs["probabilities"])
                check(row[key]["median"] == g["quantiles"][p.index(0.5), t] and row[key]["p05"] == g["quantiles"][p.index(0.05), t],
                      f"{plan} {row['year']}: {key} is the file's")
check("annuities" not in doc, "the annuities block: with [annuities] only")
rtext = pfsim("summary", rfile).stdout
check(all(f"The {p} plan" in rtext for p in ("enterprise annuity", "occupational annuity", "private pension")),
      "the plans in the text")
check("The residents' scheme" in rtext and "representative member" in rtext, "the residents in the text")
broken = json.loads(json.dumps(rdoc))
del broken["residents"]["years"][0]["fund"]
check(not validator.is_valid(broken), "the schema rejects a residents' year without the fund")
broken = json.loads(json.dumps(rdoc))
broken["annuities"] = {}
check(not validator.is_valid(broken), "the schema rejects an annuities block without a plan")

# --- a scenario file -------------------------------------------------------------
scen, sdoc = run_and_summarise("summary_scenarios.h5", os.path.join("examples", "equity_share.toml"), "--paths", "300", "--seed", "9")
check(len(sdoc["scenarios"]["scenarios"]) > 2, "the scenario summary lists the scenarios")
check(sdoc["run"]["overrides"] == ["run.paths=300", "run.seed=9"], f"a scenario file records the overrides: {sdoc['run']['overrides']}")
with h5py.File(scen, "r") as f:
    years = f["years"][:]
    n = int(f.attrs["n_paths"])
    ref_curve = f["risk/depletion_probability"][:]
    want = sorted(set([y for y in (crossing(ref_curve, years, p) for p in (0.05, 0.5, 0.95)) if y is not None] + [int(years[-1])]))
    check(list(f["comparison/depletion_years"][:]) == want, "comparison years: the reference's crossings and the horizon")
    names = f["scenarios"].attrs["names"].decode().split("\n")
    ref = f["scenarios"].attrs["reference"].decode()
    scalars = f["comparison"].attrs["scalar_differences"].decode().split("\n")
    k = scalars.index("depletion_year")
    diff = f["comparison/scalar_difference"][:]
    counts = {nm: f[f"scenarios/{nm.replace('/', '|')}/risk/depletion_probability_count"][:] for nm in names}
    e_ref = censored_mean_depletion_year(counts[ref], years, n)
    for i, nm in enumerate(names):
        if nm == ref:
            check(np.all(diff[:, i] == 0), "the reference's differences are 0")
            continue
        e = censored_mean_depletion_year(counts[nm], years, n)
        check(abs(diff[k, i] - (e - e_ref)) < 1e-9 * max(1.0, abs(e)), f"{nm}: paired depletion-year difference {diff[k, i]} vs {e - e_ref}")
        g = f[f"scenarios/{nm.replace('/', '|')}/difference/scalars/depletion_year/mean"][0]
        check(g == diff[k, i], f"{nm}: the scenario group holds the same difference")
        sc = f[f"scenarios/{nm.replace('/', '|')}/scalars/depletion_year"]
        pp = list(sc.attrs["probabilities"])
        check(f["comparison/depletion_year_median"][i] == sc["quantiles"][pp.index(0.5)], f"{nm}: median depletion year")
    stext = pfsim("summary", scen).stdout
    check("paired differences against the reference" in stext and "depletion year" in stext, "scenario text summary")

# --- a goal-seek file -------------------------------------------------------------
def study_summary(command, name, config):
    """Runs `pfsim COMMAND CONFIG` (200 paths) into SCRATCH/name; its summary --json, checked against the schema."""
    out = os.path.join(SCRATCH, name)
    if os.path.exists(out):
        os.remove(out)
    pfsim(command, os.path.join(SOURCE, "configs", config), "--paths", "200", "--seed", "3", "--threads", "2", "--quiet",
          "-o", out)
    doc = json.loads(pfsim("summary", out, "--json").stdout)
    errors = sorted(validator.iter_errors(doc), key=str)
    check(not errors, f"{command} summary validates: {[e.message for e in errors[:3]]}")
    return out, doc


seek, gdoc = study_summary("seek", "summary_seek.h5", os.path.join("examples", "goal_seek_contribution.toml"))
with h5py.File(seek, "r") as f:
    check(gdoc["solution"]["value"] == f.attrs["value"], "goal seek: the solution is the file's")
    check([e["lever"] for e in gdoc["evaluations"]] == list(f["lever_values"][:]), "goal seek: every evaluation, in order")
check(not validator.is_valid(dict(gdoc, solution={"value": 1})), "the schema rejects a goal-seek solution without its interval")

# --- a sensitivity file -------------------------------------------------------------
# One assumption and one group keep it short (four runs); the China example's
# whole tornado is run by the Python tests' fixture.
small = os.path.join(SCRATCH, "summary_sensitivity.toml")
with open(small, "w") as fh:
    fh.write('include = ["%s"]\n[sensitivity]\nyear = 2050\ngroups = ["parameter"]\n'
             '[sensitivity.assumptions.indexation]\nkey = "scheme.indexation.rule.wage"\nvalues = [0.5, 0.7]\n'
             % os.path.join(SOURCE, "configs", "china_baseline.toml"))
sens, sdoc = study_summary("sensitivity", "summary_sensitivity.h5", small)
with h5py.File(sens, "r") as f:
    g = f["sensitivity"]
    names = g.attrs["names"].decode().split()
    dp = g["depletion_probability_difference"][()]
    items = sdoc["sensitivity"]["items"]
    check(sorted(i["name"] for i in items) == sorted(names), "sensitivity: every item")
    for i in items:
        k = names.index(i["name"])
        check(i["low"]["depletion_probability"]["difference"] == dp[k, 0], f"sensitivity {i['name']}: the file's low value")
        check(("high" in i) == (i["kind"] == "assumption"), f"sensitivity {i['name']}: a group has no high run")
    swings = [abs(i["high"]["depletion_probability"]["difference"] - i["low"]["depletion_probability"]["difference"])
              if "high" in i else abs(i["low"]["depletion_probability"]["difference"]) for i in items]
    check(swings == sorted(swings, reverse=True), "sensitivity: items in order of the swing")
check(not validator.is_valid(dict(sdoc, sensitivity={"year": 2050})), "the schema rejects a tornado without items")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("summary_json_check: all checks passed")
