"""Expected outputs from TensorFlow/Keras, one oracle per student function.

Every reference is computed by the real layer built with the case's weights
(``layer.set_weights``), in float64 (``dtype="float64"`` on the layer, and on the wrapper
for Bidirectional) so that references carry no float32 rounding, with TF32 turned off so
that a GPU gives the same numbers as the CPU. Contract cases (``case.raises``) need no
oracle: the contract, not Keras, decides them.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.casefile import Layer

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import tensorflow as tf

tf.config.experimental.enable_tensor_float_32_execution(False)

LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
CELLS = {"simple_rnn": keras.layers.SimpleRNNCell, "lstm": keras.layers.LSTMCell, "gru": keras.layers.GRUCell}


def versions() -> dict[str, str]:
    """The libraries and device that produced the references (stored with them)."""
    gpus = tf.config.list_physical_devices("GPU")
    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "device": "GPU" if gpus else "CPU",
        "precision": "float64 layers, TF32 off",
    }


def _numpy(outputs: Any) -> list[np.ndarray]:
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(output) for output in outputs]
    return [np.asarray(outputs)]


def _units(weights: tuple) -> int:
    """``U``, read off the recurrent kernel ``(U, kU)``."""
    return weights[1].shape[0]


def _with_weights(layer: Any, input_shape: tuple, weights: list[np.ndarray]) -> Any:
    layer.build(input_shape)
    layer.set_weights(list(weights))
    return layer


def _new_layer(name: str, units: int, **options: Any) -> Any:
    """``SimpleRNN``/``LSTM``/``GRU`` in float64; LSTM and GRU off cuDNN, whose masked steps
    come out as zeros on a GPU (the CPU kernel, graded here, carries the last output)."""
    no_cudnn = {} if name == "simple_rnn" else {"use_cudnn": False}
    return LAYERS[name](units, dtype="float64", **no_cudnn, **options)


def _recurrent_layer(name: str, weights: tuple, **options: Any) -> Any:
    """A float64 layer built with ``weights = (kernel, recurrent[, bias])``."""
    layer = _new_layer(name, _units(weights), use_bias=len(weights) == 3, **options)
    return _with_weights(layer, (None, None, weights[0].shape[0]), list(weights))


def _cell(name: str, weights: tuple) -> Any:
    cell = CELLS[name](_units(weights), use_bias=len(weights) == 3, dtype="float64")
    return _with_weights(cell, (None, weights[0].shape[0]), list(weights))


def _float64(array: np.ndarray) -> tf.Tensor:
    return tf.constant(np.asarray(array, dtype=np.float64))


# --- one oracle per student function -------------------------------------------------------


def one_hot(indices: np.ndarray, depth: int) -> list[np.ndarray]:
    """``indices`` may be any array-like (a list, a Python int), as tf.one_hot takes."""
    return _numpy(tf.one_hot(np.asarray(indices).astype(np.int64), depth, dtype=tf.float32))


def _embedding(ids: np.ndarray, table: np.ndarray) -> list[np.ndarray]:
    layer = keras.layers.Embedding(table.shape[0], table.shape[1], dtype=table.dtype.name)
    layer.build(np.shape(ids))
    layer.set_weights([table])
    return _numpy(layer(np.asarray(ids)))  # Keras layers take tensors, not nested lists


def _cosine_similarity(a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    return _numpy(-keras.losses.cosine_similarity(_float64(a), _float64(b), axis=-1))


def _sigmoid(x: np.ndarray) -> list[np.ndarray]:
    return _numpy(keras.activations.sigmoid(_float64(x)))


def step(name: str) -> Callable[..., list[np.ndarray]]:
    """One step of the ``SimpleRNNCell`` or ``GRUCell``: the new state."""

    def step(x_t, h_prev, *weights) -> list[np.ndarray]:
        output, _ = _cell(name, weights)(_float64(x_t), [_float64(h_prev)])
        return _numpy(output)

    return step


def lstm_step(x_t, h_prev, c_prev, *weights) -> list[np.ndarray]:
    _, (h_t, c_t) = _cell("lstm", weights)(_float64(x_t), [_float64(h_prev), _float64(c_prev)])
    return _numpy([h_t, c_t])


def _gates(name: str) -> Callable[..., list[np.ndarray]]:
    """The gates as a real ``LSTMCell`` or ``GRUCell`` computes them, caught on their way.

    ``LSTMCell.call`` applies ``recurrent_activation`` to the input, forget and output
    blocks (in that order) and ``activation`` to the candidate block, then to the cell;
    ``GRUCell.call`` applies ``recurrent_activation`` to z then r, ``activation`` to the
    candidate.
    """

    def gates(x_t, h_prev, *weights) -> list[np.ndarray]:
        cell = _cell(name, weights)
        seen: dict[str, list] = {"recurrent": [], "activation": []}

        def recording(kind: str, function: Callable) -> Callable:
            def record(x):
                y = function(x)
                seen[kind].append(y)
                return y

            return record

        cell.recurrent_activation = recording("recurrent", cell.recurrent_activation)
        cell.activation = recording("activation", cell.activation)
        h = _float64(h_prev)
        cell(_float64(x_t), [h, tf.zeros_like(h)] if name == "lstm" else [h])
        sigmoids, candidate = seen["recurrent"], seen["activation"][0]
        if name == "lstm":
            i, f, o = sigmoids
            return _numpy([i, f, candidate, o])
        z, r = sigmoids
        return _numpy([z, r, candidate])

    return gates


def sequence(name: str) -> Callable[..., list[np.ndarray]]:
    def run(inputs, *weights, initial_state=None, mask=None, **options) -> list[np.ndarray]:
        layer = _recurrent_layer(name, weights, **options)
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, tuple) else (initial_state,)
            initial_state = [_float64(state) for state in states]
        return _numpy(layer(_float64(inputs), initial_state=initial_state, mask=_mask(mask)))

    return run


def _mask(mask: np.ndarray | None) -> tf.Tensor | None:
    return None if mask is None else tf.constant(np.asarray(mask, dtype=bool))


def _bidirectional(inputs, layer: Layer, forward, backward, *, merge_mode, return_sequences, mask=None):
    inner = _new_layer(layer.name, _units(forward), use_bias=len(forward) == 3,
                       return_sequences=return_sequences)
    wrapper = keras.layers.Bidirectional(inner, merge_mode=merge_mode, dtype="float64")
    wrapper = _with_weights(wrapper, (None, None, inputs.shape[-1]), [*forward, *backward])
    return _numpy(wrapper(_float64(inputs), mask=_mask(mask)))


def _padding_mask(ids) -> list[np.ndarray]:
    ids = np.asarray(ids)
    layer = keras.layers.Embedding(int(ids.max(initial=0)) + 1, 1, mask_zero=True)
    return _numpy(layer.compute_mask(ids.astype(np.int64)))


def _count_params(layer: str, input_dim: int, units: int, *, use_bias=True, bidirectional=False):
    """``count_params()`` of the built Keras layer (a contract case covers the errors)."""
    if layer == "embedding":
        built = keras.layers.Embedding(input_dim, units)
        built.build((None,))
    else:
        built = LAYERS[layer](units, use_bias=use_bias)
        if bidirectional:
            built = keras.layers.Bidirectional(built)
        built.build((None, None, input_dim))
    return [np.asarray(built.count_params())]


def _embedding_backward(ids, d_output, vocab_size: int) -> list[np.ndarray]:
    """``tf.GradientTape``'s gradient of ``sum(Embedding(ids) * d_output)`` for the table."""
    d_output = _float64(d_output)
    layer = keras.layers.Embedding(vocab_size, d_output.shape[-1], dtype="float64")
    layer.build((None,))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(np.asarray(ids)) * d_output)
    return _numpy(tf.convert_to_tensor(tape.gradient(loss, layer.embeddings)))


