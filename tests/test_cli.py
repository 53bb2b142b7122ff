"""Every command, every kind of bad input: one line on stderr, a non-zero exit, no traceback,
and nothing created on the way to the error."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import cli
from autograder.authoring.variants import make_submission

ROOT = Path(__file__).resolve().parents[1]

# (command line, a fragment of the one-line error). {sub}: a good submission, {file}: a plain
# file, {dir}: an empty folder, {missing}: a path that does not exist, {tmp}: the test's folder.
BAD_INPUTS = [
    ("", "the following arguments are required"),
    ("bogus", "invalid choice"),
    ("grade", "required: path"),
    ("grade {missing}", "does not exist"),
    ("grade {file}", "is not a folder or a .zip"),
    ("grade {dir}", "has no rnnlab/ folder"),
    ("grade {sub} --results {dir}", "is a folder"),
    ("grade {sub} --results /proc/version", "cannot write in /proc"),
    ("grade {sub} --results {missing}/dir/r.json", "does not exist"),
    ("grade {sub} --results {file}/r.json", "is a file, not a folder"),
    ("grade {sub} --summary {dir}", "is a folder"),
    ("grade {sub} --fail-under 101", "between 0 and 100"),
    ("grade {sub} --fail-under -1", "between 0 and 100"),
    ("grade {sub} --fail-under many", "invalid float value"),
    ("grade {sub} --timeout 0", "--timeout must be positive"),
    ("grade {sub} --timeout -3", "--timeout must be positive"),
    ("grade {sub} --unknown", "unrecognized arguments"),
    ("batch {dir}", "required: --out"),
    ("batch {missing} --out {tmp}/g.csv", "does not exist"),
    ("batch {file} --out {tmp}/g.csv", "is not a folder"),
    ("batch {dir} --out {tmp}/g.csv", "no submissions in"),
    ("batch {class} --out {dir}", "is a folder"),
    ("batch {class} --out {tmp}/g.csv --feedback {file}", "is a file"),
    ("batch {class} --out {missing}/g.csv", "does not exist"),
    ("batch {class} --out {tmp}/g.csv --jobs 0", "--jobs must be at least 1"),
    ("batch {class} --out {tmp}/g.csv --timeout 0", "--timeout must be positive"),
    ("batch {class} --out {tmp}/g.csv --roster {missing}", "cannot read the roster"),
    ("batch {class} --out {tmp}/g.csv --roster {file}", "needs a header with the columns id and name"),
    ("batch {class} --out {tmp}/g.csv --export canvas", "--export needs --roster"),
    ("batch {class} --out {tmp}/g.csv --export excel", "invalid choice"),
    ("batch {class} --out {tmp}/g.csv --regrade --jobs x", "invalid int value"),
    ("gradescope --visibility never", "invalid choice"),
    ("bench --runs 0", "at least 1"),
    ("gradescope --out {dir}", "is a folder"),
    ("gradescope --out {file}/x.zip", "is a file, not a folder"),
    ("otter --dest {file}", "is a file"),
    ("otter-grade {missing}", "does not exist"),
    ("otter-grade {sub} --autograder {missing}", "does not exist: build it with"),
    ("otter-grade {sub} --autograder {file}", "is not an otter autograder zip"),
    ("otter-grade {sub} --autograder {dir}", "is not an otter autograder zip"),
    ("otter-grade {sub} --results {dir}", "is a folder"),
    ("otter-grade {sub} --timeout soon", "invalid float value"),
    ("notebooks --dest {file}", "is a file"),
    ("examples --dest {file}", "is a file"),
    ("diagrams --dest {file}", "is a file"),
    ("diagrams --bogus", "unrecognized arguments"),
    ("template --dest {file}", "is a file"),
    ("template --dest {file} --check", "is a file"),
    ("template --dest {tmp}/t --pin-action actions/checkout=v4", "40 hex digits"),
    ("fixtures --seed -1", "--seed must be a number >= 0"),
    ("fixtures --dest {file}", "is a file"),
    ("fixtures --public", "--public only makes sense with --seed"),
    ("fixtures --seed x", "invalid int value"),
    ("isolation --bogus", "unrecognized arguments"),
    ("demo extra", "unrecognized arguments"),
    ("grade {missing}\udcff", "does not exist"),  # a non-UTF-8 name, as a student's folder may have
]


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("cli")
    sub = make_submission(root / "sub")
    make_submission(root / "class" / "alice")
    (root / "plain.txt").write_text("not a submission\n")
    (root / "empty").mkdir()
    return {"sub": str(sub), "file": str(root / "plain.txt"), "dir": str(root / "empty"),
            "missing": str(root / "missing"), "class": str(root / "class"), "root": str(root)}


@pytest.mark.parametrize(("line", "fragment"), BAD_INPUTS,
                         ids=[line or "(nothing)" for line, _ in BAD_INPUTS])
def test_bad_input_gives_one_line_and_creates_nothing(line, fragment, places, tmp_path, capsys,
                                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = line.format(**places, tmp=tmp_path).split()
    before, before_root = _tree(tmp_path), _tree(Path(places["root"]))
    status = cli.main(argv)
    captured = capsys.readouterr()
    assert status != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert fragment in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert _tree(tmp_path) == before and _tree(Path(places["root"])) == before_root


def test_every_command_is_tried_with_bad_input():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    tried = {line.split()[0] for line, _ in BAD_INPUTS if line}
    assert set(commands) <= tried | {"bogus"}, set(commands) - tried


def test_grade_without_tensorflow_refuses_live_in_one_line(places, tmp_path):
    """--live where TensorFlow cannot be imported: one line, no zeros recorded anywhere."""
    (tmp_path / "tensorflow").mkdir()  # first on the path: as if TensorFlow were missing
    (tmp_path / "tensorflow" / "__init__.py").write_text("raise ImportError('hidden for the test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    results = tmp_path / "r.json"
    for argv in (["grade", places["sub"], "--live", "--results", str(results)],
                 ["batch", places["class"], "--out", str(tmp_path / "g.csv"), "--live"]):
        run = subprocess.run([sys.executable, "-m", "autograder", *argv], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=60)
        assert run.returncode == 2, run.stderr
        assert run.stderr.strip().splitlines() == [
            "error: --live needs TensorFlow, which is not installed: pip install -e '.[tf]'"]
    assert not results.exists() and not (tmp_path / "g.csv").exists()
