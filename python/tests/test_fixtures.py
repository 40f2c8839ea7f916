"""The spec files the renderer's browser test draws, and samples/jupyter-bridge.ipynb, are what the package produces now."""
import json
import os
import unittest
from typing import Any, List

from tests import figure_fixtures

REGENERATE = "run /usr/bin/python3 python/tests/figure_fixtures.py and python/tests/sample_notebook.py"


def differences(got: Any, want: Any, path: str = "$") -> List[str]:
    """Where two JSON values differ: structure and strings exactly, numbers to 1e-12 relative
    (NumPy's SIMD kernels may change a last bit between runs, e.g. with an array's alignment)."""
    if isinstance(want, bool) or isinstance(got, bool) or not isinstance(want, (int, float)) or not isinstance(got, (int, float)):
        if isinstance(want, dict) and isinstance(got, dict):
            if sorted(got) != sorted(want):
                return [f"{path}: keys {sorted(got)} != {sorted(want)}"]
            return [d for key in want for d in differences(got[key], want[key], f"{path}.{key}")]
        if isinstance(want, list) and isinstance(got, list):
            if len(got) != len(want):
                return [f"{path}: {len(got)} items != {len(want)}"]
            return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
        return [] if got == want and type(got) is type(want) else [f"{path}: {got!r} != {want!r}"]
    return [] if abs(got - want) <= 1e-12 * (1 + abs(want)) else [f"{path}: {got!r} != {want!r}"]


class FixturesAreCurrent(unittest.TestCase):
    def test_every_file_is_current(self) -> None:
        expected = figure_fixtures.build()
        on_disk = sorted(f[:-5] for f in os.listdir(figure_fixtures.FIXTURE_DIR) if f.endswith(".json"))
        self.assertEqual(on_disk, sorted(expected), REGENERATE)
        for name, fixture in expected.items():
            with self.subTest(name):
                with open(os.path.join(figure_fixtures.FIXTURE_DIR, f"{name}.json"), encoding="utf-8") as file:
                    self.assertEqual(differences(json.load(file), json.loads(figure_fixtures.text(fixture))), [], REGENERATE)

    def test_the_comparison_can_fail(self) -> None:
        self.assertEqual(differences({"a": [1.0, "x"]}, {"a": [1.0 + 1e-15, "x"]}), [])
        self.assertEqual(differences({"a": [1.0]}, {"a": [1.001]}), ["$.a[0]: 1.0 != 1.001"])
        self.assertEqual(differences({"a": None}, {"a": 0}), ["$.a: None != 0"])
        self.assertEqual(differences({"a": 1}, {"b": 1}), ["$: keys ['a'] != ['b']"])


class SampleNotebookIsCurrent(unittest.TestCase):
    def test_samples_jupyter_bridge_is_what_its_script_writes(self) -> None:
        from tests import sample_notebook

        with open(sample_notebook.PATH, encoding="utf-8") as file:
            self.assertEqual(differences(json.load(file), json.loads(sample_notebook.notebook_text())), [], REGENERATE)


if __name__ == "__main__":
    unittest.main()
