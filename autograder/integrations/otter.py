"""otter-grader 7 packaging: a student notebook and an otter autograder zip graded by our engine.

``python -m autograder otter --dest dist/otter`` (:func:`build`) writes::

    dist/otter/student/rnnlab.ipynb           the notebook students add at the root of their repo
    dist/otter/student/tests/otter/*.py       its public self-checks, ``grader.check("lstm")``
    dist/otter/autograder/                    what the zip is generated from (tests, otter_config.json)
    dist/otter/autograder.zip                 ``otter run -a dist/otter/autograder.zip submission.zip``

A submission is the zip that the notebook's last cell writes with
``grader.export(..., files=["rnnlab"])``: the notebook plus ``rnnlab/*.py``.

How the zip grades. Otter runs the tests inside the student's kernel, where a submission can
patch otter itself, and it unpickles the submission's ``.OTTER_LOG`` in the grading process.
So the zip never trusts that kernel: its otter_config.json loads :class:`IsolatedEngine`, an
otter plugin that runs in otter's own process, before anything of the submission runs:

1. ``before_grading`` grades the submitted ``rnnlab/`` with this project's engine, shipped in
   the zip (``autograder/`` at its root, fixtures included), in a separate
   ``python -m autograder grade`` process (isolated workers, time and memory limits), then
   moves every submitted file except the notebook out of the folder the kernel starts in;
2. ``before_execution`` drops the notebook's cells: the kernel runs only otter's own cells;
3. ``after_grading`` rebuilds otter's results from the engine's report: one otter question per
   exercise, one test case per case (hidden cases 1 point each, public ones 0), so the score,
   partial credit included, is the engine's.

The zip's otter tests (``tests/<exercise>.py``, one test case per engine case) read the same
report from the kernel, and run the engine themselves when no plugin wrote it (the zip used
without its plugin): a fallback, never the authority. This module imports without otter (the
plugin imports it only when otter calls it); building the zip needs otter-grader 7.0.0.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from autograder.catalog import EXERCISES, POINTS, SOLUTIONS, TITLES, folder, number
from autograder.engine.grading import suites
from autograder.integrations.bundle import grader_files

ASSIGNMENT = "rnnlab"
NOTEBOOK = "rnnlab.ipynb"
STUDENT_TESTS = "tests/otter"  # the template's tests/ holds the pytest self-checks already
ENGINE_REPORT = "rnnlab-engine-results.json"  # beside submission/ and source/ in otter's layout
QUARANTINE = "rnnlab-submitted-files"
PLUGIN = "autograder.integrations.otter.IsolatedEngine"
ENGINE_SECONDS = 900


# --- the tests ------------------------------------------------------------------------------


def case_label(exercise: str, name: str, hidden: bool) -> str:
    """The engine's name for a case in results.json, e.g. ``01 one_hot/scalar_id (hidden)``."""
    return f"{number(exercise)} {name} ({'hidden' if hidden else 'public'})"


def planned_cases() -> dict[str, list[tuple[str, bool, float]]]:
    """``exercise -> [(label, hidden, points)]`` for every case the engine grades."""
    planned: dict[str, list[tuple[str, bool, float]]] = {exercise: [] for exercise in EXERCISES}
    for case in suites():
        planned[case.exercise].append(
            (case_label(case.exercise, case.name, case.hidden), case.hidden, case.points))
    return planned


_ENGINE_HELPER = '''
import json
import subprocess
import sys
from pathlib import Path

REPORT = "{report}"
_VERDICTS = {{}}


def _verdicts():
    """The engine's verdict per case, read once. otter's layout: ../submission, ../source."""
    if not _VERDICTS:
        submission = Path.cwd()
        report = submission.parent / REPORT
        if not report.is_file():  # no plugin ran: grade here, with the engine from the zip
            engine = submission.parent / "source"
            done = subprocess.run(
                [sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(report)],
                cwd=engine, capture_output=True, text=True, timeout={seconds},
            )
            if not report.is_file():
                report.write_text(json.dumps({{"error": (done.stderr or done.stdout).strip()[-2000:]}}))
        data = json.loads(report.read_text())
        if "error" in data:
            raise AssertionError("the submission could not be graded: " + data["error"])
        _VERDICTS.update((test["name"], test) for test in data["tests"])
    return _VERDICTS


def _verdict(label):
    test = _verdicts().get(label)
    assert test is not None, "the grading engine reported nothing for " + label
    assert test["status"] == "passed", test["output"]
'''


