"""Values against independent references: the DFL cases shared with the TypeScript core, NumPy, closed forms."""
import json
import math
import os
import unittest

import numpy as np

from tests.schema import ROOT

import losslab

SHARED = os.path.join(ROOT, "test", "fixtures", "dfl-shared-cases.json")


class SharedDflCases(unittest.TestCase):
    """test/fixtures/dfl-shared-cases.json, which test/core/language/figures/dflShared.test.ts also reads."""

    def test_dist_matches_every_case(self) -> None:
        with open(SHARED, encoding="utf-8") as file:
            shared = json.load(file)
        self.assertGreaterEqual(len(shared["cases"]), 10)
        tolerance = shared["tolerance"]
        for case in shared["cases"]:
            with self.subTest(case["name"]):
                spec = losslab.dist(case["logits"], case["target"], reg_max=case["reg_max"], convention=case["convention"]).spec
                got = {"expectation": spec["expectation"], "loss": spec["loss"], "entropyFloor": spec["entropyFloor"], **spec["target"]}
                for key, want in case["expected"].items():
                    values = zip(spec["probabilities"], want) if key == "probabilities" else [(got[key], want)]
                    for value, expected in values:
                        self.assertLessEqual(abs(value - expected), tolerance * (1 + abs(expected)), f"{key}: {value} vs {expected}")


class DistributionIdentities(unittest.TestCase):
    def test_probabilities_sum_to_one_and_survive_huge_logits(self) -> None:
        spec = losslab.dist([1000.0, -1000.0, 999.0]).spec
        self.assertAlmostEqual(sum(spec["probabilities"]), 1.0, places=15)
        self.assertAlmostEqual(spec["probabilities"][2], 1 / (1 + math.e), places=15)

    def test_loss_is_at_least_its_entropy_floor(self) -> None:
        rng = np.random.default_rng(7)
        for _ in range(50):
            logits = rng.normal(size=9) * 3
            target = float(rng.uniform(0, 8))
            spec = losslab.dist(logits, target).spec
            self.assertGreaterEqual(spec["loss"], spec["entropyFloor"] - 1e-12)

    def test_sides_panels_equal_dist_of_each_side(self) -> None:
        rng = np.random.default_rng(3)
        logits = rng.normal(size=(4, 17))
        targets = np.array([3.2, 0.4, 15.95, -1.0])
        sides = losslab.sides(logits, targets).spec
        # mmdetection clamps distances to [0, reg_max − 0.1] with reg_max = bins − 1 = 16.
        clamped = [3.2, 0.4, 15.9, 0.0]
        for s, panel in enumerate(sides["panels"]):
            single = losslab.dist(logits[s], clamped[s]).spec
            self.assertEqual(panel["probabilities"], single["probabilities"])
            self.assertEqual(panel["target"], single["target"])
        self.assertEqual([p["name"] for p in sides["panels"]], ["l (gt 3.2)", "t (gt 0.4)", "r (gt 15.95 → 15.9)", "b (gt -1 → 0)"])

    def test_sides_in_pixels_divide_by_the_stride_and_ultralytics_clamps_0_01_below_its_last_bin(self) -> None:
        logits = np.zeros(64)
        # ultralytics has 16 bins (0 … 15) for reg_max 16 and clamps to reg_max − 1 − 0.01.
        spec = losslab.sides(logits, [8.0, 16.0, 160.0, 0.0], stride=8, convention="ultralytics", reg_max=16).spec
        self.assertEqual([p["target"]["y"] for p in spec["panels"]], [1.0, 2.0, 14.99, 0.0])
        self.assertAlmostEqual(spec["panels"][0]["expectation"], 7.5, places=13)


