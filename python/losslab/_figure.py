"""The figure object every function returns: a spec plus how Jupyter displays it."""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

#: The mime type the LossLab notebook renderer draws (src/core/figures/spec.ts, FIGURE_MIME).
FIGURE_MIME = "application/vnd.losslab.figure+json"
#: The spec version this package writes (spec.ts, FIGURE_SPEC_VERSION); the renderer refuses others
#: with a message, so the two must move together.
SPEC_VERSION = 1

Spec = Dict[str, Any]


class Figure:
    """A LossLab figure: plain, versioned data that the LossLab renderer draws.

    Parameters
    ----------
    spec : dict
        The figure spec, in the shape of ``schemas/figure.schema.json``.
    summary : str
        One line saying what the figure shows, for viewers without the renderer.

    Notes
    -----
    Jupyter calls ``_repr_mimebundle_`` to display the object. It gives the figure mime type
    (drawn by the LossLab extension in VS Code) and ``text/plain``. There is no PNG fallback: it
    would need a plotting dependency.
    """

    def __init__(self, spec: Spec, summary: str) -> None:
        self.spec = spec
        self.summary = summary

    def _repr_mimebundle_(self, include: Optional[Any] = None, exclude: Optional[Any] = None) -> Dict[str, Any]:
        return {FIGURE_MIME: self.spec, "text/plain": self.summary}

    def to_json(self) -> str:
        """The spec as JSON text, as the notebook stores it."""
        return json.dumps(self.spec, allow_nan=False)

    def __repr__(self) -> str:
        return self.summary


def base_spec(kind: str, title: Optional[str], **fields: Any) -> Spec:
    """A spec of ``kind`` with the version, the given fields and the title when there is one."""
    spec: Spec = {"version": SPEC_VERSION, "kind": kind}
    spec.update(fields)
    if title is not None:
        if not isinstance(title, str):
            raise ValueError(f"title should be a string, but is {type(title).__name__}")
        spec["title"] = title
    return spec


def label(name: str, value: Optional[str], default: str) -> str:
    """An axis title: ``value`` when given (a string), else ``default``."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"{name} should be a string, but is {type(value).__name__}")
    return value


def with_title(summary: str, spec: Mapping[str, Any]) -> str:
    """``summary`` prefixed with the figure's title, when it has one."""
    title = spec.get("title")
    return f"LossLab {spec['kind']} — {title}: {summary}" if title else f"LossLab {spec['kind']}: {summary}"
