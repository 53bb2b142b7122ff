"""Exercise 09: backpropagation through time, the gradients of the layers of 02, 03 and 04.

Every gradient is of the scalar ``L = sum(output * d_output)``, where ``output`` is what the
forward function returns (its first result) and ``d_output`` has its shape: ``d_output`` is
``dL/d output``, what the layer above would send back.
"""


import numpy as np
from numpy.typing import ArrayLike


def embedding_backward(ids: ArrayLike, d_output: ArrayLike, vocab_size: int) -> np.ndarray:
    """The gradient of ``sum(embedding_lookup(ids, W) * d_output)`` with respect to ``W``.

    Row ``v`` of the result adds up ``d_output`` at every position where ``ids == v``: an id
    that appears twice gets both contributions. The ids themselves get no gradient (a lookup
    is not differentiable with respect to its indices).

    Args:
        ids: integer ids of any shape ``S``, each in ``[0, V)``.
        d_output: shape ``S + (E,)``.
        vocab_size: ``V``.

    Returns:
        ``dW`` of shape ``(V, E)``.
    """
    # BEGIN SOLUTION
    d_output = np.asarray(d_output, dtype=np.float64)
    grad = np.zeros((vocab_size, d_output.shape[-1]))
    np.add.at(grad, np.asarray(ids).reshape(-1), d_output.reshape(-1, d_output.shape[-1]))
    return grad
    # END SOLUTION


def simple_rnn_backward(
    inputs: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None,
    d_output: ArrayLike,
    *,
    return_sequences: bool = False,
    go_backwards: bool = False,
    initial_state: ArrayLike | None = None,
) -> dict:
    """The gradients of ``L = sum(simple_rnn(...) * d_output)``, by backpropagation through time.

    Run the forward pass keeping every state, then walk the steps in reverse processing
    order: at each step ``dz = dh * (1 - h_t**2)`` (the tanh derivative), and ``dh`` for
    the step before is ``dz @ R.T`` plus what the output sends to that step.

    Args:
        inputs: shape ``(B, T, D)``.
        kernel: ``W``, shape ``(D, U)``.
        recurrent_kernel: ``R``, shape ``(U, U)``.
        bias: ``b``, shape ``(U,)``, or None.
        d_output: ``(B, T, U)`` with ``return_sequences``, else ``(B, U)``.
        return_sequences, go_backwards, initial_state: as in ``simple_rnn``.

    Returns:
        a dict: ``"inputs"`` ``(B, T, D)``, ``"kernel"`` ``(D, U)``, ``"recurrent_kernel"``
        ``(U, U)``, ``"bias"`` ``(U,)`` (None when ``bias`` is None), ``"initial_state"``
        ``(B, U)`` (the gradient with respect to the zeros used when None was given).
    """
    # BEGIN SOLUTION
    x = np.asarray(inputs, dtype=np.float64)
    W, R = np.asarray(kernel, dtype=np.float64), np.asarray(recurrent_kernel, dtype=np.float64)
    b = np.zeros(R.shape[1]) if bias is None else np.asarray(bias, dtype=np.float64)
    batch, steps, _ = x.shape
    units = R.shape[0]
    h = np.zeros((batch, units)) if initial_state is None else np.asarray(initial_state, dtype=np.float64)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    states = [h]  # states[n] is the state before the n-th processed step
    for t in order:
        h = np.tanh(x[:, t] @ W + h @ R + b)
        states.append(h)
    d_out = np.asarray(d_output, dtype=np.float64)
    dx, dW, dR, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(R), np.zeros_like(b)
    dh = np.zeros((batch, units))  # dL/dh after the n-th processed step, from the steps after it
    for n in range(steps - 1, -1, -1):
        t = order[n]
        if return_sequences:  # output step n is the state after the n-th processed step
            dh = dh + d_out[:, n]
        elif n == steps - 1:  # only the last state is output
            dh = dh + d_out
        dz = dh * (1.0 - states[n + 1] ** 2)
        dx[:, t] = dz @ W.T
        dW += x[:, t].T @ dz
        dR += states[n].T @ dz
        db += dz.sum(axis=0)
        dh = dz @ R.T
    return {"inputs": dx, "kernel": dW, "recurrent_kernel": dR,
            "bias": None if bias is None else db, "initial_state": dh}
    # END SOLUTION


def lstm_backward(
    inputs: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None,
    d_output: ArrayLike,
    *,
    return_sequences: bool = False,
    go_backwards: bool = False,
    initial_state: tuple[ArrayLike, ArrayLike] | None = None,
) -> dict:
    """The gradients of ``L = sum(lstm(...) * d_output)``, by backpropagation through time.

    Two gradients flow back through the steps: ``dh`` (through ``R``, like SimpleRNN) and
    ``dc`` along the cell state, multiplied only by the forget gate at each step
    (``dc_prev = dc * f``): the path that keeps early steps' gradients alive.

    Args:
        inputs: shape ``(B, T, D)``.
        kernel: shape ``(D, 4U)``, blocks i, f, c, o.
        recurrent_kernel: shape ``(U, 4U)``.
        bias: shape ``(4U,)``, or None.
        d_output: ``(B, T, U)`` with ``return_sequences``, else ``(B, U)``.
        return_sequences, go_backwards, initial_state: as in ``lstm``.

    Returns:
        a dict as ``simple_rnn_backward``'s, with shapes of 4U columns and
        ``"initial_state"`` the tuple ``(dh0, dc0)``, each ``(B, U)``.
    """
    # BEGIN SOLUTION
    x = np.asarray(inputs, dtype=np.float64)
    W, R = np.asarray(kernel, dtype=np.float64), np.asarray(recurrent_kernel, dtype=np.float64)
    b = np.zeros(R.shape[1]) if bias is None else np.asarray(bias, dtype=np.float64)
    batch, steps, _ = x.shape
    units = R.shape[0]
    if initial_state is None:
        h, c = np.zeros((batch, units)), np.zeros((batch, units))
    else:
        h, c = (np.asarray(state, dtype=np.float64) for state in initial_state)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    saved = []  # per processed step: h_prev, c_prev, the gates and c_t
    for t in order:
        z = x[:, t] @ W + h @ R + b
        z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
        i, f, o = (0.5 * (1.0 + np.tanh(0.5 * v)) for v in (z_i, z_f, z_o))
        g = np.tanh(z_c)
        c_t = f * c + i * g
        saved.append((h, c, i, f, g, o, c_t))
        h, c = o * np.tanh(c_t), c_t
    d_out = np.asarray(d_output, dtype=np.float64)
    dx, dW, dR, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(R), np.zeros_like(b)
    dh, dc = np.zeros((batch, units)), np.zeros((batch, units))
    for n in range(steps - 1, -1, -1):
        t = order[n]
        h_prev, c_prev, i, f, g, o, c_t = saved[n]
        if return_sequences:
            dh = dh + d_out[:, n]
        elif n == steps - 1:
            dh = dh + d_out
        squashed = np.tanh(c_t)
        dc = dc + dh * o * (1.0 - squashed**2)
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                             dc * i * (1 - g**2), dh * squashed * o * (1 - o)], axis=-1)
        dx[:, t] = dz @ W.T
        dW += x[:, t].T @ dz
        dR += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh, dc = dz @ R.T, dc * f
    return {"inputs": dx, "kernel": dW, "recurrent_kernel": dR,
            "bias": None if bias is None else db, "initial_state": (dh, dc)}
    # END SOLUTION
