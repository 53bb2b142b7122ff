"""The otter autograder zip: building it, the submission zips it grades, and ``otter run`` of it.

Building the zip needs otter-grader 7.0.0; so does :func:`run`.
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

from autograder.catalog import EXERCISES, POINTS, SOLUTIONS
from autograder.engine.grading import suites
from autograder.integrations.bundle import grader_files
from autograder.integrations.otter.notebook import ASSIGNMENT, NOTEBOOK, STUDENT_TESTS, student_notebook
from autograder.integrations.otter.test_files import hidden_test_file, planned_cases, public_test_file

PLUGIN = "autograder.integrations.otter.IsolatedEngine"  # otter imports it by this path
PLUGIN_FILE = "autograder/integrations/otter/plugin.py"  # where the zip ships it


def otter_config() -> dict[str, Any]:
    """The zip's otter_config.json: the assignment, its points and the plugin that grades."""
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
    if "otter_config.json" not in names or PLUGIN_FILE not in names:
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
