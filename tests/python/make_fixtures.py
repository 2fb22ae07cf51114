"""Writes the fixture files of the Python tests, and empties the scratch
directory the previous run's tests left (DIRECTORY/scratch).

    /usr/bin/python3 tests/python/make_fixtures.py PFSIM_BINARY DIRECTORY
"""

import os
import shutil
import sys

import pfsim_fixtures

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_fixtures.py PFSIM_BINARY DIRECTORY")
    shutil.rmtree(os.path.join(sys.argv[2], "scratch"), ignore_errors=True)
    pfsim_fixtures.make(sys.argv[1], sys.argv[2])
