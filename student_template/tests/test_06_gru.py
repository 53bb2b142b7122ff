"""Public self-checks for exercise 06, GRU: ``python -m pytest -m gru``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.gru


@pytest.mark.parametrize("case", cases("gru"))
def test_matches_keras(case):
    """Each function gives what keras.layers.GRU (or its cell) gave for the same weights."""
    check_case(case)


def test_weights_are_three_times_simple_rnn():
    """The kernel has 3U columns (z, r, h), the bias two rows; each gate is (B, U)."""
    rng = np.random.default_rng(6)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 5))
    W, R, b = rng.standard_normal((3, 15)), rng.standard_normal((5, 15)), rng.standard_normal((2, 15))
    gates = call("gru", "gru_gates", x, h, W, R, b)
    assert [np.shape(gate) for gate in gates] == [(2, 5)] * 3


def test_an_open_update_gate_keeps_the_old_state():
    """With the z block's bias very positive, z = 1 and h_t = h_prev: nothing is written."""
    rng = np.random.default_rng(7)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))
    W, R = rng.standard_normal((3, 6)), rng.standard_normal((2, 6))
    bias = np.zeros((2, 6))
    bias[0, 0:2] = 1000.0  # columns 0..1 are the update gate z (order z, r, h)
    np.testing.assert_allclose(call("gru", "gru_step", x, h, W, R, bias), h, rtol=1e-9, atol=1e-9)
