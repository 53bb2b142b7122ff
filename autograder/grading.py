"""The pipeline for one submission: cases -> worker -> compare -> score -> Grade."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from autograder import references
from autograder.casefile import Case
from autograder.catalog import EXERCISES, POINTS
from autograder.runner import Limits, Workers
from autograder.scoring import CaseResult, score


@dataclass
class Grade:
    """Every case result of one submission, with totals per exercise."""

    submission: str
    results: list[CaseResult]
    seconds: float
    output: dict[str, str] = field(default_factory=dict)  # what the code printed, per exercise

    @property
    def score(self) -> float:
        return round(sum(r.points for r in self.results), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_points for r in self.results), 6)

    def exercise_score(self, exercise: str) -> float:
        return round(sum(r.points for r in self.results if r.exercise == exercise), 6)


@cache
def stored_suite(suite: str) -> tuple[Case, ...]:
    """The committed cases of one suite (read once per process)."""
    return tuple(references.load(suite))


@cache
def live_suite(suite: str) -> tuple[Case, ...]:
    """The same cases with references recomputed by TensorFlow on this machine."""
    return tuple(case for exercise in EXERCISES for case in references.compute(suite, exercise))


@cache
def suites(live: bool = False) -> tuple[Case, ...]:
    """Every graded case: public ones count 0 points, hidden ones (``hidden``) carry the score."""
    load = live_suite if live else stored_suite
    public = [replace(case, points=0.0) for case in load("public")]
    hidden = [replace(case, hidden=True) for case in load("hidden")]
    total = sum(case.points for case in hidden)
    if total != sum(POINTS.values()):
        raise ValueError(f"hidden cases are worth {total} points, expected {sum(POINTS.values())}")
    return tuple(public + hidden)


def grade(submission: Path, workers: Workers, live: bool = False) -> Grade:
    """Grade the ``rnnlab/`` package inside ``submission``."""
    started = time.perf_counter()
    planned = suites(live)
    results, output = [], {}
    for exercise in EXERCISES:
        chosen = [case for case in planned if case.exercise == exercise]
        outcomes, printed = workers.run(submission, exercise, chosen)
        results += [score(case, outcome) for case, outcome in zip(chosen, outcomes)]
        if printed:
            output[exercise] = printed
    return Grade(str(submission), results, time.perf_counter() - started, output)


def grade_one(submission: Path, live: bool = False, limits: Limits | None = None) -> Grade:
    """Grade one submission with a fork server of its own."""
    with Workers(limits) as workers:
        return grade(submission, workers, live)
