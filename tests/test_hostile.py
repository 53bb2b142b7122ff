"""Hostile and broken submissions (``tests/hostile.py``) against the grader.

For every attack: the cases it breaks score 0 with a message that says why, every other
exercise keeps full marks, nothing outside the grader's temporary copy changes (the
grader's site-packages and /tmp included), the fork server survives, no process it
started outlives the grading, and no hidden value (nor the attack's ``secret_text``)
reaches what a student reads. Every attack runs twice: with every layer, and with the
audit hook left out, so that what holds is shown to be held by the kernel's layers alone
(Landlock, seccomp, no capabilities, rlimits, death with the parent).

Time bound: most tests grade with ``hostile.FAST`` (0.5 s a case, 2 s an import). Whatever
a submission does, one grading then ends within ``hostile.time_bound(FAST)``: every
exercise may wait for its import twice (the second time with stand-ins for the modules
it imports: 5 * 2 * 2 s), and each of the 11 functions may time out ``strikes`` (2) times,
each followed by a fresh import (2 * 11 * 2.5 s), plus a 15 s margin: 90 s. With the
default limits (2 s, 5 s) the same formula gives 219 s. This is a correctness bound (the
grader cannot hang), not a speed target; the attacks here take a few seconds at most.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hostile
import numpy as np
import pytest
from hostile import ATTACKS, BY_NAME, FAST, time_bound

from autograder.authoring.variants import make_submission
from autograder.casefile import LAYER_MODULES, kernel_layers
from autograder.catalog import EXERCISES, POINTS
from autograder.engine import report
from autograder.engine.grading import grade, suites
from autograder.engine.outcome import Limits
from autograder.engine.runner import Workers
from autograder.references import fixtures

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = "zz_solutions"  # the reference solutions, graded beside the attacks
CLI_LIMITS = Limits(case_seconds=FAST.case_seconds)  # what `--timeout 0.5` gives the CLI
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
REVEALED = re.compile(r"(?:expected|got) [-+]?(?:\d*\.\d|\d+e|nan|inf)")


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every attack's submission, and the solutions, in one folder (with ``canary.txt``)."""
    root = tmp_path_factory.mktemp("hostile")
    submissions = hostile.build_all(root)
    submissions[SOLUTIONS] = make_submission(root / SOLUTIONS)
    return submissions


@pytest.fixture(scope="module")
def workers():
    with Workers(FAST) as shared:
        yield shared


def _float_arrays(value: object):
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _float_arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _float_arrays(item)


def _suite_values(suite: str) -> set[float]:
    """Every float in a suite: inputs, references and played-back helper outputs."""
    values: set[float] = set()
    for case in fixtures.load(suite):
        replays = [(c.args, c.kwargs, c.returns) for calls in case.replays.values() for c in calls]
        for array in _float_arrays([case.args, case.kwargs, case.returns, replays]):
            values.update(array.ravel().tolist())
            values.update(np.abs(array).ravel().tolist())  # an error's size against zeros
    return values


def _significant(token: str) -> int:
    digits = token.lower().split("e")[0].lstrip("+-").replace(".", "")
    return len(digits.lstrip("0"))


class Secrets:
    """Hidden inputs and references as they would be printed with 6 to 17 significant digits
    (leaving out those that a public value prints the same way)."""

    def __init__(self) -> None:
        hidden, public = _suite_values("hidden"), _suite_values("public")
        self.forms = {
            digits: {f"{v:.{digits - 1}e}" for v in hidden} - {f"{v:.{digits - 1}e}" for v in public}
            for digits in range(6, 18)
        }

    def leaks(self, text: str) -> list[str]:
        """The numbers in ``text`` that print a hidden value."""
        found = []
        for token in NUMBER.findall(text):
            digits = _significant(token)
            if 6 <= digits <= 17 and f"{float(token):.{digits - 1}e}" in self.forms[digits]:
                found.append(token)
        return found


@pytest.fixture(scope="module")
def secrets() -> Secrets:
    return Secrets()


