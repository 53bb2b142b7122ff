"""The otter plugin :class:`IsolatedEngine`: the zip's score comes from our engine, not the kernel.

Otter runs the tests inside the student's kernel, where a submission can patch otter itself,
and it unpickles the submission's ``.OTTER_LOG`` in the grading process. So the zip never
trusts that kernel: its otter_config.json loads this plugin, which runs in otter's own
process, before anything of the submission runs:

1. ``before_grading`` grades the submitted ``rnnlab/`` with this project's engine, shipped in
   the zip (``autograder/`` at its root, fixtures included), in a separate
   ``python -m autograder grade`` process (isolated workers, time and memory limits), then
   moves every submitted file except the notebook out of the folder the kernel starts in;
2. ``before_execution`` drops the notebook's cells: the kernel runs only otter's own cells;
3. ``after_grading`` rebuilds otter's results from the engine's report: one otter question per
   exercise, one test case per case (hidden cases 1 point each, public ones 0), so the score,
   partial credit included, is the engine's.

This module imports without otter: it imports otter only when otter calls it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from autograder.catalog import EXERCISES
from autograder.integrations.otter.notebook import NOTEBOOK

ENGINE_REPORT = "rnnlab-engine-results.json"  # beside submission/ and source/ in otter's layout
QUARANTINE = "rnnlab-submitted-files"
ENGINE_SECONDS = 900


def run_engine(submission: Path, engine_root: Path, report: Path) -> dict[str, Any]:
    """Grade ``submission/rnnlab`` with the engine found in ``engine_root``; the parsed report.

    The engine's own command runs in a child process (its workers are isolated further);
    a submission that cannot be graded gives ``{"error": message}``.
    """
    report.unlink(missing_ok=True)
    command = [sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(report)]
    try:
        done = subprocess.run(command, cwd=engine_root, capture_output=True, text=True,
                              timeout=ENGINE_SECONDS, stdin=subprocess.DEVNULL)
        failure = (done.stderr or done.stdout).strip()[-2000:]
    except subprocess.TimeoutExpired:
        failure = f"the grading engine took longer than {ENGINE_SECONDS} s"
    if report.is_file():
        return json.loads(report.read_text())
    data = {"error": failure or "the grading engine wrote no report"}
    report.write_text(json.dumps(data))
    return data


class IsolatedEngine:
    """otter plugin ``autograder.integrations.otter.IsolatedEngine``: the score comes from our engine.

    Listed in the zip's otter_config.json; otter imports it in its own process (from the
    installed project, or on Gradescope from the ``autograder/`` package at the zip's root).
    """

    def __init__(self, submission_path: str | None, submission_metadata: dict, plugin_config: Any) -> None:
        self.submission_path = submission_path
        self.report: dict[str, Any] | None = None
        self.tests: dict[str, list[tuple[str, bool, float]]] = {}

    def before_grading(self, config: Any) -> None:
        """Grade before any submitted code runs, then move the submitted files away."""
        submission = Path(self.submission_path).parent
        ag_dir = submission.parent
        try:
            self.tests = _read_tests(ag_dir / "source" / "tests")
            self.report = run_engine(submission, ag_dir / "source", ag_dir / ENGINE_REPORT)
            if "error" in self.report:
                self.report["error"] += (f" (submit the zip that {NOTEBOOK}'s last cell writes: "
                                         "the notebook and your rnnlab/ folder)")
        except Exception as error:  # a broken zip still gets a results.json that says why
            self.report = {"error": f"the grader failed: {type(error).__name__}: {error}"}
        finally:
            _quarantine(submission, Path(self.submission_path).name, ag_dir / QUARANTINE)

    def before_execution(self, submission: Any) -> Any:
        """The kernel runs otter's cells only: none of the submitted notebook's."""
        submission.cells = []
        submission.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                             "name": "python3"}
        return submission

    def after_grading(self, results: Any) -> None:
        """Replace whatever the kernel reported by the engine's verdicts."""
        from otter.test_files.abstract_test import TestCase, TestCaseResult
        from otter.test_files.exception_test import ExceptionTestFile

        report = self.report or {"error": "the grading engine did not run"}
        verdicts = {test["name"]: test for test in report.get("tests", [])}
        files = []
        for exercise, cases in self.tests.items():
            test_file = ExceptionTestFile(exercise, f"tests/{exercise}.py", [], all_or_nothing=False)
            for label, hidden, points in cases:
                case = TestCase(label, None, hidden, points, None, None)
                test = verdicts.get(label)
                if test is None:
                    passed, message = False, "❌ not graded: " + report.get("error", "no verdict")
                else:
                    passed = test["status"] == "passed"
                    message = ("✅ " if passed else "❌ ") + test["output"]
                test_file.test_cases.append(case)
                test_file.test_case_results.append(TestCaseResult(case, message, passed))
            files.append(test_file)
        results.results = {test_file.name: test_file for test_file in files}
        results._catastrophic_error = None
        results.set_output(self.generate_report())

    def generate_report(self) -> str:
        report = self.report or {}
        if "error" in report:
            return f"rnnlab: the submission could not be graded: {report['error']}"
        return "rnnlab, graded in isolation by python -m autograder grade:\n" + report.get("output", "")


def _read_tests(tests: Path) -> dict[str, list[tuple[str, bool, float]]]:
    """The zip's own test files (read before any submitted code runs): cases per exercise."""
    from otter.test_files.exception_test import ExceptionTestFile

    found = {}
    for exercise in EXERCISES:
        test_file = ExceptionTestFile.from_file(str(tests / f"{exercise}.py"))
        found[exercise] = [(c.name, c.hidden, c.points) for c in test_file.test_cases]
    return found


def _quarantine(submission: Path, notebook: str, away: Path) -> None:
    """Move every submitted file but the notebook out of the kernel's folder (and sys.path)."""
    away.mkdir(exist_ok=True)
    for entry in submission.iterdir():
        if entry.name not in (notebook, "tests"):
            shutil.move(str(entry), str(away / entry.name))
    (submission / "__init__.py").touch()
