"""The otter-grader 7 package: built by autograder.integrations.otter, graded by real `otter run` (no Docker).

Every submission goes through ``otter run -a autograder.zip SUBMISSION``; its score must be
the isolated engine's, whatever the submitted notebook does to otter in its kernel.
"""

import json
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("otter")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from autograder import cli  # noqa: E402
from autograder.authoring.variants import make_submission  # noqa: E402
from autograder.catalog import EXERCISES, POINTS, ROOT, TEMPLATE  # noqa: E402  # noqa: E402
from autograder.demo import SAMPLE_MISTAKES  # noqa: E402
from autograder.engine.grading import grade_one  # noqa: E402
from autograder.integrations import otter as otter_kit  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``(autograder.zip, student folder)``, built by the command line."""
    dest = tmp_path_factory.mktemp("otter")
    assert cli.main(["otter", "--dest", str(dest), "--no-check"]) == 0
    return dest / "autograder.zip", dest / "student"


def _questions(results):
    """``exercise -> (score, max_score)`` from otter's results.json."""
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def _student_repo(destination: Path, student: Path, package: Path) -> Path:
    """The student template with otter's notebook and checks added and ``package`` as rnnlab/."""
    repo = shutil.copytree(TEMPLATE, destination, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(student, repo, dirs_exist_ok=True)
    shutil.rmtree(repo / "rnnlab")
    shutil.copytree(package, repo / "rnnlab", ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def _execute(notebook: Path) -> str:
    """Run a notebook top to bottom in its folder; the text of all its outputs."""
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def _exported(repo: Path) -> Path:
    [archive] = repo.glob("rnnlab_*.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert "rnnlab.ipynb" in names
    assert {f"rnnlab/{exercise}.py" for exercise in EXERCISES} <= set(names)
    return archive


def test_the_exported_solutions_score_full_marks(built, tmp_path):
    archive, student = built
    repo = _student_repo(tmp_path / "repo", student, ROOT / "solutions" / "rnnlab")
    outputs = _execute(repo / otter_kit.NOTEBOOK)
    for exercise in EXERCISES:
        assert f"{exercise} results: All test cases passed!" in outputs

    results = otter_kit.run(archive, _exported(repo))

    assert results["score"] == 100
    assert _questions(results) == {e: (POINTS[e], POINTS[e]) for e in EXERCISES}


def test_the_untouched_template_scores_zero(built, tmp_path):
    archive, student = built
    repo = _student_repo(tmp_path / "repo", student, TEMPLATE / "rnnlab")
    outputs = _execute(repo / otter_kit.NOTEBOOK)
    assert "not implemented yet: Exercise 01 (one_hot)" in outputs
    assert "All test cases passed" not in outputs

    results = otter_kit.run(archive, _exported(repo))

    assert results["score"] == 0
    assert _questions(results) == {e: (0, POINTS[e]) for e in EXERCISES}
    assert all("not implemented yet" in t["output"] for t in results["tests"] if t["name"] in POINTS)


def test_a_sample_student_gets_the_engine_score(built, tmp_path):
    archive, student = built
    folder = make_submission(tmp_path / "student", SAMPLE_MISTAKES)
    engine = grade_one(folder)
    assert 0 < engine.score < 100

    results = otter_kit.run(archive, otter_kit.submission_zip(folder, tmp_path / "s.zip",
                                                               student / otter_kit.NOTEBOOK))

    assert results["score"] == pytest.approx(engine.score)
    assert _questions(results) == {e: (engine.exercise_score(e), POINTS[e]) for e in EXERCISES}


def test_a_notebook_without_the_package_scores_zero_with_the_reason(built, tmp_path):
    archive, student = built
    alone = tmp_path / "alone.zip"
    with zipfile.ZipFile(alone, "w") as zf:
        zf.write(student / otter_kit.NOTEBOOK, arcname=otter_kit.NOTEBOOK)

    results = otter_kit.run(archive, alone)

    assert results["score"] == 0
    assert "has no rnnlab/ folder" in results["output"]
    assert "last cell writes" in results["output"]


class _Bomb:
    """Unpickled, creates ``path``: what a crafted .OTTER_LOG makes otter's own process do."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


PATCH_OTTER = '''
from otter.test_files.abstract_test import TestCaseResult
from otter.test_files.exception_test import ExceptionTestFile

def _always_passes(self, global_environment):
    self.test_case_results = [TestCaseResult(tc, "passed", True) for tc in self.test_cases]

ExceptionTestFile.run = _always_passes
'''


def _hostile_submission(folder: Path, student: Path, marker: Path) -> Path:
    """The stubs, a notebook whose first cell makes every otter test pass, a pickle bomb log."""
    nb = json.loads((student / otter_kit.NOTEBOOK).read_text())
    nb["cells"].insert(0, {"cell_type": "code", "id": "patch", "metadata": {}, "execution_count": None,
                           "outputs": [], "source": PATCH_OTTER})
    notebook = folder / "notebook" / otter_kit.NOTEBOOK
    notebook.parent.mkdir(parents=True)
    notebook.write_text(json.dumps(nb))
    shutil.copytree(TEMPLATE / "rnnlab", folder / "rnnlab")
    archive = otter_kit.submission_zip(folder, folder / "hostile.zip", notebook)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(".OTTER_LOG", pickle.dumps(_Bomb(str(marker))))
    return archive


def _without_plugin(archive: Path, out: Path) -> Path:
    """The same autograder zip with its otter_config.json's plugins removed: plain otter."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "otter_config.json":
                data = json.dumps({**json.loads(data), "plugins": []}).encode()
            target.writestr(item, data)
    return out


def test_a_submission_that_patches_otter_still_gets_the_engine_score(built, tmp_path):
    archive, student = built
    marker = tmp_path / "log-was-unpickled"
    hostile = _hostile_submission(tmp_path / "hostile", student, marker)

    results = otter_kit.run(archive, hostile)

    assert results["score"] == 0
    assert _questions(results) == {e: (0, POINTS[e]) for e in EXERCISES}
    assert not marker.exists()  # the submitted .OTTER_LOG was moved away before otter read it


def test_plain_otter_is_fooled_by_the_same_submission(built, tmp_path):
    """The control: without the plugin, otter's kernel-side tests are patched to pass."""
    archive, student = built
    marker = tmp_path / "log-was-unpickled"
    hostile = _hostile_submission(tmp_path / "hostile", student, marker)

    results = otter_kit.run(_without_plugin(archive, tmp_path / "plain.zip"), hostile)

    assert results["score"] == 100
    assert marker.exists()


def test_otter_grade_takes_every_submission_shape(built, tmp_path):
    """The module files alone, without a notebook (otter itself finds "no gradable files"),
    are graded through otter run with the engine's score."""
    archive, _ = built
    folder = make_submission(tmp_path / "student", SAMPLE_MISTAKES)
    loose = folder / "rnnlab"
    engine = grade_one(folder)
    done = subprocess.run([sys.executable, "-m", "autograder", "otter-grade", str(loose), "--autograder",
                           str(archive), "--results", str(tmp_path / "r.json")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert f"otter run: {engine.score:g}/100 points" in done.stdout
    results = json.loads((tmp_path / "r.json").read_text())
    assert _questions(results) == {e: (engine.exercise_score(e), POINTS[e]) for e in EXERCISES}
