"""A self-contained HTML report (and optionally a PDF) of a pfsim file.

    pfsim.report.build("results/china_baseline.h5", "baseline.html", pdf="baseline.pdf")

The HTML file references nothing outside itself: the charts are PNG images
embedded as data URIs, the style sheet is inline. Every chart has a title,
axis labels with units, a legend, and the table of the numbers it shows in a
collapsible <details> below it. Charts are drawn by matplotlib (Agg).
"""

import base64
import datetime
import html
import io
import math
import re

import matplotlib

matplotlib.use("Agg")
import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from . import reader  # noqa: E402
from .output import BadInput, check_distinct, check_target, safe_output  # noqa: E402

DPI = 100
FIGSIZE = (8.0, 4.5)

STYLE = """
body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #bbb; padding-top: .5em; }
table { border-collapse: collapse; margin: .5em 0; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; } td.l, th.l { text-align: left; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9em; color: #444; }
details { margin: .3em 0 1em 0; } summary { cursor: pointer; color: #235; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: .8em; }
nav ul { columns: 2; }
"""


# ---- units and formatting ---------------------------------------------------

def _scale_word(values):
    """(divisor, word) for money or counts of the size of `values`."""
    finite = np.asarray(values, dtype=float)
    finite = np.abs(finite[np.isfinite(finite)])
    top = finite.max() if finite.size else 0.0
    for divisor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if top >= divisor:
            return divisor, word
    return 1.0, ""


def axis_unit(unit, values, currency, start_year):
    """(divisor, label) to show `values` of the unit attribute `unit`.

    Money units ("currency units (nominal)", "currency units of the start
    year") become e.g. "trillion CNY, prices of 1 Jan 2024"; rates, shares
    and probabilities are shown in percent; persons in millions.
    """
    if unit.startswith("currency units"):
        # Files written before money units were spelt out with the currency.
        divisor, word = _scale_word(values)
        money = f"{word} {currency}".strip()
        if "start year" in unit:
            return divisor, f"{money}, prices of 1 Jan {start_year}"
        if "nominal" in unit:
            return divisor, f"{money}, nominal"
        return divisor, money
    if currency and (unit == currency or unit.startswith(currency + " ")):
        # "CNY at prices of 1 Jan 2024", "CNY (nominal)"
        divisor, word = _scale_word(values)
        return divisor, f"{word} {unit}".strip()
    if unit == "persons":
        divisor, word = _scale_word(values)
        return divisor, f"{word} persons".strip()
    if unit in ("rate", "share", "probability") or unit.startswith("share"):
        suffix = " per year" if unit == "rate" else ""
        return 0.01, f"%{suffix}" + ("" if unit in ("rate", "share", "probability") else f" ({unit})")
    return 1.0, unit


def fmt(value, digits=4):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, (float, np.floating)) and math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


def fmt_unit(value, unit, currency="", start_year=""):
    """A value with its unit, e.g. "6.76 trillion CNY, prices of 1 Jan 2024"."""
    if not np.isfinite(value):
        return fmt(float(value))
    divisor, label = axis_unit(unit, [value], currency, start_year)
    if label.startswith("%"):
        return f"{value / divisor:.3g}{label}"
    return f"{value / divisor:.4g} {label}".strip()


def fmt_year(value):
    """A depletion year: +inf is "never within the horizon"; a quantile
    between two years keeps its fraction."""
    if value == np.inf:
        return "never within the horizon"
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _index_of(probs, p):
    hits = np.flatnonzero(np.isclose(probs, p))
    return int(hits[0]) if hits.size else None


def table_html(df, index=True):
    return df.to_html(index=index, border=0, float_format=fmt, na_rep="n/a", escape=True)


def _esc(text):
    return html.escape(str(text))


# ---- the document -----------------------------------------------------------

class Document:
    """Sections of HTML with embedded charts; charts also go to a PDF."""

    def __init__(self, title, pdf=None):
        self.title = title
        self.pdf = pdf
        self.sections = []

    def section(self, sid, heading):
        self.sections.append((sid, heading, []))

    def add(self, text):
        self.sections[-1][2].append(text)

    def paragraph(self, text):
        self.add(f"<p>{_esc(text)}</p>")

    def figure(self, fig, ax, title, xlabel, ylabel, table, legend=True, legend_outside=False):
        """Titles the chart, embeds it as a PNG with its table, and closes it."""
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if legend:
            if legend_outside:
                ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
            else:
                ax.legend(fontsize="small")
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        if self.pdf is not None:
            self.pdf.savefig(fig)
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        self.add(f'<figure><img alt="{_esc(title)}" src="data:image/png;base64,{data}">'
                 f"<figcaption>{_esc(title)}</figcaption></figure>"
                 f"<details><summary>Table: {_esc(title)} ({_esc(ylabel)})</summary>"
                 f"{table_html(table)}</details>")

    def render(self, intro=""):
        nav = "".join(f'<li><a href="#{sid}">{_esc(h)}</a></li>' for sid, h, _ in self.sections)
        body = "".join(f'<section id="{sid}"><h2 id="{sid}-heading">{_esc(h)}</h2>{"".join(parts)}</section>'
                       for sid, h, parts in self.sections)
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{_esc(self.title)}</title><style>{STYLE}</style></head><body>"
                f"<h1>{_esc(self.title)}</h1>{intro}<nav><ul>{nav}</ul></nav>{body}</body></html>\n")


def _new_figure(wide=False):
    return plt.subplots(figsize=(10.0, 4.8) if wide else FIGSIZE)


# ---- charts of a results file ----------------------------------------------

class _Run:
    """A results reader with the unit helpers the charts need."""

    def __init__(self, r):
        self.r = r
        self.currency = r.attrs.get("currency", "")
        self.start_year = r.attrs.get("start_year", int(r.years[0]))
        self.years = r.years

    def unit(self, unit, values):
        return axis_unit(unit, values, self.currency, self.start_year)

    def value(self, value, unit):
        return fmt_unit(value, unit, self.currency, self.start_year)


