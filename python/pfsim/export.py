"""Exporting a pfsim file to tidy CSV files and one netCDF file.

CSV files (one per kind of group; values written at full precision, +inf
as `inf`, NaN as an empty field):

    provenance.csv    attribute, value: the root attributes (config included)
    metrics.csv       kind, metric, year, statistic, probability, value, unit
    scalars.csv       the same columns; year is empty
    risk.csv          variable, year, horizon, level, value (/risk)
    pyramids.csv      year, sex, age, statistic, probability, value
    calibration.csv   name, index, value (/calibration; index for arrays)
    paths_<name>.csv  path, then one column per year (only with /paths)

A scenario file's root is its reference scenario, so the files above hold
the reference; it adds

    scenarios.csv             scenario, group, reference (1 for the reference)
    scenario_scalars.csv      scenario + the columns of scalars.csv, every scenario
    scenario_risk.csv         scenario + the columns of risk.csv, every scenario
    differences.csv           scenario, metric, year, statistic, value
    scalar_differences.csv    scenario, scalar, statistic, value (files that have them)
    comparison.csv            scenario, depletion_year, scalar, variable, value

A goal-seek file gives provenance.csv and evaluations.csv (lever_value,
statistic, statistic_lower, statistic_upper).

The netCDF file (engine h5netcdf) holds the same data as xarray Datasets in
groups: the root (attributes: provenance; a goal-seek file's evaluations),
metrics, scalars, risk, pyramids, paths, calibration (attributes), and for
scenario files differences, scalar_differences (when the file has them),
comparison and scenarios/sNN/{metrics, scalars, risk} (attribute scenario). Open one with
xarray.open_dataset(file, engine="h5netcdf", group="metrics").
"""

import os

import numpy as np
import pandas as pd
import xarray as xr

from . import reader
from .output import check_distinct, check_target, prepare_directory, safe_output


def export(path, csv_dir=None, netcdf=None):
    """Exports the pfsim file `path` to CSV files in `csv_dir` and/or to the
    netCDF file `netcdf`. Returns the list of files written."""
    r = reader.open(path)
    # Every target is checked before anything is written, so a refused one
    # leaves no partial export behind.
    frames = csv_frames(r) if csv_dir is not None else {}
    targets = [os.path.join(csv_dir, name) for name in frames]
    if netcdf is not None:
        targets.append(os.fspath(netcdf))
    if csv_dir is not None and os.path.lexists(csv_dir):
        prepare_directory(csv_dir)  # refuses a link or a non-directory
        for t in targets[:len(frames)]:
            check_target(t, [path])
    if netcdf is not None:
        check_target(netcdf, [path])
    check_distinct(targets, [path])
    written = []
    if csv_dir is not None:
        written += write_csv(r, csv_dir, frames)
    if netcdf is not None:
        write_netcdf(r, netcdf)
        written.append(os.fspath(netcdf))
    return written


# ---- CSV ------------------------------------------------------------------

def provenance_frame(r):
    return pd.DataFrame({"attribute": list(r.attrs), "value": [str(v) for v in r.attrs.values()]})


def calibration_frame(calibration):
    rows = []
    for name, value in calibration.items():
        values = np.atleast_1d(value)
        index = np.arange(len(values)) if np.ndim(value) else [np.nan]
        rows += [(name, i, float(v)) for i, v in zip(index, values)]
    return pd.DataFrame(rows, columns=["name", "index", "value"])


def paths_frame(r, name):
    da = r.paths(name)
    df = pd.DataFrame(da.values, index=pd.Index(da["path"].values, name="path"),
                      columns=[str(y) for y in da["year"].values])
    return df.reset_index()


def difference_frame(r):
    parts = []
    for metric in r.difference_metrics():
        df = r.difference(metric).to_dataframe().reset_index()
        df = df.melt(id_vars=["scenario", "year"], var_name="statistic", value_name="value")
        df.insert(1, "metric", metric)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def scalar_difference_frame(r):
    parts = []
    for scalar in r.difference_scalars():
        df = r.scalar_difference(scalar).to_dataframe().reset_index()
        df = df.melt(id_vars=["scenario"], var_name="statistic", value_name="value")
        df.insert(1, "scalar", scalar)
        parts.append(df)
    return pd.concat(parts, ignore_index=True) if parts else None


def comparison_frame(r):
    ds = r.comparison
    parts = []
    for name, da in ds.data_vars.items():
        df = da.to_dataframe(name="value").reset_index()
        for column in ("depletion_year", "scalar"):
            if column not in df:
                df[column] = np.nan
        df["variable"] = name
        parts.append(df[["scenario", "depletion_year", "scalar", "variable", "value"]])
    return pd.concat(parts, ignore_index=True)


