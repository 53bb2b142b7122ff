"""The graded calls of every exercise: inputs and options, without expected outputs.

``build_suite("public" | "hidden", seed)`` returns cases whose ``returns`` are still empty
(except contract cases, which expect an exception); ``autograder.references.oracle`` fills them in
with TensorFlow. Hidden cases are more numerous and use other seeds than the public ones,
and are designed so that subtle mistakes show: mostly ``B >= 2``, ``T >= 3``, ``D != U``,
a bias, and every option of the contract. The hidden cases of an exercise share its points
(``catalog.POINTS``) equally.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from autograder.casefile import Case
from autograder.catalog import EXERCISES, POINTS
from autograder.references import layer_suites
from autograder.references.builder import HIDDEN_SHAPES, PUBLIC_SHAPES, Builder

SUITES = ("public", "hidden")
SEEDS = {"public": 2023, "hidden": 7}


def _one_hot(b: Builder, suite: str) -> None:
    # Ids have few possible values: the hidden suite's depths differ from the public ones,
    # so that no hidden call can equal a public one whatever the seeds.
    more = 0 if suite == "public" else 2
    ids = b.ids(5 + more, 6)
    b.add("ids_1d_in_range", "one_hot", ids if suite == "public" else ids.tolist(), 5 + more)  # array-like
    outside = b.ids(4 + more, 2, 3)
    outside[0, 2], outside[1, 0] = -1 - b.rng.integers(3), 4 + more + b.rng.integers(3)
    b.add("ids_2d_out_of_range", "one_hot", outside, 4 + more)
    scalar = b.rng.integers(0, 3 + more)
    b.add("scalar_id", "one_hot", np.array(scalar) if suite == "public" else int(scalar), 3 + more)
    b.add("float_ids_raise", "one_hot", b.rng.random(2) * 3, 3, raises="TypeError")
    if suite == "public":
        return
    b.add("ids_3d_uint8", "one_hot", b.ids(6, 2, 3, 2, dtype=np.uint8), 6)
    b.add("empty_ids", "one_hot", np.zeros(0, int), 4)
    b.add("depth_1", "one_hot", np.array([0, 1, 0, -1], dtype=np.int32), 1)
    b.add("ids_equal_depth", "one_hot", np.array([[4, 4], [3, 0]], dtype=np.int16), 4)
    b.add("bool_ids_raise", "one_hot", np.array([True, False]), 2, raises="TypeError")
    b.add("depth_0_raises", "one_hot", np.array([0, 1]), 0, raises="ValueError")


def _embedding(b: Builder, suite: str) -> None:
    b.add("lookup_2d", "embedding_lookup", b.ids(7, 3, 5), b.normal(7, 4))
    b.add("matmul_2d", "embedding_matmul", b.ids(6, 2, 4), b.normal(6, 3))
    b.add("lookup_negative_id_raises", "embedding_lookup", np.array([[1, -1]]), b.normal(4, 2),
          raises="IndexError")
    zero_rows = b.normal(3, 4, 5)
    zero_rows[0, 1] = 0.0
    zero_rows[2, 3] = 0.0
    b.add("cosine_with_zero_vectors", "cosine_similarity", zero_rows, b.normal(3, 4, 5))
    if suite == "public":
        return
    b.add("lookup_course_example", "embedding_lookup", [[2, 3, 0, 1, 4]], b.normal(5, 100, scale=0.05))
    b.add("lookup_1d_float32_square", "embedding_lookup", b.ids(6, 8), b.normal(6, 6, dtype=np.float32))
    b.add("lookup_3d_uint16", "embedding_lookup", b.ids(5, 2, 3, 4, dtype=np.uint16), b.normal(5, 3))
    b.add("lookup_id_equal_vocab_raises", "embedding_lookup", np.array([0, 5]), b.normal(5, 2),
          raises="IndexError")
    b.add("matmul_3d", "embedding_matmul", b.ids(8, 2, 2, 3), b.normal(8, 5))
    b.add("matmul_1d_float32", "embedding_matmul", b.ids(4, 6), b.normal(4, 3, dtype=np.float32))
    b.add("matmul_negative_id_raises", "embedding_matmul", np.array([3, -2]), b.normal(4, 3),
          raises="IndexError")
    b.add("matmul_id_equal_vocab_raises", "embedding_matmul", np.array([[6]]), b.normal(6, 2),
          raises="IndexError")
    b.add("cosine_1d", "cosine_similarity", b.normal(7), b.normal(7))
    b.add("matmul_empty_ids", "embedding_matmul", np.zeros((2, 0), dtype=np.int64), b.normal(5, 3))
    b.add("lookup_empty_ids", "embedding_lookup", np.zeros(0, dtype=np.int32), b.normal(4, 3))


def _params(b: Builder, suite: str) -> None:
    def size() -> int:
        return int(b.rng.integers(2, 40))

    if suite == "public":  # the notes' Embedding(5, 100) and SimpleRNN(64) on 100 features
        b.add("embedding_course", "count_params", "embedding", 5, 100)
        b.add("simple_rnn_course", "count_params", "simple_rnn", 100, 64)
        b.add("lstm_bidirectional", "count_params", "lstm", size(), size(), bidirectional=True)
        b.add("unknown_layer_raises", "count_params", "transformer", 4, 3, raises="ValueError")
        return
    b.add("embedding", "count_params", "embedding", size(), size())
    b.add("simple_rnn", "count_params", "simple_rnn", size(), size())
    b.add("lstm_course", "count_params", "lstm", 100, 64)
    b.add("gru_course", "count_params", "gru", 100, 64)
    b.add("lstm_bidirectional", "count_params", "lstm", size(), size(), bidirectional=True)
    b.add("unknown_layer_raises", "count_params", "rnn", 6, 2, raises="ValueError")
    for layer in ("simple_rnn", "lstm", "gru"):
        b.add(f"{layer}_no_bias", "count_params", layer, size(), size(), use_bias=False)
        b.add(f"{layer}_bidirectional_no_bias", "count_params", layer, size(), size(), use_bias=False,
              bidirectional=True)
    b.add("gru_bidirectional", "count_params", "gru", size(), size(), bidirectional=True)
    b.add("simple_rnn_one_unit", "count_params", "simple_rnn", size(), 1)
    b.add("embedding_bidirectional_raises", "count_params", "embedding", 5, 3, bidirectional=True,
          raises="ValueError")


def _layer_gradients(b: Builder, suite: str, layer: str) -> None:
    """``simple_rnn_backward`` or ``lstm_backward``: every combination of the options."""
    function = f"{layer}_backward"
    names = ("return_sequences", "go_backwards", "initial_state")
    grid = [dict(zip(names, values)) for values in itertools.product((False, True), repeat=3)]
    if suite == "public":
        grid = [grid[0], grid[7]]
    shapes = HIDDEN_SHAPES if suite == "hidden" else PUBLIC_SHAPES
    for n, options in enumerate(grid):
        B, T, D, U = shapes[n % len(shapes)]
        kwargs = {key: value for key, value in options.items() if value and key != "initial_state"}
        if options["initial_state"]:
            kwargs["initial_state"] = b.initial_state(layer, B, U)
        d_output = b.normal(B, T, U) if options["return_sequences"] else b.normal(B, U)
        name = "_".join(key for key, value in options.items() if value) or "last_output"
        b.add(f"{layer}_{name}", function, b.normal(B, T, D), *b.weights(layer, D, U), d_output, **kwargs)
    if suite == "public":
        return
    B, T, D, U = HIDDEN_SHAPES[1]
    b.add(f"{layer}_no_bias_sequences", function, b.normal(B, T, D), *b.weights(layer, D, U, bias=False),
          None, b.normal(B, T, U), return_sequences=True)
    b.add(f"{layer}_long_sequence", function, b.normal(2, 30, 3), *b.weights(layer, 3, 4), b.normal(2, 4))
    b.add(f"{layer}_float32_inputs", function, b.normal(2, 4, 3, dtype=np.float32),
          *(w.astype(np.float32) for w in b.weights(layer, 3, 2)), b.normal(2, 4, 2, dtype=np.float32),
          return_sequences=True)


def _backward(b: Builder, suite: str) -> None:
    ids = b.ids(4, 3, 5)
    ids[0, :2] = ids[1, 3] = 2  # a repeated id: its gradients add up
    b.add("embedding_repeated_ids", "embedding_backward", ids, b.normal(3, 5, 3), 6)
    if suite == "hidden":
        b.add("embedding_few_ids_many_times", "embedding_backward", b.ids(2, 4, 6), b.normal(4, 6, 2), 5)
        b.add("embedding_1d_list", "embedding_backward", [3, 0, 3, 3, 1], b.normal(5, 4), 4)
        b.add("embedding_3d_uint8", "embedding_backward", b.ids(7, 2, 2, 3, dtype=np.uint8),
              b.normal(2, 2, 3, 5), 7)
    _layer_gradients(b, suite, "simple_rnn")
    _layer_gradients(b, suite, "lstm")


BUILDERS: dict[str, Callable[[Builder, str], None]] = {
    "one_hot": _one_hot,
    "embedding": _embedding,
    "simple_rnn": layer_suites.simple_rnn_suite,
    "lstm": layer_suites.lstm_suite,
    "bidirectional": layer_suites.bidirectional_suite,
    "gru": layer_suites.gru_suite,
    "masking": layer_suites.masking_suite,
    "params": _params,
    "backward": _backward,
}


def suite_seed(suite: str, seed: int | None = None) -> int:
    """The seed a suite's inputs are drawn from: the default one, or one derived from an
    instructor's ``seed`` that differs per suite, so that ``--seed N`` never gives the
    hidden suite the public suite's draws."""
    if seed is None:
        return SEEDS[suite]
    return int(np.random.SeedSequence([seed, SUITES.index(suite)]).generate_state(1, np.uint32)[0])


def build_suite(suite: str, exercise: str, seed: int | None = None) -> list[Case]:
    """The cases of one exercise in one suite, inputs drawn from :func:`suite_seed`."""
    if suite not in SUITES:
        raise ValueError(f"suite must be one of {SUITES}, got {suite!r}")
    base = suite_seed(suite, seed)
    builder = Builder(exercise, np.random.default_rng([base, EXERCISES.index(exercise)]))
    BUILDERS[exercise](builder, suite)
    if suite == "public":
        return builder.cases
    share = POINTS[exercise] / len(builder.cases)
    return [replace(case, points=share) for case in builder.cases]
