"""Command line: python3 -m pfsim report|export FILE ...

    python3 -m pfsim report FILE -o OUT.html [--pdf OUT.pdf] [--pyramid-years 2030,2050]
    python3 -m pfsim export FILE [--csv DIR] [--netcdf FILE.nc]

Exit status 0 when the output was written, 1 when something failed, 2 for
bad input (a missing file, a file that is not a pfsim file, a bad option, an
output that may not be written), 130 when stopped by SIGINT or SIGTERM
(nothing is left behind). Errors are one line on stderr:
`pfsim report: error: ...`.
"""

import argparse
import signal
import sys

from .export import export
from . import report
from .output import BadInput
from .reader import FormatError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises on a bad option instead of printing usage and exiting."""

    def error(self, message):
        raise _UsageError(message)


def _year_list(text):
    try:
        return [int(y) for y in text.split(",") if y.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of years: {text!r}") from None


def _parser():
    p = _Parser(prog="pfsim", description="Reports and exports of pfsim HDF5 files.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    rep = sub.add_parser("report", help="write a self-contained HTML report (and a PDF)")
    rep.add_argument("file", help="results, scenario or goal-seek file (HDF5)")
    rep.add_argument("-o", "--output", required=True, help="HTML file to write")
    rep.add_argument("--pdf", help="also write the charts to this PDF file")
    rep.add_argument("--pyramid-years", type=_year_list,
                     help="years of the population pyramids, e.g. 2030,2050 (default: all in the file)")
    exp = sub.add_parser("export", help="export to tidy CSV files and/or a netCDF file")
    exp.add_argument("file", help="results, scenario or goal-seek file (HDF5)")
    exp.add_argument("--csv", metavar="DIR", help="directory for the CSV files")
    exp.add_argument("--netcdf", metavar="FILE.nc", help="netCDF file to write")
    return p


def _command_name(argv):
    return f"pfsim {argv[0]}" if argv and argv[0] in ("report", "export") else "pfsim"


def run(argv):
    """Runs the command line `argv` (without the program name); returns the exit status."""
    name = _command_name(argv)
    try:
        args = _parser().parse_args(argv)
        if args.command == "report":
            report.build(args.file, args.output, pdf=args.pdf, pyramid_years=args.pyramid_years)
        else:
            if args.csv is None and args.netcdf is None:
                raise _UsageError("nothing to do: give --csv DIR and/or --netcdf FILE.nc")
            export(args.file, csv_dir=args.csv, netcdf=args.netcdf)
    except (_UsageError, BadInput, FormatError, FileNotFoundError, IsADirectoryError,
            NotADirectoryError, PermissionError) as e:
        print(f"{name}: error: {_message(e)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{name}: error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - any other failure is status 1 with its message
        print(f"{name}: error: {type(e).__name__}: {_message(e)}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def _message(e):
    text = str(e.args[0]) if len(e.args) == 1 else str(e)
    return " ".join(text.split())


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    # SIGTERM stops like Ctrl-C: temporaries removed, status 130.
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
