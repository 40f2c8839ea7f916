"""The specs the Python package produces, kept as files for the renderer's browser test.

test/fixtures/figures/python/<name>.json holds ``{"name", "python", "spec"}``: the call and the
spec it returns. test/renderer/python.test.ts draws every one with the real renderer bundle, and
python/tests/test_fixtures.py fails when a file is not what the package produces now, so the two
sides cannot drift. Regenerate from the repository root with

    /usr/bin/python3 python/tests/figure_fixtures.py
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

import numpy as np  # noqa: E402

import losslab  # noqa: E402

FIXTURE_DIR = os.path.join(ROOT, "test", "fixtures", "figures", "python")

#: name → the call, evaluated with ``losslab`` and ``np`` in scope.
CALLS: Dict[str, str] = {
    "dist": "losslab.dist([0, 1, 3, 1, 0, -1, -2, -3], 2.4, reg_max=7, title='DFL bins')",
    "sides": "losslab.sides(np.tile(np.concatenate([np.zeros(2), [3.0], np.zeros(14)]), 4), [10.0, 20.0, 150.0, 4.0], stride=8, reg_max=16, title='anchor 1')",
    "curves": "losslab.curves('qfl(s, y, beta)', s=(0.01, 0.99), y=0.5, sliders={'beta': (0, 4, 0.1, 2)}, points=199, title='QFL')",
    "heatmap": "losslab.heatmap(np.outer(np.linspace(0, 1, 5), np.linspace(1, 2, 7)), np.linspace(1, 2, 7), np.linspace(0, 1, 5), x_label='sigma', y_label='IoU', z_label='product')",
    "hist": "losslab.hist([0.1, 0.22, 0.25, 0.3, 0.5, 0.55, 0.58, 0.41, 0.45, 0.9, 0.95, 0.99], bins=5, range=(0, 1), x_label='IoU')",
    "scatter": "losslab.scatter([[1, 0.1], [0.9, 0.3], [-0.2, 1], [-0.1, 0.8], [-1, -0.2], [-0.7, -0.6]], [0, 0, 1, 1, 2, 2], normalize=True, centres=[[1, 0], [0, 1], [-1, 0]], margin=0.3, title='embeddings')",
    "scatter3d": "losslab.scatter([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, 0.8, 0]], [0, 1, 2, 0], normalize=True, title='on the sphere')",
    "table": "losslab.table({'loss': [0.5, 2.5, 0.1, 1.5], 'iou': [0.9, 0.2, 0.95, 0.4], 'class': ['car', 'person', 'car', 'dog']}, by='loss', k=3, title='hardest anchors')",
    "anchor_map": "losslab.anchor_map(np.arange(12.0).reshape(3, 4), z_label='loss', title='loss per anchor')",
    "calibration": "losslab.calibration([0.2, 0.35, 0.5, 0.62, 0.8, 0.9], logits=[-1.2, -0.4, 0.1, 0.3, 1.1, 2.5], bins=5)",
}


def build() -> Dict[str, Dict[str, Any]]:
    """Every fixture as the files hold it, computed by the package now."""
    scope = {"losslab": losslab, "np": np}
    return {name: {"name": name, "python": call, "spec": eval(call, scope).spec} for name, call in CALLS.items()}  # noqa: S307


def text(fixture: Dict[str, Any]) -> str:
    """A fixture file's exact text."""
    return json.dumps(fixture, ensure_ascii=False, allow_nan=False) + "\n"


if __name__ == "__main__":
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    for name, fixture in build().items():
        with open(os.path.join(FIXTURE_DIR, f"{name}.json"), "w", encoding="utf-8") as out:
            out.write(text(fixture))
    print(f"{len(CALLS)} fixtures written to {FIXTURE_DIR}")
