"""Reading a case: its arguments by name, as float64 arrays; and what a candidate is."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from autograder.casefile import Case

# A candidate: the message naming a mistake, and a function computing what that mistake
# returns (a list of arrays; None, or an exception, when it does not apply to the case).
Candidate = tuple[str, Callable[[], list[np.ndarray] | None]]


def bind(case: Case, names: tuple[str, ...]) -> dict:
    """The case's arguments by name (missing ones None), as the contract's signatures give."""
    bound = dict.fromkeys(names)
    bound.update(zip(names, case.args))
    bound.update(case.kwargs)
    return bound


def f64(value: npt.ArrayLike) -> np.ndarray:
    """``value`` as a float64 array, of its own shape."""
    return np.asarray(value, dtype=np.float64)


def layer_weights(a: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """A recurrent layer's ``(kernel (D, kU), recurrent_kernel (U, kU), bias (kU,) or (2, kU) or None)``
    from its bound arguments ``a``."""
    bias = None if a["bias"] is None else f64(a["bias"])
    return f64(a["kernel"]), f64(a["recurrent_kernel"]), bias