def hidden_test_file(exercise: str, cases: list[tuple[str, bool, float]]) -> str:
    """The zip's otter test for one exercise: one test case per engine case."""
    lines = [
        f'"""Exercise {number(exercise)} ({TITLES[exercise]}): the verdicts of the isolated engine.',
        "",
        "Each test case is one case of `python -m autograder grade`, run outside this kernel;",
        'public ones are worth 0 points, and otter shares `points` equally among the hidden ones',
        '(as the engine does). Generated by autograder.integrations.otter."""',
        "",
        "from otter.test_files import test_case",
        "",
        "OK_FORMAT = False",
        "",
        f"name = {exercise!r}",
        f"points = {POINTS[exercise]}",
        _ENGINE_HELPER.format(report=ENGINE_REPORT, seconds=ENGINE_SECONDS),
    ]
    for n, (label, hidden, _) in enumerate(cases):
        worth = "hidden=True" if hidden else "points=0"  # hidden ones: a share of `points`
        lines += [
            "",
            f"@test_case(name={label!r}, {worth})",
            f"def case_{n:03d}():",
            f"    _verdict({label!r})",
            "",
        ]
    return "\n".join(lines)


_PUBLIC_HELPER = '''
import importlib
import sys
from pathlib import Path

ROOT = Path.cwd()  # the notebook's folder: the root of your repository
_CASES = {}


def _fresh(name):
    """Your saved rnnlab.<name>, imported again so that edits count without a restart."""
    for module in [m for m in sys.modules if m == "rnnlab" or m.startswith("rnnlab.")]:
        del sys.modules[module]
    return importlib.import_module("rnnlab." + name)


def _check(exercise, name):
    """Run one public case (tests/fixtures/<exercise>.cases) and explain what is wrong."""
    for path in (str(ROOT / "tests"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import casefile

    if exercise not in _CASES:
        fixture = ROOT / "tests" / "fixtures" / (exercise + ".cases")
        _CASES[exercise] = {c.name: c for c in casefile.load_cases(fixture)[1]}
    case = _CASES[exercise][name]
    module = _fresh(case.module)  # the masking exercise grades the layers' mask=
    args, kwargs = casefile.call_arguments(
        case, lambda layer: getattr(importlib.import_module("rnnlab." + layer), layer))
    try:
        with casefile.trusted_helpers(case, module):  # helpers that Keras vouches for
            result = getattr(module, case.function)(*args, **kwargs)
    except NotImplementedError as error:
        raise AssertionError("not implemented yet: " + str(error)) from None
    except Exception as error:
        if case.raises and type(error).__name__ == case.raises:
            return
        expected = ("expected " + case.raises + ", got ") if case.raises else "raised "
        got = type(error).__name__ + ": " + str(error)
        raise AssertionError(case.describe() + ": " + expected + got) from None
    if case.raises:
        raise AssertionError(case.describe() + ": expected " + case.raises + ", nothing was raised")
    outputs = casefile.case_outputs(case, result)
    problems = [outputs] if isinstance(outputs, str) else casefile.compare(case, outputs)
    problems += casefile.changed_inputs(case, casefile.input_arrays([args, kwargs]))
    if problems:
        tolerance = "(tolerance: |got - expected| <= %g + %g * |expected|)" % (casefile.ATOL, casefile.RTOL)
        raise AssertionError("\\n".join([case.describe(), *problems, tolerance]))
'''


