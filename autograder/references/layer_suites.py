"""The suites of the recurrent layers (Exercises 03-07): every option, bidirectional merges, masks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from autograder.casefile import Layer
from autograder.references.builder import HIDDEN_SHAPES, PUBLIC_SHAPES, Builder


def _option_grid() -> Iterator[dict]:
    """Every combination of the four boolean options of ``simple_rnn`` and ``lstm``."""
    names = ("return_sequences", "return_state", "go_backwards", "initial_state")
    for values in itertools.product((False, True), repeat=len(names)):
        yield dict(zip(names, values))


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
            kwargs["initial_state"] = b.initial_state(layer, B, U)
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


def simple_rnn_suite(b: Builder, suite: str) -> None:
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


def lstm_suite(b: Builder, suite: str) -> None:
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


def bidirectional_suite(b: Builder, suite: str) -> None:
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


def gru_suite(b: Builder, suite: str) -> None:
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
            kwargs["initial_state"] = b.initial_state(layer, B, U)
        b.add(f"{layer}_{name}", layer, b.normal(B, T, D), *b.weights(layer, D, U), **kwargs)
    if suite == "hidden":
        b.add("gru_float32", "gru", b.normal(2, 4, 3, dtype=np.float32),
              *(w.astype(np.float32) for w in b.weights("gru", 3, 2)), mask=b.mask(2, 4, "post"),
              return_sequences=True)


def masking_suite(b: Builder, suite: str) -> None:
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
