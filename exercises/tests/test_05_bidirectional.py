"""Public self-checks for exercise 05, Bidirectional: ``python -m pytest -m bidirectional``.

The layer passed to your function is trusted: for the fixture cases it plays back what
Keras's SimpleRNN/LSTM gave, so a bug in exercise 03 or 04 does not show up here.
"""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.bidirectional


@pytest.mark.parametrize("case", cases("bidirectional"))
def test_matches_keras(case):
    """bidirectional gives what keras.layers.Bidirectional gave for the same weights."""
    check_case(case)


def _halves(*arrays):
    """A layer that returns fixed arrays: forward first, then backward."""
    outputs = iter(arrays)

    def layer(inputs, kernel, recurrent_kernel, bias=None, *, return_sequences=False,
              return_state=False, go_backwards=False, initial_state=None):
        return next(outputs)

    return layer


def test_merge_modes_combine_the_two_halves():
    """concat puts forward first; sum, ave and mul combine elementwise; None keeps both."""
    f, b = np.array([[1.0, 2.0]]), np.array([[3.0, 5.0]])
    weights = (np.zeros((1, 2)), np.zeros((2, 2)))
    expected = {"concat": [[1.0, 2.0, 3.0, 5.0]], "sum": [[4.0, 7.0]], "ave": [[2.0, 3.5]],
                "mul": [[3.0, 10.0]]}
    for mode, want in expected.items():
        got = call("bidirectional", "bidirectional", np.zeros((1, 3, 1)), _halves(f, b),
                   weights, weights, merge_mode=mode)
        np.testing.assert_allclose(got, want, err_msg=f"merge_mode={mode!r}")


def test_backward_sequence_is_flipped_back_to_time_order():
    """With return_sequences the backward half comes back in processing order and is flipped."""
    forward = np.arange(3.0).reshape(1, 3, 1)
    backward = np.array([[[30.0], [20.0], [10.0]]])  # processing order: step 2, 1, 0
    weights = (np.zeros((1, 1)), np.zeros((1, 1)))
    got = call("bidirectional", "bidirectional", np.zeros((1, 3, 1)), _halves(forward, backward),
               weights, weights, return_sequences=True)
    np.testing.assert_allclose(got[0, :, 1], [10.0, 20.0, 30.0])