def public_test_file(exercise: str, names: list[str]) -> str:
    """The student's otter self-check for one exercise: the public fixture cases, 0 points."""
    lines = [
        f'"""Public self-checks of exercise {number(exercise)} ({TITLES[exercise]}):',
        f"grader.check({exercise!r}) in {NOTEBOOK}.",
        "",
        f"Runs your saved rnnlab/{exercise}.py on the public cases of tests/fixtures/{exercise}.cases",
        "and compares with what Keras gave. Worth no points: the grade comes from hidden cases.",
        "Generated by autograder.integrations.otter: the fixture cases of `python -m pytest -m "
        + exercise + '`."""',
        "",
        "from otter.test_files import test_case",
        "",
        "OK_FORMAT = False",
        "",
        f"name = {exercise!r}",
        "points = 0",
        _PUBLIC_HELPER,
    ]
    done = (f"public checks passed; the {POINTS[exercise]} points come from the hidden cases "
            "graded after you submit")
    for n, name in enumerate(names):
        message = f", success_message={done!r}" if n == len(names) - 1 else ""
        lines += [
            "",
            f"@test_case(name={name.split('/', 1)[1]!r}, points=0{message})",
            f"def case_{n:03d}():",
            f"    _check({exercise!r}, {name!r})",
            "",
        ]
    return "\n".join(lines)


# --- the student notebook -------------------------------------------------------------------


