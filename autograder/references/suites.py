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
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from autograder.casefile import Case, Layer
from autograder.catalog import EXERCISES, POINTS

SUITES = ("public", "hidden")
SEEDS = {"public": 2023, "hidden": 7}
GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}

# (B, T, D, U) shapes cycled through by the recurrent cases; the first ones catch most.
HIDDEN_SHAPES = [(3, 5, 4, 6), (2, 4, 5, 3), (4, 3, 2, 5), (2, 6, 3, 2), (3, 4, 6, 4)]
PUBLIC_SHAPES = [(2, 4, 3, 5), (1, 3, 2, 4)]


class Builder:
    """Draws reproducible inputs and collects the cases of one exercise."""

    def __init__(self, exercise: str, rng: np.random.Generator) -> None:
        self.exercise = exercise
        self.rng = rng
        self.cases: list[Case] = []

    def add(self, name: str, function: str, *args, raises: str | None = None, **kwargs) -> None:
        source = "contract" if raises else "keras"
        self.cases.append(
            Case(
                name=f"{self.exercise}/{name}",
                exercise=self.exercise,
                function=function,
                args=args,
                kwargs=kwargs,
                raises=raises,
                source=source,
            )
        )

    def normal(self, *shape: int, scale: float = 1.0, dtype: type = np.float64) -> np.ndarray:
        return (scale * self.rng.standard_normal(shape)).astype(dtype)

    def ids(self, vocab: int, *shape: int, dtype: type = np.int64) -> np.ndarray:
        return self.rng.integers(0, vocab, size=shape).astype(dtype)

    def weights(self, layer: str, D: int, U: int, bias: bool = True) -> tuple:
        """``(kernel (D, kU), recurrent_kernel (U, kU)[, bias])`` at Keras-like scale; the bias
        is ``(kU,)``, or ``(2, 3U)`` for GRU (an input row and a recurrent row)."""
        k = GATES[layer]
        kernel = self.normal(D, k * U, scale=0.5)
        recurrent = self.normal(U, k * U, scale=0.5)
        if not bias:
            return kernel, recurrent
        return kernel, recurrent, self.normal(*((2,) if layer == "gru" else ()), k * U, scale=0.5)

    def mask(self, B: int, T: int, kind: str) -> np.ndarray:
        """A ``(B, T)`` bool mask: ``"post"`` padding at the end (``pad_sequences(...,
        padding="post")``), ``"pre"`` padding at the start (its default), ``"holes"``
        anywhere. Each row keeps at least one step; the first row always has padding."""
        lengths = self.rng.integers(1, T + 1, size=B)
        lengths[0] = min(lengths[0], T - 1)
        steps = np.arange(T)
        if kind == "post":
            return steps[None, :] < lengths[:, None]
        if kind == "pre":
            return steps[None, :] >= T - lengths[:, None]
        mask = self.rng.random((B, T)) < 0.6
        mask[0, 0] = mask[0, -1] = False
        mask[np.arange(B), self.rng.integers(0, T, size=B)] = True
        return mask


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


def _option_grid() -> Iterator[dict]:
    """Every combination of the four boolean options of ``simple_rnn`` and ``lstm``."""
    names = ("return_sequences", "return_state", "go_backwards", "initial_state")
    for values in itertools.product((False, True), repeat=len(names)):
        yield dict(zip(names, values))


def _initial_state(b: Builder, layer: str, B: int, U: int) -> np.ndarray | tuple:
    state = b.normal(B, U, scale=0.5)
    return (state, b.normal(B, U, scale=0.5)) if layer == "lstm" else state


def _recurrent(b: Builder, suite: str, layer: str) -> None:
    """Whole-sequence cases of ``simple_rnn`` or ``lstm``: every option combination."""
    shapes = PUBLIC_SHAPES if suite == "public" else HIDDEN_SHAPES
    grid = list(_option_grid())
    if suite == "public":
        grid = [grid[0], grid[8], grid[4], grid[2], grid[1]]  # plain, each option alone
    for n, options in enumerate(grid):
        B, T, D, U = shapes[n % len(shapes)]
        kwargs = {key: value for key, value in options.items() if key != "initial_state"}
        kwargs = {key: value for key, value in kwargs.items() if value}
        if options["initial_state"]:
            kwargs["initial_state"] = _initial_state(b, layer, B, U)
        name = "_".join(key for key, value in options.items() if value) or "last_output"
        b.add(name, layer, b.normal(B, T, D), *b.weights(layer, D, U), **kwargs)
    if suite == "public":
        return
    B, T, D, U = HIDDEN_SHAPES[0]
    b.add("no_bias_sequences_d_equals_u", layer, b.normal(B, T, U), *b.weights(layer, U, U, bias=False),
          return_sequences=True)
    b.add("batch_1_step_1", layer, b.normal(1, 1, 3), *b.weights(layer, 3, 2),
          return_sequences=True, return_state=True)
    b.add("float32_inputs", layer, b.normal(B, T, D, dtype=np.float32),
          *(w.astype(np.float32) for w in b.weights(layer, D, U)), return_sequences=True)
    b.add("long_sequence", layer, b.normal(2, 40, 3), *b.weights(layer, 3, 4), go_backwards=True)


