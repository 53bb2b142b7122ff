"""Exercise 06: the GRU cell, an update gate and a reset gate around one state."""


import numpy as np
from numpy.typing import ArrayLike


def gru_gates(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The update gate, reset gate and candidate of ``keras.layers.GRUCell(U)`` at one step.

    Keras 3's default ``reset_after=True``: the reset gate multiplies the recurrent part
    *after* its matmul. Column blocks are z (update), r (reset), h (candidate); the bias has
    two rows, one added to the input part and one to the recurrent part::

        x_z, x_r, x_h = split(x_t W + b[0])        each (B, U)
        h_z, h_r, h_h = split(h_prev R + b[1])
        z = sigmoid(x_z + h_z)    r = sigmoid(x_r + h_r)    h_tilde = tanh(x_h + r * h_h)

    ``sigmoid`` is the true logistic function, as in Exercise 04 (this module does not
    import it, so that a problem in ``lstm.py`` cannot cost points here).

    Args:
        x_t: inputs at step t, shape ``(B, D)``.
        h_prev: hidden state after step t-1, shape ``(B, U)``.
        kernel: ``W``, shape ``(D, 3U)``.
        recurrent_kernel: ``R``, shape ``(U, 3U)``.
        bias: shape ``(2, 3U)`` (row 0 input bias, row 1 recurrent bias), or None for
            ``use_bias=False``.

    Returns:
        ``(z, r, h_tilde)``, each of shape ``(B, U)``.
    """
    raise NotImplementedError("Exercise 06 (gru): implement gru_gates")


def gru_step(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
) -> np.ndarray:
    """One step of ``keras.layers.GRU``: ``h_t = z * h_prev + (1 - z) * h_tilde``.

    ``z`` weighs the *old* state: ``z = 1`` keeps ``h_prev`` unchanged.

    Args:
        x_t: inputs at step t, shape ``(B, D)``.
        h_prev: hidden state after step t-1, shape ``(B, U)``.
        kernel: shape ``(D, 3U)``.
        recurrent_kernel: shape ``(U, 3U)``.
        bias: shape ``(2, 3U)``, or None.

    Returns:
        h_t: the new hidden state, shape ``(B, U)``.
    """
    raise NotImplementedError("Exercise 06 (gru): implement gru_step")


def gru(
    inputs: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    return_sequences: bool = False,
    return_state: bool = False,
    go_backwards: bool = False,
    initial_state: ArrayLike | None = None,
    mask: ArrayLike | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Run ``keras.layers.GRU(U, ...)`` (``reset_after=True``) over a batch of sequences.

    Like SimpleRNN, one state ``h`` and no cell state; like LSTM, gates decide how much of
    it to keep.

    Args:
        inputs: shape ``(B, T, D)``.
        kernel: shape ``(D, 3U)`` (three blocks: z, r, h).
        recurrent_kernel: shape ``(U, 3U)``.
        bias: shape ``(2, 3U)``, or None for ``use_bias=False``.
        return_sequences: return ``h`` after every step, ``(B, T, U)``, instead of the
            last one, ``(B, U)``.
        return_state: also return the final state ``h_T``, shape ``(B, U)``.
        go_backwards: read the sequence from step T-1 down to step 0; with
            ``return_sequences`` the outputs stay in that processing order.
        initial_state: ``h_0``, shape ``(B, U)``; zeros when None.
        mask: (Exercise 07) ``(B, T)`` bool, False at padding steps: there the state is
            carried over unchanged and the output repeats the last unmasked step's
            (zeros before the first one). None: every step counts.

    Returns:
        ``output`` of shape ``(B, T, U)`` or ``(B, U)``; with ``return_state`` the tuple
        ``(output, h_T)``.

    Example:
        >>> x = np.zeros((2, 5, 3)); W = np.zeros((3, 12)); R = np.zeros((4, 12))
        >>> gru(x, W, R, return_sequences=True).shape
        (2, 5, 4)
    """
    raise NotImplementedError("Exercise 06 (gru): implement gru")
