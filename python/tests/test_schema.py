"""Every function's spec validates against schemas/figure.schema.json, and the mime bundle is right."""
import json
import unittest

from tests import figure_fixtures
from tests.schema import load, validate

import losslab


class SchemaTest(unittest.TestCase):
    schema = load()

    def test_every_function_has_a_fixture(self) -> None:
        called = {call.split("(")[0].replace("losslab.", "") for call in figure_fixtures.CALLS.values()}
        functions = {"dist", "sides", "curves", "heatmap", "hist", "scatter", "table", "anchor_map", "calibration"}
        self.assertEqual(functions - called, set())

    def test_every_spec_validates(self) -> None:
        for name, fixture in figure_fixtures.build().items():
            with self.subTest(name):
                self.assertEqual(validate(self.schema, fixture["spec"]), [])

    def test_every_figure_stored_in_the_sample_notebook_validates(self) -> None:
        from tests import sample_notebook

        notebook = json.loads(sample_notebook.notebook_text())
        specs = [o["data"][losslab.FIGURE_MIME] for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"] if losslab.FIGURE_MIME in o["data"]]
        self.assertEqual(len(specs), 9)
        for spec in specs:
            with self.subTest(spec["kind"]):
                self.assertEqual(validate(self.schema, spec), [])

    def test_variants_validate(self) -> None:
        figures = {
            "dist without target": losslab.dist([1.0, 2.0, 0.5]),
            "sides without targets": losslab.sides([[0.0, 1.0, 2.0]] * 4, reg_max=3, convention="ultralytics"),
            "curves without sliders, several expressions": losslab.curves(["focal(p, 1, 0.25, 2)", "focal(p, 1, 0.25, 0)"], p=(0.01, 0.99), names=["γ 2", "γ 0"], grad=False),
            "anchor map from points": losslab.anchor_map([1.0, 2.0, 3.0], points=[[4, 4], [12, 4], [4, 12]], stride=8),
            "calibration from scores with levels": losslab.calibration([0.3, 0.7], [0.4, 0.6], levels=[1, 2], bins=0),
            "empty histogram": losslab.hist([], bins=3),
        }
        for name, figure in figures.items():
            with self.subTest(name):
                self.assertEqual(validate(self.schema, figure.spec), [])

    def test_the_validator_can_fail(self) -> None:
        spec = dict(losslab.dist([0.0, 1.0]).spec)
        self.assertEqual(validate(self.schema, {**spec, "version": 2})[0], "$.version: expected 1, got 2")
        del spec["expectation"]
        self.assertEqual(validate(self.schema, spec), ["$: missing expectation"])
        self.assertIn("unexpected property colour", validate(self.schema, {**losslab.dist([0.0, 1.0]).spec, "colour": "red"})[0])

    def test_mime_bundle(self) -> None:
        figure = losslab.dist([0.0, 1.0, 3.0], 1.5)
        bundle = figure._repr_mimebundle_()
        self.assertEqual(set(bundle), {"application/vnd.losslab.figure+json", "text/plain"})
        self.assertIs(bundle[losslab.FIGURE_MIME], figure.spec)
        self.assertIn("DFL", bundle["text/plain"])
        # What the notebook stores must be strict JSON (no NaN), and round-trip.
        self.assertEqual(json.loads(figure.to_json()), figure.spec)


if __name__ == "__main__":
    unittest.main()