def _simple_rnn(b: Builder, suite: str) -> None:
    B, _, D, U = HIDDEN_SHAPES[0]
    b.add("step_bias", "simple_rnn_step", b.normal(B, D), b.normal(B, U), *b.weights("simple_rnn", D, U))
    if suite == "hidden":
        b.add("step_no_bias_d_equals_u", "simple_rnn_step", b.normal(B, U), b.normal(B, U),
              *b.weights("simple_rnn", U, U, bias=False))
        b.add("step_batch_1", "simple_rnn_step", b.normal(1, 2), b.normal(1, 5),
              *b.weights("simple_rnn", 2, 5))
        b.add("step_saturating", "simple_rnn_step", b.normal(B, D, scale=3.0), b.normal(B, U),
              *b.weights("simple_rnn", D, U))
        b.add("step_float32", "simple_rnn_step", b.normal(2, 3, dtype=np.float32),
              b.normal(2, 4, dtype=np.float32),
              *(w.astype(np.float32) for w in b.weights("simple_rnn", 3, 4)))
    _recurrent(b, suite, "simple_rnn")


def _lstm(b: Builder, suite: str) -> None:
    B, _, D, U = HIDDEN_SHAPES[0]
    extremes = np.array([-800.0, -30.0, 0.0, 40.0, 900.0]) * (1 + b.rng.random(5))
    b.add("sigmoid_large_values", "sigmoid", np.concatenate([extremes, b.normal(3, scale=3.0)]))
    b.add("gates_bias", "lstm_gates", b.normal(B, D), b.normal(B, U), *b.weights("lstm", D, U))
    b.add("step_bias", "lstm_step", b.normal(B, D), b.normal(B, U), b.normal(B, U),
          *b.weights("lstm", D, U))
    if suite == "hidden":
        b.add("sigmoid_2d", "sigmoid", b.normal(3, 4, scale=3.0))
        b.add("gates_no_bias", "lstm_gates", b.normal(2, 5), b.normal(2, 3),
              *b.weights("lstm", 5, 3, bias=False))
        b.add("gates_batch_1", "lstm_gates", b.normal(1, 2), b.normal(1, 4), *b.weights("lstm", 2, 4))
        b.add("step_no_bias", "lstm_step", b.normal(2, 5), b.normal(2, 3), b.normal(2, 3),
              *b.weights("lstm", 5, 3, bias=False))
        b.add("step_large_cell", "lstm_step", b.normal(B, D), b.normal(B, U),
              b.normal(B, U, scale=4.0), *b.weights("lstm", D, U))
        b.add("step_batch_1", "lstm_step", b.normal(1, 3), b.normal(1, 2), b.normal(1, 2),
              *b.weights("lstm", 3, 2))
        b.add("step_float32", "lstm_step", b.normal(2, 3, dtype=np.float32),
              b.normal(2, 4, dtype=np.float32), b.normal(2, 4, dtype=np.float32),
              *(w.astype(np.float32) for w in b.weights("lstm", 3, 4)))
    _recurrent(b, suite, "lstm")


def _bidirectional(b: Builder, suite: str) -> None:
    modes = ("concat", "sum", "ave", "mul", None)
    plans = [(layer, mode, seq) for layer in ("simple_rnn", "lstm") for seq in (True, False)
             for mode in modes]
    plans.remove(("simple_rnn", "mul", False))
    plans += [("gru", "concat", True), ("gru", "ave", False)]  # any layer with the signature
    if suite == "public":
        plans = [("simple_rnn", "concat", True), ("lstm", "sum", False), ("simple_rnn", None, True)]
    for n, (layer, mode, seq) in enumerate(plans):
        B, T, D, U = (HIDDEN_SHAPES if suite == "hidden" else PUBLIC_SHAPES)[n % 2]
        bias = n % 7 != 3
        name = f"{layer}_{mode}_{'sequences' if seq else 'last'}{'' if bias else '_no_bias'}"
        b.add(name, "bidirectional", b.normal(B, T, D), Layer(layer),
              b.weights(layer, D, U, bias), b.weights(layer, D, U, bias),
              merge_mode=mode, return_sequences=seq)
    b.add("unknown_merge_mode_raises", "bidirectional", b.normal(2, 3, 2), Layer("simple_rnn"),
          b.weights("simple_rnn", 2, 3), b.weights("simple_rnn", 2, 3), merge_mode="max",
          raises="ValueError")


