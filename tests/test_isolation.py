"""The kernel's layers, what the trusted side refuses to read, and a machine without them.

The hostile battery (test_hostile.py) attacks the grader through student code; these tests
attack it through the shape of the submission folder (links, depth, size, names, FIFOs),
check what ``python -m autograder isolation`` reports, and simulate an older kernel by
editing the grader's private copy of ``kernel.py``.
"""

from __future__ import annotations

import compileall
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hostile import FAST

from autograder.authoring.variants import make_submission
from autograder.catalog import POINTS
from autograder.engine import intake, report
from autograder.engine.grading import grade, longest_first, suites
from autograder.engine.intake import SubmissionError
from autograder.engine.outcome import IsolationError
from autograder.engine.runner import Workers

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


@pytest.fixture(scope="module")
def workers():
    with Workers(FAST) as shared:
        yield shared


def _solutions(path: Path) -> Path:
    return make_submission(path)


def _nest(folder: Path, levels: int) -> None:
    """``folder/d/d/.../d``, ``levels`` deep, made without recursion (os.makedirs recurses)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(levels):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def _unnest(folder: Path, levels: int) -> None:
    """Remove what :func:`_nest` made, deepest first (shutil.rmtree recurses too)."""
    for depth in range(levels, 0, -1):
        os.rmdir(folder.joinpath(*["d"] * depth))


def test_isolation_command_reports_landlock_and_seccomp():
    run = subprocess.run([sys.executable, "-m", "autograder", "isolation"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Landlock ABI" in run.stdout and "libseccomp" in run.stdout
    assert "landlock-abi" in run.stdout and " seccomp" in run.stdout
    assert "ALLOWED" not in run.stdout and "kernel isolation is active" in run.stdout


def test_probe_refuses_every_check(workers):
    probe = workers.probe()
    assert probe["checks"] and set(probe["checks"].values()) == {"refused"}, probe
    assert "audit-hook" not in probe["layers"]  # the probe shows the kernel alone


def test_layers_are_recorded_everywhere(tmp_path, workers):
    result = grade(_solutions(tmp_path / "s"), workers)
    assert result.score == 100
    assert {"seccomp", "no-new-privs", "parent-death", "audit-hook"} <= set(result.isolation)
    assert any(layer.startswith("landlock-abi") for layer in result.isolation)
    assert report.gradescope(result)["extra_data"]["isolation"] == result.isolation
    assert "isolation: " in report.markdown(result) and "WARNING" not in report.table(result)


# --- the submission folder as an attacker shapes it ---------------------------------------------


def test_rnnlab_that_is_a_link_is_refused(tmp_path):
    (tmp_path / "student").mkdir()
    (tmp_path / "student" / "rnnlab").symlink_to(SOLUTIONS / "rnnlab")
    with pytest.raises(SubmissionError, match="rnnlab is a symbolic link"):
        intake.package_files(tmp_path / "student")


def test_module_that_is_a_link_is_refused(tmp_path):
    student = make_submission(tmp_path / "student")
    (student / "rnnlab" / "lstm.py").unlink()
    (student / "rnnlab" / "lstm.py").symlink_to(SOLUTIONS / "rnnlab" / "lstm.py")
    with pytest.raises(SubmissionError, match=r"lstm\.py is a symbolic link"):
        intake.package_files(student)


def test_deep_tree_sparse_file_fifo_and_odd_names(tmp_path, workers):
    """Junk beside the modules is walked iteratively and skipped; the solutions keep 100."""
    student = make_submission(tmp_path / "student")
    _nest(student / "rnnlab", 1100)
    os.mkfifo(student / "rnnlab" / "pipe.py")
    (student / "rnnlab" / os.fsdecode(b"\xff\xfe.py")).write_text("raise SystemExit\n")
    (student / "rnnlab" / "notes.txt").write_text("not code")
    result = grade(student, workers)
    assert result.score == 100
    _unnest(student / "rnnlab", 1100)


def test_sparse_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    student = make_submission(tmp_path / "student")
    with open(student / "rnnlab" / "huge.py", "wb") as handle:
        handle.truncate(20 * 1024**3)  # 20 GiB, sparse: nothing is written
    read = intake._read_regular

    def reading(path: str, size: int) -> bytes:
        assert not path.endswith("huge.py"), "the size was not checked before reading"
        return read(path, size)

    monkeypatch.setattr(intake, "_read_regular", reading)
    with pytest.raises(SubmissionError, match="more than 5242880 bytes"):
        intake.package_files(student)


def test_batch_gives_links_and_odd_names_a_row_each(tmp_path):
    folder = tmp_path / "class"
    make_submission(folder / "alice")
    (folder / "mallory").symlink_to(folder / "alice")  # a classmate's folder, linked
    (folder / "trudy").mkdir()
    (folder / "trudy" / "rnnlab").symlink_to(folder / "alice" / "rnnlab")
    odd = os.fsdecode(b"eve\xff")
    make_submission(folder / odd)
    out = tmp_path / "grades.csv"
    run = subprocess.run([sys.executable, "-m", "autograder", "batch", str(folder), "--out", str(out),
                          "--timeout", str(FAST.case_seconds)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    rows = {row["student"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"alice", "mallory", "trudy", "eve\ufffd"}
    assert float(rows["alice"]["total"]) == float(rows["eve\ufffd"]["total"]) == 100
    for name in ("mallory", "trudy"):
        assert float(rows[name]["total"]) == 0 and "symbolic link" in rows[name]["error"]
    assert "seccomp" in rows["alice"]["isolation"]


# --- a machine without the kernel's layers, and a fork server that dies -------------------------


def _without_landlock(workers: Workers) -> None:
    """Make the grader's private landlock.py see no Landlock, as on an older kernel."""
    path = workers.runtime / "sandbox" / "landlock.py"
    source = path.read_text()
    marker = '    """The Landlock ABI version this kernel offers (0: none, or disabled)."""\n'
    assert marker in source
    path.write_text(source.replace(marker, marker + "    return 0\n"))
    workers.restart()