def fan_chart(doc, run, name, title):
    """Median, 5-25-75-95% bands (those the file has) and the central path."""
    ds = run.r.metric(name)
    probs = ds["quantile"].values
    q = ds["quantiles"].values
    used = [p for p in (0.05, 0.25, 0.5, 0.75, 0.95) if _index_of(probs, p) is not None]
    divisor, label = run.unit(ds.attrs["unit"], np.concatenate([q[[_index_of(probs, p) for p in used]].ravel(),
                                                                ds["central"].values]))
    fig, ax = _new_figure()
    table = pd.DataFrame(index=pd.Index(run.years, name="year"))
    for lo, hi, alpha in ((0.05, 0.95, 0.18), (0.25, 0.75, 0.35)):
        i, j = _index_of(probs, lo), _index_of(probs, hi)
        if i is not None and j is not None:
            ax.fill_between(run.years, q[i] / divisor, q[j] / divisor, alpha=alpha, color="C0",
                            linewidth=0, label=f"{lo:.0%}-{hi:.0%} of paths")
    for p in used:
        table[f"{p:.0%}"] = q[_index_of(probs, p)] / divisor
    m = _index_of(probs, 0.5)
    if m is not None:
        ax.plot(run.years, q[m] / divisor, color="C0", label="median")
    ax.plot(run.years, ds["central"].values / divisor, color="C3", linestyle="--", label="central path")
    table["central"] = ds["central"].values / divisor
    if np.nanmin(q[[_index_of(probs, p) for p in used]]) < 0:
        ax.axhline(0, color="black", linewidth=0.8)
    doc.figure(fig, ax, title, "year (31 December for stocks)", label, table)


def key_figures(doc, run):
    r = run.r
    rows = []
    d = r.scalar("depletion_year")
    probs = d["quantile"].values

    def q(ds, p):
        i = _index_of(ds["quantile"].values, p)
        return None if i is None else float(ds["quantiles"].values[i])

    if _index_of(probs, 0.5) is not None:
        band = ""
        if q(d, 0.05) is not None and q(d, 0.95) is not None:
            band = f"5-95% of paths: {fmt_year(q(d, 0.05))} to {fmt_year(q(d, 0.95))}"
        rows.append(("Median depletion year", fmt_year(q(d, 0.5)), band))
    n_depleted = int(d["finite_count"].values)
    rows.append(("Paths depleted within the horizon", f"{n_depleted} of {r.attrs['n_paths']}", ""))
    risk = r.risk
    dp = risk["depletion_probability"].values
    for threshold in (0.05, 0.5, 0.95):
        hit = np.flatnonzero(dp >= threshold)
        label = f"First year with P(depletion) >= {threshold:.0%}"
        if hit.size:
            t = int(hit[0])
            rows.append((label, str(int(run.years[t])), _prob_interval(risk, t)))
        else:
            rows.append((label, f"not reached by {int(run.years[-1])}", ""))
    rows.append((f"P(depletion) by {int(run.years[-1])}", f"{dp[-1]:.1%}", _prob_interval(risk, -1)))
    conf = r.attrs.get("confidence", 0.95)
    for name, label in (("actuarial_balance", "Actuarial balance (median)"),
                        ("pv_backstop", "PV of the backstop (median)"),
                        ("max_drawdown", "Maximum drawdown (median)"),
                        ("tracking_error", "Tracking error (median)"),
                        ("active_return", "Active return (median)")):
        if name not in r.scalars():
            continue
        s = r.scalar(name)
        unit = s.attrs["unit"]
        i = _index_of(s["quantile"].values, 0.5)
        if i is None:
            continue
        ci = (f"{conf:.0%} interval of the median: [{run.value(s['quantiles_lower'].values[i], unit)}, "
              f"{run.value(s['quantiles_upper'].values[i], unit)}]")
        if q(s, 0.05) is not None and q(s, 0.95) is not None:
            ci += f"; 5-95% of paths: {run.value(q(s, 0.05), unit)} to {run.value(q(s, 0.95), unit)}"
        if name == "pv_backstop":
            ci += f"; mean {run.value(float(s['mean']), unit)} (se {run.value(float(s['se']), unit)})"
        rows.append((label, run.value(s["quantiles"].values[i], unit), ci))
    df = pd.DataFrame(rows, columns=["figure", "value", "interval"])
    doc.add(df.to_html(index=False, border=0, escape=True))


def _prob_interval(risk, t):
    lo = risk["depletion_probability_lower"].values[t]
    hi = risk["depletion_probability_upper"].values[t]
    return f"P = {risk['depletion_probability'].values[t]:.1%}, interval [{lo:.1%}, {hi:.1%}]"


def depletion_charts(doc, run):
    r = run.r
    risk = r.risk
    conf = r.attrs.get("confidence", 0.95)
    p = risk["depletion_probability"].values
    lo, hi = risk["depletion_probability_lower"].values, risk["depletion_probability_upper"].values
    counts = risk["depletion_probability_count"].values.astype(np.int64)
    fig, ax = _new_figure()
    ax.fill_between(run.years, 100 * lo, 100 * hi, alpha=0.3, color="C3", linewidth=0,
                    label=f"Wilson {conf:.0%} interval")
    ax.plot(run.years, 100 * p, color="C3", label="P(depleted by the year)")
    table = pd.DataFrame({"P (%)": 100 * p, "lower (%)": 100 * lo, "upper (%)": 100 * hi,
                          "paths": counts}, index=pd.Index(run.years, name="year"))
    doc.figure(fig, ax, "Cumulative probability of depletion", "year", "% of paths", table)

    n_paths = int(r.attrs["n_paths"])
    table = depletion_histogram(run.years, counts, n_paths)
    never = int(table.loc["never", "paths"])
    per_year = np.diff(counts, prepend=0)
    fig, ax = _new_figure()
    ax.bar(run.years, per_year, color="C1", label="paths whose fund depletes in the year")
    doc.figure(fig, ax, f"Depletion year of each path ({never} of {n_paths} paths never deplete "
                        f"by {int(run.years[-1])})", "depletion year", "paths", table)


def depletion_histogram(years, counts, n_paths):
    """The exact number of paths whose fund depletes in each year (the
    differences of the cumulative counts), the years with none left out,
    and a last row "never" for the paths that do not deplete."""
    per_year = np.diff(np.asarray(counts, dtype=np.int64), prepend=0)
    table = pd.DataFrame({"paths": per_year, "share (%)": 100 * per_year / n_paths},
                         index=pd.Index([int(y) for y in years], name="year", dtype=object))
    table = table[table["paths"] > 0]
    never = n_paths - int(counts[-1])
    table.loc["never"] = [never, 100 * never / n_paths]
    return table


PRESERVATION = (("preservation_probability", "kept its real value"),
                ("beats_wage_probability", "beat nominal wage growth"),
                ("beats_crediting_probability", "beat the crediting rate"))


