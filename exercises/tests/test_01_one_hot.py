"""Public self-checks for exercise 01, one-hot encoding: ``python -m pytest -m one_hot``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.one_hot


@pytest.mark.parametrize("case", cases("one_hot"))
def test_matches_tensorflow(case):
    """one_hot gives what tf.one_hot gave for the same indices and depth."""
    check_case(case)


def test_vectors_are_orthogonal():
    """Two different words' one-hot vectors have dot product 0: no notion of meaning."""
    vectors = call("one_hot", "one_hot", np.arange(6), 6)
    np.testing.assert_array_equal(vectors @ vectors.T, np.eye(6))


def test_every_row_sums_to_one_inside_the_vocabulary():
    """A row is all zeros exactly when its index lies outside [0, depth)."""
    indices = np.array([[-2, 0, 3], [4, 5, 1]])
    sums = call("one_hot", "one_hot", indices, 5).sum(axis=-1)
    np.testing.assert_array_equal(sums, [[0, 1, 1], [1, 0, 1]])


def test_rejects_bad_arguments():
    """Float indices raise TypeError and depth < 1 raises ValueError."""
    with pytest.raises(TypeError):
        call("one_hot", "one_hot", np.array([0.5]), 3)
    with pytest.raises(ValueError):
        call("one_hot", "one_hot", np.array([0]), 0)