def _metadata(path: Path) -> tuple:
    info = path.lstat()
    attributes = tuple(sorted(os.listxattr(path))) if hasattr(os, "listxattr") else ()
    return info.st_mtime_ns, info.st_mode, info.st_uid, info.st_gid, attributes


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with its metadata (times, mode, owner, extended
    attributes) and, for files, a hash of its content."""
    state = {}
    for path in sorted(folder.rglob("*")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        state[str(path.relative_to(folder))] = (*_metadata(path), digest)
    state["."] = (*_metadata(folder), "folder")
    return state


def revealed_in_hidden_tests(results: dict) -> list[str]:
    """Outputs of hidden tests in a results.json that show a value (``got 0.5``)."""
    return [test["output"] for test in results["tests"]
            if "(hidden)" in test["name"] and REVEALED.search(test["output"])]


def check_results_file(results: dict) -> None:
    """The shape of Gradescope's results.json, as for any submission."""
    assert set(results) == {"score", "output", "execution_time", "extra_data", "stdout_visibility", "tests"}
    assert len(results["tests"]) == len(suites())
    for test in results["tests"]:
        assert set(test) == set(report.RESULTS_SCHEMA["properties"]["tests"]["items"]["required"])
        assert test["status"] in ("passed", "failed") and test["tags"][0] in EXERCISES
    assert results["score"] == pytest.approx(sum(test["score"] for test in results["tests"]))


# --- one attack at a time ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kernel_only():
    """Workers whose children have no audit hook: only the kernel's layers confine them."""
    with Workers(FAST, audit_hook=False) as shared:
        yield shared


SITE_FILES = ("zz_rnnlab_hostile.pth", "sitecustomize.py", "usercustomize.py")
SITE_DIR = Path(np.__file__).resolve().parents[1]


def planted_site_files() -> list[Path]:
    """Files an attack managed to write into the grader's site-packages (removed at once)."""
    found = [SITE_DIR / name for name in SITE_FILES if (SITE_DIR / name).exists()]
    found += [p for p in (Path("/tmp/rnnlab-hostile.txt"), Path("/dev/mqueue/rnnlab-hostile")) if p.exists()]
    for path in found:
        path.unlink()
    return found + _planted_ipc()


def _planted_ipc() -> list[str]:
    """System V IPC objects an attack left behind (removed at once)."""
    key = f"{hostile.IPC_KEY:d}"
    found = []
    for kind, flag in (("shm", "-m"), ("msg", "-q"), ("sem", "-s")):
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields and fields[0] == key:
                found.append(f"{kind} {fields[1]}")
                subprocess.run(["ipcrm", flag, fields[1]], check=False)
    return found


def exposed(attack: hostile.Attack) -> set[str]:
    """The exercises an attack may cost points: its own, and masking for an attack in a layer
    module (masking grades the layers' loops with a mask)."""
    return {attack.exercise, *(["masking"] if attack.exercise in LAYER_MODULES else [])}


def check_contained(attack: hostile.Attack, folder: Path, workers: Workers, secrets: Secrets,
                    kernel_only: bool = False) -> None:
    """Grade ``attack`` and check everything the battery promises (see the module's docstring)."""
    before = snapshot(folder.parent)
    started = time.perf_counter()
    result = grade(folder, workers)
    seconds = time.perf_counter() - started

    assert seconds < time_bound(FAST), f"{attack.name} took {seconds:.1f} s"
    assert snapshot(folder.parent) == before, "files outside the grader's copy changed"
    assert planted_site_files() == [], "the attack wrote outside its folders"
    assert workers._server.process.poll() is None, "the fork server was stopped"
    assert kernel_layers(result.isolation)
    for exercise in EXERCISES:
        if exercise not in exposed(attack) or not attack.costs:
            lost = [r.message for r in result.results if r.exercise == exercise and not r.passed]
            assert result.exercise_score(exercise) == POINTS[exercise], (exercise, lost[:3])
    failed = [r for r in result.results if r.exercise == attack.exercise and not r.passed]
    if attack.costs and (attack.cheat or not kernel_only):
        assert any(r.hidden for r in failed), "the attack cost no hidden case"
    if attack.whole and not kernel_only:
        assert result.exercise_score(attack.exercise) == 0
    if not kernel_only:
        unclear = [r.message for r in failed if not any(word in r.message for word in attack.keywords)]
        assert not unclear, f"messages without {attack.keywords}: {unclear[:3]}"
    assert all(r.points == 0 for r in failed)

    shown = report.feedback(result) + json.dumps(report.gradescope(result))
    assert secrets.leaks(shown) == []
    assert revealed_in_hidden_tests(report.gradescope(result)) == []
    if attack.secret_text:
        assert attack.secret_text not in shown
    if attack.marker:
        assert hostile.lingering(attack.marker) == [], "a process outlived the grading"


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.name for attack in ATTACKS])
def test_attack_is_contained(attack: hostile.Attack, built, workers, secrets):
    check_contained(attack, built[attack.name], workers, secrets)


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.name for attack in ATTACKS])
def test_attack_is_contained_by_the_kernel_alone(attack: hostile.Attack, built, kernel_only, secrets):
    """The same battery with no audit hook in the child: what the kernel's layers hold alone."""
    check_contained(attack, built[attack.name], kernel_only, secrets, kernel_only=True)


