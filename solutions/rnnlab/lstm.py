"""Exercise 04: the LSTM cell, four gates that write to and read from a cell state."""


import numpy as np
from numpy.typing import ArrayLike


def sigmoid(x: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``, without overflow for large ``|x|``.

    Keras's LSTM uses this true sigmoid as ``recurrent_activation`` (not ``hard_sigmoid``).

    Args:
        x: array of any shape.

    Returns:
        array of the same shape, every value in ``[0, 1]``.
    """
    # BEGIN SOLUTION
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))
    # END SOLUTION


def lstm_gates(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four gates of ``keras.layers.LSTMCell`` at one step.

    ``z = x_t W + h_prev R + b`` has ``4U`` columns, in Keras's order: input, forget,
    candidate (cell), output. ``i, f, o = sigmoid(z_i, z_f, z_o)`` and ``g = tanh(z_c)``.

    Args:
        x_t: inputs at step t, shape ``(B, D)``.
        h_prev: hidden state after step t-1, shape ``(B, U)``.
        kernel: ``W``, shape ``(D, 4U)``.
        recurrent_kernel: ``R``, shape ``(U, 4U)``.
        bias: ``b``, shape ``(4U,)``, or None for ``use_bias=False``.

    Returns:
        ``(i, f, g, o)``, each of shape ``(B, U)``.
    """
    # BEGIN SOLUTION
    z = np.asarray(x_t) @ np.asarray(kernel) + np.asarray(h_prev) @ np.asarray(recurrent_kernel)
    if bias is not None:
        z = z + np.asarray(bias)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    return sigmoid(z_i), sigmoid(z_f), np.tanh(z_c), sigmoid(z_o)
    # END SOLUTION


def lstm_step(
    x_t: ArrayLike,
    h_prev: ArrayLike,
    c_prev: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One step of ``keras.layers.LSTM``: ``c_t = f c_prev + i g``, ``h_t = o tanh(c_t)``.

    Args:
        x_t: inputs at step t, shape ``(B, D)``.
        h_prev: hidden state after step t-1, shape ``(B, U)``.
        c_prev: cell state after step t-1, shape ``(B, U)``.
        kernel: shape ``(D, 4U)``.
        recurrent_kernel: shape ``(U, 4U)``.
        bias: shape ``(4U,)``, or None.

    Returns:
        ``(h_t, c_t)``, each of shape ``(B, U)``.
    """
    # BEGIN SOLUTION
    i, f, g, o = lstm_gates(x_t, h_prev, kernel, recurrent_kernel, bias)
    c_t = f * np.asarray(c_prev) + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t
    # END SOLUTION


def lstm(
    inputs: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    *,
    return_sequences: bool = False,
    return_state: bool = False,
    go_backwards: bool = False,
    initial_state: tuple[ArrayLike, ArrayLike] | None = None,
    mask: ArrayLike | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``keras.layers.LSTM(U, ...)`` over a batch of sequences.

    Args:
        inputs: shape ``(B, T, D)``.
        kernel: shape ``(D, 4U)`` (four times SimpleRNN's: one block per gate).
        recurrent_kernel: shape ``(U, 4U)``.
        bias: shape ``(4U,)``, or None for ``use_bias=False``.
        return_sequences: return ``h`` after every step, ``(B, T, U)``, instead of the
            last one, ``(B, U)``.
        return_state: also return the final ``h_T`` and ``c_T``, each ``(B, U)``.
        go_backwards: read the sequence from step T-1 down to step 0; with
            ``return_sequences`` the outputs stay in that processing order.
        initial_state: ``(h_0, c_0)``, each ``(B, U)``; zeros when None.
        mask: (Exercise 07) ``(B, T)`` bool, False at padding steps: there ``h`` and ``c``
            are carried over unchanged and the output repeats the last unmasked step's
            (zeros before the first one). None: every step counts.

    Returns:
        ``output`` of shape ``(B, T, U)`` or ``(B, U)``; with ``return_state`` the tuple
        ``(output, h_T, c_T)``.

    Example:
        >>> x = np.zeros((2, 5, 3)); W = np.zeros((3, 16)); R = np.zeros((4, 16))
        >>> lstm(x, W, R).shape
        (2, 4)
    """
    # BEGIN SOLUTION
    inputs = np.asarray(inputs)
    batch, steps, _ = inputs.shape
    units = np.shape(recurrent_kernel)[0]
    if initial_state is None:
        h, c = np.zeros((batch, units)), np.zeros((batch, units))
    else:
        h, c = (np.asarray(state) for state in initial_state)
    keep = np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    out, outputs = np.zeros((batch, units)), []
    for t in order:
        h_new, c_new = lstm_step(inputs[:, t], h, c, kernel, recurrent_kernel, bias)
        step = keep[:, t, None]
        h, c, out = np.where(step, h_new, h), np.where(step, c_new, c), np.where(step, h_new, out)
        outputs.append(out)
    output = np.stack(outputs, axis=1) if return_sequences else out
    return (output, h, c) if return_state else output
    # END SOLUTION