def test_require_isolation_refuses_where_landlock_is_missing(tmp_path):
    student = make_submission(tmp_path / "student")
    with Workers(FAST, require_isolation=True) as strict:
        _without_landlock(strict)
        with pytest.raises(IsolationError, match="kernel isolation is required"):
            grade(student, strict)
    with Workers(FAST) as lenient:
        _without_landlock(lenient)
        result = grade(student, lenient)
    assert result.score == 100 and "seccomp" in result.isolation
    assert not any(layer.startswith("landlock") for layer in result.isolation)
    assert "WARNING" in report.table(result)


REFUSALS = {  # a line of kernel.py, and what to put after it: a layer the machine refuses
    "capabilities-dropped": ("def _drop_capabilities() -> bool:\n",
                             "    raise OSError(1, 'capset refused by the container')\n"),
    "parent-death": ("def die_with_parent(parent: int, signum: int = signal.SIGKILL) -> None:\n",
                     "    raise OSError(22, 'prctl refused')\n"),
    "rlimits": ("    applied = True\n",
                "    resource.setrlimit = lambda *args: (_ for _ in ()).throw(ValueError('refused'))\n"),
}


@pytest.mark.parametrize("layer", sorted(REFUSALS))
def test_a_layer_the_machine_refuses_is_left_out_not_fatal(layer, tmp_path):
    """Where a container refuses a layer, grading goes on without it and says so."""
    student = make_submission(tmp_path / "student")
    marker, insertion = REFUSALS[layer]
    with Workers(FAST) as workers:
        path = workers.runtime / "sandbox" / "kernel.py"
        source = path.read_text()
        assert marker in source
        path.write_text(source.replace(marker, marker + insertion))
        workers.restart()
        result = grade(student, workers)
    assert result.score == 100
    assert layer not in result.isolation and "seccomp" in result.isolation
    if layer == "rlimits":
        assert "rlimits-partial" in result.isolation


def test_cli_require_isolation_passes_here(tmp_path):
    student = make_submission(tmp_path / "student")
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(student), "--require-isolation"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "Points 100/100" in run.stdout


def test_a_fork_server_that_dies_is_restarted(tmp_path, workers):
    student = make_submission(tmp_path / "student")
    workers._server.process.kill()
    workers._server.process.wait()
    result = grade(student, workers)
    lost = [r for r in result.results if not r.passed]
    assert lost and all("grader error" in r.message for r in lost)
    served = {r.exercise for r in lost}  # the two exercises that run at once, or one of them
    assert served and served <= set(longest_first(suites())[:2])
    assert result.score == 100 - sum(POINTS[exercise] for exercise in served)
    assert grade(student, workers).score == 100


def test_the_fork_server_removes_the_folder_when_the_grader_closes_it():
    """The grader killed after its server ended, before its own clean-up: nothing stays."""
    workers = Workers(FAST)
    workers._control.close()  # what close() does first; the grader dies here
    workers._server.process.wait(timeout=30)
    assert not workers.root.exists()
    workers.close()


def test_a_grader_killed_while_grading_leaves_nothing_behind(tmp_path):
    """SIGKILL at random moments once the fork server serves (the seed is in the message)."""
    student = make_submission(tmp_path / "student")
    seed = random.randrange(2**32)
    delays = random.Random(seed).choices(range(0, 400, 5), k=8)
    temporary = Path(tempfile.gettempdir())
    for delay in delays:
        before = set(temporary.glob("rnnlab-grade-*"))
        grader = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(student)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not any(any(folder.glob("output-*.log")) for folder in set(temporary.glob("rnnlab-grade-*"))
                      - before) and grader.poll() is None:
            assert time.monotonic() < deadline, "the grader forked no child"
            time.sleep(0.002)
        time.sleep(delay / 1000)
        grader.kill()
        grader.wait()
        deadline = time.monotonic() + 10
        while set(temporary.glob("rnnlab-grade-*")) - before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not set(temporary.glob("rnnlab-grade-*")) - before, f"left behind (seed {seed}, {delay} ms)"


def test_compiled_caches_beside_the_submission_are_never_blamed_on_it(tmp_path, workers):
    """A student who ran the public checks submits rnnlab/__pycache__ too: it is not copied,
    nothing compiled is opened, and no message speaks of compiled code."""
    student = make_submission(tmp_path / "student")
    assert compileall.compile_dir(student / "rnnlab", quiet=1)
    assert list((student / "rnnlab" / "__pycache__").glob("*.pyc"))
    result = grade(student, workers)
    assert result.score == 100
    assert not any("compiled" in r.message or r.refused for r in result.results)