def _cell(kind: str, source: str, **metadata: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": metadata, "source": source.strip("\n")}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def student_notebook() -> dict[str, Any]:
    """``rnnlab.ipynb``: otter's self-checks, one question per exercise, and the export cell."""
    cells = [
        _cell("markdown", """
# rnnlab with otter-grader

**EN** Write your code in `rnnlab/*.py` with any editor, as the README says; this notebook only
checks it and packs your submission. Each `grader.check(...)` below runs the public cases of one
exercise on your *saved* files (no restart needed) and needs neither TensorFlow nor a network.
Public checks are worth no points: the grade comes from hidden cases, run after you submit.
When you are done, run the last cell and upload the zip it writes.

**KO** 코드는 `rnnlab/*.py`에 작성하세요. 이 노트북은 저장된 코드를 공개 케이스로 점검하고
제출 파일(zip)을 만듭니다. 점수는 제출 후 숨겨진 케이스로 매겨집니다.

Needs: `pip install "otter-grader==7.0.0"` next to `requirements.txt`.
"""),
        _cell("code", f'import otter\n\ngrader = otter.Notebook("{NOTEBOOK}", tests_dir="{STUDENT_TESTS}")'),
    ]
    for exercise in EXERCISES:
        cells += [
            _cell("markdown", f"""
## {number(exercise)} · {TITLES[exercise]} ({POINTS[exercise]} points)

Statement: `exercises/{folder(exercise)}/README.md`; your code: `rnnlab/{exercise}.py`.
"""),
            _cell("code", f'grader.check("{exercise}")'),
        ]
    cells += [
        _cell("markdown", """
## Submit

Runs every check, then writes `rnnlab_<time>.zip` holding this notebook **and your
`rnnlab/` folder** (the package is what is graded). Upload that zip.
"""),
        _cell("code", "grader.check_all()"),
        _cell("code", f'grader.export("{NOTEBOOK}", files=["rnnlab"], pdf=False)'),
    ]
    for n, cell in enumerate(cells):
        cell["id"] = f"rnnlab-{n:02d}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "otter": {"assignment_name": ASSIGNMENT},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# --- the plugin (runs in otter's grading process, never in the student's kernel) -------------


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

    def __init__(self, submission_path: str | None, submission_metadata: dict, plugin_config: Any):
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


# --- building -------------------------------------------------------------------------------


def otter_config() -> dict[str, Any]:
    return {
        "lang": "python",
        "assignment_name": ASSIGNMENT,
        "plugins": [PLUGIN],
        "points_possible": sum(POINTS.values()),
        "show_hidden": True,
        "force_public_test_summary": True,
    }


def build(dest: Path, check: bool = True) -> Path:
    """Write the student notebook, its tests and the otter autograder zip under ``dest``.

    Returns the zip's path. With ``check``, grades the reference solutions with the new zip
    through ``otter run`` and raises ``RuntimeError`` unless they score full marks.
    """
    dest = Path(dest)
    for old in ("student", "autograder", "autograder.zip"):
        target = dest / old
        if target.is_dir():
            shutil.rmtree(target)
        target.unlink(missing_ok=True)
    public = {exercise: [c.name for c in suites() if c.exercise == exercise and not c.hidden]
              for exercise in EXERCISES}
    student = dest / "student"
    (student / STUDENT_TESTS).mkdir(parents=True)
    (student / NOTEBOOK).write_text(json.dumps(student_notebook(), indent=1, ensure_ascii=False) + "\n")
    for exercise, names in public.items():
        (student / STUDENT_TESTS / f"{exercise}.py").write_text(public_test_file(exercise, names))

    source = dest / "autograder"
    (source / "tests").mkdir(parents=True)
    for exercise, cases in planned_cases().items():
        (source / "tests" / f"{exercise}.py").write_text(hidden_test_file(exercise, cases))
    (source / "otter_config.json").write_text(json.dumps(otter_config(), indent=2) + "\n")
    (source / "requirements.txt").write_text("numpy>=1.24\n")
    archive = dest / "autograder.zip"
    done = subprocess.run(
        [sys.executable, "-m", "otter", "generate", "-t", "tests", "-o", str(archive.resolve()),
         "-c", "otter_config.json", "-r", "requirements.txt", "--no-environment"],
        cwd=source, capture_output=True, text=True,
    )
    if done.returncode != 0 or not archive.is_file():
        raise RuntimeError(f"otter generate failed:\n{done.stdout}{done.stderr}")
    with zipfile.ZipFile(archive, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, name in grader_files():
            zf.write(path, arcname=name)
    if check:
        with tempfile.TemporaryDirectory() as work:
            package = Path(work) / "solutions"
            shutil.copytree(SOLUTIONS, package / "rnnlab",
                            ignore=shutil.ignore_patterns("__pycache__"))
            results = run(archive, submission_zip(package, Path(work) / "submission.zip", student / NOTEBOOK))
            if results.get("score") != sum(POINTS.values()):
                raise RuntimeError(f"the reference solutions scored {results.get('score')} with {archive}")
    return archive


# --- submissions and otter run ----------------------------------------------------------------


def submission_zip(folder: Path, out: Path, notebook: Path) -> Path:
    """What the notebook's export cell writes: ``notebook`` plus ``folder/rnnlab/**/*.py``."""
    out = Path(out)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(notebook, arcname=NOTEBOOK)
        for path in sorted((Path(folder) / "rnnlab").rglob("*.py")):
            if "__pycache__" not in path.parts:
                zf.write(path, arcname=path.relative_to(folder).as_posix())
    return out


def otter_submission(submission: Path, out: Path) -> Path:
    """The zip otter expects, from a submission of any accepted shape (a folder, its zip,
    the module files alone, an exported notebook zip): the blank notebook plus ``rnnlab/``.

    The notebook is never graded (the plugin drops its cells), so a submission without one
    is graded like any other. Raises :class:`~autograder.engine.intake.SubmissionError`.
    """
    from autograder.engine import intake

    files = intake.package_files(submission)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(NOTEBOOK, json.dumps(student_notebook(), indent=1))
        for name, data in files.items():
            zf.writestr(name, data)
    return out


def check_archive(archive: Path) -> None:
    """Raise ValueError with one sentence unless ``archive`` is an otter autograder zip."""
    if not Path(archive).exists():
        raise ValueError(f"{archive} does not exist: build it with `python -m autograder otter`")
    try:
        with zipfile.ZipFile(archive) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile) as error:
        raise ValueError(f"{archive} is not an otter autograder zip ({error})") from None
    if "otter_config.json" not in names or "autograder/integrations/otter.py" not in names:
        raise ValueError(f"{archive} is not this kit's otter autograder zip: build it with "
                         "`python -m autograder otter`")


def run(archive: Path, submission: Path, timeout: float = 600) -> dict[str, Any]:
    """``otter run -a ARCHIVE SUBMISSION`` in a temporary folder; its results.json."""
    with tempfile.TemporaryDirectory(prefix="rnnlab-otter-") as work:
        done = subprocess.run(
            [sys.executable, "-m", "otter", "run", "-a", str(Path(archive).resolve()), "-o", work,
             "--no-logo", str(Path(submission).resolve())],
            cwd=work, capture_output=True, text=True, timeout=timeout,
        )
        results = Path(work) / "results.json"
        if not results.is_file():
            raise RuntimeError(f"otter run wrote no results.json:\n{done.stdout}{done.stderr}")
        return json.loads(results.read_text())
