"""Helpers for the public self-checks: load the fixture cases, call your code, explain.

The fixtures in ``tests/fixtures/`` hold inputs and the outputs TensorFlow/Keras gave for
them. Only NumPy and pytest are needed. An exercise stops at its first unimplemented
function with one failure; later checks that hit a stub of the same exercise are skipped.
"""

import importlib
from pathlib import Path
from typing import Any

import pytest
from casefile import (
    ATOL,
    RTOL,
    Case,
    call_arguments,
    case_outputs,
    changed_inputs,
    compare,
    input_arrays,
    load_cases,
    module_of,
    trusted_helpers,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_stopped: set[str] = set()


def cases(exercise: str) -> list:
    """The public cases of one exercise, as pytest parameters named after the case."""
    _, loaded = load_cases(FIXTURES / f"{exercise}.cases")
    return [pytest.param(case, id=case.name.split("/", 1)[1]) for case in loaded]


def function(exercise: str, name: str) -> Any:
    """Your ``rnnlab.<module>.<name>``, where the exercise grades it (``simple_rnn`` in
    ``rnnlab/simple_rnn.py`` even when the masking exercise checks its ``mask=``)."""
    return getattr(importlib.import_module(f"rnnlab.{module_of(exercise, name)}"), name)


def call(exercise: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call your function; a stub fails once per exercise, then skips that exercise's checks."""
    try:
        return function(exercise, name)(*args, **kwargs)
    except NotImplementedError as error:
        message = f"NotImplementedError: {error}"
    if exercise in _stopped:
        pytest.skip(f"not implemented yet ({message})")
    _stopped.add(exercise)
    pytest.fail(message, pytrace=False)


def _own_layer(name: str) -> Any:
    return function(name, name)


def _check_raises(case: Case, args: tuple, kwargs: dict) -> None:
    try:
        call(case.exercise, case.function, *args, **kwargs)
    except Exception as error:
        if type(error).__name__ != case.raises:
            pytest.fail(f"{case.describe()}: expected {case.raises}, got "
                        f"{type(error).__name__}: {error}", pytrace=False)
    else:
        pytest.fail(f"{case.describe()}: expected {case.raises}, nothing was raised",
                    pytrace=False)


RESULTS: list[tuple[Case, bool]] = []  # every check that ran, for the hints at the end (conftest.py)


def check_case(case: Case) -> None:
    """Run one fixture case and fail with a message that says what is wrong."""
    try:
        _check_case(case)
    except pytest.skip.Exception:
        raise
    except BaseException:
        RESULTS.append((case, False))
        raise
    RESULTS.append((case, True))


def _check_case(case: Case) -> None:
    args, kwargs = call_arguments(case, _own_layer)
    module = importlib.import_module(f"rnnlab.{case.module}")
    with trusted_helpers(case, module):
        if case.raises:
            _check_raises(case, args, kwargs)
            return
        result = call(case.exercise, case.function, *args, **kwargs)
    outputs = case_outputs(case, result)
    problems = [outputs] if isinstance(outputs, str) else compare(case, outputs)
    problems += changed_inputs(case, input_arrays([args, kwargs]))
    if problems:
        tolerance = f"(tolerance: |got - expected| <= {ATOL:g} + {RTOL:g} * |expected|)"
        pytest.fail("\n".join([f"{case.describe()}", *problems, tolerance]), pytrace=False)
