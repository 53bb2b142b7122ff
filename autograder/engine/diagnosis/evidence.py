"""What a backward case's right results say where no known mistake fits."""

from __future__ import annotations

import numpy as np

from autograder.casefile import Case
from autograder.engine.diagnosis.arguments import bind
from autograder.engine.diagnosis.backward import BACKWARD_NAMES
from autograder.engine.diagnosis.compare import close

GRADIENT_LAYERS = {"simple_rnn_backward": "simple_rnn", "lstm_backward": "lstm"}
_RECURRENCE = ("the step's own gradient is right, the recurrence is not: dh = dz @ R.T (and, in the "
               "LSTM, dc * f) carried to the step before, added to what d_output sends there")


def gradient_evidence(case: Case, outputs: list[np.ndarray]) -> str | None:
    """What the right and wrong results of a backward case say when no known mistake fits.

    ``outputs`` are the student's gradients, as ``case.returns``: ``dx`` ``(B, T, D)`` first."""
    expected = [np.asarray(want) for want in case.returns]
    right = [close([want], [have]) for want, have in zip(expected, outputs)]
    states = 2 if case.function == "lstm_backward" else 1
    if all(right[:-states]):
        return ("matches every gradient but the initial state's: it is what the first processed step "
                "sends back, dz @ R.T (and dc * f for c_0), also when initial_state is None")
    if right[0]:
        return ("matches the right input gradient with wrong weight gradients: dz is right, so look at "
                "how the steps add up into dW += x_t.T @ dz, dR += h_prev.T @ dz, db += sum(dz, axis=0)")
    order = slice(None, None, -1) if bind(case, BACKWARD_NAMES)["go_backwards"] else slice(None)
    want, have = expected[0][:, order], outputs[0][:, order]  # (B, T, D) in processing order
    if want.shape != have.shape or want.shape[1] < 2:
        return None
    good = [close([want[:, n]], [have[:, n]]) for n in range(want.shape[1])]
    if good[-1] and not all(good):
        return f"matches the input gradient of the last processed step, not of all before: {_RECURRENCE}"
    return None
