#!/usr/bin/python3
"""Exit 0 when two pfsim results files hold bit-identical datasets.

Usage: compare_results.py [--common] A.h5 B.h5
Attributes that record when and how a file was made (created_utc, config_file)
may differ; every dataset must match byte for byte. With --common, only the
datasets both files hold are compared (for a run that adds outputs, such as
one region beside the single national pool), and A's must all be in B."""
import sys

import h5py


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    args = sys.argv[1:]
    common = "--common" in args
    args = [x for x in args if x != "--common"]
    a, b = (h5py.File(p, "r") for p in args[:2])
    da, db = datasets(a), datasets(b)
    problems = []
    if common and not set(da) <= set(db):
        problems.append(f"datasets missing from the second file: {sorted(set(da) - set(db))[:5]}")
    if not common and set(da) != set(db):
        problems.append(f"different dataset names: {sorted(set(da) ^ set(db))[:5]}")
    for name in sorted(set(da) & set(db)):
        if da[name][()].tobytes() != db[name][()].tobytes():
            problems.append(f"{name} differs")
    if problems:
        print(f"{args[0]} and {args[1]}: {len(problems)} differences, e.g.:", *problems[:5], sep="\n  ")
        return 1
    print(f"{len(set(da) & set(db))} datasets bit-identical" + (f" ({len(set(db) - set(da))} only in the second)" if common else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
