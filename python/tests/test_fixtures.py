"""The spec files the renderer's browser test draws, and samples/jupyter-bridge.ipynb, are what the package produces now."""
import os
import unittest

from tests import figure_fixtures


class FixturesAreCurrent(unittest.TestCase):
    def test_every_file_is_current(self) -> None:
        expected = figure_fixtures.build()
        on_disk = sorted(f[:-5] for f in os.listdir(figure_fixtures.FIXTURE_DIR) if f.endswith(".json"))
        self.assertEqual(on_disk, sorted(expected), "run /usr/bin/python3 python/tests/figure_fixtures.py")
        for name, fixture in expected.items():
            with self.subTest(name):
                with open(os.path.join(figure_fixtures.FIXTURE_DIR, f"{name}.json"), encoding="utf-8") as file:
                    self.assertEqual(file.read(), figure_fixtures.text(fixture), "run /usr/bin/python3 python/tests/figure_fixtures.py")


class SampleNotebookIsCurrent(unittest.TestCase):
    def test_samples_jupyter_bridge_is_what_its_script_writes(self) -> None:
        from tests import sample_notebook

        with open(sample_notebook.PATH, encoding="utf-8") as file:
            self.assertEqual(file.read(), sample_notebook.notebook_text(), "run /usr/bin/python3 python/tests/sample_notebook.py")


if __name__ == "__main__":
    unittest.main()
