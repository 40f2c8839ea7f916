"""Tables: the top rows of named columns, e.g. the hardest anchors."""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Union

from ._arrays import to_array, to_int
from ._figure import Figure, base_spec, with_title

Cell = Union[float, str]


def _column(name: str, values: Any) -> List[Cell]:
    """A column of numbers (checked finite) or of strings."""
    items = values.detach().cpu().numpy() if hasattr(values, "detach") else values
    if isinstance(items, (list, tuple)) and items and all(isinstance(v, str) for v in items):
        return list(items)
    return to_array(f"data[{name!r}]", items, ndim=(1,)).tolist()


def table(
    data: Mapping[str, Any],
    *,
    by: Optional[str] = None,
    k: int = 10,
    ascending: bool = False,
    title: Optional[str] = None,
) -> Figure:
    """The top ``k`` rows of equal-length named columns, optionally sorted by one of them.

    Parameters
    ----------
    data : mapping of str to array_like
        Columns by name: numbers (finite) or strings, all of one length. A pandas DataFrame works
        too (its columns are read by name).
    by : str, optional
        The numeric column to sort by, largest first (ties keep their order).
    k : int
        How many rows to show.
    ascending : bool
        Sort smallest first.
    title : str, optional
        The table's title.

    Returns
    -------
    Figure
        A ``table`` figure whose first column, ``index``, is each row's 1-based position, as the
        LossLab language indexes (``x[i, :]``).

    Raises
    ------
    ValueError
        Naming the argument: columns of different lengths or with NaN, an unknown ``by``.
    """
    if not hasattr(data, "keys"):
        raise ValueError(f"data should be a mapping of column names to values, but is {type(data).__name__}")
    columns = [str(name) for name in data.keys()]
    values = [_column(name, data[name]) for name in data.keys()]
    if not columns:
        raise ValueError("data should have at least one column, but has none")
    length = len(values[0])
    for name, column in zip(columns, values):
        if len(column) != length:
            raise ValueError(f"data[{name!r}] should have {length} values like data[{columns[0]!r}], but has {len(column)}")
    count = to_int("k", k, least=0)
    order = list(range(length))
    if by is not None:
        if by not in columns:
            raise ValueError(f"by should be one of the columns ({', '.join(columns)}), but is {by!r}")
        key = values[columns.index(by)]
        if any(isinstance(v, str) for v in key):
            raise ValueError(f"by should name a numeric column, but data[{by!r}] holds strings")
        # A stable sort keeps ties in their original order, as the core's table does.
        order.sort(key=lambda i: key[i] if ascending else -key[i])  # type: ignore[operator]
    rows: List[Sequence[Cell]] = [[i + 1, *(column[i] for column in values)] for i in order[:count]]
    spec = base_spec("table", title, columns=["index", *columns], rows=rows)
    return Figure(spec, with_title(f"{len(rows)} of {length} rows of {', '.join(columns)}", spec))