def preservation_section(doc, run):
    risk = run.r.risk
    horizons = risk["horizon"].values
    fig, ax = _new_figure()
    width = 0.8 / len(PRESERVATION)
    x = np.arange(len(horizons))
    table = pd.DataFrame(index=pd.Index(horizons, name="horizon (years)"))
    for k, (name, label) in enumerate(PRESERVATION):
        p = risk[name].values
        lo, hi = risk[name + "_lower"].values, risk[name + "_upper"].values
        ax.bar(x + (k - 1) * width, 100 * p, width, yerr=[100 * (p - lo), 100 * (hi - p)],
               capsize=3, label=f"fund {label}")
        table[f"{label}: P (%)"] = 100 * p
        table[f"{label}: lower (%)"] = 100 * lo
        table[f"{label}: upper (%)"] = 100 * hi
        table[f"{label}: paths meeting it"] = risk[name + "_count"].values
    if "return_paths" in risk:
        # Returns are measured while the fund holds assets: the paths whose
        # fund lasted through each horizon (none: no bar).
        table["paths behind the figures"] = risk["return_paths"].values
    ax.set_xticks(x, [f"{h}" for h in horizons])
    ax.set_ylim(0, 105)
    doc.figure(fig, ax, "Preservation and appreciation over the first h years, while the fund holds assets "
                        "(error bars: Wilson interval)", "horizon h (years)", "% of the paths whose fund lasts h years", table)


def shortfall_section(doc, run):
    r = run.r
    risk = r.risk
    levels = risk["level"].values
    for name in ("terminal_real_shadow_balance", "actuarial_balance"):
        if name + "_var" not in risk:
            continue
        unit = r.unit(name) if name in r.scalars() else ""
        df = pd.DataFrame({
            "alpha": [f"{a:.0%}" for a in levels],
            "value at risk": [run.value(v, unit) for v in risk[name + "_var"].values],
            "expected shortfall": [run.value(v, unit) for v in risk[name + "_es"].values],
            "standard error of ES": [run.value(v, unit) for v in risk[name + "_es_se"].values]})
        doc.add(f"<h3>{_esc(name)} ({_esc(unit)})</h3>")
        doc.add(df.to_html(index=False, border=0, escape=True))


def lines_chart(doc, run, names, title, band=False, means=False):
    """Medians (and 5-95% bands, means) of several metrics sharing a unit."""
    dss = [run.r.metric(n) for n in names if n in run.r.metrics()]
    if not dss:
        return
    unit = dss[0].attrs["unit"]
    divisor, label = run.unit(unit, np.concatenate([ds["quantiles"].values.ravel() for ds in dss]
                                                   + [ds["mean"].values for ds in dss]))
    fig, ax = _new_figure()
    table = pd.DataFrame(index=pd.Index(run.years, name="year"))
    for k, ds in enumerate(dss):
        probs = ds["quantile"].values
        name = ds.attrs["name"]
        m = _index_of(probs, 0.5)
        ax.plot(run.years, ds["quantiles"].values[m] / divisor, color=f"C{k}", label=f"{name}, median")
        table[f"{name} median"] = ds["quantiles"].values[m] / divisor
        i, j = _index_of(probs, 0.05), _index_of(probs, 0.95)
        if band and i is not None and j is not None:
            ax.fill_between(run.years, ds["quantiles"].values[i] / divisor,
                            ds["quantiles"].values[j] / divisor, color=f"C{k}", alpha=0.15,
                            linewidth=0, label=f"{name}, 5-95% of paths")
            table[f"{name} 5%"] = ds["quantiles"].values[i] / divisor
            table[f"{name} 95%"] = ds["quantiles"].values[j] / divisor
        if means:
            ax.plot(run.years, ds["mean"].values / divisor, color=f"C{k}", linestyle=":",
                    label=f"{name}, mean")
            table[f"{name} mean"] = ds["mean"].values / divisor
    doc.figure(fig, ax, title, "year", label, table)


def pyramid_chart(doc, run, year):
    ds = run.r.pyramid(year)
    probs = ds["quantile"].values
    q = ds["quantiles"].values
    m, i, j = (_index_of(probs, p) for p in (0.5, 0.05, 0.95))
    ages = ds["age"].values
    divisor, label = run.unit("persons", q[m])
    fig, ax = plt.subplots(figsize=(8.0, 6.0))
    sign = {"male": -1, "female": 1}
    table = pd.DataFrame(index=pd.Index(ages, name="age"))
    for k, sex in enumerate(("male", "female")):
        s = sign[sex]
        ax.barh(ages, s * q[m, k] / divisor, height=1.0, color=("C0", "C3")[k], alpha=0.6,
                zorder=2, label=f"{'men' if sex == 'male' else 'women'}, median")
        table[f"{sex} median"] = q[m, k] / divisor
        if i is not None and j is not None:
            # The band sits behind the bars: it shows where the 5% and 95% paths end.
            ax.fill_betweenx(ages, s * q[i, k] / divisor, s * q[j, k] / divisor, step="mid",
                             color="black", alpha=0.2, linewidth=0, zorder=1,
                             label="5-95% of paths" if k == 0 else None)
            table[f"{sex} 5%"] = q[i, k] / divisor
            table[f"{sex} 95%"] = q[j, k] / divisor
    ax.axvline(0, color="black", linewidth=0.6)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):g}"))
    top = ages[-1]
    doc.figure(fig, ax, f"Population on 31 December {year}: men (left), women (right); "
                        f"age {top} is {top} and over", f"{label} per single year of age",
               "age (years)", table)


def provenance_section(doc, r):
    a = r.attrs
    seed = f"{a.get('seed')}" + (" (the default seed)" if a.get("seed_is_default") else "")
    rows = [("run name", a.get("name")), ("config file", a.get("config_file")), ("seed", seed),
            ("paths", a.get("n_paths")), ("first path", a.get("first_path")),
            ("years", f"{a.get('start_year')}-{a.get('end_year')}"),
            ("confidence of the intervals", a.get("confidence")), ("currency", a.get("currency")),
            ("pfsim version", a.get("pfsim_version")), ("git sha", a.get("git_sha")),
            ("created (UTC)", a.get("created_utc")), ("file", r.path)]
    if r.kind == "scenarios":
        rows.append(("scenarios", f"{len(r.scenario_names)}; reference: {r.reference}"))
    doc.add(pd.DataFrame(rows, columns=["item", "value"]).to_html(index=False, border=0, escape=True))
    if "overrides" in a:
        overrides = r.overrides
        doc.add("<p>--set overrides:</p><pre>" + _esc("\n".join(overrides) or "(none)") + "</pre>")
    else:
        doc.paragraph("--set overrides: not recorded in this file (the merged config below "
                      "includes any that were given).")
    doc.add(f"<details><summary>Merged config (TOML)</summary><pre>{_esc(r.config_text)}</pre></details>")


