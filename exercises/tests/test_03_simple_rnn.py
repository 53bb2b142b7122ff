"""Public self-checks for exercise 03, SimpleRNN: ``python -m pytest -m simple_rnn``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.simple_rnn


@pytest.mark.parametrize("case", cases("simple_rnn"))
def test_matches_keras(case):
    """Each function gives what keras.layers.SimpleRNN gave for the same weights."""
    check_case(case)


def _example(seed: int = 3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 5, 3))
    return x, 0.5 * rng.standard_normal((3, 4)), 0.5 * rng.standard_normal((4, 4))


def test_last_output_is_the_last_step_of_the_sequence():
    """return_sequences=False returns exactly step T-1 of return_sequences=True."""
    x, W, U = _example()
    sequence = call("simple_rnn", "simple_rnn", x, W, U, return_sequences=True)
    last = call("simple_rnn", "simple_rnn", x, W, U)
    np.testing.assert_allclose(last, sequence[:, -1], rtol=1e-6, atol=1e-6)


def test_go_backwards_reads_the_reversed_sequence():
    """go_backwards on x equals running forwards on x reversed in time."""
    x, W, U = _example()
    backwards = call("simple_rnn", "simple_rnn", x, W, U, return_sequences=True, go_backwards=True)
    reversed_input = call("simple_rnn", "simple_rnn", x[:, ::-1], W, U, return_sequences=True)
    np.testing.assert_allclose(backwards, reversed_input, rtol=1e-6, atol=1e-6)


def test_one_weight_serves_every_step():
    """The step function applied T times by hand gives the layer's output."""
    x, W, U = _example()
    h = np.zeros((2, 4))
    for t in range(x.shape[1]):
        h = call("simple_rnn", "simple_rnn_step", x[:, t], h, W, U)
    np.testing.assert_allclose(call("simple_rnn", "simple_rnn", x, W, U), h, rtol=1e-6, atol=1e-6)
