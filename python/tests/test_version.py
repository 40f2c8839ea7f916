"""The package is versioned together with the extension."""
import json
import os
import re
import unittest

from tests.schema import ROOT

import losslab


class Version(unittest.TestCase):
    def test_equals_package_json_and_pyproject(self) -> None:
        with open(os.path.join(ROOT, "package.json"), encoding="utf-8") as file:
            extension = json.load(file)["version"]
        with open(os.path.join(ROOT, "python", "pyproject.toml"), encoding="utf-8") as file:
            pyproject = re.search(r'^version = "([^"]+)"', file.read(), re.M)
        self.assertIsNotNone(pyproject)
        self.assertEqual(losslab.__version__, extension)
        self.assertEqual(pyproject.group(1) if pyproject else None, extension)

    def test_spec_version_equals_the_cores(self) -> None:
        with open(os.path.join(ROOT, "src", "core", "figures", "spec.ts"), encoding="utf-8") as file:
            core = re.search(r"FIGURE_SPEC_VERSION = (\d+)", file.read())
        self.assertEqual(str(losslab.SPEC_VERSION), core.group(1) if core else None)


if __name__ == "__main__":
    unittest.main()