def results_sections(doc, r, pyramid_years):
    run = _Run(r)
    doc.section("provenance", "Provenance")
    provenance_section(doc, r)

    doc.section("key-figures", "Key figures")
    key_figures(doc, run)

    doc.section("fund", "Fund")
    for name, title in (("fund_balance_real", "Real fund balance"),
                        ("shadow_balance_real", "Real shadow balance without the backstop (below 0: deficit)"),
                        ("months_covered", "Months of benefits covered by the fund")):
        fan_chart(doc, run, name, title)

    for fund, text in (("basic", "basic fund"), ("reserve", "strategic reserve"), ("accounts", "account fund")):
        weights = sorted(n for n in r.metrics() if n.startswith(f"{fund}_weight_"))
        if weights:
            lines_chart(doc, run, weights, f"The {text}'s weights under its dynamic strategy", band=True)

    doc.section("depletion", "Depletion")
    depletion_charts(doc, run)

    doc.section("preservation", "Preservation and appreciation")
    preservation_section(doc, run)

    doc.section("shortfall", "Shortfall risk")
    doc.paragraph("Value at risk is the alpha-quantile, expected shortfall the mean of the lowest "
                  "alpha share of paths; both are levels of the quantity, low values are bad.")
    shortfall_section(doc, run)

    doc.section("who-pays", "Who pays")
    lines_chart(doc, run, ["burden_state", "burden_employers", "burden_individuals"],
                "Share of contributions, subsidy and backstop paid by each party (medians)")
    lines_chart(doc, run, ["subsidy", "backstop"], "Fiscal subsidy and backstop transfers",
                band=True, means=True)

    doc.section("economy", "Economy")
    economy = ["inflation", "nominal_wage_growth", "portfolio_return"]
    economy += [n for n in r.metrics() if n.startswith("return_")]
    for name in economy:
        if name in r.metrics():
            fan_chart(doc, run, name, f"{name.replace('_', ' ').capitalize()}")

    doc.section("demography", "Demography")
    for year in pyramid_years:
        pyramid_chart(doc, run, year)
    fan_chart(doc, run, "old_age_dependency", "Old-age dependency ratio (65+ / 15-64)")
    fan_chart(doc, run, "system_dependency", "System dependency ratio (pensioners / contributors)")


def _region_lines(doc, run, base, statistic, title, ylabel=None, percent=False):
    """One line per region of `base@region` (the mean, or the median)."""
    r = run.r
    ds = r.regions
    values = ds[base].values if statistic == "mean" else \
        ds[f"{base}_quantiles"].sel(quantile=0.5, method="nearest").values
    if percent:
        divisor, label = 0.01, "% of paths"
    else:
        divisor, label = run.unit(ds[base].attrs.get("unit", ""), values.ravel())
    fig, ax = _new_figure()
    table = pd.DataFrame(index=pd.Index(run.years, name="year"))
    for k, region in enumerate(r.region_names):
        ax.plot(run.years, values[k] / divisor, color=f"C{k}", label=region)
        table[region] = values[k] / divisor
    return fig, ax, table, ylabel or label


def regions_section(doc, r):
    """Regions and pooling (results-format.md, "Regions"): depletion by
    region, their funds, cash flows, dependency and the adjustment."""
    run = _Run(r)
    regimes = r.metric("pooling_regime")["mean"].values
    names = {0: "provincial", 1: "central adjustment", 2: "national"}
    spans = []
    for t, code in enumerate(regimes):
        if t == 0 or code != regimes[t - 1]:
            spans.append([names.get(int(code), str(code)), int(run.years[t]), int(run.years[t])])
        else:
            spans[-1][2] = int(run.years[t])
    doc.paragraph(f"{len(r.region_names)} regions; pooling: "
                  + ", ".join(f"{n} {a}-{b}" for n, a, b in spans)
                  + ". Under national pooling a region has no fund of its own: it runs short when the nation does.")

    fig, ax, table, label = _region_lines(doc, run, "depleted", "mean", "", percent=True)
    anyr = r.metric("any_region_depleted")["mean"].values
    ax.plot(run.years, 100 * anyr, color="black", linestyle="--", label="at least one region")
    table["at least one region"] = 100 * anyr
    doc.figure(fig, ax, "Probability that the region's fund is depleted by the year", "year", label, table,
               legend_outside=True)

    ds = r.regions
    rows = []
    for region in r.region_names:
        q = ds["depletion_year_quantiles"].sel(region=region)
        rows.append({"region": region,
                     "median depletion year": fmt_year(float(q.sel(quantile=0.5, method="nearest"))),
                     "5%": fmt_year(float(q.sel(quantile=0.05, method="nearest"))),
                     "95%": fmt_year(float(q.sel(quantile=0.95, method="nearest")))})
    doc.add("<h3>Depletion year by region</h3>" + table_html(pd.DataFrame(rows).set_index("region")))

    charts = (("fund_balance_real", "median", "Real fund balance by region (medians)", "year (31 December)", False),
              ("surplus", "mean", "Income minus expenditure by region, before adjustment and transfers (means)",
               "year", True),
              ("system_dependency", "median", "System dependency by region: pensioners per contributor (medians)",
               "year (31 December)", False),
              ("adjustment", "mean", "Central adjustment received minus paid, by region (means)", "year", True),
              ("relation_transfers", "mean",
               "Accounts and pooled funds moving with migrants: net inflow by region (means)", "year", True))
    for base, statistic, title, xlabel, zero_line in charts:
        if base in ("fund_balance_real", "adjustment") and not np.any(ds[base].values != 0):
            continue  # no regional fund (national pooling) or no central adjustment in the run
        fig, ax, table, label = _region_lines(doc, run, base, statistic, "")
        if zero_line:
            ax.axhline(0, color="black", linewidth=0.8)
        doc.figure(fig, ax, title, xlabel, label, table, legend_outside=True)
    lines_chart(doc, run, ["backstop_central", "backstop_local"], "The backstop: the centre's and local budgets' parts",
                means=True)

    if r.kind == "scenarios":
        fig, ax = _new_figure()
        table = pd.DataFrame(index=pd.Index(run.years, name="year"))
        for k, name in enumerate(r.scenario_names):
            m = r.scenario(name).metric("any_region_depleted")
            ax.plot(run.years, 100 * m["mean"].values, color=f"C{k}", label=name)
            ax.fill_between(run.years, 100 * (m["mean"].values - 2 * m["se"].values),
                            100 * (m["mean"].values + 2 * m["se"].values), color=f"C{k}", alpha=0.15, linewidth=0)
            table[f"{name} (%)"] = 100 * m["mean"].values
            table[f"{name} s.e. (pp)"] = 100 * m["se"].values
        doc.figure(fig, ax, "P(at least one region depleted by the year) by scenario (band: +-2 s.e.)", "year",
                   "% of paths", table, legend_outside=True)


