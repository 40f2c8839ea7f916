"""Writes samples/jupyter-bridge.ipynb with its outputs stored, without Jupyter.

Each code cell is run here, in one namespace, as a kernel would: a cell whose last statement is
an expression displays its value, and a LossLab figure's ``_repr_mimebundle_`` becomes the
cell's ``execute_result``. So the notebook opens with every figure drawn, no kernel needed, and
its code is exactly what produced them. python/tests/test_fixtures.py checks the file is current.
Run from the repository root:

    /usr/bin/python3 python/tests/sample_notebook.py
"""
from __future__ import annotations

import ast
import json
import os
import sys
from typing import Any, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

PATH = os.path.join(ROOT, "samples", "jupyter-bridge.ipynb")

# (kind, source): the notebook, cell by cell.
CELLS: List[Tuple[str, str]] = [
    ("markdown", """# LossLab figures in a Jupyter notebook

The `losslab` Python package (`pip install ./python` from the LossLab repository) turns arrays and
tensors into LossLab figures. The LossLab extension draws them right here, in VS Code's Jupyter
notebook: theming, sliders, PNG/SVG export and Copy JSON work as in a `.lossnb`. Every output
below is stored in the file, so it draws without a Python kernel. See `docs/jupyter.md`."""),
    ("code", """import numpy as np
import losslab

losslab.__version__"""),
    ("markdown", """## One side's DFL distribution

Eight bins (mmdetection's `reg_max = 7`), a target of 2.4 bins: DFL spreads it over bins 2 and 3
with weights 0.6 and 0.4. Hover `DistributionFocalLoss` below for its formula."""),
    ("code", """try:
    from mmdet.models.losses import DistributionFocalLoss
    loss_dfl = DistributionFocalLoss(loss_weight=0.25)
except ImportError:  # the sample runs without mmdetection
    DistributionFocalLoss = None

losslab.dist([0, 1, 3, 1, 0, -1, -2, -3], 2.4, reg_max=7, title="DFL bins of one side")"""),
    ("markdown", """## The four sides of one anchor

Regression logits as a GFL head emits them for one anchor (4 × 17 bins), against its ground-truth
distances in pixels at stride 8. The right side's 150 px is beyond the last bin, so it is clamped
to 15.9 bins, as mmdetection trains it."""),
    ("code", """rng = np.random.default_rng(0)
reg = rng.normal(0, 0.5, size=(4, 17))
reg[[0, 1, 2, 3], [2, 5, 15, 1]] += [4, 3, 2, 5]
losslab.sides(reg, [12.0, 40.0, 150.0, 6.0], stride=8, reg_max=16, title="anchor 1 of level 1")"""),
    ("markdown", """## A curve with a live slider

The expression is LossLab's cell language; the renderer's bundled core computes the curve and its
exact gradient, and recomputes them as `beta` moves, with no round trip to Python. "Write values
to cells" writes the slider's value back into `beta = …`."""),
    ("code", """beta = 2.0
losslab.curves("qfl(s, y, beta)", s=(0.01, 0.99), y=0.5, beta=beta, sliders={"beta": (0, 4, 0.1)}, title="QFL against σ, IoU target 0.5")"""),
    ("markdown", "## Heat map, histogram, embeddings and a table"),
    ("code", """sigma = np.linspace(0.01, 0.99, 41)
iou = np.linspace(0, 1, 21)
s, y = np.meshgrid(sigma, iou)
bce = -(y * np.log(s) + (1 - y) * np.log(1 - s))
losslab.heatmap(bce * np.abs(y - s) ** 2, sigma, iou, x_label="σ", y_label="IoU target", z_label="QFL (β = 2)")"""),
    ("code", """ious = np.clip(rng.beta(5, 2, size=400), 0, 1)
losslab.hist(ious, bins=20, range=(0, 1), x_label="IoU of positives")"""),
    ("code", """centres = np.eye(3)
labels = rng.integers(0, 3, size=60)
embeddings = centres[labels] + rng.normal(0, 0.25, size=(60, 3))
losslab.scatter(embeddings, labels, normalize=True, centres=centres, margin=0.5, title="ArcFace embeddings on the unit sphere")"""),
    ("code", """losslab.table({"loss": [0.41, 2.73, 0.12, 1.58, 0.96], "iou": [0.81, 0.22, 0.93, 0.41, 0.64], "class": ["car", "person", "car", "dog", "person"]}, by="loss", k=3, title="hardest anchors")"""),
    ("markdown", "## Detector views: a per-anchor loss on the level's grid, and QFL calibration"),
    ("code", """loss_map = np.exp(-((np.arange(10)[:, None] - 3) ** 2 + (np.arange(12)[None, :] - 7) ** 2) / 8)
losslab.anchor_map(loss_map, z_label="loss", title="loss per anchor, stride 8")"""),
    ("code", """targets = rng.uniform(0.2, 0.95, size=80)
logits = np.log(targets / (1 - targets)) + rng.normal(-0.6, 0.5, size=80)
losslab.calibration(targets, logits=logits, bins=10, title="σ against IoU: under-confident")"""),
    ("markdown", """## From a live mmdetection model

With a model in this notebook, a forward hook on `bbox_head` gives the raw per-level maps; one
anchor's 4·(reg_max + 1) regression logits go straight to `losslab.sides` (tensors are accepted
as they are, on any device):

```python
outputs = {}
hook = model.bbox_head.register_forward_hook(lambda module, args, result: outputs.update(head=result))
model.test_step(data)  # or model(inputs, data_samples, mode="tensor")
hook.remove()
cls_scores, bbox_preds = outputs["head"]          # lists over levels: (N, C, H, W), (N, 4·17, H, W)
level, row, col = 0, 12, 20
losslab.sides(bbox_preds[level][0, :, row, col], reg_max=model.bbox_head.reg_max)
```

`docs/jupyter.md` has the whole recipe."""),
]


def run(cells: List[Tuple[str, str]]) -> List[Dict[str, Any]]:
    """The notebook's cells with their outputs, from running the code cells in order."""
    scope: Dict[str, Any] = {"__name__": "__main__"}
    count = 0
    out: List[Dict[str, Any]] = []
    for kind, source in cells:
        lines = source.splitlines(keepends=True)
        if kind == "markdown":
            out.append({"cell_type": "markdown", "metadata": {}, "source": lines})
            continue
        count += 1
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        exec(compile(body, f"<cell {count}>", "exec"), scope)  # noqa: S102
        outputs: List[Dict[str, Any]] = []
        if last is not None:
            value = eval(compile(ast.Expression(body=last.value), f"<cell {count}>", "eval"), scope)  # noqa: S307
            if value is not None:
                data = value._repr_mimebundle_() if hasattr(value, "_repr_mimebundle_") else {"text/plain": repr(value)}
                outputs.append({"output_type": "execute_result", "execution_count": count, "metadata": {}, "data": data})
        out.append({"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": outputs, "source": lines})
    return out


def notebook_text() -> str:
    """The .ipynb's exact text (nbformat 4.5)."""
    notebook = {
        "cells": run(CELLS),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.9"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # nbformat 4.5 wants cell ids; stable ones keep the file's bytes reproducible.
    for i, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{i + 1:02d}"
    return json.dumps(notebook, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


if __name__ == "__main__":
    with open(PATH, "w", encoding="utf-8") as file:
        file.write(notebook_text())
    print(f"wrote {PATH}")