def csv_frames(r):
    """The frames written as CSV files, by file name."""
    frames = {"provenance.csv": provenance_frame(r)}
    if r.kind == "goal-seek":
        frames["evaluations.csv"] = r.to_frame()
        return frames
    frames["metrics.csv"] = r.to_frame(kinds=("metric",))
    frames["scalars.csv"] = r.to_frame(kinds=("scalar",))
    frames["risk.csv"] = r.risk_frame()
    frames["pyramids.csv"] = r.pyramid_frame()
    frames["calibration.csv"] = calibration_frame(r.calibration)
    for name in r.path_names():
        frames[f"paths_{name}.csv"] = paths_frame(r, name)
    if r.kind == "scenarios":
        frames["scenarios.csv"] = pd.DataFrame({
            "scenario": r.scenario_names,
            "group": [r.scenario_group(n) for n in r.scenario_names],
            "reference": [int(n == r.reference) for n in r.scenario_names]})
        scalars, risks = [], []
        for name in r.scenario_names:
            s = r.scenario(name)
            f = s.to_frame(kinds=("scalar",))
            f.insert(0, "scenario", name)
            scalars.append(f)
            k = s.risk_frame()
            k.insert(0, "scenario", name)
            risks.append(k)
        frames["scenario_scalars.csv"] = pd.concat(scalars, ignore_index=True)
        frames["scenario_risk.csv"] = pd.concat(risks, ignore_index=True)
        frames["differences.csv"] = difference_frame(r)
        frames["comparison.csv"] = comparison_frame(r)
        scalar_differences = scalar_difference_frame(r)
        if scalar_differences is not None:
            frames["scalar_differences.csv"] = scalar_differences
    return frames


def write_csv(r, csv_dir, frames=None):
    prepare_directory(csv_dir)
    written = []
    for filename, df in (frames if frames is not None else csv_frames(r)).items():
        target = os.path.join(csv_dir, filename)
        with safe_output(target, inputs=[r.path]) as tmp:
            df.to_csv(tmp, index=False)
        written.append(target)
    return written


# ---- netCDF ---------------------------------------------------------------

def _nc_attrs(attrs):
    """Attributes netCDF can hold: numbers, strings and numeric arrays."""
    out = {}
    for key, value in attrs.items():
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        out[key] = value
    return out


def pyramids_dataset(r):
    years = r.pyramid_years
    if not years:
        return None
    return xr.concat([r.pyramid(y) for y in years], dim=pd.Index(years, name="pyramid_year"),
                     combine_attrs="drop").assign_attrs(unit="persons")


def paths_dataset(r):
    names = r.path_names()
    if not names:
        return None
    return xr.Dataset({n: r.paths(n) for n in names})


def difference_dataset(r):
    metrics = r.difference_metrics()
    return xr.concat([r.difference(m) for m in metrics], dim=pd.Index(metrics, name="metric"),
                     combine_attrs="drop")


def scalar_difference_dataset(r):
    scalars = r.difference_scalars()
    return xr.concat([r.scalar_difference(s) for s in scalars], dim=pd.Index(scalars, name="scalar"),
                     combine_attrs="drop")


def netcdf_groups(r):
    """(group, Dataset) pairs of the netCDF file; group None is the root."""
    if r.kind == "goal-seek":
        return [(None, r.evaluations.assign_attrs(_nc_attrs(r.attrs)))]
    groups = [(None, xr.Dataset({"years": ("year", r.years)}, coords={"year": r.years},
                                attrs=_nc_attrs(r.attrs)))]
    groups += _run_groups(r, "")
    groups.append(("calibration", xr.Dataset(attrs=_nc_attrs(r.calibration))))
    for group, ds in (("pyramids", pyramids_dataset(r)), ("paths", paths_dataset(r))):
        if ds is not None:
            groups.append((group, ds))
    if r.kind == "scenarios":
        groups.append(("differences", difference_dataset(r)))
        if r.difference_scalars():
            groups.append(("scalar_differences", scalar_difference_dataset(r)))
        groups.append(("comparison", r.comparison))
        for i, name in enumerate(r.scenario_names):
            prefix = f"scenarios/s{i:02d}/"
            groups += [(g, ds.assign_attrs(scenario=name, reference=int(name == r.reference)))
                       for g, ds in _run_groups(r.scenario(name), prefix)]
    return groups


def _run_groups(r, prefix):
    return [(prefix + "metrics", r.metrics_dataset()),
            (prefix + "scalars", r.scalars_dataset()),
            (prefix + "risk", r.risk)]


def write_netcdf(r, target):
    with safe_output(target, inputs=[r.path]) as tmp:
        for i, (group, ds) in enumerate(netcdf_groups(r)):
            ds.to_netcdf(tmp, mode="w" if i == 0 else "a", group=group, engine="h5netcdf")