def workers_section(doc, r):
    """Representative workers (results-format.md): the replacement rate of
    each tier at retirement (medians) and of the total (median and 5-95%
    of paths), and the probability that the total is below the threshold."""
    ds = r.workers
    med = ds["quantiles"].sel(quantile=0.5, method="nearest")
    lo = ds["quantiles"].sel(tier="total").sel(quantile=0.05, method="nearest").values
    hi = ds["quantiles"].sel(tier="total").sel(quantile=0.95, method="nearest").values
    tiers = [t for t in ("basic", "account", "annuity", "private") if np.isfinite(med.sel(tier=t).values).any()]
    threshold = None
    if isinstance(r.config, dict):
        threshold = r.config.get("workers", {}).get("threshold", 0.4)
    doc.paragraph("The replacement rate of each tier at retirement: the first year's pension over the worker's own "
                  "wage of the year before (model.md section 7), over the paths. The bars stack the tiers' medians; "
                  "the whisker is the 5-95% range of the total (a median of the total is not the sum of the tiers' "
                  "medians).")
    names = list(ds["worker"].values)
    fig, ax = _new_figure(wide=True)
    x = np.arange(len(names))
    bottom = np.zeros(len(names))
    table = pd.DataFrame(index=pd.Index(names, name="worker"))
    for k, tier in enumerate(tiers):
        v = 100 * np.nan_to_num(med.sel(tier=tier).values)
        ax.bar(x, v, bottom=bottom, color=f"C{k}", label=tier)
        bottom += v
        table[f"{tier} (median, %)"] = v
    total = 100 * med.sel(tier="total").values
    ax.errorbar(x, total, yerr=[total - 100 * lo, 100 * hi - total], fmt="none", ecolor="black", capsize=2,
                label="total, 5-95%")
    if threshold is not None:
        ax.axhline(100 * threshold, color="C3", linestyle="--", label=f"threshold {100 * threshold:g}%")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=90, fontsize="x-small")
    table["total (median, %)"] = total
    table["total 5% (%)"] = 100 * lo
    table["total 95% (%)"] = 100 * hi
    table["P(total below the threshold) (%)"] = 100 * ds["below"].values
    table["its s.e. (pp)"] = 100 * ds["below_se"].values
    doc.figure(fig, ax, "Replacement rate at retirement by tier", "worker (cohort, group, career in % of the average wage)",
               "% of the own wage", table, legend_outside=True)


def residents_section(doc, r):
    """The residents' scheme (results-format.md, "The residents' scheme"):
    its people, its fiscal cost to the central and local budgets in money
    and as a share of GDP, its accounts fund, and its pension beside the
    employees' scheme's."""
    run = _Run(r)
    doc.paragraph("The urban and rural residents' basic pension (model.md section 8): residents outside the employees' "
                  "scheme, its basic pension paid by budgets and its funded accounts. Medians over paths with the "
                  "5-95% range.")
    lines_chart(doc, run, ["residents_contributors", "residents_beneficiaries"],
                "Residents' scheme: participants who pay and beneficiaries (31 December)", band=True)
    lines_chart(doc, run, ["residents_central_cost", "residents_local_cost"],
                "Residents' scheme: fiscal cost to the central and local budgets", band=True)
    fan_chart(doc, run, "residents_cost_gdp", "Residents' scheme: fiscal cost as a share of GDP")
    fan_chart(doc, run, "residents_fund", "Residents' scheme: the accounts fund (31 December)")
    lines_chart(doc, run, ["residents_average_benefit", "residents_minimum"],
                "Residents' scheme: pension per beneficiary and the central minimum, per month")
    fan_chart(doc, run, "residents_benefit_ratio",
              "Residents' pension per beneficiary / the employees' scheme's average pension")
    if "residents_member_pension" in r.scalars():
        m = r.scalar("residents_member_pension")
        rr = r.scalar("residents_member_replacement")
        def q(ds, p):
            return float(ds["quantiles"].sel(quantile=p, method="nearest").values)
        table = pd.DataFrame({"median": [q(m, 0.5), 100 * q(rr, 0.5)], "5%": [q(m, 0.05), 100 * q(rr, 0.05)],
                              "95%": [q(m, 0.95), 100 * q(rr, 0.95)]},
                             index=pd.Index(["first monthly pension (nominal)", "x 12 / average wage (%)"], name=""))
        doc.paragraph(m.attrs.get("description", ""))
        doc.add("<h3>The representative member</h3>" + table_html(table))


def annuities_section(doc, r):
    """The aggregate plans (results-format.md, "The annuity plans"): each
    plan's members, funded assets, contributions and benefits, and the
    occupational plan's notional balances and the budgets' funding of them."""
    run = _Run(r)
    plans = [p for p in ("enterprise_annuity", "occupational_annuity", "private_pension") if f"{p}_assets" in r.metrics()]
    doc.paragraph("The enterprise annuity, occupational annuity and private pension plans as funds (model.md section 9): "
                  "members as a share of the employees' scheme's contributors, balances invested by each plan's own "
                  "strategy and paid out by the divisor. Medians over paths with the 5-95% range.")
    lines_chart(doc, run, [f"{p}_members" for p in plans], "Annuity plans: members (31 December)", band=True)
    lines_chart(doc, run, [f"{p}_assets" for p in plans], "Annuity plans: funded assets (31 December)", band=True)
    lines_chart(doc, run, [f"{p}_contributions" for p in plans] + [f"{p}_benefits" for p in plans],
                "Annuity plans: funded contributions and benefits paid")
    if "occupational_annuity_notional" in r.metrics():
        lines_chart(doc, run, ["occupational_annuity_notional", "occupational_annuity_budget"],
                    "Occupational annuity: notional employer balances and the budgets' funding at retirement", band=True)


