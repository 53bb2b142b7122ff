"""Exercise 05: the Bidirectional wrapper, one layer reading forward and one backward."""

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

MERGE_MODES = ("concat", "sum", "ave", "mul", None)


def bidirectional(
    inputs: ArrayLike,
    layer: Callable[..., np.ndarray],
    forward_weights: Sequence[ArrayLike],
    backward_weights: Sequence[ArrayLike],
    *,
    merge_mode: str | None = "concat",
    return_sequences: bool = False,
    mask: ArrayLike | None = None,
) -> np.ndarray | list[np.ndarray]:
    """Run ``keras.layers.Bidirectional(layer(U, ...), merge_mode=...)``.

    The forward copy reads ``x_0 .. x_{T-1}``; the backward copy runs with
    ``go_backwards=True``. With ``return_sequences`` the backward outputs come in
    processing order and are flipped back to time order, so step t pairs the forward
    state after ``x_0..x_t`` with the backward state after ``x_{T-1}..x_t``. Without it,
    the forward final state meets the backward final state (the one after ``x_0``).

    Args:
        inputs: shape ``(B, T, D)``.
        layer: ``simple_rnn``, ``lstm`` or ``gru`` (or any function with their signature).
        forward_weights: ``(kernel, recurrent_kernel[, bias])`` of the forward layer.
        backward_weights: the same for the backward layer (the second half of
            ``Bidirectional.get_weights()``).
        merge_mode: ``"concat"`` (forward first: width ``2U``), ``"sum"``, ``"ave"``,
            ``"mul"``, or None for the list ``[forward, backward]``.
        return_sequences: merge every step, ``(B, T, .)``, instead of the final states.
        mask: (Exercise 07) ``(B, T)`` bool, passed on to both layers; with
            ``return_sequences`` both halves are zeros at masked steps, as in Keras.

    Returns:
        the merged array, ``(B, T, 2U)`` or ``(B, 2U)`` for concat and ``(B, T, U)`` or
        ``(B, U)`` otherwise; for ``merge_mode=None`` the list ``[forward, backward]``.

    Raises:
        ValueError: if ``merge_mode`` is not one of the five above.
    """
    raise NotImplementedError("Exercise 05 (bidirectional): implement bidirectional")
