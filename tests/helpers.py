"""Shared helpers for the tests: a tolerant comparison, lazy Keras, shape strategies."""

import functools
import os

import numpy as np
from hypothesis import strategies as st

# Largest |got - expected| and number of calls per compared function (``what``), over
# every assert_close call made against Keras; printed by conftest's terminal summary.
MAX_ERRORS: dict[str, float] = {}
COMPARISONS: dict[str, int] = {}


def assert_close(got, expected, *, rtol=1e-5, atol=1e-5, what="", keras=True):
    """Assert ``|got - expected| <= atol + rtol * |expected|`` elementwise, after a shape check.

    ``what`` names the compared function; with ``keras=True`` (the comparison is against
    a Keras oracle) the call is counted and its largest error recorded in MAX_ERRORS.
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    label = f"{what}: " if what else ""
    if got.shape != expected.shape:
        raise AssertionError(
            f"{label}shape mismatch: got {got.shape}, expected {expected.shape}"
        )
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(got - expected)
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    err = np.where(same, 0.0, np.where(np.isnan(err), np.inf, err))
    max_err = float(err.max()) if err.size else 0.0
    if keras:
        key = what or "?"
        COMPARISONS[key] = COMPARISONS.get(key, 0) + 1
        MAX_ERRORS[key] = max(MAX_ERRORS.get(key, 0.0), max_err)
    bad = err > atol + rtol * np.abs(expected)
    if np.any(bad):
        worst = np.unravel_index(int(np.argmax(err)), err.shape)
        index = tuple(int(i) for i in worst)
        raise AssertionError(
            f"{label}max error {max_err:.3g} at index {index} "
            f"(got {got[worst]!r}, expected {expected[worst]!r}); "
            f"{int(bad.sum())} of {bad.size} elements outside "
            f"atol={atol:g} + rtol={rtol:g} * |expected|"
        )


@functools.lru_cache(maxsize=1)
def import_keras():
    """Import TensorFlow and Keras 3 on first use, with TF32 matmuls turned off.

    Returns:
        the tuple ``(tf, keras)``.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    return tf, keras


def rnn_shapes():
    """Strategy for ``(B, T, D, U)``: batch 1-4, steps 1-7, features 1-6, units 1-5."""
    return st.tuples(
        st.integers(1, 4), st.integers(1, 7), st.integers(1, 6), st.integers(1, 5)
    )


seeds = st.integers(0, 2**32 - 1)