def optimize_section(doc, r):
    """`pfsim optimize` files: the search (each evaluation's objective, those
    that meet every constraint marked), the optimum in and out of sample,
    and the frontier when the file has one (results-format.md, /optimize)."""
    with h5py.File(r.path, "r") as f:
        g = f["optimize"]
        attrs = reader.decode_attrs(g)
        data = {k: g[k][()] for k in g}
    objective = attrs.get("objective", "objective")
    variables = [v for v in str(attrs.get("variables", "")).split("\n") if v]
    constraints = [c for c in str(attrs.get("constraints", "")).split("\n") if c]
    doc.paragraph(f"{attrs.get('goal', '')} the {objective}; subject to "
                  + ("; ".join(constraints) if constraints else "no constraint")
                  + f". {len(data['evaluations_objective'])} evaluations on seed {attrs.get('in_sample_seed')} "
                  f"({attrs.get('status', '')}); checked on seed {attrs.get('out_of_sample_seed')}.")
    rows = [{"": "config", **{v: data["start"][k] for k, v in enumerate(variables)}},
            {"": "optimum", **{v: data["optimum"][k] for k, v in enumerate(variables)}}]
    doc.add("<h3>Variables</h3>" + table_html(pd.DataFrame(rows).set_index("")))
    stats = ["objective"] + constraints
    columns = {}
    for label, key in (("in sample", "in_sample"), ("out of sample, optimum", "out_of_sample_optimum"),
                       ("out of sample, config", "out_of_sample_current")):
        columns[label] = data[key]
        if f"{key}_lower" in data:  # the Monte Carlo interval (files of earlier versions have none)
            columns[f"{label}: interval"] = [f"[{lo:.5g}, {hi:.5g}]"
                                             for lo, hi in zip(data[f"{key}_lower"], data[f"{key}_upper"])]
    table = pd.DataFrame(columns, index=pd.Index(stats, name="statistic"))
    doc.add("<h3>In and out of sample</h3>" + table_html(table))

    values = data["evaluations_objective"]
    feasible = data["evaluations_feasible"].astype(bool)
    n = np.arange(1, len(values) + 1)
    # The objective's unit: its metric's (a probability for P(depleted)).
    m = re.search(r" of (\S+) in \d+$", objective)
    unit = r.unit(m.group(1)) if m and m.group(1) in r.metrics() else ("share of paths" if objective.startswith("P(") else "")
    divisor, label = _Run(r).unit(unit, values)
    fig, ax = _new_figure()
    ax.plot(n, values / divisor, color="C0", label="each evaluation")
    ax.scatter(n[feasible], values[feasible] / divisor, color="C2", zorder=3, label="meets every constraint")
    ax.scatter(n[~feasible], values[~feasible] / divisor, color="C3", marker="x", zorder=3, label="fails a constraint")
    best = int(attrs.get("best", -1))
    if best >= 0:
        ax.scatter([n[best]], [values[best] / divisor], s=120, facecolors="none", edgecolors="black", zorder=4,
                   label="the optimum")
    table = pd.DataFrame({"objective": values / divisor, "meets every constraint": feasible},
                         index=pd.Index(n, name="evaluation"))
    for k, v in enumerate(variables):
        table[v] = data["evaluations_x"][:, k]
    doc.figure(fig, ax, f"The search: the {objective} at each evaluation", "evaluation", label or "objective", table,
               legend_outside=True)

    if "frontier_bounds" in data:
        bounds = data["frontier_bounds"]
        which = int(attrs.get("frontier_constraint", 0))
        name = constraints[which].rsplit(" ", 2)[0] if which < len(constraints) else "the constraint's bound"
        fig, ax = _new_figure()
        ax.plot(bounds, data["frontier_objective_in_sample"] / divisor, marker="o", color="C0", label="in sample")
        ax.plot(bounds, data["frontier_objective_out_of_sample"] / divisor, marker="s", color="C1",
                label="out of sample")
        table = pd.DataFrame({"in sample": data["frontier_objective_in_sample"] / divisor,
                              "out of sample": data["frontier_objective_out_of_sample"] / divisor},
                             index=pd.Index(bounds, name="bound"))
        doc.figure(fig, ax, f"Efficient frontier: the optimum's {objective}", f"bound: {name}", label or "objective", table)


