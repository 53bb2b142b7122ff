"""The grading engine and its command line.

Broken and hostile modules (loops, os._exit, import failures, patched NumPy, TensorFlow...)
are graded in test_hostile.py, each checked to cost only its own exercise's points.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from autograder.authoring.variants import Mistake, make_submission
from autograder.catalog import EXERCISES, POINTS, ROOT, TEMPLATE
from autograder.engine import report
from autograder.engine.grading import grade, suites
from autograder.engine.outcome import Limits
from autograder.engine.runner import Workers


@pytest.fixture(scope="module")
def workers():
    with Workers(Limits(case_seconds=1.0, import_seconds=2.0)) as pool:
        yield pool


def _autograder(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_solutions_score_100(workers):
    """The reference solutions pass every public and hidden case."""
    result = grade(ROOT / "solutions", workers)
    assert [r.message for r in result.results if not r.passed] == []
    assert result.score == result.max_score == 100
    assert {e: result.exercise_score(e) for e in EXERCISES} == POINTS


def test_untouched_template_scores_0_without_crashing(workers):
    """Every case of the stubs fails with the stub's message, none with a grader error."""
    result = grade(TEMPLATE, workers)
    assert result.score == 0 and len(result.results) == len(suites())
    assert all(r.message.startswith("not implemented yet: Exercise 0") for r in result.results)


def test_hidden_cases_are_more_and_different_than_public_ones():
    """Hidden cases outnumber public ones in every exercise and never share inputs."""
    planned = suites()
    for exercise in EXERCISES:
        public = [c for c in planned if c.exercise == exercise and not c.hidden]
        hidden = [c for c in planned if c.exercise == exercise and c.hidden]
        assert len(hidden) > len(public)
    first = [np.asarray(c.args[0]) for c in planned]
    public_inputs = {a.tobytes() for a, c in zip(first, planned) if not c.hidden and a.size > 4}
    assert not any(a.tobytes() in public_inputs for a, c in zip(first, planned) if c.hidden)


def test_bidirectional_is_graded_with_a_trusted_layer(tmp_path, workers):
    """A wrong simple_rnn and lstm cost nothing in bidirectional, a wrong one_hot nothing in embedding,
    and wrong cells nothing in masking (its layer cases play back a trusted step)."""
    mistakes = (
        Mistake("relu", "simple_rnn", "return np.tanh(z)", "return np.maximum(z, 0)"),
        Mistake("no cell", "lstm", "c_t = f * np.asarray(c_prev) + i * g", "c_t = i * g"),
        Mistake("no zeroing", "one_hot", "classes = np.arange(depth)",
                "classes = np.arange(depth)\n    indices = np.clip(indices, 0, depth - 1)"),
    )
    result = grade(make_submission(tmp_path, mistakes), workers)
    assert result.exercise_score("bidirectional") == POINTS["bidirectional"]
    assert result.exercise_score("embedding") == POINTS["embedding"]
    assert result.exercise_score("masking") == POINTS["masking"]
    assert result.exercise_score("simple_rnn") < POINTS["simple_rnn"]


def test_layers_without_mask_lose_the_masking_points_only(tmp_path, workers):
    """Layers written before Exercise 07 (no ``mask`` parameter) and a stub ``padding_mask``
    cost the masking exercise its points and nothing elsewhere."""
    no_mask = [Mistake(f"{layer} without mask", layer, "    mask: ArrayLike | None = None,\n", "")
               for layer in ("simple_rnn", "lstm", "gru")]
    no_mask += [Mistake(f"{layer} keeps every step", layer,
                        "np.ones((batch, steps), bool) if mask is None else np.asarray(mask, bool)",
                        "np.ones((batch, steps), bool)") for layer in ("simple_rnn", "lstm", "gru")]
    no_mask.append(Mistake("stub", "masking", "return np.asarray(ids) != 0", "raise NotImplementedError"))
    result = grade(make_submission(tmp_path, tuple(no_mask)), workers)
    assert result.exercise_score("masking") < POINTS["masking"] / 2
    assert all(result.exercise_score(e) == POINTS[e] for e in EXERCISES if e != "masking")


