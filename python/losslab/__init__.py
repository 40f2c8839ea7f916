"""LossLab figures for Jupyter notebooks.

Each function returns a :class:`Figure` whose ``_repr_mimebundle_`` gives the LossLab figure mime
type (``application/vnd.losslab.figure+json``), drawn by the LossLab VS Code extension's renderer
in ``.ipynb`` notebooks, and a ``text/plain`` summary for every other viewer. The spec's shape is
``schemas/figure.schema.json`` in the LossLab repository.
"""
from ._figure import FIGURE_MIME, SPEC_VERSION, Figure
from .detector import anchor_map, calibration
from .distributions import dist, sides
from .plots import curves, heatmap, hist, scatter
from .tables import table

#: Equal to the LossLab extension's version (package.json); a test checks it.
__version__ = "0.1.0"

__all__ = [
    "FIGURE_MIME",
    "SPEC_VERSION",
    "Figure",
    "anchor_map",
    "calibration",
    "curves",
    "dist",
    "heatmap",
    "hist",
    "scatter",
    "sides",
    "table",
    "__version__",
]
