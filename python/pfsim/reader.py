"""Reading pfsim HDF5 files (results, scenario and goal-seek files).

docs/results-format.md describes every dataset and attribute. This module
turns them into labelled xarray objects and tidy pandas frames:

    r = pfsim.open("results/china_baseline.h5")
    r.metric("fund_balance_real")        # xarray.Dataset, dims (quantile, year)
    r.to_frame()                         # pandas.DataFrame, long format

A file is read into memory when it is opened (the statistics are small),
except `/paths` and the groups of individual scenarios, which are read when
they are first asked for. No HDF5 handle stays open between calls.
"""

import contextlib
import os

import h5py
import numpy as np
import pandas as pd
import xarray as xr

try:  # Python 3.11 and later
    import tomllib
except ImportError:  # pragma: no cover - older interpreters keep the text
    tomllib = None

FORMAT_VERSION = 1
RESULTS_FORMAT = "pfsim-results"
GOAL_SEEK_FORMAT = "pfsim-goal-seek"

# Datasets of a year metric or scalar group: one value per year (or one).
STAT_DATASETS = ("mean", "sd", "se", "central", "finite_count")
# Datasets with one row per probability of run.quantiles.
QUANTILE_DATASETS = ("quantiles", "quantiles_lower", "quantiles_upper")
# The datasets of /scenarios/<g>/difference/<metric>.
DIFFERENCE_DATASETS = ("mean", "se", "se_independent", "lower", "upper")
SEXES = ("male", "female")


class FormatError(ValueError):
    """The file is not a pfsim file this reader understands."""


def decode(value):
    """An HDF5 attribute as a Python value: bytes to str, 0-d arrays to scalars."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SO":
            return [decode(v) for v in value.tolist()]
        if value.ndim == 0:
            return value.item()
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode_attrs(obj):
    """Every attribute of an h5py object, decoded."""
    return {key: decode(obj.attrs[key]) for key in obj.attrs}


def _lines(text):
    return [line for line in text.split("\n") if line]


def _parse_config(text):
    if tomllib is None:
        return text
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return text


def _open_h5(path):
    """Opens `path` read-only; a file that is not HDF5 is a FormatError."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise FormatError(f"{path}: is a directory, not a pfsim file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise FormatError(f"{path}: not an HDF5 file ({e})") from None


def _check_format(path, f):
    """The file's format string after checking format and format_version."""
    if "format" not in f.attrs:
        raise FormatError(f"{path}: not a pfsim file: the root attribute 'format' is missing")
    fmt = decode(f.attrs["format"])
    if fmt not in (RESULTS_FORMAT, GOAL_SEEK_FORMAT):
        raise FormatError(f"{path}: not a pfsim file: format is {fmt!r}, expected "
                          f"{RESULTS_FORMAT!r} or {GOAL_SEEK_FORMAT!r}")
    if "format_version" not in f.attrs:
        raise FormatError(f"{path}: the root attribute 'format_version' is missing")
    version = decode(f.attrs["format_version"])
    if version != FORMAT_VERSION:
        raise FormatError(f"{path}: format_version {version!r} of {fmt} is not supported "
                          f"(this reader knows version {FORMAT_VERSION})")
    return fmt


def open(path):  # noqa: A001 - the package's entry point is pfsim.open
    """Opens a pfsim file: a Results (kind "results" or "scenarios") or a GoalSeek.

    Raises FileNotFoundError when the file does not exist and FormatError
    when it is not a pfsim file of a known format and version.
    """
    path = os.fspath(path)
    with _open_h5(path) as f:
        fmt = _check_format(path, f)
        try:
            if fmt == GOAL_SEEK_FORMAT:
                return GoalSeek._read(path, f)
            return Results._read(path, f, f, decode_attrs(f))
        except KeyError as e:
            raise FormatError(f"{path}: incomplete {fmt} file: {e.args[0] if e.args else e}") from None


