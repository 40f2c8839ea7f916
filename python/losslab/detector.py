"""Detector views: a per-anchor value on a level's grid, and QFL's calibration."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np

from ._arrays import to_array, to_int, to_number
from ._figure import Figure, base_spec, label, with_title

#: The largest grid an anchor map lays out, so that a stray point cannot allocate a huge image (as the core).
MAX_GRID_CELLS = 4_000_000


def anchor_map(
    values: Any,
    shape: Optional[Tuple[int, int]] = None,
    *,
    points: Optional[Any] = None,
    stride: Optional[float] = None,
    z_label: Optional[str] = None,
    title: Optional[str] = None,
) -> Figure:
    """A per-anchor value (a loss, a score) laid out on one level's feature grid.

    Give either ``shape`` (the values are then row-major, as a level's flattened map) or the
    anchor ``points`` with the level's ``stride`` (anchor i goes to cell (⌊x/stride⌋, ⌊y/stride⌋),
    which places both mmdetection's offset-0 and offset-0.5 centres in their own cell, as the
    core does). Anchors sharing a cell add up; empty cells are left blank.

    Parameters
    ----------
    values : array_like or torch.Tensor, shape (n,) or (H, W)
        One finite value per anchor. A 2-D array is its own grid.
    shape : (int, int), optional
        The grid (H, W), with H·W = n.
    points : array_like, shape (n, 2), optional
        Anchor centres (x, y) in pixels.
    stride : float, optional
        The level's stride in pixels, with ``points``.
    z_label, title : str, optional
        Titles of the colour bar and the figure.

    Returns
    -------
    Figure
        An ``anchor-map`` figure; hovering a cell shows its anchor's 1-based position.

    Raises
    ------
    ValueError
        Naming the argument: NaN in values, a shape whose H·W ≠ n, points not (n, 2), a
        missing or non-positive stride, both or neither of shape and points.
    """
    array = to_array("values", values, ndim=(1, 2))
    if array.ndim == 2:
        if shape is not None or points is not None:
            raise ValueError("shape and points should be left out when values is already a 2-D grid")
        shape = (int(array.shape[0]), int(array.shape[1]))
        array = array.ravel()
    n = array.size
    cell_stride: Optional[float] = None
    if (shape is None) == (points is None):
        raise ValueError("anchor_map needs exactly one of shape=(H, W) and points=(n, 2) with stride")
    if shape is not None:
        if len(shape) != 2:
            raise ValueError(f"shape should be (H, W), but is {shape!r}")
        rows, cols = to_int("shape H", shape[0], least=1), to_int("shape W", shape[1], least=1)
        if rows * cols != n:
            raise ValueError(f"values should hold H·W = {rows * cols} values for shape ({rows}, {cols}), but holds {n}")
        cells = list(range(n))
    else:
        centres = to_array("points", points, ndim=(2,))
        if centres.shape != (n, 2):
            raise ValueError(f"points should have shape ({n}, 2), one (x, y) per value, but has shape {tuple(centres.shape)}")
        if stride is None:
            raise ValueError("stride should be given with points: the level's stride in pixels")
        cell_stride = to_number("stride", stride)
        if cell_stride <= 0:
            raise ValueError(f"stride should be a positive number of pixels, but is {stride}")
        # The small slack keeps x = j·stride computed in float32 from landing in cell j − 1.
        col = np.floor(centres[:, 0] / cell_stride + 1e-6).astype(np.int64)
        row = np.floor(centres[:, 1] / cell_stride + 1e-6).astype(np.int64)
        low_col, low_row = min(0, int(col.min(initial=0))), min(0, int(row.min(initial=0)))
        cols = int(col.max(initial=-1)) - low_col + 1
        rows = int(row.max(initial=-1)) - low_row + 1
        if n == 0:
            rows, cols = 0, 0
        if rows * cols > MAX_GRID_CELLS:
            raise ValueError(f"points should lie on a grid of at most {MAX_GRID_CELLS} cells at stride {cell_stride:g}, but span {rows}×{cols}")
        cells = ((row - low_row) * cols + (col - low_col)).tolist()
    z: List[Optional[float]] = [None] * (rows * cols)
    anchors: List[Optional[int]] = [None] * (rows * cols)
    for i, cell in enumerate(cells):
        z[cell] = (z[cell] or 0.0) + float(array[i])
        if anchors[cell] is None:
            anchors[cell] = i + 1
    grid = lambda flat: [flat[r * cols:(r + 1) * cols] for r in range(rows)]  # noqa: E731
    name = label("z_label", z_label, "value")
    spec = base_spec("anchor-map", f"{name} per anchor" if title is None else title, z=grid(z), anchors=grid(anchors), zLabel=name)
    if cell_stride is not None:
        spec["stride"] = cell_stride
    return Figure(spec, with_title(f"{name} of {n} anchors on a {rows}×{cols} grid", spec))


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    """σ(z) for each logit, stable for large |z| in both directions: 1/(1 + e^−z) for z ≥ 0 and
    e^z/(1 + e^z) below, never exponentiating a large positive number."""
    out = []
    for z in logits.tolist():
        e = math.exp(-abs(z))
        out.append(1 / (1 + e) if z >= 0 else e / (1 + e))
    return np.array(out, dtype=np.float64)


def calibration(
    iou: Any,
    scores: Optional[Any] = None,
    *,
    logits: Optional[Any] = None,
    bins: int = 10,
    levels: Optional[Any] = None,
    title: Optional[str] = None,
) -> Figure:
    """QFL's calibration on the positives: the predicted score of each against its IoU target.

    QFL trains σ of a positive's labelled class to equal the IoU of its decoded box with its
    ground truth, so perfect calibration is the diagonal.

    Parameters
    ----------
    iou : array_like or torch.Tensor, shape (n,)
        Each positive's IoU target (the QFL score), in [0, 1].
    scores : array_like, shape (n,), optional
        The predicted probability σ of each positive's labelled class, in [0, 1].
    logits : array_like, shape (n,), optional
        Or the labelled class's logit, turned into σ here (stably).
    bins : int
        Equal-width IoU bins of the reliability curve, the mean σ of each non-empty bin plotted
        at its mean IoU (0 for none).
    levels : array_like, shape (n,), optional
        Each positive's level counted from 1, for colours.
    title : str, optional
        The figure's title.

    Returns
    -------
    Figure
        A ``calibration`` figure.

    Raises
    ------
    ValueError
        Naming the argument: both or neither of scores and logits, lengths that differ, NaN,
        values outside [0, 1], a bin count outside 0 to 1000.
    """
    x = to_array("iou", iou, ndim=(1,))
    if (scores is None) == (logits is None):
        raise ValueError("calibration needs exactly one of scores (probabilities) and logits")
    name = "scores" if scores is not None else "logits"
    given = to_array(name, scores if scores is not None else logits, ndim=(1,))
    if given.size != x.size:
        raise ValueError(f"{name} should have one value per iou ({x.size}), but has {given.size}")
    y = given if scores is not None else _sigmoid(given)
    for arg, array in (("iou", x), ("scores", y)):
        if array.size and (array.min() < 0 or array.max() > 1):
            raise ValueError(f"{arg} should lie in [0, 1], but ranges over [{array.min():g}, {array.max():g}]")
    count = to_int("bins", bins, least=0)
    if count > 1000:
        raise ValueError(f"bins should be between 0 and 1000, but is {bins}")
    spec = base_spec(
        "calibration",
        f"QFL calibration of {x.size} positives" if title is None else title,
        x=x.tolist(),
        y=y.tolist(),
        anchors=list(range(1, x.size + 1)),
        xLabel="IoU target (QFL score)",
        yLabel="σ of the labelled class",
    )
    if levels is not None:
        level = to_array("levels", levels, ndim=(1,))
        if level.size != x.size:
            raise ValueError(f"levels should have one value per iou ({x.size}), but has {level.size}")
        spec["levels"] = level.tolist()
    if count > 0:
        spec["reliability"] = reliability(x.tolist(), y.tolist(), count)
    gap = math.fsum(abs(a - b) for a, b in zip(y.tolist(), x.tolist())) / x.size if x.size else 0.0
    return Figure(spec, with_title(f"{x.size} positives, mean |σ − IoU| {gap:.3g}", spec))


def reliability(x: Sequence[float], y: Sequence[float], bins: int) -> dict:
    """Mean x, mean y and count of the points in each non-empty equal-width bin of x over [0, 1]."""
    sums = [[0.0, 0.0, 0] for _ in range(bins)]
    for xi, yi in zip(x, y):
        b = min(bins - 1, max(0, math.floor(xi * bins)))
        sums[b][0] += xi
        sums[b][1] += yi
        sums[b][2] += 1
    kept = [s for s in sums if s[2] > 0]
    return {"x": [s[0] / s[2] for s in kept], "y": [s[1] / s[2] for s in kept], "counts": [s[2] for s in kept]}
