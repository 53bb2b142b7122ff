"""Generated files stay fresh: the student template, the fixtures, and the public checks."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograder.authoring import template
from autograder.casefile import input_arrays, load_cases
from autograder.catalog import EXERCISES, POINTS, SOLUTIONS, folder, number
from autograder.references import fixtures
from autograder.references.suites import build_suite, suite_seed

ROOT = Path(__file__).resolve().parents[1]


def test_committed_template_equals_a_fresh_generation():
    """student_template/ is exactly what `make template` writes today."""
    assert template.stale_files() == [], "student_template/ is stale: run `make template`"


def test_stubs_keep_signatures_and_name_their_exercise():
    """Every marked solution becomes a NotImplementedError naming exercise and function."""
    source = (SOLUTIONS / "lstm.py").read_text()
    stub = template.stub_source(source, "lstm")
    assert "BEGIN SOLUTION" not in stub and "np.split" not in stub
    assert 'raise NotImplementedError("Exercise 04 (lstm): implement lstm_gates")' in stub
    assert "def lstm_gates(" in stub and "``(i, f, g, o)``, each of shape ``(B, U)``" in stub


def test_misplaced_markers_are_refused():
    """A BEGIN without END (or outside a function) is an error, not a silent template."""
    with pytest.raises(ValueError, match="without"):
        template.stub_source("def f():\n    # BEGIN SOLUTION\n    return 1\n", "one_hot")
    with pytest.raises(ValueError, match="misplaced"):
        template.stub_source("# BEGIN SOLUTION\nX = 1\n# END SOLUTION\n", "one_hot")


def _run_public_checks(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=folder, capture_output=True, text=True, timeout=300)


def _template_with_solutions(tmp_path: Path) -> Path:
    """A copy of the template with the reference solutions in place of the stubs."""
    folder = tmp_path / "template"
    shutil.copytree(template.TEMPLATE, folder)
    for path in SOLUTIONS.glob("*.py"):
        shutil.copy(path, folder / "rnnlab" / path.name)
    return folder


def test_public_checks_fail_once_per_exercise_on_the_stubs(tmp_path):
    """On the untouched template each exercise fails exactly once, with the stub's message."""
    copy = tmp_path / "template"
    shutil.copytree(template.TEMPLATE, copy)
    run = _run_public_checks(copy)
    assert run.returncode == 1, run.stdout
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == len(EXERCISES), run.stdout
    assert failed == sorted(failed), "the checks run in exercise order (numbered files)"
    for exercise in EXERCISES:
        assert f"tests/test_{folder(exercise)}.py" in "\n".join(failed)
        assert f"NotImplementedError: Exercise 0{EXERCISES.index(exercise) + 1} ({exercise})" in run.stdout
    assert "Traceback" not in run.stdout


def test_public_checks_pass_with_the_solutions(tmp_path):
    """With the reference solutions in place every public check passes."""
    folder = _template_with_solutions(tmp_path)
    run = _run_public_checks(folder)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


def test_public_checks_explain_a_wrong_answer(tmp_path):
    """A wrong result names the call, the shapes and the largest error with its index."""
    folder = _template_with_solutions(tmp_path)
    module = folder / "rnnlab" / "simple_rnn.py"
    module.write_text(module.read_text().replace("z = z + np.asarray(bias)", "z = z"))
    run = _run_public_checks(folder)
    assert run.returncode == 1
    assert "simple_rnn_step(<float64 array (3, 4)>" in run.stdout
    assert "largest error" in run.stdout and "at index (" in run.stdout
    assert "tolerance: |got - expected| <= 1e-05 + 1e-05 * |expected|" in run.stdout


def test_public_checks_end_with_where_the_mistake_is(tmp_path):
    """The grader's hints, from the same generated code: the option and the function."""
    folder = _template_with_solutions(tmp_path)
    module = folder / "rnnlab" / "lstm.py"
    module.write_text(module.read_text().replace(
        "order = range(steps - 1, -1, -1) if go_backwards else range(steps)", "order = range(steps)"))
    run = _run_public_checks(folder)
    assert run.returncode == 1
    summary = run.stdout.split("where the mistakes are, from all the checks of an exercise", 1)[1]
    assert "rnnlab/lstm.py:\n  - lstm: fails only with go_backwards=True" in summary
    assert "lstm_step is right on every case and lstm is not: the mistake is in the loop" in summary


