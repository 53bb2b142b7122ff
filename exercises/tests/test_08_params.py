"""Public self-checks for exercise 08, parameter counts: ``python -m pytest -m params``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.params


@pytest.mark.parametrize("case", cases("params"))
def test_matches_keras(case):
    """count_params gives what the built Keras layer's count_params() gave."""
    check_case(case)


def test_the_count_is_the_size_of_the_weights():
    """The count equals the number of entries of the weights the layers of 03-06 take."""
    D, U = 7, 3
    sizes = {"simple_rnn": D * U + U * U + U, "lstm": 4 * (D * U + U * U + U),
             "gru": 3 * (D * U + U * U + 2 * U)}
    for layer, size in sizes.items():
        assert call("params", "count_params", layer, D, U) == size, layer
        assert np.isclose(call("params", "count_params", layer, D, U, bidirectional=True), 2 * size), layer
