"""The course notes' running example, computed by Keras, for the notebooks.

Every exercise's notebook replays the notes' example: the sentence "What time is it ?"
with the dictionary ``{"is": 0, "it": 1, "What": 2, "time": 3, "?": 4}``, the ids
``[[2 3 0 1 4]]``, ``Embedding(5, 100)``, ``SimpleRNN(64)``, ``LSTM(64)``, ``GRU(64)`` and
``Bidirectional(SimpleRNN(64))``, all with ``use_bias=False`` as in the notes (the GRU also
once with a bias). Exercise 07 pads sentences of the notes' words (``example_inputs.PADDED``) with id 0,
so its dictionary is the notes' shifted by one (``MASK_VOCAB``); exercise 08 stores
``count_params()`` of the layers in ``PARAM_CASES``; exercise 09 stores
``tf.GradientTape``'s gradients of ``sum(layer(Embedding(ids)) * d_output)`` for the SimpleRNN
and the LSTM (:func:`_backward_example`). Students
have no TensorFlow, so :func:`generate` stores, per exercise, the ids, the weights and the
outputs Keras gave in ``exercises/NN_name/example.npz``; a notebook reads that file when
it cannot import Keras, and recomputes and compares when it can.

The weights are drawn once with NumPy from ``SEED`` (embedding rows ``N(0, 1)``, like
trained word vectors; kernels Glorot-uniform and recurrent kernels orthogonal, as Keras
initialises them), rounded to multiples of ``GRID`` so that float32 holds them exactly
and each file stays under 100 KB, and loaded into the layers with ``set_weights``. The
layers run in float64 with TF32 off, so any correct implementation, float32 or float64,
matches the stored outputs within the graded tolerance.

``python -m autograder examples [--dest DEST]`` rewrites the files (under ``exercises/`` by
default; then run ``python -m autograder template``). Needs TensorFlow.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from autograder.catalog import EXERCISE_DOCS, EXERCISES, folder
from autograder.references.example_inputs import (
    EMBEDDING_SIZE,
    MASK_VOCAB,
    PADDED,
    PARAM_CASES,
    SEED,
    SENTENCE,
    UNITS,
    VOCAB,
    draw_weights,
    padded_ids,
    token_ids,
)

FILENAME = "example.npz"

FRESH_TOLERANCE = 1e-9  # stored outputs vs a fresh float64 computation
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same arrays give the same bytes


def _import_keras() -> Any:
    """TensorFlow and Keras as the oracle sets them up (quiet logs, TF32 off)."""
    from autograder.references import oracle

    return oracle.tf, oracle.keras


def _run(layer: Any, inputs: np.ndarray, weights: list[np.ndarray], mask: Any = None) -> Any:
    """Build ``layer`` on ``inputs``, load ``weights`` and call it again (with ``mask``)."""
    layer(inputs)
    layer.set_weights(weights)
    outputs = layer(inputs) if mask is None else layer(inputs, mask=mask)
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(output) for output in outputs]
    return np.asarray(outputs)


RECURRENT = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}  # Keras's class names


def _layer(keras: Any, name: str, **options: Any) -> Any:
    """The notes' recurrent layer ``name``: 64 units, float64, no bias unless ``use_bias=True``."""
    options = {"units": UNITS, "use_bias": False, "dtype": "float64", **options}
    return getattr(keras.layers, RECURRENT[name])(**options)


def _bidirectional(keras: Any, return_sequences: bool) -> Any:
    """``Bidirectional(SimpleRNN(64))`` in float64 (the wrapper casts to its own dtype)."""
    inner = _layer(keras, "simple_rnn", return_sequences=return_sequences)
    return keras.layers.Bidirectional(inner, dtype="float64")


