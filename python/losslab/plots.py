"""Curves, heat maps, histograms and scatter plots."""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from ._arrays import same_length, to_array, to_int, to_list, to_number
from ._figure import Figure, Spec, base_spec, label, with_title

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SliderRange = Union[Tuple[float, float], Tuple[float, float, float], Tuple[float, float, float, float]]


def _literal(value: Any) -> str:
    """A number, string or list written in the cell language (mathjs syntax)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _slider(name: str, value: Any, current: Optional[float]) -> Dict[str, float]:
    """A SliderSpec from (min, max[, step[, value]]); the value defaults to the binding, else min."""
    where = f"sliders[{name!r}]"
    if not isinstance(value, (tuple, list)) or not 2 <= len(value) <= 4:
        raise ValueError(f"{where} should be (min, max), (min, max, step) or (min, max, step, value), but is {value!r}")
    low, high = to_number(f"{where} min", value[0]), to_number(f"{where} max", value[1])
    if not low < high:
        raise ValueError(f"{where} should have min < max, but is {value!r}")
    step = to_number(f"{where} step", value[2]) if len(value) > 2 else (high - low) / 100
    if step <= 0:
        raise ValueError(f"{where} should have a positive step, but is {value!r}")
    start = to_number(f"{where} value", value[3]) if len(value) > 3 else (low if current is None else current)
    if not low <= start <= high:
        raise ValueError(f"{where} should start inside [{low:g}, {high:g}], but starts at {start:g}")
    return {"name": name, "min": low, "max": high, "step": step, "value": start}


def curves(
    expr: Union[str, Sequence[str]],
    /,
    *,
    sliders: Optional[Mapping[str, SliderRange]] = None,
    grad: bool = True,
    points: int = 200,
    names: Optional[Sequence[str]] = None,
    definitions: Sequence[str] = (),
    title: Optional[str] = None,
    x_label: Optional[str] = None,
    y_label: Optional[str] = None,
    **variables: Any,
) -> Figure:
    """Curves of a LossLab expression, recomputed by the renderer as its sliders move.

    The expression is in LossLab's cell language (``docs/language.md``), e.g.
    ``"qfl(s, y, beta)"``. Python does not evaluate it: the figure carries the ``plot(…)``
    statement, the definitions it calls and the values it reads, and the renderer's bundled core
    computes the curves (and their exact gradients) when it first draws them and again on every
    slider move, without a kernel round trip. A mistake in the expression shows under the figure.

    Parameters
    ----------
    expr : str or sequence of str
        One expression, or several (one curve each).
    sliders : mapping of str to tuple, optional
        Live parameters: ``{"beta": (0, 4, 0.1)}``, as (min, max), (min, max, step) or
        (min, max, step, value). A slider starts at its 4th item, else its keyword value, else min.
    grad : bool
        Also draw the exact derivative along the plotted variable, on a second axis.
    points : int
        How many points the range is sampled at (2 to 100000).
    names : sequence of str, optional
        One name per expression, for the legend.
    definitions : sequence of str
        Function definitions the expression calls, e.g. ``["f(x) = x^2"]``.
    title, x_label, y_label : str, optional
        Titles of the figure and its axes.
    **variables
        Exactly one ``name=(lo, hi)``: the plotted variable and its range. Any other
        ``name=value`` (a number or a list of numbers) binds a name the expression reads.

    Returns
    -------
    Figure
        A ``curves`` figure whose series the renderer computes from its ``source``.

    Raises
    ------
    ValueError
        Naming the argument: no or several ranges, a bad name, a range or slider with lo ≥ hi,
        a non-numeric binding, a slider without a start inside its range.

    Examples
    --------
    >>> losslab.curves("qfl(s, y, beta)", s=(0.01, 0.99), y=0.5, sliders={"beta": (0, 4, 0.1, 2)})
    """
    expressions = [expr] if isinstance(expr, str) else list(expr)
    if not expressions or not all(isinstance(e, str) and e.strip() for e in expressions):
        raise ValueError(f"expr should be a LossLab expression (a non-empty string) or a list of them, but is {expr!r}")
    if any(not isinstance(d, str) for d in definitions):
        raise ValueError(f"definitions should be strings such as 'f(x) = x^2', but are {definitions!r}")
    ranges = {k: v for k, v in variables.items() if isinstance(v, tuple)}
    if len(ranges) != 1:
        raise ValueError(f"curves needs exactly one plotted variable given as name=(lo, hi), but got {sorted(ranges) or 'none'}")
    (var, span), = ranges.items()
    if len(span) != 2:
        raise ValueError(f"{var} should be a range (lo, hi), but is {span!r}")
    low, high = to_number(f"{var} lo", span[0]), to_number(f"{var} hi", span[1])
    if not low < high:
        raise ValueError(f"{var} should be a range (lo, hi) with lo < hi, but is {span!r}")
    count = to_int("points", points, least=2)
    if count > 100_000:
        raise ValueError(f"points should be at most 100000, but is {points}")
    bindings: Dict[str, Any] = {}
    for name, value in variables.items():
        if name != var:
            bindings[name] = to_number(name, value) if np.ndim(value) == 0 else to_list(to_array(name, value, ndim=(1, 2)))
    slider_specs = []
    for name, value in (sliders or {}).items():
        if not _NAME.match(name):
            raise ValueError(f"sliders should be keyed by names, but has {name!r}")
        if name == var:
            raise ValueError(f"sliders[{name!r}] names the plotted variable; a slider needs a parameter of its own")
        current = bindings.get(name)
        slider_specs.append(_slider(name, value, current if isinstance(current, float) else None))
        bindings[name] = slider_specs[-1]["value"]
    if names is not None:
        same_length("names", list(names), "expression", len(expressions))
    options: List[str] = [f"points: {count}", f"grad: {'true' if grad else 'false'}"]
    if slider_specs:
        options.append("sliders: {" + ", ".join(f"{s['name']}: {_literal([s['min'], s['max'], s['step']])}" for s in slider_specs) + "}")
    for key, value in (("names", None if names is None else list(names)), ("title", title), ("x_label", x_label), ("y_label", y_label)):
        if value is not None:
            options.append(f"{key}: {_literal(value)}")
    shown = expressions[0] if len(expressions) == 1 else "[" + ", ".join(expressions) + "]"
    statement = f"plot({shown}, {var}, {_literal(low)}, {_literal(high)}, {{{', '.join(options)}}})"
    spec = base_spec(
        "curves",
        title,
        x=[],
        xLabel=label("x_label", x_label, var),
        yLabel=label("y_label", y_label, shown),
        series=[],
        source={"statement": statement, "definitions": list(definitions), "bindings": bindings},
    )
    if slider_specs:
        spec["sliders"] = slider_specs
    slider_text = f", sliders {', '.join(s['name'] for s in slider_specs)}" if slider_specs else ""
    return Figure(spec, with_title(f"{shown} over {var} ∈ [{low:g}, {high:g}]{slider_text} (drawn by the LossLab renderer)", spec))


def heatmap(
    z: Any,
    x: Optional[Any] = None,
    y: Optional[Any] = None,
    *,
    x_label: Optional[str] = None,
    y_label: Optional[str] = None,
    z_label: Optional[str] = None,
    title: Optional[str] = None,
) -> Figure:
    """A heat map of values on a grid.

    Parameters
    ----------
    z : array_like or torch.Tensor, shape (ny, nx)
        ``z[j, i]`` is the value at (x[i], y[j]); finite.
    x : array_like, shape (nx,), optional
        The column coordinates (default 0, 1, …, nx − 1).
    y : array_like, shape (ny,), optional
        The row coordinates (default 0, 1, …, ny − 1).
    x_label, y_label, z_label, title : str, optional
        Titles of the axes, the colour bar and the figure.

    Returns
    -------
    Figure
        A ``heatmap`` figure.

    Raises
    ------
    ValueError
        Naming the argument: z not 2-D or with NaN, x or y of the wrong length.
    """
    grid = to_array("z", z, ndim=(2,))
    ny, nx = grid.shape
    xs = np.arange(nx, dtype=np.float64) if x is None else to_array("x", x, ndim=(1,))
    ys = np.arange(ny, dtype=np.float64) if y is None else to_array("y", y, ndim=(1,))
    same_length("x", xs, "column of z", nx)
    same_length("y", ys, "row of z", ny)
    spec = base_spec(
        "heatmap",
        title,
        x=to_list(xs),
        y=to_list(ys),
        z=to_list(grid),
        xLabel=label("x_label", x_label, "x"),
        yLabel=label("y_label", y_label, "y"),
        zLabel=label("z_label", z_label, "value"),
    )
    return Figure(spec, with_title(f"{spec['zLabel']} on a {nx}×{ny} grid", spec))


def _decimals(value: float) -> int:
    """Digits after the point of ``value`` written to 12 significant digits (0.0049 → 4, 250 → 0)."""
    if value == 0 or not np.isfinite(value):
        return 0
    exponent = Decimal(repr(float(f"{abs(value):.12g}"))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def grid_points(low: float, high: float, count: int) -> List[float]:
    """``count`` evenly spaced points from low to high, rounded to the step's decimals.

    As the core's ``gridPoints`` (src/core/figures/grid.ts) does, so that bin edges print as the
    short decimals a person would write (0.2, not 0.20000000000000004).
    """
    if count == 1:
        return [low]
    step = (high - low) / (count - 1)
    decimals = min(15, max(_decimals(step), _decimals(low)))
    points = [round(low + i * step, decimals) for i in range(count)]
    points[0], points[-1] = low, high
    return points


def hist(
    values: Any,
    bins: int = 30,
    range: Optional[Tuple[float, float]] = None,  # noqa: A002 - NumPy's name for it
    *,
    x_label: Optional[str] = None,
    title: Optional[str] = None,
) -> Figure:
    """A histogram of values in equal-width bins.

    Parameters
    ----------
    values : array_like or torch.Tensor
        Any shape (flattened), finite.
    bins : int
        Number of equal-width bins, 1 to 10000.
    range : (float, float), optional
        The bins' low and high ends (default: the data's); values outside are not counted.
        The last bin includes its right edge, as NumPy's does.
    x_label, title : str, optional
        Titles of the x axis and the figure.

    Returns
    -------
    Figure
        A ``histogram`` figure with the values, bin edges and counts.

    Raises
    ------
    ValueError
        Naming the argument: NaN in values, a bad bin count, a range with low > high.
    """
    data = to_array("values", values).ravel()
    count = to_int("bins", bins, least=1)
    if count > 10_000:
        raise ValueError(f"bins should be at most 10000, but is {bins}")
    if range is not None:
        if len(range) != 2:
            raise ValueError(f"range should be (low, high), but is {range!r}")
        low, high = to_number("range low", range[0]), to_number("range high", range[1])
        if low > high:
            raise ValueError(f"range should have low ≤ high, but is {range!r}")
    elif data.size > 0:
        low, high = float(data.min()), float(data.max())
    else:
        low, high = 0.0, 1.0
    if high == low:
        high = low + 1
    width = (high - low) / count
    counts = [0] * count
    for v in data.tolist():
        if low <= v <= high:
            counts[min(count - 1, int((v - low) // width))] += 1
    spec = base_spec("histogram", title, values=data.tolist(), binEdges=grid_points(low, high, count + 1), counts=counts, xLabel=label("x_label", x_label, "value"))
    return Figure(spec, with_title(f"histogram of {data.size} values in {count} bins over [{low:g}, {high:g}]", spec))


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    """Each row divided by its norm (math.hypot, reproducible to the last digit); zero rows stay zero."""
    out = []
    for row in rows.tolist():
        norm = math.hypot(*row)
        out.append([v / norm for v in row] if norm > 0 else row)
    return np.array(out, dtype=np.float64).reshape(rows.shape)


def scatter(
    points: Any,
    labels: Optional[Any] = None,
    *,
    normalize: bool = False,
    sphere: bool = False,
    centres: Optional[Any] = None,
    margin: Optional[float] = None,
    x_label: Optional[str] = None,
    y_label: Optional[str] = None,
    z_label: Optional[str] = None,
    title: Optional[str] = None,
) -> Figure:
    """A 2-D or 3-D scatter of embeddings, optionally on the unit circle or sphere.

    Parameters
    ----------
    points : array_like or torch.Tensor, shape (n, 2) or (n, 3)
        The points, finite.
    labels : array_like, shape (n,), optional
        A class per point, for colours.
    normalize : bool
        Project the points (and centres) onto the unit circle / sphere, and draw it.
    sphere : bool
        Draw the unit circle / sphere without projecting.
    centres : array_like, shape (k, 2) or (k, 3), optional
        Class centres (e.g. ArcFace's W columns, transposed), drawn as larger markers.
    margin : float, optional
        ArcFace's angular margin in radians, drawn around each centre.
    x_label, y_label, z_label, title : str, optional
        Titles of the axes and the figure.

    Returns
    -------
    Figure
        A ``scatter`` figure.

    Raises
    ------
    ValueError
        Naming the argument: points not (n, 2) or (n, 3) or with NaN, labels of another length,
        centres of another dimension.
    """
    rows = to_array("points", points, ndim=(2,))
    if rows.shape[1] not in (2, 3):
        raise ValueError(f"points should have shape (n, 2) or (n, 3), but has shape {tuple(rows.shape)}")
    if normalize:
        rows = _unit_rows(rows)
    spec: Spec = base_spec("scatter", title, dimensions=int(rows.shape[1]), points=to_list(rows))
    if labels is not None:
        classes = to_array("labels", labels, ndim=(1,))
        same_length("labels", classes, "point", rows.shape[0])
        spec["labels"] = to_list(classes)
    if normalize or sphere:
        spec["unitSphere"] = True
    if centres is not None:
        middle = to_array("centres", centres, ndim=(2,))
        if middle.shape[1] != rows.shape[1]:
            raise ValueError(f"centres should have shape (k, {rows.shape[1]}) like points, but has shape {tuple(middle.shape)}")
        spec["centres"] = to_list(_unit_rows(middle) if normalize else middle)
    if margin is not None:
        spec["margin"] = to_number("margin", margin)
    for key, name, value in (("xLabel", "x_label", x_label), ("yLabel", "y_label", y_label), ("zLabel", "z_label", z_label)):
        if value is not None:
            spec[key] = label(name, value, "")
    on = " on the unit sphere" if spec.get("unitSphere") else ""
    return Figure(spec, with_title(f"{rows.shape[1]}-D scatter of {rows.shape[0]} points{on}", spec))