def test_refused_operations_are_reported_even_when_caught(built, workers):
    result = grade(built["forbidden_operations"], workers)
    assert result.exercise_score("simple_rnn") == POINTS["simple_rnn"]
    noted = [r for r in result.results if r.function == "simple_rnn_step" and r.refused]
    assert noted and "refused, and caught by the code" in report.feedback(result)


def test_battery_is_large_enough():
    assert len(ATTACKS) >= 60
    assert len(BY_NAME) == len(ATTACKS)
    assert {attack.exercise for attack in ATTACKS} == set(EXERCISES)


def test_solutions_score_full_marks_beside_the_attacks(built, workers):
    result = grade(built[SOLUTIONS], workers)
    assert result.score == 100, [r.message for r in result.results if not r.passed][:3]


def test_leak_detector_finds_a_printed_hidden_value(secrets):
    """The leak check itself: a hidden reference printed by repr or with 6 digits is found."""
    case = next(c for c in fixtures.load("hidden", "lstm") if c.function == "lstm")
    value = float(case.returns[0].ravel()[0])
    assert secrets.leaks(f"got {value!r} here") == [repr(value)]
    assert secrets.leaks(f"[{value:.6g}]") == [f"{value:.6g}"]
    assert secrets.leaks("largest error 0.25 at index (1, 2)") == []


# --- the command line --------------------------------------------------------------------------

CLI_ATTACKS = ("loop_in_function", "os_exit_at_import", "forge_malformed_reply", "print_hidden_inputs",
               "raise_hidden_values", "syntax_error", SOLUTIONS)


@pytest.mark.parametrize("name", CLI_ATTACKS)
def test_cli_grades_an_attack_like_any_submission(name, built, tmp_path, secrets):
    results_path = tmp_path / "results.json"
    command = [sys.executable, "-m", "autograder", "grade", str(built[name]), "--results", str(results_path),
               "--timeout", str(CLI_LIMITS.case_seconds)]
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=time_bound(CLI_LIMITS))
    assert time.perf_counter() - started < time_bound(CLI_LIMITS)

    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    results = json.loads(results_path.read_text())
    check_results_file(results)
    assert (results["score"] == 100) == (name == SOLUTIONS)
    assert secrets.leaks(run.stdout + results_path.read_text()) == []
    assert revealed_in_hidden_tests(results) == []


# --- the same results every time ------------------------------------------------------------------


@pytest.mark.parametrize("name", ("drip_feed_reply", "os_exit_in_function", "forge_garbage_bytes",
                                  "print_flood", "nan_results", SOLUTIONS))
def test_grading_is_deterministic(name, built, workers, tmp_path):
    files = []
    for run in range(3):
        path = tmp_path / f"results-{run}.json"
        report.write_results(grade(built[name], workers), path)
        files.append(json.loads(path.read_text()))
    for results in files:
        results.pop("execution_time")
    assert files[0] == files[1] == files[2]


# --- batches ------------------------------------------------------------------------------------

RESUMED = ("nan_results", "object_array", "python_list", "syntax_error", "name_error", "sys_exit_at_import",
           "os_exit_in_function", "forge_garbage_bytes", "patch_numpy", "string_results", SOLUTIONS)


def _batch(directory: Path, out: Path, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "autograder", "batch", str(directory), "--out", str(out),
            "--jobs", str(jobs), "--timeout", str(CLI_LIMITS.case_seconds)]


def _grader_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("rnnlab-grade-*"))


def _new_grader_processes(before: set[Path]) -> list[int]:
    """Fork servers and children of grader folders made since ``before``."""
    new = [str(folder) for folder in _grader_folders() - before]
    return [pid for pid, command in hostile.command_lines().items()
            if "worker.py" in command and (not new or any(folder in command for folder in new))
            and not any(str(folder) in command for folder in before)]


def _settled(before: set[Path], seconds: float = 10.0) -> tuple[set[Path], list[int]]:
    """Temporary folders and processes the grader left behind, once they had time to go."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        folders, processes = _grader_folders() - before, _new_grader_processes(before)
        if not folders and not processes:
            break
        time.sleep(0.1)
    return folders, processes


def _ctrl_c_as_at_a_terminal() -> None:
    """SIGINT's default action in the batch, as a terminal gives it: a test run started in the
    background of a script inherits SIGINT ignored, and Python would then never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ("SIGKILL", "SIGTERM", "SIGINT twice"))
