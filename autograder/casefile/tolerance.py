"""The graded tolerance: ``|got - expected| <= ATOL + RTOL * |expected|``, elementwise."""

from __future__ import annotations

import numpy as np

RTOL = ATOL = 1e-5


def errors(expected: np.ndarray, got: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``|got - expected|`` and where it exceeds the tolerance (NaN always does); same shapes."""
    with np.errstate(all="ignore"):
        error = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        return error, ~(error <= ATOL + RTOL * np.abs(expected.astype(np.float64)))


def close_all(expected: np.ndarray, got: np.ndarray) -> bool:
    """Whether ``got`` passes the graded comparison against ``expected``."""
    return expected.shape == got.shape and not errors(expected, got)[1].any()