class FigureValues(unittest.TestCase):
    def test_hist_counts_equal_numpys(self) -> None:
        values = np.random.default_rng(1).normal(size=500)
        spec = losslab.hist(values, bins=12, range=(-2, 2)).spec
        counts, edges = np.histogram(values, bins=12, range=(-2, 2))
        self.assertEqual(spec["counts"], counts.tolist())
        np.testing.assert_allclose(spec["binEdges"], edges, rtol=0, atol=1e-12)
        # The step 1/3 written to 12 significant digits has 12 decimals, which the core's grid rounds each edge to.
        self.assertEqual(spec["binEdges"][1], -1.666666666667)

    def test_hist_edges_print_as_short_decimals(self) -> None:
        self.assertEqual(losslab.hist([0.5], bins=5, range=(0, 1)).spec["binEdges"], [0, 0.2, 0.4, 0.6, 0.8, 1])

    def test_scatter_normalize_puts_points_on_the_unit_sphere(self) -> None:
        spec = losslab.scatter([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0]], normalize=True).spec
        self.assertEqual(spec["points"], [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0]])
        self.assertTrue(spec["unitSphere"])
        self.assertEqual(spec["dimensions"], 3)

    def test_table_sorts_stably_and_indexes_from_one(self) -> None:
        spec = losslab.table({"loss": [1.0, 3.0, 1.0, 2.0]}, by="loss").spec
        self.assertEqual(spec["rows"], [[2, 3.0], [4, 2.0], [1, 1.0], [3, 1.0]])
        self.assertEqual(losslab.table({"loss": [1.0, 3.0, 2.0]}, by="loss", ascending=True, k=2).spec["rows"], [[1, 1.0], [3, 2.0]])

    def test_anchor_map_from_points_sums_shared_cells_and_leaves_holes(self) -> None:
        spec = losslab.anchor_map([1.0, 2.0, 5.0], points=[[4, 4], [4, 5], [20, 12]], stride=8).spec
        self.assertEqual(spec["z"], [[3.0, None, None], [None, None, 5.0]])
        self.assertEqual(spec["anchors"], [[1, None, None], [None, None, 3]])
        self.assertEqual(losslab.anchor_map(np.arange(6.0), (2, 3)).spec["z"], [[0, 1, 2], [3, 4, 5]])

    def test_calibration_sigmoid_is_stable_and_bins_average(self) -> None:
        spec = losslab.calibration([0.05, 0.15, 0.12, 0.95], logits=[-800.0, 0.0, math.log(3), 800.0], bins=10).spec
        self.assertEqual(spec["y"], [0.0, 0.5, 0.75, 1.0])
        self.assertEqual(spec["reliability"]["counts"], [1, 2, 1])
        self.assertAlmostEqual(spec["reliability"]["y"][1], 0.625)
        self.assertAlmostEqual(spec["reliability"]["x"][1], 0.135)

    def test_curves_carry_a_statement_the_renderer_recomputes(self) -> None:
        spec = losslab.curves("qfl(s, y, beta)", s=(0.01, 0.99), y=0.5, sliders={"beta": (0, 4, 0.1, 2)}).spec
        self.assertEqual(spec["source"]["statement"], "plot(qfl(s, y, beta), s, 0.01, 0.99, {points: 200, grad: true, sliders: {beta: [0, 4, 0.1]}})")
        self.assertEqual(spec["source"]["bindings"], {"y": 0.5, "beta": 2.0})
        self.assertEqual(spec["sliders"], [{"name": "beta", "min": 0.0, "max": 4.0, "step": 0.1, "value": 2.0}])
        self.assertEqual((spec["x"], spec["series"]), ([], []))

    def test_a_slider_starts_at_its_binding(self) -> None:
        spec = losslab.curves("focal(p, 1, alpha, gamma)", p=(0, 1), alpha=0.25, gamma=2, sliders={"gamma": (0, 5)}).spec
        self.assertEqual(spec["sliders"][0]["value"], 2.0)
        self.assertAlmostEqual(spec["sliders"][0]["step"], 0.05)


if __name__ == "__main__":
    unittest.main()