def test_interrupted_batch_resumes_to_the_same_gradebook(how, built, tmp_path):
    """Stopped at a random point, a batch keeps only finished grades, leaves nothing behind,
    and the rerun's gradebook equals an uninterrupted run's."""
    folders = _grader_folders()
    folder = tmp_path / "submissions"
    for name in RESUMED:
        shutil.copytree(built[name], folder / name)
    bound = len(RESUMED) * time_bound(CLI_LIMITS)
    whole = subprocess.run(_batch(folder, tmp_path / "whole.csv"), capture_output=True, cwd=ROOT,
                           timeout=bound)
    assert whole.returncode == 0, whole.stderr

    seed = random.randrange(2**32)
    after = random.Random(seed).randint(1, len(RESUMED) - 3)
    out = tmp_path / "resumed.csv"
    feedback = tmp_path / "resumed-feedback"
    process = subprocess.Popen(_batch(folder, out), cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, preexec_fn=_ctrl_c_as_at_a_terminal)
    deadline = time.monotonic() + bound
    while len(list(feedback.glob("[!.]*.txt"))) < after and process.poll() is None:
        assert time.monotonic() < deadline, "the batch wrote no feedback"
        time.sleep(0.01)
    if how == "SIGINT twice":
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
        process.send_signal(signal.SIGINT)
    else:
        process.send_signal(getattr(signal, how))
    _, stderr = process.communicate(timeout=60)
    kept = list(feedback.glob("[!.]*.json"))
    assert len(kept) < len(RESUMED), f"the batch was not stopped part-way (seed {seed})"
    for path in kept:
        record = json.loads(path.read_text())  # whole files only: written atomically
        assert not record["error"].startswith("grader error"), (seed, path.name, record["error"])
    if how != "SIGKILL":
        assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr, stderr
        assert out.is_file()
    assert _settled(folders) == (set(), []), f"left behind (seed {seed})"

    rerun = subprocess.run(_batch(folder, out), capture_output=True, text=True, cwd=ROOT, timeout=bound)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count(": kept") >= len(kept)
    assert out.read_text() == (tmp_path / "whole.csv").read_text()
    assert _settled(folders) == (set(), [])


def test_regrade_grades_everything_again_and_new_fixtures_regrade(built, tmp_path, monkeypatch):
    folder = tmp_path / "submissions"
    for name in ("nan_results", SOLUTIONS):
        shutil.copytree(built[name], folder / name)
    out = tmp_path / "grades.csv"
    for _ in range(2):
        first = subprocess.run(_batch(folder, out), capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert first.returncode == 0, first.stderr
    assert first.stderr.count(": kept") == 2
    again = subprocess.run([*_batch(folder, out), "--regrade"], capture_output=True, text=True, cwd=ROOT,
                           timeout=300)
    assert again.returncode == 0 and again.stderr.count(": kept") == 0, again.stderr
    record = json.loads((tmp_path / "grades-feedback" / f"{SOLUTIONS}.json").read_text())
    assert set(record["producer"]) == {"kit", "suites", "references", "isolation"}
    record["producer"]["suites"] = "fixtures of another seed"
    (tmp_path / "grades-feedback" / f"{SOLUTIONS}.json").write_text(json.dumps(record))
    rerun = subprocess.run(_batch(folder, out), capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert rerun.returncode == 0 and rerun.stderr.count(": kept") == 1, rerun.stderr


@pytest.mark.slow
def test_batch_grades_every_attack(built, tmp_path, secrets):
    root = built[SOLUTIONS].parent
    before = snapshot(root)
    jobs = 2
    bound = len(built) * time_bound(CLI_LIMITS) / jobs
    out = tmp_path / "grades.csv"
    started = time.perf_counter()
    run = subprocess.run(_batch(root, out, jobs), capture_output=True, text=True, cwd=ROOT, timeout=bound)
    seconds = time.perf_counter() - started

    assert run.returncode == 0, run.stderr
    assert seconds < bound
    assert snapshot(root) == before
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    assert "not a folder or a .zip" in rows.pop("canary.txt")["error"]  # a plain file: a row saying why
    assert set(rows) == set(built)
    assert float(rows[SOLUTIONS]["total"]) == 100
    for attack in ATTACKS:
        row = rows[attack.name]
        assert row["error"] == ""
        if attack.costs:
            assert float(row[attack.exercise]) < POINTS[attack.exercise], attack.name
        for exercise in EXERCISES:
            if exercise not in exposed(attack) or not attack.costs:
                assert float(row[exercise]) == POINTS[exercise], (attack.name, exercise)
    assert planted_site_files() == []
    for path in (tmp_path / "grades-feedback").iterdir():
        assert secrets.leaks(path.read_text()) == [], path.name
        assert "LEAKMARK" not in path.read_text(), path.name
    print(f"batch of {len(rows)} submissions (jobs={jobs}): {seconds:.1f} s")