def test_fixture_files_hold_every_case_and_the_versions():
    """Each suite has every exercise, the hidden one worth 100 points, versions recorded."""
    from autograder.casefile import load_cases

    hidden = fixtures.load("hidden")
    assert sum(case.points for case in hidden) == pytest.approx(100)
    meta, _ = load_cases(fixtures.fixture_path("public", "lstm"))
    assert meta["tensorflow"] == "2.21.0" and meta["keras"].startswith("3.")
    assert meta["precision"] == "float64 layers, TF32 off"


@pytest.mark.keras
@pytest.mark.slow
def test_regenerated_fixtures_equal_the_committed_ones():
    """TensorFlow, run again, gives the committed references (within 1e-9)."""
    pytest.importorskip("tensorflow")
    problems = []
    for suite in fixtures.SUITES:
        for exercise in EXERCISES:
            stored = fixtures.load(suite, exercise)
            seed = load_cases(fixtures.fixture_path(suite, exercise))[0]["seed"]
            problems += fixtures.differences(stored, fixtures.compute(suite, exercise, seed))
    assert problems == []


def _call_key(case) -> tuple:
    """A case's whole call: every array (shape and bytes) and every other argument."""
    arrays = input_arrays([case.args, case.kwargs])
    others = [v for v in case.args if not isinstance(v, np.ndarray)]
    others += [(k, v) for k, v in sorted(case.kwargs.items()) if not isinstance(v, np.ndarray)]
    return tuple((a.shape, a.dtype.str, a.tobytes()) for a in arrays), repr(others)


def _shared_inputs(public_seed: int | None, hidden_seed: int | None) -> list[str]:
    """Hidden cases whose call equals a public case's, or whose inputs share a float with one."""
    found = []
    for exercise in EXERCISES:
        public = build_suite("public", exercise, public_seed)
        calls = {_call_key(case) for case in public}
        floats = {v for case in public for a in input_arrays([case.args, case.kwargs])
                  if a.dtype.kind == "f" for v in a.ravel().tolist()}
        for case in build_suite("hidden", exercise, hidden_seed):
            mine = {v for a in input_arrays([case.args, case.kwargs]) if a.dtype.kind == "f"
                    for v in a.ravel().tolist()} - {0.0}
            if _call_key(case) in calls or mine & floats:
                found.append(case.name)
    return found


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**63))
@example(seed=19_510_827_754_619)  # once gave one_hot/ids_2d_out_of_range the public call
def test_no_hidden_case_shares_inputs_with_a_public_one(seed):
    """For the default seeds and any instructor's seed (with or without --public), hidden
    inputs never equal or overlap the inputs students have."""
    assert _shared_inputs(None, None) == []
    assert _shared_inputs(None, seed) == []  # fixtures --seed N: public fixtures unchanged
    assert _shared_inputs(seed, seed) == []  # fixtures --seed N --public
    assert suite_seed("public", seed) != suite_seed("hidden", seed)


def test_fixtures_record_the_seed_they_were_drawn_from():
    for suite in fixtures.SUITES:
        for exercise in EXERCISES:
            meta = load_cases(fixtures.fixture_path(suite, exercise))[0]
            assert meta["suite"] == suite and "seed" in meta


@pytest.mark.keras
def test_fixtures_with_a_seed_redraw_only_the_hidden_suite(tmp_path):
    """`fixtures --seed N` writes the hidden suite from a seed of its own, recorded."""
    pytest.importorskip("tensorflow")
    run = subprocess.run([sys.executable, "-m", "autograder", "fixtures", "--seed", "123", "--dest",
                          str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    assert sorted(p.parent.name for p in tmp_path.rglob("*.cases")) == ["hidden"] * len(EXERCISES)
    meta, cases = load_cases(tmp_path / "hidden" / "lstm.cases")
    assert meta["seed"] == 123
    assert [c.name for c in cases] == [c.name for c in fixtures.load("hidden", "lstm")]


def test_every_statement_states_the_points_of_its_exercise():
    """``**Points: N.**`` in each statement, and the template README's table, say catalog.POINTS."""
    table = (ROOT / "exercises" / "README.md").read_text()
    for exercise in EXERCISES:
        statement = (ROOT / "exercises" / folder(exercise) / "README.md").read_text()
        assert f"**Points: {POINTS[exercise]}.**" in statement, exercise
        row = next(line for line in table.splitlines() if line.startswith(f"| {number(exercise)} "))
        assert row.rstrip(" |").endswith(str(POINTS[exercise])), row
