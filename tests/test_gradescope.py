"""The Gradescope autograder zip, run in a simulated /autograder layout."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.authoring.variants import make_submission
from autograder.catalog import TEMPLATE
from autograder.integrations import gradescope


@pytest.fixture(scope="module")
def autograder_root(tmp_path_factory):
    """An /autograder folder with the zip unpacked into source/, as Gradescope does."""
    root = tmp_path_factory.mktemp("autograder")
    archive = gradescope.build(root / "autograder.zip")
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        opened.extractall(root / "source")
    assert "setup.sh" in names and "run_autograder" in names
    assert not any(name.startswith(("solutions/", "autograder/oracle")) for name in names)
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    return root


def _run_autograder(root: Path, submission: Path, python_bin: Path | None = None) -> dict:
    target = root / "submission"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(submission, target)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "results").mkdir()
    env = {"PATH": f"{python_bin or Path(sys.executable).parent}:/usr/bin:/bin",
           "AUTOGRADER_ROOT": str(root), "HOME": str(root)}
    run = subprocess.run([str(root / "source" / "run_autograder")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_solutions_get_full_marks_in_a_repository_layout(autograder_root, tmp_path):
    """A submitted repository with rnnlab/ at its top scores 100."""
    results = _run_autograder(autograder_root, make_submission(tmp_path / "repo"))
    assert results["score"] == 100 and len(results["tests"]) > 100


def test_loose_module_files_are_graded_too(autograder_root, tmp_path):
    """Uploading just the stub .py files works (and scores 0)."""
    loose = tmp_path / "loose"
    loose.mkdir()
    for path in (TEMPLATE / "rnnlab").glob("*.py"):
        shutil.copy(path, loose / path.name)
    results = _run_autograder(autograder_root, loose)
    assert results["score"] == 0 and results["tests"]


def test_an_empty_submission_gets_a_message_not_a_crash(autograder_root, tmp_path):
    """Nothing to grade: score 0 and a sentence saying why."""
    (tmp_path / "empty").mkdir()
    results = _run_autograder(autograder_root, tmp_path / "empty")
    assert results["score"] == 0 and "could not be graded" in results["output"]


@pytest.mark.slow
def test_setup_installs_numpy_only_and_that_is_enough(autograder_root, tmp_path):
    """setup.sh in a bare virtual environment, then a full grading with only NumPy there."""
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
    subprocess.run([str(autograder_root / "source" / "setup.sh")], env=env, check=True, timeout=600)
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, check=True).stdout
    assert {p["name"].lower() for p in json.loads(listed)} <= {"numpy", "pip", "setuptools"}
    results = _run_autograder(autograder_root, make_submission(tmp_path / "sub"), venv / "bin")
    assert results["score"] == 100


def test_visibility_of_hidden_cases_and_output_is_set_when_building(tmp_path):
    """`gradescope --visibility after_due_date`: hidden cases wait for the due date, public ones not."""
    root = tmp_path / "autograder"
    built = subprocess.run([sys.executable, "-m", "autograder", "gradescope", "--out",
                            str(root / "autograder.zip"), "--visibility", "after_due_date",
                            "--stdout-visibility", "hidden"], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(root / "autograder.zip") as opened:
        opened.extractall(root / "source")
    (root / "source" / "run_autograder").chmod(0o755)
    results = _run_autograder(root, make_submission(tmp_path / "solutions"))
    assert results["stdout_visibility"] == "hidden"
    seen = {(test["name"].endswith("(hidden)"), test["visibility"]) for test in results["tests"]}
    assert seen == {(True, "after_due_date"), (False, "visible")}
