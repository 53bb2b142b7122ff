"""Public self-checks for exercise 02, the embedding table: ``python -m pytest -m embedding``."""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.embedding


@pytest.mark.parametrize("case", cases("embedding"))
def test_matches_keras(case):
    """Each function gives what keras.layers.Embedding (or cosine_similarity) gave."""
    check_case(case)


def test_lookup_equals_one_hot_times_weights():
    """The lookup table view and the one-hot @ weights view give the same rows."""
    rng = np.random.default_rng(1)
    ids, table = rng.integers(0, 9, size=(3, 4)), rng.standard_normal((9, 5))
    lookup = call("embedding", "embedding_lookup", ids, table)
    matmul = call("embedding", "embedding_matmul", ids, table)
    np.testing.assert_allclose(lookup, matmul, rtol=1e-6, atol=1e-6)


def test_out_of_range_ids_raise():
    """An id outside [0, V) raises IndexError (NumPy would silently wrap -1)."""
    table = np.ones((4, 2))
    for name in ("embedding_lookup", "embedding_matmul"):
        for bad in (-1, 4):
            with pytest.raises(IndexError):
                call("embedding", name, np.array([0, bad]), table)


def test_cosine_similarity_of_a_vector_with_itself_is_one():
    """cos(a, a) = 1, cos(a, -a) = -1, and a zero vector gives 0, never NaN."""
    a = np.array([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(call("embedding", "cosine_similarity", a, a), [1.0, 0.0])
    np.testing.assert_allclose(call("embedding", "cosine_similarity", a, -a), [-1.0, 0.0])
