"""Reading arguments: NumPy arrays, nested lists or PyTorch tensors, checked with errors that name them."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np


def to_array(name: str, value: Any, *, ndim: Optional[Tuple[int, ...]] = None, finite: bool = True) -> np.ndarray:
    """``value`` as a float64 array, checked.

    Parameters
    ----------
    name : str
        The argument's name, used in the error.
    value : array_like or torch.Tensor
        Numbers: a NumPy array, a (nested) list, a scalar, or a PyTorch tensor (converted with
        ``.detach().cpu().numpy()``, so tensors that require grad or live on a GPU work).
    ndim : tuple of int, optional
        The accepted numbers of dimensions.
    finite : bool
        Whether NaN and ±inf are refused (the default: a figure of them would mislead).

    Raises
    ------
    ValueError
        Naming ``name``: not numeric (strings, objects, complex), the wrong number of
        dimensions, or a non-finite value (with its index).
    """
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        # A torch.Tensor, without importing torch: PyTorch stays optional.
        value = value.detach().cpu().numpy()
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name} should be an array of numbers, but could not be read as one: {error}") from None
    if raw.dtype == np.bool_ or not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise ValueError(f"{name} should hold real numbers (an integer or float dtype), but has dtype {raw.dtype}")
    array = raw.astype(np.float64)
    if ndim is not None and array.ndim not in ndim:
        expected = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{name} should be {expected}, but has shape {tuple(array.shape)}")
    if finite and array.size > 0 and not np.all(np.isfinite(array)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} should be finite, but {name}[{', '.join(map(str, index))}] is {array[index]}")
    return array


def to_number(name: str, value: Any) -> float:
    """``value`` as a finite float; ValueError naming ``name`` otherwise (bools included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            return to_number(name, value.item())
        raise ValueError(f"{name} should be a number, but is {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} should be a finite number, but is {number}")
    return number


def to_int(name: str, value: Any, *, least: int) -> int:
    """``value`` as an integer ≥ ``least``; ValueError naming ``name`` otherwise."""
    number = to_number(name, value)
    if number != int(number) or number < least:
        raise ValueError(f"{name} should be an integer ≥ {least}, but is {value}")
    return int(number)


def to_list(array: np.ndarray) -> List[Any]:
    """A nested list of Python floats (what JSON stores)."""
    return array.tolist()  # type: ignore[no-any-return]


def same_length(name: str, values: Sequence[Any], other: str, length: int) -> None:
    """ValueError naming ``name`` unless it has ``length`` items, like ``other``."""
    if len(values) != length:
        raise ValueError(f"{name} should have one item per {other} ({length}), but has {len(values)}")