def _gru_example(keras: Any, weights: dict[str, list[np.ndarray]], embedded: dict[str, Any]) -> dict:
    """Exercise 06: ``GRU(64)`` on the sentence, without a bias as in the notes, then with one."""
    emb_out, gru = embedded["emb_out"], weights["gru"]
    seq_out, state = _run(_layer(keras, "gru", return_sequences=True, return_state=True), emb_out, gru)
    biased = gru + weights["gru_bias"]
    return {
        **embedded, "kernel": gru[0], "recurrent_kernel": gru[1], "bias": biased[2],
        "seq_out": seq_out, "fin_out": _run(_layer(keras, "gru"), emb_out, gru), "state": state,
        "biased_seq_out": _run(_layer(keras, "gru", use_bias=True, return_sequences=True),
                               emb_out, biased),
    }


def _masking_example(keras: Any, weights: dict[str, list[np.ndarray]], common: dict[str, Any]) -> dict:
    """Exercise 07: the :data:`PADDED` batch, post- and pre-padded, through masked layers.

    The layers' weights are those of the examples of 03-06 (the notebook reads them there).
    """
    table = np.concatenate([weights["padding_row"][0], weights["embedding"][0]])  # row 0: padding
    embedding = keras.layers.Embedding(len(MASK_VOCAB) + 1, EMBEDDING_SIZE, mask_zero=True,
                                       dtype="float64")
    ids = {"post": padded_ids(), "pre": padded_ids(pre=True)}
    embedded = {side: _run(embedding, ids[side], [table]) for side in ids}
    masks = {side: np.asarray(embedding.compute_mask(ids[side])) for side in ids}
    rnn = weights["simple_rnn"]

    def simple_rnn(side: str, masked: bool, **options: Any) -> Any:
        mask = masks[side] if masked else None
        return _run(_layer(keras, "simple_rnn", **options), embedded[side], rnn, mask)

    alone = [_run(_layer(keras, "simple_rnn"), _run(embedding, padded_ids((sentence,)), [table]), rnn)
             for sentence in PADDED]
    arrays = {**common, "table": table, "notes_mask": np.asarray(embedding.compute_mask(token_ids())),
              "alone_fin": np.concatenate(alone)}
    for side in ids:
        arrays.update({
            f"{side}_ids": ids[side], f"{side}_mask": masks[side], f"{side}_emb": embedded[side],
            f"{side}_seq": simple_rnn(side, True, return_sequences=True),
            f"{side}_seq_unmasked": simple_rnn(side, False, return_sequences=True),
            f"{side}_fin": simple_rnn(side, True),
            f"{side}_fin_unmasked": simple_rnn(side, False),
        })
    for name in ("lstm", "gru"):
        layer = _layer(keras, name, return_sequences=True)
        arrays[f"{name}_seq"] = _run(layer, embedded["post"], weights[name], masks["post"])
    for name, return_sequences in (("bi_seq", True), ("bi_fin", False)):
        arrays[name] = _run(_bidirectional(keras, return_sequences), embedded["post"],
                            weights["bidirectional"], masks["post"])
    return arrays