def comparison_section(doc, r):
    run = _Run(r)
    conf = r.attrs.get("confidence", 0.95)
    names = r.scenario_names
    scenarios = {n: r.scenario(n) for n in names}

    fig, ax = _new_figure(wide=True)
    table = pd.DataFrame(index=pd.Index(run.years, name="year"))
    for k, n in enumerate(names):
        p = 100 * scenarios[n].risk["depletion_probability"].values
        ax.plot(run.years, p, color=f"C{k % 10}", linestyle="-" if k < 10 else "--",
                linewidth=2.2 if n == r.reference else 1.2,
                label=n + (" (reference)" if n == r.reference else ""))
        table[n] = p
    doc.figure(fig, ax, "P(depletion by the year), each scenario", "year", "% of paths", table,
               legend_outside=True)

    doc.paragraph(f"Differences are scenario minus the reference ({r.reference}), path by path on "
                  f"the same random paths; the bands are their paired {conf:.0%} intervals.")
    for metric, title in (("depletion_probability", "Paired difference in P(depletion), scenario - reference"),
                          ("fund_balance_real", "Paired difference in the real fund balance, scenario - reference")):
        diff = r.difference(metric)
        unit = diff.attrs["unit"]
        divisor, label = run.unit(unit, np.concatenate([diff["lower"].values.ravel(),
                                                        diff["upper"].values.ravel()]))
        if unit == "probability":
            label = "percentage points"
        fig, ax = _new_figure(wide=True)
        table = pd.DataFrame(index=pd.Index(run.years, name="year"))
        for k, n in enumerate(diff["scenario"].values):
            d = diff.sel(scenario=n)
            color, style = f"C{k % 10}", "-" if k < 10 else "--"
            ax.plot(run.years, d["mean"].values / divisor, color=color, linestyle=style, label=n)
            ax.fill_between(run.years, d["lower"].values / divisor, d["upper"].values / divisor,
                            color=color, alpha=0.12, linewidth=0)
            table[f"{n} mean"] = d["mean"].values / divisor
            table[f"{n} lower"] = d["lower"].values / divisor
            table[f"{n} upper"] = d["upper"].values / divisor
        ax.axhline(0, color="black", linewidth=0.8)
        doc.figure(fig, ax, title, "year", label, table, legend_outside=True)

    fig, ax = _new_figure(wide=True)
    medians = {n: scenarios[n].quantile("fund_balance_real", 0.5).values for n in names}
    divisor, label = run.unit(r.unit("fund_balance_real"), np.concatenate(list(medians.values())))
    table = pd.DataFrame(index=pd.Index(run.years, name="year"))
    for k, n in enumerate(names):
        ax.plot(run.years, medians[n] / divisor, color=f"C{k % 10}", linestyle="-" if k < 10 else "--",
                linewidth=2.2 if n == r.reference else 1.2,
                label=n + (" (reference)" if n == r.reference else ""))
        table[n] = medians[n] / divisor
    doc.figure(fig, ax, "Median real fund balance, each scenario", "year", label, table,
               legend_outside=True)

    frontier_chart(doc, r, scenarios)

    c = r.comparison
    rows = pd.DataFrame(index=pd.Index(c["scenario"].values, name="scenario"))
    for y in c["depletion_year"].values:
        cy = c.sel(depletion_year=y)
        rows[f"P(depletion by {y})"] = [
            f"{p:.1%} [{lo:.1%}, {hi:.1%}]" for p, lo, hi in
            zip(cy["depletion_probability"].values, cy["depletion_probability_lower"].values,
                cy["depletion_probability_upper"].values)]
        rows[f"difference {y} (se)"] = [
            f"{d * 100:+.1f} pp ({se * 100:.1f})" for d, se in
            zip(cy["depletion_difference"].values, cy["depletion_difference_se"].values)]
    if "depletion_year_median" in c:
        rows["median depletion year [5%, 95%]"] = [
            f"{fmt_year(m)} [{fmt_year(lo)}, {fmt_year(hi)}]" for m, lo, hi in
            zip(c["depletion_year_median"].values, c["depletion_year_p05"].values, c["depletion_year_p95"].values)]
    unit = r.unit("fund_balance_real")
    rows["median terminal real balance"] = [run.value(v, unit) for v in c["median_terminal_real_balance"].values]
    level = c.attrs.get("expected_shortfall_level", "")
    rows[f"ES({level}) of the terminal real shadow balance"] = [
        run.value(v, unit) for v in c["expected_shortfall_terminal_real_shadow_balance"].values]
    doc.add("<h3>Comparison table (/comparison)</h3>")
    doc.add(rows.to_html(border=0, escape=True))
    if "scalar_difference" in c:
        table = pd.DataFrame(index=pd.Index(c["scenario"].values, name="scenario"))
        for s in c["scalar"].values:
            unit = r.unit(s) if s in r.scalars() else ""
            cs = c.sel(scalar=s)
            table[f"{s} ({unit})"] = [
                f"{fmt(d)} (se {fmt(se)})" for d, se in
                zip(cs["scalar_difference"].values, cs["scalar_difference_se"].values)]
        doc.add("<h3>Paired differences of scalars against the reference (standard errors)</h3>")
        doc.add(table.to_html(border=0, escape=True))


def pareto_front(risk, reward):
    """Indices of the points no other point beats on both counts (lower risk
    and higher reward, one of them strictly), in order of increasing risk."""
    order = sorted(range(len(risk)), key=lambda i: (risk[i], -reward[i]))
    front, best = [], -np.inf
    for i in order:
        if reward[i] > best:
            front.append(i)
            best = reward[i]
    return front


