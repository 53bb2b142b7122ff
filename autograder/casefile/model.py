"""A case: one call of one student function, and what Keras made of it (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

# each defines the function of its name; their 3-D outputs are (batch, time, units)
LAYER_MODULES = ("simple_rnn", "lstm", "gru", "bidirectional")


def module_of(exercise: str, function: str) -> str:
    """The module of ``rnnlab`` that defines ``function`` as graded in ``exercise``: the
    exercise's own, except for the layers' ``mask=``, graded in the masking exercise."""
    return function if exercise == "masking" and function in LAYER_MODULES else exercise


@dataclass(frozen=True)
class Layer:
    """A recurrent layer passed as an argument: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``."""

    name: str


@dataclass
class Call:
    """One recorded call of a helper and the outputs the oracle gave for it."""

    args: tuple
    kwargs: dict[str, Any]
    returns: list[np.ndarray]


@dataclass
class Case:
    """One graded call of ``rnnlab.<exercise>.<function>``.

    ``returns`` holds the expected outputs (one array, or several when ``single`` is
    False: a tuple of states, the gates, or ``merge_mode=None``'s list); ``raises`` names
    the expected exception instead. ``replays`` maps a helper's name to recorded calls.
    ``hidden`` cases never show their values, nor what the code printed while they ran.
    """

    name: str
    exercise: str
    function: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    points: float = 1.0
    returns: list[np.ndarray] = field(default_factory=list)
    single: bool = True
    raises: str | None = None
    source: str = "keras"
    replays: dict[str, list[Call]] = field(default_factory=dict)
    hidden: bool = False  # inputs and references are secret (set by the grader, never stored)

    @property
    def module(self) -> str:
        """The module of ``rnnlab`` that defines the case's function."""
        return module_of(self.exercise, self.function)

    def describe(self) -> str:
        """``function(arg shapes, options)``: what was called, never the values."""
        parts = [_describe_value(value) for value in self.args]
        parts += [f"{key}={_describe_value(value)}" for key, value in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


def _describe_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"<{_dtype_name(value.dtype)} array {tuple(value.shape)}>"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe_value(item) for item in value) + ")"
    if isinstance(value, Layer):
        return value.name
    return repr(value)


@cache
def _dtype_name(dtype: np.dtype) -> str:
    return dtype.name  # NumPy computes it afresh every time
