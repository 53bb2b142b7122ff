"""The pipeline for one submission: cases -> worker -> compare -> score -> Grade."""

from __future__ import annotations

import hashlib
import math
import shutil
import time
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from autograder import __version__, casefile
from autograder.casefile import Case
from autograder.catalog import EXERCISES, POINTS
from autograder.engine import intake, localise
from autograder.engine.outcome import Limits, Outcome, ServerError
from autograder.engine.runner import Workers
from autograder.engine.scoring import CaseResult, score
from autograder.references import fixtures


@dataclass
class Grade:
    """Every case result of one submission, with totals per exercise."""

    submission: str
    results: list[CaseResult]
    seconds: float
    output: dict[str, str] = field(default_factory=dict)  # what the code printed, per exercise
    isolation: list[str] = field(default_factory=list)  # the layers its code ran under
    incomplete: bool = False  # a fork server failed: some cases scored 0 for the grader's reasons
    producer: dict[str, str] = field(default_factory=dict)  # see producer()
    hints: dict[str, list[str]] = field(default_factory=dict)  # per exercise: where the mistake is

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
    return tuple(fixtures.load(suite))


@cache
def live_suite(suite: str) -> tuple[Case, ...]:
    """The same cases with references recomputed by TensorFlow on this machine."""
    return tuple(case for exercise in EXERCISES for case in fixtures.compute(suite, exercise))


def producer(live: bool, isolation: list[str]) -> dict[str, str]:
    """What produced a grade: the kit's version, the suites' fingerprint, stored or live
    references, the isolation layers. A batch regrades stored results of another producer."""
    return {"kit": __version__, "suites": suites_fingerprint(live),
            "references": "live" if live else "stored", "isolation": " ".join(isolation)}


@cache
def suites_fingerprint(live: bool = False) -> str:
    """A short hash of every graded case and its references: what a grade was measured against
    (the fixture files' bytes, or the recomputed cases)."""
    if live:
        return hashlib.sha256(casefile.dump_wire(list(suites(live)))).hexdigest()[:16]
    digest = hashlib.sha256()
    for suite in ("public", "hidden"):
        for exercise in EXERCISES:
            digest.update(fixtures.fixture_path(suite, exercise).read_bytes())
    return digest.hexdigest()[:16]


@cache
def suites(live: bool = False) -> tuple[Case, ...]:
    """Every graded case: public ones count 0 points, hidden ones (``hidden``) carry the score."""
    load = live_suite if live else stored_suite
    public = [replace(case, points=0.0) for case in load("public")]
    hidden = [replace(case, hidden=True) for case in load("hidden")]
    total = sum(case.points for case in hidden)
    if not math.isclose(total, sum(POINTS.values())):
        raise ValueError(f"hidden cases are worth {total} points, expected {sum(POINTS.values())}")
    return tuple(public + hidden)


def by_exercise(planned: tuple[Case, ...]) -> dict[str, list[Case]]:
    """The planned cases of each exercise, in contract order."""
    return {exercise: [case for case in planned if case.exercise == exercise] for exercise in EXERCISES}


def longest_first(planned: tuple[Case, ...]) -> list[str]:
    """The exercises, those with the most cases first: the order they are started in."""
    cases = by_exercise(planned)
    return sorted(EXERCISES, key=lambda exercise: -len(cases[exercise]))


def grade(submission: Path, workers: Workers, live: bool = False,
          files: dict[str, bytes] | None = None) -> Grade:
    """Grade the ``rnnlab/`` package inside ``submission``.

    ``files``: the package as :func:`~autograder.engine.intake.package_files` read it (read here
    when None). Raises :class:`~autograder.engine.intake.SubmissionError` when it cannot be graded
    and :class:`~autograder.engine.outcome.IsolationError` when isolation is required and missing.
    Two exercises run at once. A fork server that stops is restarted, and the exercises it
    was serving score 0 with a message that says so.
    """
    started = time.perf_counter()
    files = intake.package_files(submission) if files is None else files
    planned = suites(live)
    cases = by_exercise(planned)

    def run(exercise: str) -> tuple[list[CaseResult], str, bool]:
        """The scored cases of one exercise, what its code printed, and whether the fork
        server failed it."""
        chosen = cases[exercise]
        seen = workers.generation
        try:
            outcomes, printed = workers.run(files, exercise, chosen, copy)
            failed = False
        except ServerError as error:
            workers.restart(seen)
            outcomes, printed = [Outcome("crashed", message=f"grader error: {error}")] * len(chosen), ""
            failed = True
        return [score(case, outcome) for case, outcome in zip(chosen, outcomes)], printed, failed

    copy = workers.copy(files)  # one copy for every exercise's children, which only read it
    try:
        running = {exercise: workers.pool.submit(run, exercise) for exercise in longest_first(planned)}
        results, output, incomplete = [], {}, False
        for exercise in EXERCISES:
            scored, printed, failed = running[exercise].result()
            results += scored
            incomplete |= failed
            if printed:
                output[exercise] = printed
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    seconds = time.perf_counter() - started
    layers = list(workers.layers)
    ordered = [case for exercise in EXERCISES for case in cases[exercise]]  # as ``results`` are
    return Grade(intake.printable(str(submission)), results, seconds, output, layers, incomplete,
                 producer(live, layers), localise.hints([(c, r.passed) for c, r in zip(ordered, results)]))


def grade_one(submission: Path, live: bool = False, limits: Limits | None = None,
              require_isolation: bool = False) -> Grade:
    """Grade one submission with a fork server of its own."""
    with Workers(limits, require_isolation=require_isolation) as workers:
        return grade(submission, workers, live)
