"""Public self-checks for exercise 07, masking and padding: ``python -m pytest -m masking``.

The layers' ``mask=`` lives in ``rnnlab/simple_rnn.py``, ``lstm.py``, ``gru.py`` and
``bidirectional.py``; these checks (and the points) belong to this exercise.
"""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.masking


@pytest.mark.parametrize("case", cases("masking"))
def test_matches_keras(case):
    """Each function gives what Keras gave for the same weights and mask."""
    check_case(case)


def test_padding_at_the_end_leaves_the_last_output_unchanged():
    """A sentence padded after its end gives the same last output as the sentence alone."""
    rng = np.random.default_rng(8)
    x, W, R = rng.standard_normal((1, 5, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 4))
    mask = np.array([[True, True, True, False, False]])
    padded = call("masking", "simple_rnn", x, W, R, mask=mask)
    alone = call("masking", "simple_rnn", x[:, :3], W, R)
    np.testing.assert_allclose(padded, alone, rtol=1e-9, atol=1e-12)


def test_an_all_true_mask_changes_nothing():
    """mask=all True is the same as no mask."""
    rng = np.random.default_rng(9)
    x, W, R = rng.standard_normal((2, 4, 3)), rng.standard_normal((3, 12)), rng.standard_normal((4, 12))
    masked = call("masking", "gru", x, W, R, mask=np.ones((2, 4), bool), return_sequences=True)
    plain = call("masking", "gru", x, W, R, return_sequences=True)
    np.testing.assert_allclose(masked, plain, rtol=1e-9, atol=1e-12)
