"""DFL's bin distributions: ``dist`` (one distribution) and ``sides`` (an anchor's four sides).

The numbers mirror LossLab's TypeScript core (src/core/distributions.ts and
src/core/losses/dfl/): the softmax by log-sum-exp, the expectation Σ pᵢ·i in bins, the target
spread over bins ⌊y⌋ and ⌊y⌋ + 1 with weights (right − y, y − left), clamped at the ends, the DFL
wₗ·CE(left) + wᵣ·CE(right) and its entropy floor H(wₗ, wᵣ). The shared cases in
test/fixtures/dfl-shared-cases.json are checked on both sides.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ._arrays import to_array, to_number
from ._figure import Figure, Spec, base_spec, with_title

CONVENTIONS = ("mmdetection", "ultralytics")
#: How far below the last bin each codebase clamps a ground-truth distance: mmdetection's
#: ``bbox2distance(..., max_dis=reg_max, eps=0.1)`` and ultralytics' ``bbox2dist`` (reg_max − 0.01).
CLAMP_EPS = {"mmdetection": 0.1, "ultralytics": 0.01}
SIDES = ("l", "t", "r", "b")


def bin_count(reg_max: Optional[Any], convention: str, found: int, argument: str) -> int:
    """The bins that ``reg_max`` means under ``convention``, checked against the ``found`` bins.

    mmdetection's bins are 0, 1, …, reg_max (reg_max + 1 of them); ultralytics' are
    0, 1, …, reg_max − 1 (reg_max of them). Guessing would silently shift every decoded distance
    by a bin, so a ``reg_max`` that disagrees with the logits is a ValueError.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention should be 'mmdetection' (reg_max + 1 bins) or 'ultralytics' (reg_max bins), but is {convention!r}")
    if found < 2:
        raise ValueError(f"{argument} should have at least 2 bins, but has {found}")
    if reg_max is None:
        return found
    value = to_number("reg_max", reg_max)
    bins = int(value) + 1 if convention == "mmdetection" else int(value)
    if value != int(value) or bins != found:
        expected = found - 1 if convention == "mmdetection" else found
        raise ValueError(f"reg_max should be {expected} for {found} bins under the {convention} convention, but is {reg_max}")
    return found


def bin_distribution(logits: np.ndarray) -> Tuple[np.ndarray, float, float]:
    """Softmax of ``logits`` (bins,), its expectation Σ pᵢ·i, and logsumexp(logits)."""
    # Shifted by the maximum: exp never overflows, and dividing by the sum (rather than
    # subtracting logsumexp, whose ulp at |z| ~ 1000 is 1e-13) keeps Σ p = 1 to rounding. A row has
    # a few dozen bins: `math` and fsum make every digit reproducible, where NumPy's SIMD exp and
    # pairwise sums can change the last bit with the array's alignment.
    row = logits.tolist()
    shift = max(row)
    weights = [math.exp(z - shift) for z in row]
    total = math.fsum(weights)
    probabilities = np.array([w / total for w in weights])
    lse = shift + math.log(total)
    expectation = math.fsum(p * i for i, p in enumerate(probabilities.tolist()))
    return probabilities, expectation, lse


def interpolation(y: float, bins: int) -> Tuple[int, int, float, float]:
    """Bins (left, right) around y and their weights (right − y, y − left).

    y < 0 becomes (0, 1) with weights (1, 0), and y ≥ bins − 1 becomes (bins − 2, bins − 1) with
    weights (0, 1), the continuous limit (mmdetection would index past the last bin there).
    """
    if y < 0:
        return 0, 1, 1.0, 0.0
    if y >= bins - 1:
        return bins - 2, bins - 1, 0.0, 1.0
    left = math.floor(y)
    return left, left + 1, left + 1 - y, y - left


def binary_entropy(weight_left: float, weight_right: float) -> float:
    """H(wₗ, wᵣ) with 0·ln 0 = 0: the least DFL can be for a target with these weights."""
    return sum(-w * math.log(w) for w in (weight_left, weight_right) if w > 0)


def distribution_fields(logits: np.ndarray, target: Optional[float]) -> Dict[str, Any]:
    """A distribution's spec fields (DistributionFigure's, DistributionPanel's) for one row of logits."""
    probabilities, expectation, lse = bin_distribution(logits)
    fields: Dict[str, Any] = {"probabilities": probabilities.tolist(), "expectation": expectation}
    if target is None:
        return fields
    left, right, weight_left, weight_right = interpolation(target, logits.size)
    fields["target"] = {"y": target, "left": left, "right": right, "weightLeft": weight_left, "weightRight": weight_right}
    fields["loss"] = weight_left * (lse - float(logits[left])) + weight_right * (lse - float(logits[right]))
    fields["entropyFloor"] = binary_entropy(weight_left, weight_right)
    return fields