def _backward(name: str) -> Callable[..., list[np.ndarray]]:
    """``tf.GradientTape``'s gradients of ``sum(layer(inputs) * d_output)``: inputs, the
    weights (kernel, recurrent kernel, bias when there is one), then the initial states (given,
    or zeros watched in their place: the layer starts from zeros then too)."""

    def gradients(inputs, kernel, recurrent_kernel, bias, d_output, *, initial_state=None,
                  **options) -> list[np.ndarray]:
        weights = (kernel, recurrent_kernel) + (() if bias is None else (bias,))
        layer = _recurrent_layer(name, weights, **options)
        count = 2 if name == "lstm" else 1
        zeros = np.zeros((np.shape(inputs)[0], np.shape(recurrent_kernel)[0]))
        given = [zeros] * count if initial_state is None else list(
            initial_state if isinstance(initial_state, tuple) else (initial_state,))
        states = [_float64(state) for state in given]
        x = _float64(inputs)
        with tf.GradientTape() as tape:
            tape.watch([x, *states])
            loss = tf.reduce_sum(layer(x, initial_state=states) * _float64(d_output))
        return _numpy(tape.gradient(loss, [x, *layer.trainable_weights, *states]))

    return gradients


ORACLES: dict[str, Callable[..., list[np.ndarray]]] = {
    "one_hot": one_hot,
    "embedding_lookup": _embedding,
    "embedding_matmul": _embedding,
    "cosine_similarity": _cosine_similarity,
    "simple_rnn_step": step("simple_rnn"),
    "simple_rnn": sequence("simple_rnn"),
    "sigmoid": _sigmoid,
    "lstm_gates": _gates("lstm"),
    "lstm_step": lstm_step,
    "lstm": sequence("lstm"),
    "bidirectional": _bidirectional,
    "gru_gates": _gates("gru"),
    "gru_step": step("gru"),
    "gru": sequence("gru"),
    "padding_mask": _padding_mask,
    "count_params": _count_params,
    "embedding_backward": _embedding_backward,
    "simple_rnn_backward": _backward("simple_rnn"),
    "lstm_backward": _backward("lstm"),
}

# Functions whose reference returns several arrays even when Keras gives one tensor back.
SEVERAL = {"lstm_gates", "lstm_step", "gru_gates", "simple_rnn_backward", "lstm_backward"}
