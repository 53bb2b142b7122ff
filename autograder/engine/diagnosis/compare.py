"""The graded comparison, as the diagnosis applies it to predicted results."""

from __future__ import annotations

import numpy as np

from autograder.casefile import ATOL, RTOL


def close(expected: list, got: list[np.ndarray]) -> bool:
    """The graded comparison, with NaN matching NaN (a predicted NaN is a prediction): the same
    count of arrays, each of the shape of its ``expected`` counterpart and close to it."""
    if len(expected) != len(got):
        return False
    if any(np.shape(want) != have.shape for want, have in zip(expected, got)):
        return False
    for want, have in zip(expected, got):
        if have.dtype.kind not in "biuf":
            return False
        if have.size and not _close_scalar(float(np.ravel(want)[0]), float(have.flat[0])):
            return False  # most candidates already miss at the first value: a cheap exit
    for want, have in zip(expected, got):
        want = np.asarray(want, dtype=np.float64)
        have = have.astype(np.float64)
        with np.errstate(all="ignore"):
            ok = (np.abs(have - want) <= ATOL + RTOL * np.abs(want)) | (have == want)
        if not np.all(ok | (np.isnan(have) & np.isnan(want))):
            return False
    return True


def _close_scalar(want: float, have: float) -> bool:
    return abs(have - want) <= ATOL + RTOL * abs(want) or have == want or (have != have and want != want)
