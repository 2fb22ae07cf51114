"""pfsim: read, export and report the HDF5 files of the pfsim simulator.

    import pfsim
    r = pfsim.open("results/china_baseline.h5")       # results, scenario or goal-seek file
    r.metric("fund_balance_real")                      # xarray.Dataset (quantile, year)
    pfsim.export("results/china_baseline.h5", csv_dir="csv", netcdf="baseline.nc")
    pfsim.report.build("results/china_baseline.h5", "baseline.html")

docs/python.md describes the package; docs/results-format.md the files.
"""

from .reader import FormatError, GoalSeek, Results, open
from .export import export
from . import report  # noqa: E402

__all__ = ["open", "export", "report", "FormatError", "Results", "GoalSeek"]
__version__ = "0.1.0"