class _Group:
    """The statistics of one run: a results file's root or one scenario's group."""

    def __init__(self, h5group, years):
        self.metrics = {}
        self.scalars = {}
        for kind, target in (("metrics", self.metrics), ("scalars", self.scalars)):
            if kind not in h5group:
                continue
            for name, g in h5group[kind].items():
                target[name] = {"attrs": decode_attrs(g),
                                **{d: g[d][()] for d in STAT_DATASETS + QUANTILE_DATASETS}}
        self.risk = {name: d[()] for name, d in h5group["risk"].items()} if "risk" in h5group else {}
        self.calibration = decode_attrs(h5group["calibration"]) if "calibration" in h5group else {}
        self.pyramids = {}
        if "demography/pyramids" in h5group:
            for year, g in h5group["demography/pyramids"].items():
                self.pyramids[int(year)] = {"attrs": decode_attrs(g),
                                            **{d: g[d][()] for d in g}}
        self.years = years


class Results:
    """A results file, or one scenario of a scenario file.

    Attributes: path, kind ("results", "scenarios"), attrs (root attributes,
    decoded), years, config (parsed TOML, or the text when it does not
    parse), config_text, calibration (dict), and for a scenario reader
    scenario_name.
    """

    def __init__(self, path, kind, attrs, group, group_path, scenario_name=None):
        self.has_optimize = False  # set for a `pfsim optimize` file
        self.path = path
        self.kind = kind
        self.attrs = attrs
        self.years = group.years
        self._g = group
        self._group_path = group_path
        self.scenario_name = scenario_name
        self.config_text = attrs.get("config", "")
        self.config = _parse_config(self.config_text)
        self._scenario_groups = None
        self._scenario_attrs = {}
        self._comparison = None
        self._scenario_cache = {}

    @classmethod
    def _read(cls, path, f, h5group, attrs, scenario_name=None, group_path="/"):
        years = f["years"][()]
        group = _Group(h5group, years)
        kind = "scenarios" if (group_path == "/" and "scenarios" in f) else "results"
        r = cls(path, kind, attrs, group, group_path, scenario_name)
        if kind == "scenarios":
            r._scenario_groups = {}
            for gname, g in f["scenarios"].items():
                r._scenario_groups[decode(g.attrs["name"])] = gname
            r._scenario_attrs = decode_attrs(f["scenarios"])
            r._comparison = _read_comparison(f["comparison"]) if "comparison" in f else None
            r._sensitivity = _read_sensitivity(f["sensitivity"]) if "sensitivity" in f else None
            r.has_optimize = "optimize" in f  # a `pfsim optimize` file (results-format.md, /optimize)
        return r

    def __repr__(self):
        return (f"<pfsim.Results {self.kind} {self.path!r}: {self.attrs.get('name')}, "
                f"{self.attrs.get('n_paths')} paths, {int(self.years[0])}-{int(self.years[-1])}>")

    # ---- provenance -----------------------------------------------------

    @property
    def currency(self):
        return self.attrs.get("currency", "")

    @property
    def calibration(self):
        return dict(self._g.calibration)

    @property
    def overrides(self):
        """The --set overrides of the run (root attribute `overrides`), or []."""
        return _lines(self.attrs.get("overrides", ""))

    # ---- year metrics and scalars ----------------------------------------

    def metrics(self):
        """Names of the year metrics, in the file's (alphabetical) order."""
        return list(self._g.metrics)

    def scalars(self):
        """Names of the per-path scalars."""
        return list(self._g.scalars)

    def _stats(self, table, name, what):
        try:
            return table[name]
        except KeyError:
            raise KeyError(f"{self.path}: no {what} {name!r}") from None

    @property
    def probabilities(self):
        """The probabilities of the quantile rows (run.quantiles)."""
        first = next(iter(self._g.metrics.values()), None) or next(iter(self._g.scalars.values()))
        return np.asarray(first["attrs"]["probabilities"], dtype=float)

    def metric(self, name):
        """One year metric: Dataset with mean, sd, se, central, finite_count
        (dim year) and quantiles, quantiles_lower, quantiles_upper (dims
        quantile, year); attrs name, unit, description."""
        s = self._stats(self._g.metrics, name, "year metric")
        coords = {"year": self.years, "quantile": np.asarray(s["attrs"]["probabilities"], dtype=float)}
        data = {d: ("year", s[d]) for d in STAT_DATASETS}
        data.update({d: (("quantile", "year"), s[d]) for d in QUANTILE_DATASETS})
        return xr.Dataset(data, coords=coords, attrs=_stat_attrs(name, s["attrs"]))

    def scalar(self, name):
        """One per-path scalar: Dataset with 0-d mean, sd, se, central,
        finite_count and quantiles, quantiles_lower, quantiles_upper (dim quantile)."""
        s = self._stats(self._g.scalars, name, "scalar")
        coords = {"quantile": np.asarray(s["attrs"]["probabilities"], dtype=float)}
        data = {d: ((), s[d][0]) for d in STAT_DATASETS}
        data.update({d: ("quantile", s[d]) for d in QUANTILE_DATASETS})
        return xr.Dataset(data, coords=coords, attrs=_stat_attrs(name, s["attrs"]))

    def unit(self, name):
        """The unit attribute of a year metric or scalar."""
        table = self._g.metrics if name in self._g.metrics else self._g.scalars
        return self._stats(table, name, "metric or scalar")["attrs"].get("unit", "")

    def quantile(self, name, p):
        """The p-quantile of a year metric over the years (DataArray, dim year)."""
        return self.metric(name)["quantiles"].sel(quantile=p)

    @property
    def quantiles(self):
        """Every year metric's quantiles: DataArray (metric, quantile, year)."""
        names = self.metrics()
        stacked = np.stack([self._g.metrics[n]["quantiles"] for n in names])
        return xr.DataArray(stacked, dims=("metric", "quantile", "year"),
                            coords={"metric": names, "quantile": self.probabilities,
                                    "year": self.years},
                            name="quantiles")

    def metrics_dataset(self):
        """Every year metric in one Dataset: mean, sd, se, central,
        finite_count (dims metric, year), quantiles, quantiles_lower,
        quantiles_upper (dims metric, quantile, year), unit and description
        (dim metric)."""
        return self._table_dataset(self._g.metrics, "metric", ("year",), {"year": self.years})

    def scalars_dataset(self):
        """Every scalar in one Dataset: mean, sd, se, central, finite_count
        (dim scalar), quantiles, quantiles_lower, quantiles_upper (dims
        scalar, quantile), unit and description (dim scalar)."""
        return self._table_dataset(self._g.scalars, "scalar", (), {})

    def _table_dataset(self, table, dim, value_dims, coords):
        names = list(table)
        data = {}
        for d in STAT_DATASETS:
            values = np.stack([table[n][d] for n in names])
            data[d] = ((dim,) + value_dims, values if value_dims else values[:, 0])
        for d in QUANTILE_DATASETS:
            data[d] = ((dim, "quantile") + value_dims, np.stack([table[n][d] for n in names]))
        for a in ("unit", "description"):
            data[a] = (dim, np.array([table[n]["attrs"].get(a, "") for n in names], dtype=object))
        return xr.Dataset(data, coords={dim: names, "quantile": self.probabilities, **coords})

    # ---- regions ------------------------------------------------------------

    @property
    def region_names(self):
        """The regions of a run with [regions] (regions.names, in the
        config's order), or [] for a single national pool."""
        found = sorted({n.split("@", 1)[1] for n in self._g.metrics if "@" in n})
        names = None
        if isinstance(self.config, dict):
            names = self.config.get("regions", {}).get("names")
        if names and set(names) == set(found):
            return list(names)
        return found

    @property
    def regions(self):
        """Every region metric (`<name>@<region>`, results-format.md
        "Regions") in one Dataset: each statistic with dims (region, year) or
        (region, quantile, year), one variable per name and statistic, e.g.
        `r.regions["fund_balance_real"].sel(region="northeast")` is the
        mean; `r.regions["fund_balance_real_quantiles"]` the quantiles.
        Scalars (depletion_year) have dims (region,) and (region, quantile)."""
        regions = self.region_names
        if not regions:
            raise KeyError(f"{self.path}: no regions (the run has no [regions] table)")
        data, attrs = {}, {}
        for table, value_dims in ((self._g.metrics, ("year",)), (self._g.scalars, ())):
            # The bases every region has (a representative worker's scalars are not a region's).
            bases = sorted({n.split("@", 1)[0] for n in table if "@" in n
                            if all(f"{n.split('@', 1)[0]}@{r}" in table for r in regions)})
            for base in bases:
                groups = [table[f"{base}@{r}"] for r in regions]
                for d in STAT_DATASETS:
                    values = np.stack([np.asarray(g[d]) for g in groups])
                    key = base if d == "mean" else f"{base}_{d}"
                    data[key] = (("region",) + value_dims, values if value_dims else values[:, 0])
                for d in QUANTILE_DATASETS:
                    data[f"{base}_{d}"] = (("region", "quantile") + value_dims, np.stack([np.asarray(g[d]) for g in groups]))
                attrs[base] = groups[0]["attrs"].get("unit", "")
        ds = xr.Dataset(data, coords={"region": regions, "quantile": self.probabilities, "year": self.years})
        for base, unit in attrs.items():
            ds[base].attrs["unit"] = unit
        return ds

    # ---- representative workers -----------------------------------------

    @property
    def worker_names(self):
        """The representative workers of a run with [workers]
        (`<cohort>_<group>_<career %>`), by cohort, group and career; [] without."""
        order = {"male": 0, "female_cadre": 1, "female_worker": 2}
        names = [n.split("@", 1)[1] for n in self._g.scalars if n.startswith("replacement_total@")]

        def key(name):
            cohort, rest = name.split("_", 1)
            group, career = rest.rsplit("_", 1)
            return int(cohort), order.get(group, 9), int(career)
        return sorted(names, key=key)

    @property
    def workers(self):
        """The representative workers' replacement rates (results-format.md,
        "Representative workers") in one Dataset: `mean`, `quantiles`,
        `quantiles_lower`, `quantiles_upper` with dims (worker, tier[,
        quantile]) for the tiers basic, account, annuity, private and total
        (NaN for a tier the run does not have); `below` and `below_se`, the
        probability that the total is below workers.threshold, and its
        standard error (dim worker); coordinates cohort, group and career
        (a multiple of the average wage) along worker. For example
        `r.workers["quantiles"].sel(tier="total", quantile=0.5)`."""
        names = self.worker_names
        if not names:
            raise KeyError(f"{self.path}: no representative workers (the run has no [workers] table)")
        tiers = ["basic", "account", "annuity", "private", "total"]
        q = self.probabilities
        mean = np.full((len(names), len(tiers)), np.nan)
        quant = {d: np.full((len(names), len(tiers), len(q)), np.nan) for d in QUANTILE_DATASETS}
        for i, w in enumerate(names):
            for j, tier in enumerate(tiers):
                g = self._g.scalars.get(f"replacement_{tier}@{w}")
                if g is None:
                    continue
                mean[i, j] = g["mean"][0]
                for d in QUANTILE_DATASETS:
                    quant[d][i, j] = g[d]
        below = [self._g.scalars[f"replacement_below@{w}"] for w in names]
        parts = [(w.split("_", 1)[0], *w.split("_", 1)[1].rsplit("_", 1)) for w in names]
        data = {"mean": (("worker", "tier"), mean),
                "below": ("worker", np.array([b["mean"][0] for b in below])),
                "below_se": ("worker", np.array([b["se"][0] for b in below]))}
        data.update({d: (("worker", "tier", "quantile"), quant[d]) for d in QUANTILE_DATASETS})
        coords = {"worker": names, "tier": tiers, "quantile": q,
                  "cohort": ("worker", [int(c) for c, _, _ in parts]),
                  "group": ("worker", [g for _, g, _ in parts]),
                  "career": ("worker", [int(k) / 100 for _, _, k in parts])}
        return xr.Dataset(data, coords=coords)

    # ---- risk, demography, calibration, paths ----------------------------

    @property
    def risk(self):
        """/risk as a Dataset with dims year, horizon and level."""
        r = self._g.risk
        if not r:
            raise KeyError(f"{self.path}: no /risk group")
        data = {}
        for name, values in r.items():
            if name in ("horizons", "levels"):
                continue
            if name.startswith("depletion_probability"):
                dim = "year"
            elif name.endswith(("_var", "_es", "_es_se")):
                dim = "level"
            else:
                dim = "horizon"
            data[name] = (dim, values)
        coords = {"year": self.years, "horizon": r["horizons"], "level": r["levels"]}
        return xr.Dataset(data, coords=coords,
                          attrs={"confidence": self.attrs.get("confidence"),
                                 "n_paths": self.attrs.get("n_paths")})

    @property
    def pyramid_years(self):
        return sorted(self._g.pyramids)

    def pyramid(self, year):
        """Population by sex and single age at 31 December of `year`: Dataset
        with mean, central (dims sex, age) and quantiles (dims quantile, sex, age)."""
        try:
            p = self._g.pyramids[int(year)]
        except KeyError:
            raise KeyError(f"{self.path}: no pyramid for {year} "
                           f"(the file has {self.pyramid_years})") from None
        n_ages = p["mean"].shape[1]
        coords = {"sex": list(SEXES), "age": np.arange(n_ages),
                  "quantile": np.asarray(p["attrs"]["probabilities"], dtype=float)}
        data = {"mean": (("sex", "age"), p["mean"]), "central": (("sex", "age"), p["central"]),
                "quantiles": (("quantile", "sex", "age"), p["quantiles"])}
        return xr.Dataset(data, coords=coords,
                          attrs={"year": int(year), "unit": "persons",
                                 "description": p["attrs"].get("description", "")})

    def path_names(self):
        """Year metrics stored path by path (/paths, from output.paths)."""
        if self._group_path != "/":
            return []
        with _open_h5(self.path) as f:
            return list(f["paths"]) if "paths" in f else []

    def paths(self, name):
        """Every path of a year metric: DataArray (path, year), float32;
        path = first_path + row."""
        if name not in self.path_names():
            raise KeyError(f"{self.path}: no /paths/{name} (output.paths lists "
                           f"{self.path_names() or 'nothing'})")
        with _open_h5(self.path) as f:
            values = f["paths"][name][()]
        first = int(self.attrs.get("first_path", 0))
        unit = self._g.metrics[name]["attrs"].get("unit", "") if name in self._g.metrics else ""
        return xr.DataArray(values, dims=("path", "year"),
                            coords={"path": np.arange(first, first + values.shape[0]),
                                    "year": self.years},
                            name=name, attrs={"unit": unit})

    # ---- tidy frames -----------------------------------------------------

    def frame(self, name):
        """One metric or scalar, wide: one row per year (a single row for a
        scalar), columns mean, sd, se, central, finite_count, then p<q>,
        p<q>_lower, p<q>_upper for every probability q."""
        if name in self._g.metrics:
            s, index = self._g.metrics[name], pd.Index(self.years, name="year")
        else:
            s, index = self._stats(self._g.scalars, name, "metric or scalar"), pd.Index([name], name="scalar")
        columns = {d: s[d] for d in STAT_DATASETS}
        for i, p in enumerate(s["attrs"]["probabilities"]):
            label = f"p{p:g}"
            columns[label] = s["quantiles"][i]
            columns[label + "_lower"] = s["quantiles_lower"][i]
            columns[label + "_upper"] = s["quantiles_upper"][i]
        df = pd.DataFrame({k: np.atleast_1d(v) for k, v in columns.items()}, index=index)
        df.attrs = {"unit": s["attrs"].get("unit", ""), "name": name}
        return df

    def to_frame(self, kinds=("metric", "scalar")):
        """Every year metric and scalar in long format: columns kind ("metric"
        or "scalar"), metric, year (Int64; missing for scalars), statistic (mean, sd, se,
        central, finite_count, quantile, quantile_lower, quantile_upper),
        probability (NaN but for quantiles), value, unit. `kinds` selects
        year metrics, scalars or both."""
        parts = []
        tables = {"metric": self._g.metrics, "scalar": self._g.scalars}
        for kind in kinds:
            table = tables[kind]
            years = self.years.astype(float) if kind == "metric" else np.array([np.nan])
            for name, s in table.items():
                probs = np.asarray(s["attrs"]["probabilities"], dtype=float)
                unit = s["attrs"].get("unit", "")
                for d in STAT_DATASETS:
                    parts.append((kind, name, years, d, np.nan, s[d].astype(float), unit))
                for d in QUANTILE_DATASETS:
                    stat = d.replace("quantiles", "quantile")
                    for i, p in enumerate(probs):
                        parts.append((kind, name, years, stat, p, np.atleast_1d(s[d][i]), unit))
        return _long_frame(parts)

    def risk_frame(self):
        """/risk in long format: columns variable (the dataset's name), year,
        horizon, level (the coordinate that applies, others NaN), value."""
        ds = self.risk
        rows = []
        for name, da in ds.data_vars.items():
            dim = da.dims[0]
            coord = ds[dim].values.astype(float)
            cols = {"variable": name, "year": np.nan, "horizon": np.nan, "level": np.nan}
            cols[dim] = coord
            cols["value"] = da.values.astype(float)
            rows.append(pd.DataFrame(cols))
        return pd.concat(rows, ignore_index=True)[["variable", "year", "horizon", "level", "value"]]

    def pyramid_frame(self):
        """Every pyramid in long format: columns year, sex, age, statistic
        (mean, central, quantile), probability, value."""
        parts = []
        for year in self.pyramid_years:
            ds = self.pyramid(year)
            for stat in ("mean", "central", "quantiles"):
                df = ds[stat].to_dataframe().reset_index()
                df["statistic"] = "quantile" if stat == "quantiles" else stat
                if stat != "quantiles":
                    df["quantile"] = np.nan
                df = df.rename(columns={stat: "value", "quantile": "probability"})
                df["year"] = year
                parts.append(df[["year", "sex", "age", "statistic", "probability", "value"]])
        if not parts:
            return pd.DataFrame(columns=["year", "sex", "age", "statistic", "probability", "value"])
        return pd.concat(parts, ignore_index=True)

    # ---- scenarios -------------------------------------------------------

    def _require_scenarios(self):
        if self.kind != "scenarios":
            raise ValueError(f"{self.path}: not a scenario file (no /scenarios group)")

    @property
    def scenario_names(self):
        """Scenario names in run order, the reference first."""
        self._require_scenarios()
        return _lines(self._scenario_attrs.get("names", ""))

    @property
    def reference(self):
        self._require_scenarios()
        return self._scenario_attrs.get("reference", "")

    def scenario_group(self, name):
        """The HDF5 group name of a scenario (`/` written as `|`)."""
        self._require_scenarios()
        try:
            return self._scenario_groups[name]
        except KeyError:
            raise KeyError(f"{self.path}: no scenario {name!r} "
                           f"(the file has {self.scenario_names})") from None

    def scenario(self, name):
        """The same reader over /scenarios/<group> (its metrics, scalars, risk,
        calibration, demography); attrs are the root's with config and
        scenario replaced by the scenario's."""
        gname = self.scenario_group(name)
        if name not in self._scenario_cache:
            with _open_h5(self.path) as f:
                g = f["scenarios"][gname]
                attrs = dict(self.attrs)
                gattrs = decode_attrs(g)
                attrs["config"] = gattrs.get("config", attrs.get("config", ""))
                attrs["scenario"] = name
                self._scenario_cache[name] = Results._read(
                    self.path, f, g, attrs, scenario_name=name, group_path=f"/scenarios/{gname}")
        return self._scenario_cache[name]

    @contextlib.contextmanager
    def _difference_groups(self):
        """Yields (scenario name, h5py group of its /difference) for every
        scenario but the reference, with the file open."""
        with _open_h5(self.path) as f:
            pairs = []
            for name in self.scenario_names:
                g = f["scenarios"][self._scenario_groups[name]]
                if "difference" in g:
                    pairs.append((name, g["difference"]))
            yield pairs

    def difference_metrics(self):
        """Year metrics with paired differences in every scenario (and
        depletion_probability). A scenario differs from the reference only in
        the metrics both report; `difference` also reads a metric that some
        scenarios lack (NaN for them)."""
        self._require_scenarios()
        with self._difference_groups() as pairs:
            if not pairs:
                return []
            return [k for k, g in pairs[0][1].items()
                    if "mean" in g and all(k in other and "mean" in other[k] for _, other in pairs)]

    def difference_scalars(self):
        """Scalars with paired differences (/difference/scalars; newer files)."""
        self._require_scenarios()
        with self._difference_groups() as pairs:
            if not pairs or "scalars" not in pairs[0][1]:
                return []
            return list(pairs[0][1]["scalars"])

    def difference(self, metric):
        """Paired difference scenario - reference of a year metric (or of
        depletion_probability): Dataset with mean, se, se_independent, lower,
        upper over (scenario, year); every scenario but the reference."""
        self._require_scenarios()
        unit = ("probability" if metric == "depletion_probability"
                else self._g.metrics.get(metric, {}).get("attrs", {}).get("unit", ""))
        return self._difference(metric, ("year",), {"year": self.years}, unit)

    def scalar_difference(self, scalar):
        """Paired difference scenario - reference of a scalar: Dataset with
        mean, se, se_independent, lower, upper over scenario (a depletion
        year of "never" counts as end_year + 1)."""
        self._require_scenarios()
        unit = self._g.scalars.get(scalar, {}).get("attrs", {}).get("unit", "")
        return self._difference("scalars/" + scalar, (), {}, unit)

    def _difference(self, key, dims, coords, unit):
        names, values = [], {d: [] for d in DIFFERENCE_DATASETS}
        with self._difference_groups() as pairs:
            if not any(key in g for _, g in pairs):
                raise KeyError(f"{self.path}: no difference of {key!r}")
            shape = next(g[key]["mean"].shape for _, g in pairs if key in g)
            for name, g in pairs:
                names.append(name)
                for d in DIFFERENCE_DATASETS:
                    # A scenario that does not share the metric with the reference: NaN.
                    v = g[key][d][()] if key in g else np.full(shape, np.nan)
                    values[d].append(v if dims else v[0])
        data = {d: (("scenario",) + dims, np.array(v)) for d, v in values.items()}
        return xr.Dataset(data, coords={"scenario": names, **coords},
                          attrs={"metric": key.split("/")[-1], "unit": unit, "reference": self.reference,
                                 "confidence": self.attrs.get("confidence")})

    @property
    def sensitivity(self):
        """/sensitivity (files of `pfsim sensitivity`): the tornado as a Dataset over (item, side)."""
        self._require_scenarios()
        if getattr(self, "_sensitivity", None) is None:
            raise KeyError(f"{self.path}: no /sensitivity group (not a `pfsim sensitivity` file)")
        return self._sensitivity.copy()

    @property
    def comparison(self):
        """/comparison: Dataset over (scenario, depletion_year)."""
        self._require_scenarios()
        if self._comparison is None:
            raise KeyError(f"{self.path}: no /comparison group")
        return self._comparison.copy()