def dist(logits: Any, target: Optional[Any] = None, *, reg_max: Optional[int] = None, convention: str = "mmdetection", title: Optional[str] = None) -> Figure:
    """The DFL distribution of one row of bin logits.

    Parameters
    ----------
    logits : array_like or torch.Tensor, shape (bins,)
        Bin logits of one side of one anchor, finite, bins ≥ 2.
    target : float, optional
        The continuous target in bin units (a distance divided by the stride). When given, the
        figure marks its two neighbouring bins with their weights, and reports the DFL and its
        entropy floor. Targets outside [0, bins − 1) are clamped, as LossLab's core does.
    reg_max : int, optional
        Checked against the logits: bins = reg_max + 1 (mmdetection) or reg_max (ultralytics).
    convention : {'mmdetection', 'ultralytics'}
        How ``reg_max`` counts bins.
    title : str, optional
        The figure's title.

    Returns
    -------
    Figure
        A ``distribution`` figure: the softmax, its expectation Σ pᵢ·i and, for a target, the
        bins, weights, loss and floor.

    Raises
    ------
    ValueError
        Naming the argument: logits not 1-D or with NaN, a non-finite target, a ``reg_max`` that
        disagrees with the number of bins, an unknown convention.

    Examples
    --------
    >>> losslab.dist([0, 1, 3, 1, 0, -1, -2, -3], 2.4, reg_max=7)
    """
    row = to_array("logits", logits, ndim=(1,))
    bin_count(reg_max, convention, row.size, "logits")
    y = None if target is None else to_number("target", target)
    spec = base_spec("distribution", title, **distribution_fields(row, y))
    summary = f"distribution over {row.size} bins, expectation {spec['expectation']:.4g}"
    if y is not None:
        summary += f", target {y:g} (bins {spec['target']['left']}, {spec['target']['right']}), DFL {spec['loss']:.4g} (floor {spec['entropyFloor']:.4g})"
    return Figure(spec, with_title(summary, spec))


def sides(
    reg_logits: Any,
    targets: Optional[Any] = None,
    *,
    stride: Optional[float] = None,
    reg_max: Optional[int] = None,
    convention: str = "mmdetection",
    title: Optional[str] = None,
) -> Figure:
    """The four side distributions (l, t, r, b) of one anchor's DFL head.

    Parameters
    ----------
    reg_logits : array_like or torch.Tensor, shape (4·bins,) or (4, bins)
        The anchor's regression logits, side-major as mmdetection's ``gfl_reg`` and ultralytics'
        ``cv2`` heads lay them out (l's bins, then t's, r's and b's).
    targets : array_like, shape (4,), optional
        The anchor's ground-truth distances to the box sides (l, t, r, b): in pixels when
        ``stride`` is given, else in bins. Each is clamped into [0, bins − 1 − ε] as the head
        trains it (ε = 0.1 for mmdetection, 0.01 for ultralytics); a clamped side's panel is named
        ``l (gt 17.2 → 15.9)``.
    stride : float, optional
        The level's stride in pixels, dividing ``targets``.
    reg_max : int, optional
        Checked against the bins: bins = reg_max + 1 (mmdetection) or reg_max (ultralytics).
    convention : {'mmdetection', 'ultralytics'}
        How ``reg_max`` counts bins, and the clamp ε.
    title : str, optional
        The figure's title (default: 'side distributions').

    Returns
    -------
    Figure
        A ``distribution-grid`` figure of four panels, two to a row.

    Raises
    ------
    ValueError
        Naming the argument: logits whose size is not a multiple of 4 or that hold NaN, targets
        not of shape (4,), a non-positive stride, a ``reg_max`` that disagrees with the bins.
    """
    array = to_array("reg_logits", reg_logits, ndim=(1, 2))
    if array.ndim == 2 and array.shape[0] != 4:
        raise ValueError(f"reg_logits should have shape (4, bins) or (4·bins,), but has shape {tuple(array.shape)}")
    if array.size % 4 != 0:
        raise ValueError(f"reg_logits should hold 4·bins logits (l, t, r, b), but holds {array.size}")
    rows = array.reshape(4, -1)
    bins = bin_count(reg_max, convention, rows.shape[1], "reg_logits")
    clamped: Optional[List[Tuple[float, float]]] = None
    if targets is not None:
        distances = to_array("targets", targets, ndim=(1,))
        if distances.size != 4:
            raise ValueError(f"targets should have shape (4,) (l, t, r, b), but has shape {tuple(distances.shape)}")
        scale = 1.0
        if stride is not None:
            scale = to_number("stride", stride)
            if scale <= 0:
                raise ValueError(f"stride should be a positive number of pixels, but is {stride}")
        top = bins - 1 - CLAMP_EPS[convention]
        clamped = [(raw / scale, min(max(raw / scale, 0.0), top)) for raw in distances.tolist()]
    elif stride is not None:
        to_number("stride", stride)
    panels: List[Spec] = []
    for s, name in enumerate(SIDES):
        if clamped is None:
            panels.append({"name": name, **distribution_fields(rows[s], None)})
            continue
        raw, y = clamped[s]
        shown = f"{name} (gt {raw:.4g})" if raw == y else f"{name} (gt {raw:.4g} → {y:.4g})"
        panels.append({"name": shown, **distribution_fields(rows[s], y)})
    spec = base_spec("distribution-grid", "side distributions" if title is None else title, panels=panels, columns=2, xLabel="bin (stride units)")
    summary = ", ".join(f"{p['name']}: E {p['expectation']:.4g}" for p in panels)
    return Figure(spec, with_title(f"4 side distributions over {bins} bins ({summary})", spec))
