"""The report in a real browser (headless Chromium): the page renders to a
non-blank screenshot and its DOM holds every section heading."""

import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402

import pfsim_fixtures  # noqa: E402
from pfsim import report  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADINGS = ["Provenance", "Key figures", "Fund", "Depletion", "Preservation and appreciation",
            "Shortfall risk", "Who pays", "Economy", "Demography"]


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # scripts/install-deps.sh installs Debian's chromium: its absence is a
        # failure, not a reason to skip.
        if not CHROMIUM:
            raise unittest.SkipTest("chromium") if os.environ.get("PFSIM_ALLOW_NO_BROWSER") else RuntimeError(
                "chromium is not installed (scripts/install-deps.sh installs it)")
        cls.dir = pfsim_fixtures.scratch()
        cls.html = os.path.join(cls.dir, "results.html")
        report.build(pfsim_fixtures.path("results.h5"), cls.html)

    def chromium(self, *args):
        with tempfile.TemporaryDirectory(prefix="pfsim-chromium-") as profile:
            return subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
                 "--window-size=1280,6000", *args, "file://" + self.html],
                capture_output=True, text=True, timeout=120)

    def test_screenshot_is_not_blank(self):
        png = os.path.join(self.dir, "shot.png")
        done = self.chromium(f"--screenshot={png}")
        self.assertTrue(os.path.exists(png), done.stderr[-2000:])
        image = matplotlib.image.imread(png)
        self.assertEqual(image.shape[:2], (6000, 1280))
        gray = image[..., :3].mean(axis=2)
        # A page of charts varies; a blank or error page is nearly uniform.
        self.assertGreater(float(np.var(gray)), 0.01)
        # Charts are colour: some pixels are far from gray.
        spread = image[..., :3].max(axis=2) - image[..., :3].min(axis=2)
        self.assertGreater(float((spread > 0.3).mean()), 0.005)

    def test_dom_has_every_heading(self):
        done = self.chromium("--dump-dom")
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        dom = done.stdout
        for heading in HEADINGS:
            self.assertRegex(dom, rf'<h2 id="[a-z-]+-heading">{heading}</h2>')
        self.assertGreaterEqual(dom.count("<img "), 15)


if __name__ == "__main__":
    unittest.main()
