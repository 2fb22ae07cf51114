#!/usr/bin/python3
"""Exit 0 when two pfsim results files hold bit-identical datasets.

Usage: compare_results.py A.h5 B.h5
Attributes that record when and how a file was made (created_utc, config_file)
may differ; every dataset must match byte for byte."""
import sys

import h5py


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def main():
    a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
    da, db = datasets(a), datasets(b)
    problems = []
    if set(da) != set(db):
        problems.append(f"different dataset names: {sorted(set(da) ^ set(db))[:5]}")
    for name in sorted(set(da) & set(db)):
        if da[name][()].tobytes() != db[name][()].tobytes():
            problems.append(f"{name} differs")
    if problems:
        print(f"{sys.argv[1]} and {sys.argv[2]}: {len(problems)} differences, e.g.:", *problems[:5], sep="\n  ")
        return 1
    print(f"{len(da)} datasets bit-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
