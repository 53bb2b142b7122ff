"""Public self-checks for exercise 08, parameter counts: ``python -m pytest -m params``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.params


@pytest.mark.parametrize("case", cases("params"))
def test_matches_keras(case):
    """count_params gives what the built Keras layer's count_params() gave."""
    check_case(case)


def test_counts_relate_as_the_weights_do():
    """LSTM's weights are 4 SimpleRNN blocks; Bidirectional doubles a layer; no bias removes
    exactly the bias, which GRU keeps in two rows; the count does not depend on B or T."""
    D, U = 7, 3

    def count(layer, **options):
        return call("params", "count_params", layer, D, U, **options)

    assert count("lstm") == 4 * count("simple_rnn")
    for layer, bias_size in (("simple_rnn", U), ("lstm", 4 * U), ("gru", 2 * 3 * U)):
        assert count(layer) - count(layer, use_bias=False) == bias_size, layer
        assert np.isclose(count(layer, bidirectional=True), 2 * count(layer)), layer
