"""Reference fixtures: where they live, how TensorFlow makes them, and whether they are fresh.

``autograder/references/data/<suite>/<exercise>.cases`` holds the cases of one exercise with the outputs
Keras produced. The public files are copied into the student template; the hidden ones
never leave the grader. Reading them needs only NumPy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from autograder import casefile
from autograder.casefile import Case, dump_cases, load_cases
from autograder.references.suites import EXERCISES, SUITES, build_suite

DATA = Path(__file__).resolve().parent / "data"
FRESH_RTOL = FRESH_ATOL = 1e-9  # float64 references from two runs of the same TF


def fixture_path(suite: str, exercise: str, root: Path = DATA) -> Path:
    """The fixture file of one exercise in one suite."""
    return root / suite / f"{exercise}{casefile.SUFFIX}"


def compute(suite: str, exercise: str, seed: int | None = None) -> list[Case]:
    """Build the cases and let TensorFlow fill in their references (imports TensorFlow)."""
    from autograder.references.solve import solve

    return [solve(case) for case in build_suite(suite, exercise, seed)]


def generate(
    root: Path = DATA,
    suites: Iterable[str] = SUITES,
    seed: int | None = None,
    progress: Callable[[str], None] = print,
) -> list[Path]:
    """Recompute and write every fixture file under ``root``; returns the files written."""
    from autograder.references import oracle

    meta = oracle.versions()
    written = []
    for suite in suites:
        for exercise in EXERCISES:
            path = fixture_path(suite, exercise, root)
            path.parent.mkdir(parents=True, exist_ok=True)
            cases = compute(suite, exercise, seed)
            path.write_bytes(dump_cases(cases, {**meta, "suite": suite, "seed": seed}))
            written.append(path)
            progress(f"{path}: {len(cases)} cases")
    return written


def load(suite: str, exercise: str | None = None, root: Path = DATA) -> list[Case]:
    """The stored cases of one exercise, or of all of them in contract order."""
    exercises = EXERCISES if exercise is None else (exercise,)
    cases: list[Case] = []
    for name in exercises:
        path = fixture_path(suite, name, root)
        if not path.is_file():
            raise FileNotFoundError(f"missing fixture {path}: run `make fixtures`")
        cases += load_cases(path)[1]
    return cases


def differences(stored: list[Case], fresh: list[Case]) -> list[str]:
    """Where two lists of cases disagree: names, inputs, expected outputs, replays."""
    problems = []
    if [c.name for c in stored] != [c.name for c in fresh]:
        return ["the case names differ"]
    for old, new in zip(stored, fresh):
        pairs = [("returns", old.returns, new.returns)]
        pairs += [
            (f"replay {helper}", [r for c in old.replays[helper] for r in c.returns],
             [r for c in new.replays.get(helper, []) for r in c.returns])
            for helper in old.replays
        ]
        if old.describe() != new.describe() or old.raises != new.raises:
            problems.append(f"{old.name}: the call differs")
        for label, a, b in pairs:
            same = len(a) == len(b) and all(
                x.shape == y.shape and np.allclose(x, y, rtol=FRESH_RTOL, atol=FRESH_ATOL)
                for x, y in zip(a, b)
            )
            if not same:
                problems.append(f"{old.name}: {label} differ")
    return problems