def test_a_one_hot_written_inside_embedding_is_the_students_own(tmp_path, workers):
    """Only the one_hot imported from rnnlab.one_hot is played back: a broken helper of that
    name defined in embedding.py costs embedding_matmul its points, and one_hot keeps its own."""
    submission = make_submission(tmp_path)
    module = submission / "rnnlab" / "embedding.py"
    module.write_text(module.read_text() + "\n\ndef one_hot(ids, depth):\n"
                      "    return np.zeros((*np.shape(ids), depth), np.float32)\n")
    result = grade(submission, workers)
    lost = {r.function for r in result.results if not r.passed}
    assert lost == {"embedding_matmul"}, lost
    assert result.exercise_score("one_hot") == POINTS["one_hot"]


def test_results_file_validates_against_the_schema(tmp_path, workers):
    """results.json has score and one test per case with name, points, status, tags..."""
    submission = make_submission(tmp_path / "sub", (
        Mistake("ave as sum", "bidirectional", "(forward + backward) / 2", "forward + backward"),))
    path = tmp_path / "results.json"
    report.write_results(grade(submission, workers), path)
    results = json.loads(path.read_text())
    jsonschema.validate(results, report.RESULTS_SCHEMA)
    ave_cases = [c for c in suites() if c.hidden and c.kwargs.get("merge_mode") == "ave"]
    assert ave_cases and results["score"] == pytest.approx(100 - sum(c.points for c in ave_cases))
    assert {t["tags"][0] for t in results["tests"]} == set(EXERCISES)
    hidden_fail = next(t for t in results["tests"] if t["status"] == "failed" and "(hidden)" in t["name"])
    assert "got" not in hidden_fail["output"] and "called" not in hidden_fail["output"]


def test_cli_grades_and_writes_results(tmp_path):
    """`grade --results` prints the table, writes results.json and exits 0."""
    run = _autograder("grade", "solutions", "--results", str(tmp_path / "r.json"))
    assert run.returncode == 0, run.stderr
    assert "total                            100 / 100" in run.stdout
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 100


def test_cli_fail_under_gives_a_nonzero_exit(tmp_path):
    """--fail-under turns a low score into exit status 1 for CI."""
    run = _autograder("grade", str(TEMPLATE), "--fail-under", "50")
    assert run.returncode == 1 and "under 50" in run.stderr


@pytest.mark.parametrize("args,message", [
    (["grade", "no/such/folder"], "does not exist"),
    (["grade", "README.md"], "is not a folder"),
    (["grade", "exercises"], "has no rnnlab/ folder"),
    (["grade", "solutions", "--timeout", "0"], "--timeout must be positive"),
    (["batch", "no/such/dir", "--out", "x.csv"], "does not exist"),
    (["batch", "solutions", "--out", "x.csv", "--jobs", "0"], "--jobs must be at least 1"),
])
def test_bad_arguments_get_a_one_line_error(args, message):
    """Bad input: one line on stderr, exit status 2, no traceback."""
    run = _autograder(*args)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_batch_keeps_finished_grades_and_grades_only_what_is_new(tmp_path):
    """A rerun reuses stored grades, grades new or changed submissions, and errors get a row."""
    folder = tmp_path / "subs"
    make_submission(folder / "alice")
    (folder / "bob").mkdir(parents=True)  # no rnnlab/: an error row, not a stopped batch
    out = tmp_path / "grades.csv"
    first = _autograder("batch", str(folder), "--out", str(out), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    make_submission(folder / "carol", (Mistake("T-2", "simple_rnn", "output = np.stack(outputs, axis=1) "
                                               "if return_sequences else out",
                                               "output = np.stack(outputs, axis=1) if return_sequences "
                                               "else outputs[max(len(outputs) - 2, 0)]"),))
    second = _autograder("batch", str(folder), "--out", str(out))
    assert "alice: kept" in second.stderr and "carol:" in second.stderr and "carol: kept" not in second.stderr
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    assert rows["alice"]["total"] == "100"
    assert rows["bob"]["total"] == "0" and "no rnnlab/" in rows["bob"]["error"]
    assert 0 < float(rows["carol"]["total"]) < 100 and rows["carol"]["lstm"] == f"{POINTS['lstm']:g}"
    assert (tmp_path / "grades-feedback" / "carol.txt").read_text().startswith("Submission:")


def test_demo_grades_the_three_samples():
    """`make demo`'s command prints a table for each bundled sample."""
    run = _autograder("demo")
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("total") == 3 and "100 / 100" in run.stdout and "0 / 100" in run.stdout