def _backward_example(tf: Any, keras: Any, weights: dict[str, list[np.ndarray]],
                      embedded: dict[str, Any]) -> dict:
    """Exercise 09: ``tf.GradientTape``'s gradients of ``L = sum(layer(Embedding(ids)) * d_output)``.

    For ``SimpleRNN(64)`` and ``LSTM(64)`` (the weights of 03 and 04, ``return_sequences=True``):
    the gradients with respect to the embedded sentence (``NAME_inputs``), the zero initial
    states (``NAME_initial_state``, or ``lstm_initial_h`` and ``lstm_initial_c``) and the
    table (``NAME_table``). A kernel gradient is ``sum_t x_t.T @ dz_t``, and a float64
    ``(100, 256)`` one would not fit in 100 KB, so its factor ``dz`` (``NAME_dz``, one row per
    step) is stored: ``emb_out[0].T @ dz`` gives back Keras's kernel gradient and
    ``h_prev.T @ dz`` its recurrent one (both checked here to 1e-12).
    """
    ids, table, emb_out = embedded["ids"], weights["embedding"][0], embedded["emb_out"]
    d_output = weights["d_output"][0]
    arrays = {**embedded, "d_output": d_output}
    for name in ("simple_rnn", "lstm"):
        embedding = keras.layers.Embedding(len(VOCAB), EMBEDDING_SIZE, dtype="float64")
        _run(embedding, ids, [table])
        layer = _layer(keras, name, return_sequences=True)
        states = _run(layer, emb_out, weights[name])
        zeros = [tf.zeros((1, UNITS), dtype="float64") for _ in range(2 if name == "lstm" else 1)]
        with tf.GradientTape() as tape:
            tape.watch(zeros)
            x = embedding(ids)
            loss = tf.reduce_sum(layer(x, initial_state=zeros) * d_output)
        found = tape.gradient(loss, [x, *layer.trainable_weights, *zeros, embedding.embeddings])
        d_x, d_kernel, d_recurrent, *d_states, d_table = (np.asarray(tf.convert_to_tensor(g)) for g in found)
        dz = np.linalg.lstsq(emb_out[0].T, d_kernel, rcond=None)[0]
        h_prev = np.concatenate([np.zeros((1, UNITS)), states[0, :-1]])
        for what, rebuilt, keras_grad in (("kernel", emb_out[0].T @ dz, d_kernel),
                                          ("recurrent kernel", h_prev.T @ dz, d_recurrent)):
            if np.max(np.abs(rebuilt - keras_grad)) > 1e-12:
                raise RuntimeError(f"{name}: dz does not give back Keras's {what} gradient")
        state_names = ("initial_h", "initial_c") if name == "lstm" else ("initial_state",)
        arrays.update({f"{name}_inputs": d_x, f"{name}_dz": dz, f"{name}_table": d_table,
                       **{f"{name}_{key}": g for key, g in zip(state_names, d_states, strict=True)}})
    return arrays


def _built_layer(keras: Any, layer: str, input_dim: int, units: int, use_bias: bool,
                 bidirectional: bool) -> Any:
    """The built Keras layer of one :data:`PARAM_CASES` row (float32, as Keras builds by default)."""
    if layer == "embedding":
        built = keras.layers.Embedding(input_dim, units)
        built.build((None, None))
        return built
    built = getattr(keras.layers, RECURRENT[layer])(units, use_bias=use_bias)
    if bidirectional:
        built = keras.layers.Bidirectional(built)
    built.build((None, None, input_dim))
    return built


def _params_example(keras: Any, common: dict[str, Any]) -> dict:
    """Exercise 08: ``count_params()`` of every :data:`PARAM_CASES` layer, and their weights' shapes."""
    columns = list(zip(*PARAM_CASES, strict=True))
    built = [_built_layer(keras, *case) for case in PARAM_CASES]
    return {
        **common,
        **{f"case_{name}": np.array(column) for name, column in
           zip(("layer", "input_dim", "units", "use_bias", "bidirectional"), columns, strict=True)},
        "keras_counts": np.array([layer.count_params() for layer in built], dtype=np.int64),
        "weight_shapes": np.array([str([tuple(w.shape) for w in layer.get_weights()]) for layer in built]),
    }


