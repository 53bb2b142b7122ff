"""Exercise 03: the SimpleRNN forward pass, one weight matrix reused at every step."""


import numpy as np
from numpy.typing import ArrayLike


def simple_rnn_step(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
) -> np.ndarray:
    """One step of ``keras.layers.SimpleRNN``: ``h_t = tanh(x_t W + h_prev R + b)``.

    Args:
        x_t: inputs at step t, shape ``(B, D)``.
        h_prev: hidden state after step t-1, shape ``(B, U)``.
        kernel: ``W``, shape ``(D, U)``.
        recurrent_kernel: ``R``, shape ``(U, U)``.
        bias: ``b``, shape ``(U,)``, or None for ``use_bias=False``.

    Returns:
        h_t: the new hidden state, shape ``(B, U)``.
    """
    raise NotImplementedError("Exercise 03 (simple_rnn): implement simple_rnn_step")


def simple_rnn(
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
    """Run ``keras.layers.SimpleRNN(U, ...)`` over a batch of sequences.

    Args:
        inputs: shape ``(B, T, D)``.
        kernel: shape ``(D, U)``.
        recurrent_kernel: shape ``(U, U)``.
        bias: shape ``(U,)``, or None for ``use_bias=False``.
        return_sequences: return the state after every step, ``(B, T, U)``, instead of
            only the last one, ``(B, U)`` (generation needs every step; classification
            only the last).
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
        >>> x = np.zeros((2, 5, 3)); W = np.zeros((3, 4)); R = np.zeros((4, 4))
        >>> simple_rnn(x, W, R, return_sequences=True).shape
        (2, 5, 4)
    """
    raise NotImplementedError("Exercise 03 (simple_rnn): implement simple_rnn")
