"""The activations in NumPy: Keras's sigmoid and the wrong ones students use."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Keras's logistic sigmoid, elementwise (any shape)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def hard_sigmoid(x: np.ndarray) -> np.ndarray:
    """Keras 3's hard_sigmoid, ``clip(x / 6 + 0.5, 0, 1)``, elementwise."""
    return np.minimum(np.maximum(x / 6.0 + 0.5, 0.0), 1.0)


def hard_sigmoid_keras2(x: np.ndarray) -> np.ndarray:
    """Keras 2's hard_sigmoid, ``clip(0.2 x + 0.5, 0, 1)``, elementwise."""
    return np.minimum(np.maximum(0.2 * x + 0.5, 0.0), 1.0)


def sigmoid_flipped(x: np.ndarray) -> np.ndarray:
    """The sigmoid with the sign of ``x`` lost, ``1 / (1 + exp(x))``, elementwise."""
    return 1.0 / (1.0 + np.exp(x))


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)``, elementwise."""
    return np.maximum(x, 0.0)