def frontier_chart(doc, r, scenarios):
    """Each scenario as risk (P(depletion) by the comparison's middle year)
    against reward (the median actuarial balance), with their intervals; the
    scenarios no other beats on both are joined: the efficient frontier."""
    years = list(r.comparison["depletion_year"].values)
    year = int(years[len(years) // 2])
    names = list(scenarios)
    risk, lo, hi, reward, rlo, rhi = [], [], [], [], [], []
    for n in names:
        rk = scenarios[n].risk.sel(year=year)
        risk.append(100 * float(rk["depletion_probability"]))
        lo.append(100 * float(rk["depletion_probability_lower"]))
        hi.append(100 * float(rk["depletion_probability_upper"]))
        ab = scenarios[n].scalar("actuarial_balance")
        reward.append(100 * float(ab["quantiles"].sel(quantile=0.5)))
        rlo.append(100 * float(ab["quantiles_lower"].sel(quantile=0.5)))
        rhi.append(100 * float(ab["quantiles_upper"].sel(quantile=0.5)))
    risk, reward = np.array(risk), np.array(reward)
    front = pareto_front(risk, reward)
    fig, ax = _new_figure(wide=True)
    ax.errorbar(risk, reward, xerr=[risk - np.array(lo), np.array(hi) - risk],
                yerr=[reward - np.array(rlo), np.array(rhi) - reward], fmt="o", color="C0", alpha=0.6,
                label=f"scenario ({r.attrs.get('confidence', 0.95):.0%} intervals)")
    ax.plot(risk[front], reward[front], "-", color="C3", label="efficient frontier")
    for k, n in enumerate(names):
        ax.annotate(n, (risk[k], reward[k]), fontsize="x-small", xytext=(4, 3), textcoords="offset points")
    table = pd.DataFrame({"P(depletion) %": risk, "P lower": lo, "P upper": hi, "median actuarial balance %": reward,
                          "median lower": rlo, "median upper": rhi,
                          "on the frontier": [k in front for k in range(len(names))]},
                         index=pd.Index(names, name="scenario"))
    doc.figure(fig, ax, f"Risk and balance of each scenario: P(depletion by {year}) against the median actuarial balance",
               f"P(depletion by {year}), % of paths", "median actuarial balance, % of PV payroll", table)


# ---- goal seek ---------------------------------------------------------------

_THRESHOLD = re.compile(r"(<=|>=)\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")
_UNIT = re.compile(r"\(([^()]*)\)\s*$")


def sensitivity_section(doc, r):
    """The tornado: each assumption's low and high run, and each shock group
    switched off, as paired changes against the reference, widest first."""
    t = r.sensitivity
    year = int(t.attrs["year"])
    dp = 100 * t["depletion_probability_difference"].values
    se = 100 * t["depletion_probability_difference_se"].values
    swing = np.where(np.isnan(dp[:, 1]), np.abs(dp[:, 0]), np.abs(dp[:, 1] - dp[:, 0]))
    order = list(np.argsort(-swing, kind="stable"))
    items = [str(t["item"].values[i]) for i in order]
    doc.paragraph(f"Each bar is the change in P(depleted by {year}) from the reference "
                  f"({100 * float(t.attrs['reference_depletion_probability']):.1f}%) when one assumption is set low or high, "
                  f"or one group of shocks is switched off, on the same paths; the whiskers are +- 2 paired standard errors.")
    fig, ax = _new_figure(wide=True)
    y = np.arange(len(order))[::-1]
    for k, (label, color) in enumerate((("low (or switched off)", "C0"), ("high", "C3"))):
        vals, errs = dp[order, k], se[order, k]
        ok = ~np.isnan(vals)
        ax.barh(y[ok], vals[ok], xerr=2 * errs[ok], color=color, alpha=0.7, label=label, capsize=2)
    ax.set_yticks(y)
    ax.set_yticklabels(items)
    ax.axvline(0, color="black", linewidth=0.8)
    table = pd.DataFrame({"setting low": t["setting_low"].values[order], "P low pp": dp[order, 0], "s.e. low": se[order, 0],
                          "setting high": t["setting_high"].values[order], "P high pp": dp[order, 1], "s.e. high": se[order, 1],
                          "median year low": t["depletion_year_median_difference"].values[order, 0],
                          "median year high": t["depletion_year_median_difference"].values[order, 1],
                          "actuarial balance low pp": 100 * t["actuarial_balance_difference"].values[order, 0],
                          "actuarial balance high pp": 100 * t["actuarial_balance_difference"].values[order, 1]},
                         index=pd.Index(items, name="assumption"))
    doc.figure(fig, ax, f"Tornado: change in P(depleted by {year})", "percentage points", "", table)


def goal_seek_sections(doc, g):
    doc.section("provenance", "Provenance")
    a = g.attrs
    rows = [("lever", g.lever), ("target", g.target), ("seed", a.get("seed")),
            ("paths per evaluation", a.get("n_paths")), ("evaluations", g.evaluations.sizes["lever_value"]),
            ("file", g.path)]
    doc.add(pd.DataFrame(rows, columns=["item", "value"]).to_html(index=False, border=0, escape=True))
    doc.add(f"<details><summary>Merged config (TOML)</summary><pre>{_esc(g.config_text)}</pre></details>")

    doc.section("goal-seek", "Goal seek")
    lo, hi = g.interval
    doc.add(f"<p><strong>Solution:</strong> {_esc(g.lever)} = {g.value:.6g} "
            f"(Monte Carlo interval [{lo:.6g}, {hi:.6g}]) for the target {_esc(g.target)}.</p>")
    ev = g.evaluations
    x = ev["lever_value"].values
    raw = [ev[v].values for v in ("statistic", "statistic_lower", "statistic_upper")]
    # The target's parts are attributes of the file; files of older pfsim
    # versions have them only in the target's text.
    if "threshold" in a:
        unit = str(a.get("unit", ""))
        threshold, side = float(a["threshold"]), "<=" if int(a["at_most"]) else ">="
    else:
        unit_match = _UNIT.search(g.target)
        unit = unit_match.group(1) if unit_match else ""
        found = _THRESHOLD.search(g.target)
        threshold, side = (float(found.group(2)), found.group(1)) if found else (None, "")
    if unit == "probability":
        divisor, label = 0.01, "% of paths"
    elif unit:
        divisor, label = axis_unit(unit, np.concatenate(raw), a.get("currency", ""), a.get("start_year", ""))
    else:
        divisor, label = 1.0, "statistic"
    s, sl, su = (v / divisor for v in raw)
    fig, ax = _new_figure()
    ax.errorbar(x, s, yerr=[s - sl, su - s], fmt="o-", capsize=3, label="statistic at each lever value")
    if threshold is not None:
        ax.axhline(threshold / divisor, color="C3", linestyle="--", label=f"target ({side} {threshold:.6g})")
    ax.axvspan(lo, hi, color="C2", alpha=0.25, label="interval of the solution")
    ax.axvline(g.value, color="C2", label=f"solution {g.value:.4g}")
    table = pd.DataFrame({"statistic": s, "lower": sl, "upper": su},
                         index=pd.Index(x, name="lever value"))
    doc.figure(fig, ax, f"Search path: {g.target}", f"{g.lever} (lever value)", label, table)


# ---- entry point -------------------------------------------------------------

def _document(r, pdf, pyramid_years):
    if r.kind == "goal-seek":
        doc = Document(f"pfsim goal seek: {r.lever}", pdf)
        goal_seek_sections(doc, r)
        return doc
    years = r.pyramid_years if pyramid_years is None else [int(y) for y in pyramid_years]
    missing = [y for y in years if y not in r.pyramid_years]
    if missing:
        raise BadInput(f"{r.path}: no population pyramid for {missing} "
                       f"(the file has {r.pyramid_years or 'none'}; see output.pyramid_years)")
    doc = Document(f"pfsim results: {r.attrs.get('name', '')}", pdf)
    results_sections(doc, r, years)
    if r.region_names:
        doc.section("regions", "Regions and pooling")
        regions_section(doc, r)
    if r.worker_names:
        doc.section("workers", "Replacement rates of representative workers")
        workers_section(doc, r)
    if "residents_fund" in r.metrics():
        doc.section("residents", "The residents' scheme")
        residents_section(doc, r)
    if any(f"{p}_assets" in r.metrics() for p in ("enterprise_annuity", "occupational_annuity", "private_pension")):
        doc.section("annuities", "The annuity plans")
        annuities_section(doc, r)
    if r.kind == "scenarios":
        if getattr(r, "_sensitivity", None) is not None:
            doc.section("sensitivity", "Sensitivity: which assumption drives the risk")
            sensitivity_section(doc, r)
        if r.has_optimize:
            doc.section("optimize", "Optimisation")
            optimize_section(doc, r)
        doc.section("comparison", "Scenario comparison")
        comparison_section(doc, r)
    return doc


def build(path, out_html, pdf=None, pyramid_years=None):
    """Writes the HTML report of the pfsim file `path` to `out_html` (and
    the charts to the PDF `pdf` when given). pyramid_years: the years of the
    population pyramids, default every year in the file. Returns out_html."""
    check_target(out_html, [path])
    if pdf is not None:
        check_target(pdf, [path])
    check_distinct([out_html] + ([pdf] if pdf is not None else []), [path])
    r = reader.open(path)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    intro = f"<p>Report of <code>{_esc(path)}</code>, built {stamp}.</p>"
    def write_html(doc):
        with safe_output(out_html, inputs=[path]) as tmp:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(doc.render(intro))

    if pdf is not None:
        with safe_output(pdf, inputs=[path]) as tmp_pdf:
            with PdfPages(tmp_pdf) as pages:
                doc = _document(r, pages, pyramid_years)
            write_html(doc)
    else:
        write_html(_document(r, None, pyramid_years))
    return out_html
