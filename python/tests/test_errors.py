"""Bad input raises ValueError naming the argument; PyTorch tensors are accepted when torch is installed."""
import unittest

import numpy as np

import losslab

NAN = float("nan")


class BadInput(unittest.TestCase):
    CASES = [
        # (call, the words the message must contain)
        (lambda: losslab.dist([[0.0, 1.0]]), "logits should be 1-D"),
        (lambda: losslab.dist([0.0, NAN, 1.0]), "logits should be finite, but logits[1] is nan"),
        (lambda: losslab.dist(["a", "b"]), "logits should hold real numbers"),
        (lambda: losslab.dist([True, False]), "logits should hold real numbers"),
        (lambda: losslab.dist([0.0]), "logits should have at least 2 bins"),
        (lambda: losslab.dist([0.0, 1.0, 2.0], NAN), "target should be a finite number"),
        (lambda: losslab.dist([0.0, 1.0, 2.0], reg_max=3), "reg_max should be 2 for 3 bins under the mmdetection convention"),
        (lambda: losslab.dist([0.0, 1.0, 2.0], reg_max=2, convention="ultralytics"), "reg_max should be 3 for 3 bins under the ultralytics convention"),
        (lambda: losslab.dist([0.0, 1.0], convention="yolo"), "convention should be 'mmdetection'"),
        (lambda: losslab.sides(np.zeros(10)), "reg_logits should hold 4·bins logits"),
        (lambda: losslab.sides(np.zeros((3, 5))), "reg_logits should have shape (4, bins)"),
        (lambda: losslab.sides(np.zeros(20), [1.0, 2.0]), "targets should have shape (4,)"),
        (lambda: losslab.sides(np.zeros(20), [1.0, 2.0, 3.0, 4.0], stride=0), "stride should be a positive number"),
        (lambda: losslab.curves("qfl(s, 0.5, 2)"), "exactly one plotted variable"),
        (lambda: losslab.curves("qfl(s, t, 2)", s=(0, 1), t=(0, 1)), "exactly one plotted variable"),
        (lambda: losslab.curves("qfl(s, 0.5, 2)", s=(1, 0)), "s should be a range (lo, hi) with lo < hi"),
        (lambda: losslab.curves("", s=(0, 1)), "expr should be a LossLab expression"),
        (lambda: losslab.curves("qfl(s, y, 2)", s=(0, 1), y="half"), "y should be a number"),
        (lambda: losslab.curves("qfl(s, 0.5, b)", s=(0, 1), sliders={"b": (4, 0)}), "sliders['b'] should have min < max"),
        (lambda: losslab.curves("qfl(s, 0.5, b)", s=(0, 1), sliders={"b": (0, 4, 0.1, 9)}), "sliders['b'] should start inside [0, 4]"),
        (lambda: losslab.curves("qfl(s, 0.5, 2)", s=(0, 1), points=1), "points should be an integer ≥ 2"),
        (lambda: losslab.heatmap([1.0, 2.0]), "z should be 2-D"),
        (lambda: losslab.heatmap(np.ones((2, 3)), x=[0.0, 1.0]), "x should have one item per column of z (3)"),
        (lambda: losslab.hist([0.1, NAN]), "values should be finite"),
        (lambda: losslab.hist([0.1], bins=0), "bins should be an integer ≥ 1"),
        (lambda: losslab.hist([0.1], range=(1, 0)), "range should have low ≤ high"),
        (lambda: losslab.scatter(np.ones((3, 4))), "points should have shape (n, 2) or (n, 3)"),
        (lambda: losslab.scatter(np.ones((3, 2)), [0, 1]), "labels should have one item per point (3)"),
        (lambda: losslab.scatter(np.ones((3, 2)), centres=np.ones((2, 3))), "centres should have shape (k, 2)"),
        (lambda: losslab.table({"a": [1.0, 2.0], "b": [1.0]}), "data['b'] should have 2 values"),
        (lambda: losslab.table({"a": [1.0, NAN]}), "data['a'] should be finite"),
        (lambda: losslab.table({"a": [1.0]}, by="z"), "by should be one of the columns (a)"),
        (lambda: losslab.table([[1.0]]), "data should be a mapping"),
        (lambda: losslab.anchor_map([1.0, 2.0, 3.0], (2, 2)), "values should hold H·W = 4 values"),
        (lambda: losslab.anchor_map([1.0, 2.0], points=[[0, 0], [8, 0]]), "stride should be given with points"),
        (lambda: losslab.anchor_map([1.0, 2.0], points=[[0, 0]], stride=8), "points should have shape (2, 2)"),
        (lambda: losslab.anchor_map([1.0, 2.0]), "exactly one of shape=(H, W) and points"),
        (lambda: losslab.calibration([0.5, 0.6]), "exactly one of scores (probabilities) and logits"),
        (lambda: losslab.calibration([0.5, 0.6], [0.5]), "scores should have one value per iou (2)"),
        (lambda: losslab.calibration([0.5, 1.6], [0.5, 0.4]), "iou should lie in [0, 1]"),
        (lambda: losslab.calibration([0.5, 0.6], [0.5, 0.4], levels=[1]), "levels should have one value per iou"),
        (lambda: losslab.calibration(np.array([0.5, 0.6], dtype=np.complex128), [0.5, 0.4]), "iou should hold real numbers"),
    ]

    def test_each_names_its_argument(self) -> None:
        for call, words in self.CASES:
            with self.subTest(words):
                with self.assertRaises(ValueError) as caught:
                    call()
                self.assertIn(words, str(caught.exception))


class Torch(unittest.TestCase):
    def test_tensors_that_require_grad_are_read_through_detach(self) -> None:
        try:
            import torch
        except ImportError:
            self.skipTest("PyTorch is optional and not installed")
        logits = torch.tensor([0.0, 1.0, 3.0, 1.0], dtype=torch.float32, requires_grad=True)
        self.assertEqual(losslab.dist(logits, 1.5).spec, losslab.dist([0.0, 1.0, 3.0, 1.0], 1.5).spec)
        reg = torch.zeros(4, 17, requires_grad=True)
        self.assertEqual(len(losslab.sides(reg).spec["panels"]), 4)

    def test_a_duck_typed_tensor_is_converted(self) -> None:
        class FakeTensor:
            def detach(self) -> "FakeTensor":
                return self

            def cpu(self) -> "FakeTensor":
                return self

            def numpy(self) -> np.ndarray:
                return np.array([0.0, 2.0])

        self.assertEqual(losslab.dist(FakeTensor()).spec["probabilities"], losslab.dist([0.0, 2.0]).spec["probabilities"])


if __name__ == "__main__":
    unittest.main()
