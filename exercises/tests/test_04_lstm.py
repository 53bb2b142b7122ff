"""Public self-checks for exercise 04, LSTM: ``python -m pytest -m lstm``."""

import warnings

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.lstm


@pytest.mark.parametrize("case", cases("lstm"))
def test_matches_keras(case):
    """Each function gives what keras.layers.LSTM (or its cell) gave for the same weights."""
    check_case(case)


def test_sigmoid_never_overflows():
    """sigmoid(-1000) is 0 and sigmoid(1000) is 1, without an overflow warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = call("lstm", "sigmoid", np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.5, 1.0], atol=1e-12)


def test_weights_are_four_times_simple_rnn():
    """The kernel has 4U columns: one block per gate, each gate of shape (B, U)."""
    rng = np.random.default_rng(4)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 5))
    gates = call("lstm", "lstm_gates", x, h, rng.standard_normal((3, 20)), rng.standard_normal((5, 20)))
    assert [np.shape(gate) for gate in gates] == [(2, 5)] * 4


def test_a_closed_forget_gate_erases_the_cell():
    """With the forget block's bias very negative, c_t = i * g: c_prev is forgotten."""
    rng = np.random.default_rng(5)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
    W, U = rng.standard_normal((3, 8)), rng.standard_normal((2, 8))
    bias = np.zeros(8)
    bias[2:4] = -1000.0  # columns 2..3 are the forget gate (order i, f, c, o)
    _, c_t = call("lstm", "lstm_step", x, h, c, W, U, bias)
    _, c_zero = call("lstm", "lstm_step", x, h, np.zeros_like(c), W, U, bias)
    np.testing.assert_allclose(c_t, c_zero, rtol=1e-9, atol=1e-9)
