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
    # BEGIN SOLUTION
    z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)
    if bias is not None:
        z = z + np.asarray(bias)
    return np.tanh(z)
    # END SOLUTION


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
    # BEGIN SOLUTION
    inputs = np.asarray(inputs)
    batch, steps, _ = inputs.shape
    units = np.shape(recurrent_kernel)[0]
    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state)
    keep = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    out, outputs = np.zeros((batch, units)), []
    for t in order:
        new = simple_rnn_step(inputs[:, t], h, kernel, recurrent_kernel, bias)
        step = keep[:, t, None]
        h, out = np.where(step, new, h), np.where(step, new, out)
        outputs.append(out)
    output = np.stack(outputs, axis=1) if return_sequences else out
    return (output, h) if return_state else output
    # END SOLUTION
