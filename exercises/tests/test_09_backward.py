"""Public self-checks for exercise 09, backpropagation through time: ``python -m pytest -m backward``.

Besides the fixture cases (gradients from tf.GradientTape), a numerical check: nudging one
weight by ``eps`` changes ``L = sum(output * d_output)`` by about ``eps`` times its gradient.
Your own forward functions of Exercises 03 and 04 compute ``L`` there.
"""

import numpy as np
import pytest
from checks import call, cases, check_case

pytestmark = pytest.mark.backward


@pytest.mark.parametrize("case", cases("backward"))
def test_matches_keras(case):
    """Each gradient is what tf.GradientTape gave on the Keras layer with the same weights."""
    check_case(case)


def test_embedding_gradient_is_one_hot_transposed_times_d_output():
    """dW = one_hot(ids, V).T @ d_output: a repeated id collects every contribution."""
    ids, d_output = np.array([1, 3, 1, 1]), np.arange(8.0).reshape(4, 2)
    expected = np.eye(4)[ids].T @ d_output
    np.testing.assert_allclose(call("backward", "embedding_backward", ids, d_output, 4), expected)


@pytest.mark.parametrize("layer, blocks", [("simple_rnn", 1), ("lstm", 4)])
def test_the_kernel_gradient_agrees_with_a_finite_difference(layer, blocks):
    """(L(W + eps E) - L(W - eps E)) / (2 eps) is the gradient's entry, for a few entries E."""
    rng = np.random.default_rng(10)
    x, d_output = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 2))
    W, R = 0.5 * rng.standard_normal((3, 2 * blocks)), 0.5 * rng.standard_normal((2, 2 * blocks))
    b = 0.5 * rng.standard_normal(2 * blocks)
    grads = call("backward", f"{layer}_backward", x, W, R, b, d_output, return_sequences=True)

    def loss(kernel):
        return float(np.sum(call(layer, layer, x, kernel, R, b, return_sequences=True) * d_output))

    eps = 1e-6
    for index in [(0, 0), (2, 1), (1, 2 * blocks - 1)]:
        step = np.zeros_like(W)
        step[index] = eps
        numeric = (loss(W + step) - loss(W - step)) / (2 * eps)
        assert abs(grads["kernel"][index] - numeric) < 1e-6, index
