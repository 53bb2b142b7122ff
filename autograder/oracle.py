"""Expected outputs from TensorFlow/Keras: the only module of the grader that imports them.

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
from dataclasses import replace
from typing import Any

import numpy as np

from autograder.casefile import Call, Case, Layer

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import tensorflow as tf

tf.config.experimental.enable_tensor_float_32_execution(False)

LAYERS = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM}
CELLS = {"simple_rnn": keras.layers.SimpleRNNCell, "lstm": keras.layers.LSTMCell}


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


def _recurrent_layer(name: str, weights: tuple, **options: Any) -> Any:
    """``SimpleRNN``/``LSTM`` in float64 with ``weights = (kernel, recurrent[, bias])``."""
    layer = LAYERS[name](
        _units(weights), use_bias=len(weights) == 3, dtype="float64", **options
    )
    return _with_weights(layer, (None, None, weights[0].shape[0]), list(weights))


def _cell(name: str, weights: tuple) -> Any:
    cell = CELLS[name](_units(weights), use_bias=len(weights) == 3, dtype="float64")
    return _with_weights(cell, (None, weights[0].shape[0]), list(weights))


def _float64(array: np.ndarray) -> tf.Tensor:
    return tf.constant(np.asarray(array, dtype=np.float64))


# --- one oracle per student function -------------------------------------------------------


def _one_hot(indices: np.ndarray, depth: int) -> list[np.ndarray]:
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


def _simple_rnn_step(x_t, h_prev, *weights) -> list[np.ndarray]:
    output, _ = _cell("simple_rnn", weights)(_float64(x_t), [_float64(h_prev)])
    return _numpy(output)


def _lstm_step(x_t, h_prev, c_prev, *weights) -> list[np.ndarray]:
    _, (h_t, c_t) = _cell("lstm", weights)(_float64(x_t), [_float64(h_prev), _float64(c_prev)])
    return _numpy([h_t, c_t])


def _lstm_gates(x_t, h_prev, *weights) -> list[np.ndarray]:
    """The gates as a real ``LSTMCell`` computes them, caught on their way through.

    ``LSTMCell.call`` applies ``recurrent_activation`` to the input, forget and output
    blocks (in that order) and ``activation`` to the candidate block, then to the cell.
    """
    cell = _cell("lstm", weights)
    seen: dict[str, list] = {"recurrent": [], "activation": []}

    def recording(kind: str, function: Callable) -> Callable:
        def record(x):
            y = function(x)
            seen[kind].append(y)
            return y

        return record

    cell.recurrent_activation = recording("recurrent", cell.recurrent_activation)
    cell.activation = recording("activation", cell.activation)
    zeros = tf.zeros_like(_float64(h_prev))
    cell(_float64(x_t), [_float64(h_prev), zeros])
    (i, f, o), g = seen["recurrent"], seen["activation"][0]
    return _numpy([i, f, g, o])


def _sequence(name: str) -> Callable[..., list[np.ndarray]]:
    def run(inputs, *weights, initial_state=None, **options) -> list[np.ndarray]:
        layer = _recurrent_layer(name, weights, **options)
        if initial_state is not None:
            states = initial_state if isinstance(initial_state, tuple) else (initial_state,)
            initial_state = [_float64(state) for state in states]
        return _numpy(layer(_float64(inputs), initial_state=initial_state))

    return run


def _bidirectional(inputs, layer: Layer, forward, backward, *, merge_mode, return_sequences):
    inner = LAYERS[layer.name](
        _units(forward),
        use_bias=len(forward) == 3,
        return_sequences=return_sequences,
        dtype="float64",
    )
    wrapper = keras.layers.Bidirectional(inner, merge_mode=merge_mode, dtype="float64")
    wrapper = _with_weights(wrapper, (None, None, inputs.shape[-1]), [*forward, *backward])
    return _numpy(wrapper(_float64(inputs)))


ORACLES: dict[str, Callable[..., list[np.ndarray]]] = {
    "one_hot": _one_hot,
    "embedding_lookup": _embedding,
    "embedding_matmul": _embedding,
    "cosine_similarity": _cosine_similarity,
    "simple_rnn_step": _simple_rnn_step,
    "simple_rnn": _sequence("simple_rnn"),
    "sigmoid": _sigmoid,
    "lstm_gates": _lstm_gates,
    "lstm_step": _lstm_step,
    "lstm": _sequence("lstm"),
    "bidirectional": _bidirectional,
}

# Functions whose reference returns several arrays even when Keras gives one tensor back.
SEVERAL = {"lstm_gates", "lstm_step"}


# --- replays: trusted helpers for the calls a student's function makes ------------------


def _layer_replays(case: Case) -> list[Call]:
    """The wrapped layer's outputs for every call a correct ``bidirectional`` may make.

    Inputs as given (forwards or ``go_backwards``) or reversed by hand, either half's
    weights, with or without ``return_sequences``.
    """
    inputs, layer, forward, backward = case.args
    calls = []
    for weights in (forward, backward):
        for sequences in (False, True):
            for x, backwards in ((inputs, False), (inputs, True), (inputs[:, ::-1], False)):
                x = np.ascontiguousarray(x)
                options = {"return_sequences": sequences, "go_backwards": backwards}
                outputs = _sequence(layer.name)(x, *weights, **options)
                calls.append(Call((x, *weights), options, outputs))
    return calls


def _replays(case: Case) -> dict[str, list[Call]]:
    if case.function == "embedding_matmul":
        ids, table = case.args
        depth = int(table.shape[0])
        return {"one_hot": [Call((ids, depth), {}, _one_hot(ids, depth))]}
    if case.function == "bidirectional":
        return {"layer": _layer_replays(case)}
    return {}


def solve(case: Case) -> Case:
    """The case with the oracle's outputs (and trusted helpers' replays) filled in. A case
    that must raise gets the replays too: a function that calls its helper before raising
    then gets the trusted helper, not the student's own (a broken layer must not cost
    points in bidirectional)."""
    if case.raises:
        return replace(case, replays=_replays(case))
    returns = ORACLES[case.function](*case.args, **case.kwargs)
    single = len(returns) == 1 and case.function not in SEVERAL
    return replace(case, returns=returns, single=single, replays=_replays(case))
