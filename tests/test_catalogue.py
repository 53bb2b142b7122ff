"""Grading accuracy: every catalogued mistake loses points in its own exercise only, every
valid alternative scores 100, and the feedback names most mistakes.

Each variant is graded once per module with one shared fork server; the grades are kept in
a module-scoped collection that the figure tests read back.
"""

import re
from collections.abc import Callable

import numpy as np
import pytest
from catalogue import ALTERNATIVES, DIAGNOSED, MISTAKES, NAMED
from catalogue_report import figures, hints, located, lost_exercises, named, own_exercises
from catalogue_unseen import LOCATED, UNSEEN

from autograder.authoring.variants import Mistake, make_submission
from autograder.casefile import Case
from autograder.catalog import EXERCISES, SOLUTIONS
from autograder.engine.diagnosis import diagnose
from autograder.engine.grading import Grade, grade, suites
from autograder.engine.runner import Workers


def _params(entries: tuple[Mistake, ...]) -> list:
    return [pytest.param(m, id=m.name, marks=getattr(pytest.mark, m.exercise)) for m in entries]


@pytest.fixture(scope="module")
def workers():
    with Workers() as pool:
        yield pool


@pytest.fixture(scope="module")
def graded(tmp_path_factory, workers) -> Callable[[Mistake], Grade]:
    """Grade a variant on first use and keep its grade for the rest of the module."""
    grades: dict[str, Grade] = {}

    def get(mistake: Mistake) -> Grade:
        if mistake.name not in grades:
            folder = tmp_path_factory.mktemp(mistake.name)
            grades[mistake.name] = grade(make_submission(folder, (mistake,)), workers)
        return grades[mistake.name]

    return get


# --- the catalogue itself ----------------------------------------------------------------------


@pytest.mark.parametrize("entry", _params(MISTAKES + ALTERNATIVES + UNSEEN))
def test_patch_applies_exactly_once(entry):
    """Every patch's snippet occurs exactly once in its solution module, and changes it."""
    source = (SOLUTIONS / entry.path).read_text()
    assert source.count(entry.old) == 1
    assert entry.old != entry.new


@pytest.mark.parametrize("entry", _params(MISTAKES + ALTERNATIVES))
def test_description_is_one_plain_sentence(entry):
    """A description is one line and one sentence."""
    text = entry.description
    assert text and text == text.strip() and "\n" not in text
    assert not re.search(r"[.!?;]\s", text)


def test_catalogue_is_large_and_covers_every_exercise():
    """At least 40 mistakes and 10 alternatives, names unique, every exercise represented."""
    assert len(MISTAKES) >= 40 and len(ALTERNATIVES) >= 10
    names = [m.name for m in MISTAKES + ALTERNATIVES]
    assert len(names) == len(set(names))
    assert {m.exercise for m in MISTAKES} == set(EXERCISES)
    assert set(NAMED) == {m.name for m in MISTAKES} and set(NAMED) >= DIAGNOSED
    assert len(UNSEEN) >= 40 and set(LOCATED) == {m.name for m in UNSEEN}
    assert not {m.name for m in UNSEEN} & set(names)


# --- grading the catalogue ---------------------------------------------------------------------


@pytest.mark.parametrize("mistake", _params(MISTAKES))
def test_mistake_loses_points_in_its_own_exercise_only(mistake, graded):
    """A mistake scores under 100, losing points in its own exercise and nowhere else (a layer's
    mistake also in masking, which grades the same layer; its mask handling in masking only)."""
    result = graded(mistake)
    planned = sorted((case.name, case.hidden) for case in suites())
    assert sorted((r.name, r.hidden) for r in result.results) == planned, "grading did not finish"
    assert result.score < 100
    assert lost_exercises(result) in own_exercises(mistake), [
        f"{r.name}: {r.message}" for r in result.results if not r.passed and r.exercise != mistake.exercise
    ]


@pytest.mark.parametrize("alternative", _params(ALTERNATIVES))
def test_alternative_scores_100(alternative, graded):
    """A valid alternative implementation gets every point."""
    result = graded(alternative)
    assert result.score == 100, [f"{r.name}: {r.message}" for r in result.results if not r.passed]


