"""A case's call as the student's function receives it, with the trusted helpers played back."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .model import Call, Case, Layer


def _layer_signature(
    inputs,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    return_sequences=False,
    return_state=False,
    go_backwards=False,
    initial_state=None,
    mask=None,
):
    """The signature shared by ``simple_rnn``, ``lstm`` and ``gru`` (used to normalise calls)."""


def _one_hot_signature(indices, depth):
    """The signature of ``one_hot``."""


def _step_signature(x_t, h_prev, kernel, recurrent_kernel, bias=None):
    """The signature of ``simple_rnn_step`` and ``gru_step``."""


def _lstm_step_signature(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias=None):
    """The signature of ``lstm_step``."""


HELPER_SIGNATURES = {"layer": _layer_signature, "one_hot": _one_hot_signature,
                     "simple_rnn_step": _step_signature, "gru_step": _step_signature,
                     "lstm_step": _lstm_step_signature}
STEP_OF = {"simple_rnn": "simple_rnn_step", "lstm": "lstm_step", "gru": "gru_step"}


def _same(a: Any, b: Any) -> bool:
    """Exact equality of two argument values (arrays by shape and content)."""
    if isinstance(b, np.ndarray):
        try:
            a = np.asarray(a)
        except Exception:
            return False
        return a.shape == b.shape and a.dtype.kind in "biuf" and bool(np.array_equal(a, b))
    if isinstance(b, tuple):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


class Replay:
    """A trusted stand-in for a helper: plays back the oracle's outputs for known calls.

    Calls are matched after binding them to the helper's signature, so positional and
    keyword spellings agree. An unknown call goes to ``fallback`` (the student's own
    helper) when one is given.
    """

    def __init__(self, helper: str, calls: list[Call], fallback: Callable | None) -> None:
        self._signature = inspect.signature(HELPER_SIGNATURES[helper])
        self._calls = [(self._bind(c.args, c.kwargs), c.returns) for c in calls]
        self._fallback = fallback
        self.__name__ = helper

    def _bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            request = self._bind(args, kwargs)
        except TypeError:
            request = None
        for known, returns in self._calls:
            if request is not None and all(_same(request[k], v) for k, v in known.items()):
                copies = [r.copy() for r in returns]
                return copies[0] if len(copies) == 1 else tuple(copies)
        if self._fallback is None:
            raise TypeError(f"{self.__name__} was called with arguments no correct solution passes "
                            "(the trusted helper knows only those)")
        return self._fallback(*args, **kwargs)


def _lazy(layers: Callable[[str], Callable], name: str) -> Callable:
    """The student's layer, imported only when it is first called."""

    def layer(*args: Any, **kwargs: Any) -> Any:
        return layers(name)(*args, **kwargs)

    layer.__name__ = name
    return layer


def resolve(value: Any, layers: Callable[[str], Callable], replay: Replay | None) -> Any:
    """An argument as the student's function receives it: a fresh copy, layers resolved."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(resolve(item, layers, replay) for item in value)
    if isinstance(value, Layer):
        return replay if replay is not None else _lazy(layers, value.name)
    return value


def _replaced_helpers(case: Case, module: Any) -> Iterator[str]:
    """The module attributes that play back the case's recorded calls.

    The ``one_hot`` that ``embedding.py`` imported from ``rnnlab.one_hot`` (a helper of that
    name written in the module itself is the exercise's own code), and a layer's own step
    function in the masking exercise's calls (the loop's mask handling is graded there, not
    the cell, which Exercises 03, 04 and 06 grade).
    """
    if "one_hot" in case.replays:
        imported = getattr(sys.modules.get("rnnlab.one_hot"), "one_hot", None)
        if imported is not None and getattr(module, "one_hot", None) is imported:
            yield "one_hot"
    step = STEP_OF.get(case.function)
    if step in case.replays and callable(getattr(module, step, None)):
        yield step


@contextmanager
def trusted_helpers(case: Case, module: Any) -> Iterator[None]:
    """While the call runs, the module's helpers play back the case's recorded calls.

    ``embedding_matmul`` then uses a ``one_hot`` that Keras vouches for, a masked ``lstm`` an
    ``lstm_step`` that Keras vouches for; any other call falls back to the student's own.
    The module's attributes are restored afterwards.
    """
    originals = {name: getattr(module, name) for name in _replaced_helpers(case, module)}
    for name, original in originals.items():
        setattr(module, name, Replay(name, case.replays[name], original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


def call_arguments(
    case: Case, layers: Callable[[str], Callable]
) -> tuple[tuple, dict[str, Any]]:
    """Positional and keyword arguments for the case's call.

    ``layers(name)`` returns the student's own layer function, used only where the case
    holds no replays for ``"layer"``; with replays the argument is a :class:`Replay` with no
    fallback, so that a broken layer never costs points in the function that wraps it.
    """
    replay = None
    if "layer" in case.replays:
        replay = Replay("layer", case.replays["layer"], None)
    args = tuple(resolve(value, layers, replay) for value in case.args)
    kwargs = {key: resolve(value, layers, replay) for key, value in case.kwargs.items()}
    return args, kwargs
