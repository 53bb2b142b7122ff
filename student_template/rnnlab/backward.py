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
    raise NotImplementedError("Exercise 09 (backward): implement embedding_backward")


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
    raise NotImplementedError("Exercise 09 (backward): implement simple_rnn_backward")


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
    raise NotImplementedError("Exercise 09 (backward): implement lstm_backward")