def _read_sensitivity(g):
    """/sensitivity as a Dataset over (item, side): side "low" and "high" (a
    shock group's high is NaN); coords kind, setting_low, setting_high."""
    attrs = decode_attrs(g)
    names = _lines(attrs["names"])
    data = {name: (("item", "side"), d[()]) for name, d in g.items()}
    coords = {"item": names, "side": ["low", "high"], "kind": ("item", _lines(attrs["kinds"])),
              "setting_low": ("item", _lines(attrs["low"])), "setting_high": ("item", _lines(attrs["high"]))}
    return xr.Dataset(data, coords=coords,
                      attrs={k: v for k, v in attrs.items() if k not in ("names", "kinds", "low", "high")})


def _read_comparison(g):
    """/comparison as a Dataset: dims scenario, depletion_year and (newer
    files) scalar, the rows of scalar_difference named by the attribute
    scalar_differences."""
    attrs = decode_attrs(g)
    names = _lines(attrs.get("names", ""))
    coords = {"scenario": names, "depletion_year": g["depletion_years"][()]}
    if "scalar_differences" in attrs:
        coords["scalar"] = _lines(attrs["scalar_differences"])
    data = {}
    for name, d in g.items():
        if name == "depletion_years":
            continue
        values = d[()]
        if values.ndim == 1:
            dims = ("scenario",)
        elif name.startswith("scalar_difference"):
            dims = ("scalar", "scenario")
        else:
            dims = ("scenario", "depletion_year")
        data[name] = (dims, values)
    return xr.Dataset(data, coords=coords,
                      attrs={k: v for k, v in attrs.items() if k not in ("names", "scalar_differences")})