def compute(seed: int = SEED) -> dict[str, dict[str, np.ndarray]]:
    """The arrays of every exercise's ``example.npz`` (imports TensorFlow)."""
    tf, keras = _import_keras()
    layers = keras.layers
    weights = draw_weights(seed)
    ids = token_ids()
    words = np.array(SENTENCE.split())
    V, E = len(VOCAB), EMBEDDING_SIZE
    meta = np.array(f"tensorflow {tf.__version__}, keras {keras.__version__}, "
                    f"float64 layers, TF32 off, seed {seed}")
    common = {"meta": meta, "words": words, "ids": ids}

    emb_out = _run(layers.Embedding(input_dim=V, output_dim=E, dtype="float64"), ids,
                   weights["embedding"])
    embedded = {**common, "embeddings": weights["embedding"][0], "emb_out": emb_out}
    rows = emb_out[0]  # every pair of the sentence's embeddings: (5, 1, E) against (1, 5, E)
    cosine = -keras.losses.cosine_similarity(rows[:, None, :], rows[None, :, :], axis=-1)

    def recurrent(name: str) -> tuple[Any, Any]:
        sequences = _run(_layer(keras, name, return_sequences=True, return_state=True), emb_out,
                         weights[name])
        final = _run(_layer(keras, name), emb_out, weights[name])
        return sequences, final

    (rnn_seq, rnn_state), rnn_fin = recurrent("simple_rnn")
    (lstm_seq, lstm_h, lstm_c), lstm_fin = recurrent("lstm")
    bi_seq = _run(_bidirectional(keras, True), emb_out, weights["bidirectional"])
    bi_fin = _run(_bidirectional(keras, False), emb_out, weights["bidirectional"])
    kernels = ("kernel", "recurrent_kernel")
    bi_names = [f"{half}_{name}" for half in ("forward", "backward") for name in kernels]
    return {
        "one_hot": {**common, "one_hot": np.asarray(keras.ops.one_hot(ids, V))},
        "embedding": {**embedded, "cosine": np.asarray(cosine, dtype=np.float64)},
        "simple_rnn": {
            **embedded, **dict(zip(kernels, weights["simple_rnn"], strict=True)),
            "seq_out": rnn_seq, "fin_out": rnn_fin, "state": rnn_state,
        },
        "lstm": {
            **embedded, **dict(zip(kernels, weights["lstm"], strict=True)),
            "seq_out": lstm_seq, "fin_out": lstm_fin, "h": lstm_h, "c": lstm_c,
        },
        "bidirectional": {
            **embedded, **dict(zip(bi_names, weights["bidirectional"], strict=True)),
            "seq_out": bi_seq, "fin_out": bi_fin,
        },
        "gru": _gru_example(keras, weights, embedded),
        "masking": _masking_example(keras, weights, common),
        "params": _params_example(keras, common),
        "backward": _backward_example(tf, keras, weights, embedded),
    }


def dump(arrays: dict[str, np.ndarray]) -> bytes:
    """``.npz`` bytes (compressed, no pickles) that depend only on the arrays."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def load(path: Path) -> dict[str, np.ndarray]:
    """The arrays of one ``example.npz``."""
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def example_path(exercise: str, root: Path = EXERCISE_DOCS) -> Path:
    """``root/NN_name/example.npz``."""
    return root / folder(exercise) / FILENAME


def generate(dest_root: Path = EXERCISE_DOCS, seed: int = SEED) -> list[Path]:
    """Write ``dest_root/NN_name/example.npz`` for every exercise; returns the paths."""
    computed, written = compute(seed), []
    for exercise in EXERCISES:
        arrays = computed[exercise]
        path = example_path(exercise, Path(dest_root))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump(arrays))
        written.append(path)
    return written


def differences(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[str]:
    """Where two examples disagree: keys, shapes, dtypes, or values beyond 1e-9.

    ``meta`` (library versions) is not compared.
    """
    problems = [f"{key}: only in one file" for key in sorted(set(a) ^ set(b)) if key != "meta"]
    for key in sorted(set(a) & set(b) - {"meta"}):
        x, y = a[key], b[key]
        if x.shape != y.shape or x.dtype != y.dtype:
            problems.append(f"{key}: {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
        elif x.dtype.kind in "fc":
            error = float(np.max(np.abs(x - y), initial=0.0))
            if error > FRESH_TOLERANCE:
                problems.append(f"{key}: max |difference| {error:.3g}")
        elif not np.array_equal(x, y):
            problems.append(f"{key}: values differ")
    return problems