def _gru(b: Builder, suite: str) -> None:
    B, _, D, U = HIDDEN_SHAPES[0]
    b.add("gates_bias", "gru_gates", b.normal(B, D), b.normal(B, U), *b.weights("gru", D, U))
    b.add("step_bias", "gru_step", b.normal(B, D), b.normal(B, U), *b.weights("gru", D, U))
    if suite == "hidden":
        b.add("gates_no_bias_d_equals_u", "gru_gates", b.normal(2, 3), b.normal(2, 3),
              *b.weights("gru", 3, 3, bias=False))
        b.add("step_no_bias", "gru_step", b.normal(2, 5), b.normal(2, 3), *b.weights("gru", 5, 3, bias=False))
        b.add("step_float32", "gru_step", b.normal(2, 3, dtype=np.float32), b.normal(2, 4, dtype=np.float32),
              *(w.astype(np.float32) for w in b.weights("gru", 3, 4)))
    _recurrent(b, suite, "gru")


def _masked_layers(b: Builder, suite: str) -> None:
    """``simple_rnn``, ``lstm`` and ``gru`` called with ``mask=``: (name, layer, mask kind, options)."""
    plans = [
        ("sequences_post", "simple_rnn", "post", {"return_sequences": True}),
        ("last_output_post", "simple_rnn", "post", {}),
        ("go_backwards_sequences_holes", "simple_rnn", "holes",
         {"return_sequences": True, "go_backwards": True}),
        ("initial_state_sequences_pre", "simple_rnn", "pre",
         {"return_sequences": True, "return_state": True, "initial_state": True}),
        ("fully_masked_row", "simple_rnn", "none", {"return_state": True, "initial_state": True}),
        ("sequences_state_holes", "lstm", "holes", {"return_sequences": True, "return_state": True}),
        ("go_backwards_last_post", "lstm", "post", {"go_backwards": True}),
        ("initial_state_sequences_pre", "lstm", "pre", {"return_sequences": True, "initial_state": True}),
        ("sequences_post", "gru", "post", {"return_sequences": True}),
        ("go_backwards_state_pre", "gru", "pre", {"go_backwards": True, "return_state": True}),
        ("last_output_holes", "gru", "holes", {"initial_state": True}),
    ]
    if suite == "public":
        plans = [plans[0], plans[5], plans[9]]
    for n, (name, layer, kind, options) in enumerate(plans):
        B, T, D, U = (HIDDEN_SHAPES if suite == "hidden" else PUBLIC_SHAPES)[n % 2]
        mask = b.mask(B, T, "post" if kind == "none" else kind)
        if kind == "none":  # a row with no real step at all
            mask[0] = False
        kwargs = {**options, "mask": mask}
        if options.get("initial_state"):
            kwargs["initial_state"] = _initial_state(b, layer, B, U)
        b.add(f"{layer}_{name}", layer, b.normal(B, T, D), *b.weights(layer, D, U), **kwargs)
    if suite == "hidden":
        b.add("gru_float32", "gru", b.normal(2, 4, 3, dtype=np.float32),
              *(w.astype(np.float32) for w in b.weights("gru", 3, 2)), mask=b.mask(2, 4, "post"),
              return_sequences=True)


def _masking(b: Builder, suite: str) -> None:
    ids = b.ids(6, 3, 5)
    ids[0, -2:] = 0
    b.add("padding_mask_2d", "padding_mask", ids)
    if suite == "hidden":
        b.add("padding_mask_list", "padding_mask", [[3, 1, 0, 0], [0, 2, 5, 1]])
        b.add("padding_mask_3d_uint8", "padding_mask", b.ids(3, 2, 3, 4, dtype=np.uint8))
    _masked_layers(b, suite)
    # merge_mode=None (the halves unmerged) after the public concat: Exercise 05 grades merging
    plans = [("simple_rnn", "concat", True, "post"), ("lstm", None, False, "pre"),
             ("gru", None, True, "holes"), ("simple_rnn", None, False, "holes"), ("gru", None, True, "pre")]
    for n, (layer, mode, seq, kind) in enumerate(plans if suite == "hidden" else plans[:1]):
        B, T, D, U = (HIDDEN_SHAPES if suite == "hidden" else PUBLIC_SHAPES)[n % 2]
        b.add(f"bidirectional_{layer}_{mode}_{'sequences' if seq else 'last'}_{kind}", "bidirectional",
              b.normal(B, T, D), Layer(layer), b.weights(layer, D, U), b.weights(layer, D, U),
              merge_mode=mode, return_sequences=seq, mask=b.mask(B, T, kind))


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
            kwargs["initial_state"] = _initial_state(b, layer, B, U)
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
    "simple_rnn": _simple_rnn,
    "lstm": _lstm,
    "bidirectional": _bidirectional,
    "gru": _gru,
    "masking": _masking,
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
