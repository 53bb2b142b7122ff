"""Exercise 01: one-hot encoding, the sparse representation of words."""

import numpy as np
from numpy.typing import ArrayLike


def one_hot(indices: ArrayLike, depth: int) -> np.ndarray:
    """One-hot encode integer indices, like ``tf.one_hot(indices, depth)``.

    Args:
        indices: integer array of any shape ``S`` (a scalar and an empty array too).
        depth: the number of classes ``V`` (the vocabulary size), at least 1.

    Returns:
        float32 array of shape ``S + (depth,)``: 1.0 at ``[..., indices[...]]`` and 0.0
        elsewhere. An index outside ``[0, depth)`` (a negative one too) gives a row of zeros.

    Raises:
        TypeError: if ``indices`` is not of an integer dtype (bool and float included).
        ValueError: if ``depth < 1``.

    Example:
        >>> one_hot([2, 0], 3)
        array([[0., 0., 1.],
               [1., 0., 0.]], dtype=float32)
    """
    raise NotImplementedError("Exercise 01 (one_hot): implement one_hot")
