"""python3 -m pfsim: exit statuses, one-line errors, and the output rules
(temporary name, no symlink or non-regular target, never the input)."""

import contextlib
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import unittest
from unittest import mock

import pfsim_fixtures
import pfsim
from pfsim import __main__ as cli
from pfsim import report

ENV = dict(os.environ, PYTHONPATH=os.path.join(pfsim_fixtures.ROOT, "python"))


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = pfsim_fixtures.scratch()
        self.results = pfsim_fixtures.path("results.h5")
        self.seek = pfsim_fixtures.path("goal_seek.h5")

    def tearDown(self):
        self.assertEqual([f for f in os.listdir(self.dir) if ".tmp-" in f], [], "temporaries left")

    def run_cli(self, *args):
        return subprocess.run([sys.executable, "-m", "pfsim", *args], capture_output=True, text=True,
                              env=ENV, timeout=300)

    def assert_error(self, done, status, command="report"):
        self.assertEqual(done.returncode, status, done.stderr)
        lines = done.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertTrue(lines[0].startswith(f"pfsim {command}: error: "), lines[0])

    def out(self, name):
        return os.path.join(self.dir, name)

    def test_ok(self):
        done = self.run_cli("report", self.seek, "-o", self.out("seek.html"), "--pdf", self.out("seek.pdf"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        self.assertTrue(os.path.getsize(self.out("seek.html")) > 1000)
        self.assertTrue(os.path.getsize(self.out("seek.pdf")) > 1000)
        done = self.run_cli("export", self.seek, "--csv", self.out("csv"), "--netcdf", self.out("seek.nc"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(self.out("csv/evaluations.csv")))
        self.assertEqual([f for f in os.listdir(self.out("csv")) if ".tmp-" in f], [])

    def test_missing_file(self):
        self.assert_error(self.run_cli("report", self.out("absent.h5"), "-o", self.out("a.html")), 2)
        self.assertFalse(os.path.exists(self.out("a.html")))

    def test_not_a_pfsim_file(self):
        with open(self.out("text.h5"), "w") as f:
            f.write("not hdf5\n")
        self.assert_error(self.run_cli("report", self.out("text.h5"), "-o", self.out("a.html")), 2)
        self.assert_error(self.run_cli("export", self.out("text.h5"), "--csv", self.out("c")), 2, "export")

    def test_bad_options(self):
        self.assert_error(self.run_cli("report", self.seek), 2)
        self.assert_error(self.run_cli("report", self.seek, "-o", self.out("a.html"), "--frob"), 2)
        self.assert_error(self.run_cli("report", self.results, "-o", self.out("a.html"),
                                       "--pyramid-years", "20x0"), 2)
        self.assert_error(self.run_cli("export", self.seek), 2, "export")

    def test_symlink_target_refused(self):
        victim = self.out("victim.txt")
        with open(victim, "w") as f:
            f.write("keep me\n")
        os.symlink(victim, self.out("link.html"))
        self.assert_error(self.run_cli("report", self.seek, "-o", self.out("link.html")), 2)
        self.assertTrue(os.path.islink(self.out("link.html")))
        with open(victim) as f:
            self.assertEqual(f.read(), "keep me\n")
        os.symlink(victim, self.out("link.nc"))
        self.assert_error(self.run_cli("export", self.seek, "--netcdf", self.out("link.nc")), 2, "export")
        with open(victim) as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_non_regular_targets_refused(self):
        os.mkdir(self.out("dir.html"))
        self.assert_error(self.run_cli("report", self.seek, "-o", self.out("dir.html")), 2)
        os.mkfifo(self.out("fifo.html"))
        self.assert_error(self.run_cli("report", self.seek, "-o", self.out("fifo.html")), 2)
        with open(self.out("file"), "w") as f:
            f.write("x")
        self.assert_error(self.run_cli("export", self.seek, "--csv", self.out("file")), 2, "export")

    def test_output_is_input(self):
        copy = self.out("copy.h5")
        with open(self.seek, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())
        before = digest(copy)
        self.assert_error(self.run_cli("report", copy, "-o", copy), 2)
        os.link(copy, self.out("hardlink.nc"))
        self.assert_error(self.run_cli("export", copy, "--netcdf", self.out("hardlink.nc")), 2, "export")
        self.assert_error(self.run_cli("report", copy, "-o", self.out("a.html"), "--pdf", copy), 2)
        self.assertEqual(digest(copy), before)
        self.assertEqual(pfsim.open(copy).kind, "goal-seek")

    def test_failure_removes_temporary(self):
        target = self.out("fail.html")
        stderr = io.StringIO()
        with mock.patch.object(report, "goal_seek_sections", side_effect=RuntimeError("boom")), \
                contextlib.redirect_stderr(stderr):
            self.assertEqual(cli.run(["report", self.seek, "-o", target, "--pdf", self.out("fail.pdf")]), 1)
        self.assertEqual(stderr.getvalue(), "pfsim report: error: RuntimeError: boom\n")
        self.assertFalse(os.path.exists(target))
        self.assertFalse(os.path.exists(self.out("fail.pdf")))

    def test_existing_output_replaced_whole(self):
        target = self.out("r.html")
        with open(target, "w") as f:
            f.write("old")
        self.assertEqual(cli.run(["report", self.seek, "-o", target]), 0)
        with open(target, encoding="utf-8") as f:
            self.assertTrue(f.read().startswith("<!DOCTYPE html>"))

    def test_outputs_must_differ(self):
        # Two outputs of one command naming the same file, however spelt.
        self.assert_error(self.run_cli("report", self.seek, "-o", self.out("same.out"), "--pdf",
                                       os.path.join(self.dir, ".", "same.out")), 2)
        self.assertFalse(os.path.exists(self.out("same.out")))
        self.assert_error(self.run_cli("export", self.seek, "--csv", self.out("c"), "--netcdf",
                                       self.out("c/evaluations.csv")), 2, "export")
        self.assertFalse(os.path.exists(self.out("c")))

    def test_refused_export_writes_nothing(self):
        # A link planted in the CSV directory: every target is checked
        # before the first is written.
        os.mkdir(self.out("csv"))
        victim = self.out("victim.txt")
        with open(victim, "w") as f:
            f.write("keep me\n")
        os.symlink(victim, self.out("csv/evaluations.csv"))
        self.assert_error(self.run_cli("export", self.seek, "--csv", self.out("csv"), "--netcdf", self.out("s.nc")),
                          2, "export")
        self.assertEqual(sorted(os.listdir(self.out("csv"))), ["evaluations.csv"])
        self.assertFalse(os.path.exists(self.out("s.nc")))
        with open(victim) as f:
            self.assertEqual(f.read(), "keep me\n")
        os.symlink(self.dir, self.out("csvlink"))
        self.assert_error(self.run_cli("export", self.seek, "--csv", self.out("csvlink")), 2, "export")

    def test_sigterm_and_sigint_stop_cleanly(self):
        # Stopped while writing the scenario report: status 130, nothing
        # left under the final names, no temporary left (tearDown).
        scenarios = pfsim_fixtures.path("scenarios.h5")
        for sig in (signal.SIGTERM, signal.SIGINT):
            target = self.out(f"stop-{sig.name}.html")
            proc = subprocess.Popen([sys.executable, "-m", "pfsim", "report", scenarios, "-o", target, "--pdf",
                                     self.out(f"stop-{sig.name}.pdf")], env=ENV, stderr=subprocess.PIPE, text=True)
            # Wait until the report is being written (its private directory exists).
            for _ in range(600):
                if any(f.startswith(f"stop-{sig.name}.pdf.tmp-") for f in os.listdir(self.dir)) or proc.poll() is not None:
                    break
                time.sleep(0.05)
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 130, f"{sig.name}: {err}")
            self.assertIn("pfsim report: error: interrupted", err)
            self.assertFalse(os.path.exists(target))
            self.assertFalse(os.path.exists(self.out(f"stop-{sig.name}.pdf")))


if __name__ == "__main__":
    unittest.main()