def test_feedback_names_most_mistakes(graded):
    """At least 80% of mistakes are named by their feedback, and 80% of those a diagnosis can
    see are named by a "likely mistake:" message; no diagnosis names the wrong mistake."""
    mistakes = {m.name: graded(m) for m in MISTAKES}
    alternatives = {m.name: graded(m) for m in ALTERNATIVES}
    shares = figures(mistakes, alternatives)
    unnamed = [m.name for m in MISTAKES if not named(m, mistakes[m.name])]
    assert shares["named"] >= 0.8, unnamed
    assert shares["named_by_diagnosis"] >= 0.8, unnamed
    assert shares["caught"] == 1.0 and shares["accepted"] == 1.0
    wrong = {m.name: hints(m, mistakes[m.name]) for m in MISTAKES
             if any(NAMED[m.name] not in hint for hint in hints(m, mistakes[m.name]))}
    assert not wrong


# --- the diagnosis on its own ----------------------------------------------------------------


def _hidden(function: str) -> list[Case]:
    return [case for case in suites() if case.hidden and case.function == function and not case.raises]


@pytest.mark.parametrize("function", ["one_hot", "cosine_similarity", "simple_rnn", "lstm_step", "lstm",
                                      "bidirectional", "gru_gates", "gru_step", "gru", "padding_mask",
                                      "count_params", "embedding_backward", "simple_rnn_backward",
                                      "lstm_backward"])
def test_diagnosis_is_silent_on_right_or_unrelated_outputs(function):
    """No diagnosis for the reference outputs, for shifted ones, or for a wrong count."""
    for case in _hidden(function):
        assert diagnose(case, [np.asarray(r) for r in case.returns]) is None
        assert diagnose(case, [np.asarray(r) + 0.25 for r in case.returns]) is None
        assert diagnose(case, [np.zeros(3)] * (len(case.returns) + 1)) is None


def test_diagnosis_never_raises():
    """Odd outputs or a malformed case give None, never an exception."""
    case = _hidden("lstm")[0]
    assert diagnose(case, [np.array(["text"])]) is None
    assert diagnose(case, [object()]) is None
    broken = Case(name="x", exercise="lstm", function="lstm", args=(np.zeros(2),), returns=[np.zeros(2)])
    assert diagnose(broken, [np.ones(2)]) is None


def test_diagnosis_shows_no_values():
    """A diagnosis is the same words whatever the case's values: nothing of them leaks."""
    case = _hidden("lstm_gates")[0]
    x, h, kernel, recurrent, bias = case.args
    blocks = np.split(x @ kernel + h @ recurrent + bias, 4, axis=-1)
    icfo = [1 / (1 + np.exp(-blocks[0])), 1 / (1 + np.exp(-blocks[2])), np.tanh(blocks[1]),
            1 / (1 + np.exp(-blocks[3]))]
    message = diagnose(case, icfo)
    assert message is not None and "order i, c, f, o" in message
    numbers = {f"{float(v):.3g}" for array in (*case.args, *case.returns) for v in np.ravel(array)}
    assert not any(number in message for number in numbers if len(number) > 3)



# --- mistakes the feedback was not tuned on (tests/catalogue_unseen.py) -------------------------

UNCAUGHT = {"matmul_in_float32"}  # float32 products of a float64 table stay within the tolerance


@pytest.mark.parametrize("mistake", _params(UNSEEN))
def test_unseen_mistake_costs_points_in_its_own_exercise_only(mistake, graded):
    result = graded(mistake)
    assert lost_exercises(result) in ([[]] if mistake.name in UNCAUGHT else own_exercises(mistake))


def test_unseen_mistakes_are_located(graded):
    """At least 90% of the unseen mistakes have their mistake or wrong part named."""
    missed = [m.name for m in UNSEEN if not located(m, graded(m))]
    assert len(missed) <= len(UNSEEN) // 10, missed