def _stat_attrs(name, attrs):
    return {"name": name, "unit": attrs.get("unit", ""), "description": attrs.get("description", "")}


def _long_frame(parts):
    """A long frame from (kind, metric, years, statistic, probability, values, unit) parts."""
    n = [len(p[2]) for p in parts]
    df = pd.DataFrame({
        "kind": np.repeat([p[0] for p in parts], n),
        "metric": np.repeat([p[1] for p in parts], n),
        # Whole years (pandas' nullable integer: empty for scalars).
        "year": pd.array(np.concatenate([p[2] for p in parts]), dtype="Int64"),
        "statistic": np.repeat([p[3] for p in parts], n),
        "probability": np.repeat([p[4] for p in parts], n),
        "value": np.concatenate([p[5] for p in parts]),
        "unit": np.repeat([p[6] for p in parts], n),
    })
    return df


class GoalSeek:
    """A `pfsim seek` file: attrs (lever, target, value, value_lower,
    value_upper, seed, n_paths, config), config, and evaluations (Dataset
    of statistic, statistic_lower, statistic_upper over lever_value)."""

    kind = "goal-seek"

    def __init__(self, path, attrs, evaluations):
        self.path = path
        self.attrs = attrs
        self.config_text = attrs.get("config", "")
        self.config = _parse_config(self.config_text)
        self.evaluations = evaluations

    @classmethod
    def _read(cls, path, f):
        attrs = decode_attrs(f)
        for key in ("lever", "target", "value", "value_lower", "value_upper"):
            if key not in attrs:
                raise KeyError(f"root attribute {key!r}")
        ev = xr.Dataset(
            {d: ("lever_value", f[d][()]) for d in ("statistic", "statistic_lower", "statistic_upper")},
            coords={"lever_value": f["lever_values"][()]},
            attrs={"lever": attrs["lever"], "target": attrs["target"]})
        return cls(path, attrs, ev)

    def __repr__(self):
        return (f"<pfsim.GoalSeek {self.path!r}: {self.lever} = {self.value:g} "
                f"[{self.interval[0]:g}, {self.interval[1]:g}]>")

    @property
    def lever(self):
        return self.attrs["lever"]

    @property
    def target(self):
        return self.attrs["target"]

    @property
    def value(self):
        """The lever value at the boundary of the target."""
        return float(self.attrs["value"])

    @property
    def interval(self):
        """Monte Carlo interval of the solution: (value_lower, value_upper)."""
        return float(self.attrs["value_lower"]), float(self.attrs["value_upper"])

    def to_frame(self):
        """The evaluations, one row per lever value."""
        return self.evaluations.to_dataframe().reset_index()
