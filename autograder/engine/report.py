"""Turn a :class:`~autograder.engine.grading.Grade` into what people read: a table, feedback,
Gradescope's ``results.json``. Hidden cases show their name and message, never values."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from autograder.casefile import kernel_layers
from autograder.catalog import EXERCISES, TITLES, number
from autograder.engine.grading import Grade
from autograder.engine.scoring import CaseResult

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")  # Gradescope's
RESULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"},
        "output": {"type": "string"},
        "execution_time": {"type": "number"},
        "extra_data": {"type": "object"},
        "stdout_visibility": {"enum": list(VISIBILITIES)},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "visibility", "output",
                             "tags"],
                "properties": {
                    "name": {"type": "string"},
                    "score": {"type": "number"},
                    "max_score": {"type": "number"},
                    "status": {"enum": ["passed", "failed"]},
                    "visibility": {"enum": list(VISIBILITIES)},
                    "output": {"type": "string"},
                    "tags": {"type": "array", "items": {"enum": list(EXERCISES)}},
                },
            },
        },
    },
}


def _label(result: CaseResult) -> str:
    kind = "hidden" if result.hidden else "public"
    return f"{number(result.exercise)} {result.name} ({kind})"


def _exercise_rows(grade: Grade) -> list[tuple[str, float, float, int, int]]:
    rows = []
    for exercise in EXERCISES:
        mine = [r for r in grade.results if r.exercise == exercise]
        points = sum(r.points for r in mine)
        top = sum(r.max_points for r in mine)
        rows.append((exercise, points, top, sum(r.passed for r in mine), len(mine)))
    return rows


def table(grade: Grade, failures: int = 3) -> str:
    """A readable summary: points per exercise, then the first failures of each."""
    lines = [f"Submission: {Path(grade.submission).name}", ""]
    lines.append(f"{'exercise':<28}{'points':>14}{'cases passed':>16}")
    for exercise, points, top, passed, total in _exercise_rows(grade):
        title = f"{number(exercise)} {TITLES[exercise]}"
        lines.append(f"{title:<28}{f'{points:g} / {top:g}':>14}{f'{passed} / {total}':>16}")
    lines.append(f"{'total':<28}{f'{grade.score:g} / {grade.max_score:g}':>14}")
    for exercise in EXERCISES:
        failed = [r for r in grade.results if r.exercise == exercise and not r.passed]
        if not failed or not failures:  # failures=0: the full list follows (see feedback())
            continue
        lines += ["", f"{number(exercise)} {TITLES[exercise]}: {len(failed)} cases failed"]
        lines += [f"  where: {hint}" for hint in grade.hints.get(exercise, [])]
        for result in failed[:failures]:
            lines.append(f"  - {result.name} ({'hidden' if result.hidden else 'public'}): "
                         f"{result.message}")
        if len(failed) > failures:
            lines.append(f"  ... and {len(failed) - failures} more (see the full feedback)")
    lines += ["", f"graded in {grade.seconds:.2f} s; {isolation_line(grade)}", points_line(grade)]
    return "\n".join(lines)


def isolation_line(grade: Grade) -> str:
    """``isolation: landlock-abi7 seccomp ...``, with a warning when a kernel layer is missing."""
    line = "isolation: " + (" ".join(grade.isolation) or "unknown")
    if not kernel_layers(grade.isolation):
        line += " (WARNING: without Landlock and seccomp, student code is confined only in part)"
    return line


def markdown(grade: Grade) -> str:
    """A Markdown summary (for a CI job summary), ending with a ``Points x/y`` line."""
    lines = ["| exercise | points | cases passed |", "| --- | ---: | ---: |"]
    for exercise, points, top, passed, total in _exercise_rows(grade):
        lines.append(f"| {number(exercise)} {TITLES[exercise]} | {points:g} / {top:g} "
                     f"| {passed} / {total} |")
    lines.append(f"| **total** | **{grade.score:g} / {grade.max_score:g}** | |")
    failed = [r for r in grade.results if not r.passed]
    if failed:
        lines += ["", "<details><summary>Failed cases</summary>", ""]
        lines += [f"- `{_label(r)}`: {r.message}" for r in failed]
        lines += ["", "</details>"]
    lines += ["", isolation_line(grade), "", points_line(grade)]
    return "\n".join(lines) + "\n"


def points_line(grade: Grade) -> str:
    """``Points 87/100``: the line Classroom-style reporters read."""
    return f"Points {grade.score:g}/{grade.max_score:g}"


def feedback(grade: Grade) -> str:
    """Every case with its call and message: what a student reads after grading."""
    lines = [table(grade, failures=0)]
    for exercise, hints in grade.hints.items():
        lines += ["", f"Where the mistakes of {number(exercise)} {TITLES[exercise]} are, from all its cases:"]
        lines += [f"  - {hint}" for hint in hints]
    lines += ["", "All cases:"]
    for result in grade.results:
        mark = "PASS" if result.passed else "FAIL"
        points = f"{result.points:g}/{result.max_points:g}" if result.hidden else "public"
        lines.append(f"[{mark}] {_label(result)} [{points}]")
        if not result.hidden:
            lines.append(f"       called {result.call}")
        if result.message:
            lines.append(f"       {result.message}")
        if result.refused and result.passed:
            lines.append(f"       refused, and caught by the code: {'; '.join(result.refused)}")
    for exercise, printed in grade.output.items():
        lines += ["", f"Your code printed while {exercise} ran (first lines):", printed[:1000]]
    return "\n".join(lines)


def gradescope(grade: Grade, hidden_visibility: str = "visible",
               stdout_visibility: str = "visible") -> dict[str, Any]:
    """Gradescope's ``results.json``: one test per case, tagged with its exercise.

    Public cases are always visible; ``hidden_visibility`` is the hidden cases' (one of
    :data:`VISIBILITIES`), ``stdout_visibility`` that of what the grader printed.
    """
    tests = []
    for result in grade.results:
        output = result.message or "passed"
        if not result.hidden:
            output = f"called {result.call}\n{output}"
        tests.append({
            "name": _label(result),
            "score": result.points,
            "max_score": result.max_points,
            "status": "passed" if result.passed else "failed",
            "visibility": hidden_visibility if result.hidden else "visible",
            "output": output,
            "tags": [result.exercise],
        })
    summary = "\n".join(
        f"{number(e)} {TITLES[e]}: {p:g} / {t:g}" + "".join(f"\n  where: {h}" for h in grade.hints.get(e, []))
        for e, p, t, _, _ in _exercise_rows(grade)
    )
    return {
        "score": grade.score,
        "output": summary + "\n" + isolation_line(grade),
        "execution_time": round(grade.seconds, 3),
        "extra_data": {"isolation": grade.isolation, "producer": grade.producer},
        "stdout_visibility": stdout_visibility,
        "tests": tests,
    }


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_results(grade: Grade, path: Path, **visibility: str) -> None:
    """Write Gradescope's ``results.json`` for ``grade`` (visibility: see :func:`gradescope`)."""
    write_atomically(path, json.dumps(gradescope(grade, **visibility), indent=2) + "\n")
