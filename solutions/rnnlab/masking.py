"""Exercise 07: padding masks, and recurrent layers that skip the padding steps.

Sentences of different lengths are padded with id 0 to one length ``T``. A mask says which
steps are real: ``simple_rnn``, ``lstm``, ``gru`` and ``bidirectional`` take it as
``mask=`` (their modules hold that part of this exercise).
"""


import numpy as np
from numpy.typing import ArrayLike


def padding_mask(ids: ArrayLike) -> np.ndarray:
    """The mask of ``keras.layers.Embedding(V, E, mask_zero=True)``: True where ``id != 0``.

    Args:
        ids: integer ids of any shape, usually ``(B, T)``; 0 is the padding id.

    Returns:
        bool array of the same shape as ``ids``.
    """
    # BEGIN SOLUTION
    return np.asarray(ids) != 0
    # END SOLUTION
