"""Run student functions on cases in separate, limited processes (the trusted side).

:class:`Workers` owns one fork server (:mod:`autograder.worker`) started from a private
folder; :meth:`Workers.run` copies a submission, asks the server for a fresh child for
one exercise, sends it the cases one by one (stripped of names and references) and
collects raw :class:`Outcome` values. Every wait has a time limit; a child that times out
or dies is killed with its whole process group and the next case gets a fresh child.
Nothing here compares results: :mod:`autograder.scoring` does, in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from autograder import casefile
from autograder.casefile import Case

HERE = Path(__file__).resolve().parent
RUNTIME_FILES = tuple(HERE / name for name in ("worker.py", "casefile.py", "sandbox.py"))
MAX_SUBMISSION_BYTES = 5 * 1024 * 1024


class SubmissionError(Exception):
    """The submission folder cannot be graded at all (no ``rnnlab/``, unreadable...)."""


@dataclass(frozen=True)
class Limits:
    """How much time and memory student code gets."""

    case_seconds: float = 2.0
    import_seconds: float = 5.0
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 60
    file_bytes: int = 8 * 1024**2
    strikes: int = 2  # timeouts or crashes of one function before its other cases are skipped


@dataclass
class Outcome:
    """What happened when one case ran, before any comparison.

    ``status`` is one of: returned, raised, bad_output, timeout, crashed, import_failed,
    import_timeout, not_run.
    """

    status: str
    outputs: list[np.ndarray] = field(default_factory=list)
    inputs_after: list[np.ndarray] = field(default_factory=list)
    error: dict | None = None
    message: str = ""
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0


def copy_submission(source: Path, destination: Path) -> None:
    """Copy ``source/rnnlab`` (Python files and folders only, no links) to ``destination``."""
    package = source / "rnnlab"
    if not source.is_dir():
        raise SubmissionError(f"{source} is not a folder")
    if not package.is_dir():
        raise SubmissionError(f"{source} has no rnnlab/ folder (the package to grade)")
    total = 0
    for path in sorted(package.rglob("*.py")):
        if path.is_symlink() or "__pycache__" in path.parts or not path.is_file():
            continue
        try:
            content = path.read_bytes()
        except OSError as error:
            raise SubmissionError(f"cannot read {path}: {error.strerror}") from None
        total += len(content)
        if total > MAX_SUBMISSION_BYTES:
            raise SubmissionError(f"{package} holds more than {MAX_SUBMISSION_BYTES} bytes of code")
        target = destination / "rnnlab" / path.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


_STRIPPED: dict[tuple[int, ...], tuple[list[Case], bytes]] = {}


def _strip(cases: list[Case]) -> bytes:
    """The cases as the worker sees them: calls, without names, points or references.

    Cached by the identity of the case objects (the cache holds them, so an id is never
    reused for another case): a batch sends the same cases to every submission.
    """
    key = tuple(id(case) for case in cases)
    if key not in _STRIPPED:
        calls = [replace(c, name="", returns=[], raises=None, source="", points=0.0) for c in cases]
        _STRIPPED[key] = (list(cases), casefile.dump_wire(calls))
    return _STRIPPED[key][1]


class _Child:
    """One forked worker serving the cases of one exercise."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid, self.sock = pid, sock

    def send(self, payload: bytes) -> bool:
        """Send one message; False when the child is gone."""
        try:
            casefile.send_message(self.sock, payload)
            return True
        except OSError:
            return False

    def receive(self, seconds: float) -> tuple[dict, list[np.ndarray]] | None:
        """The next report, or None on timeout, death or garbage."""
        self.sock.settimeout(seconds)
        try:
            reply = casefile.receive_message(self.sock)
            return None if reply is None else casefile.unpack_report(reply)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def kill(self) -> None:
        self.sock.close()
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue


class Workers:
    """A fork server for student code; use as a context manager."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.root = Path(tempfile.mkdtemp(prefix="rnnlab-grade-"))
        runtime = self.root / "runtime"
        runtime.mkdir()
        for path in RUNTIME_FILES:
            shutil.copy(path, runtime / Path(path).name)
        self._control, theirs = socket.socketpair()
        site_dir = str(Path(np.__file__).resolve().parent.parent)
        self._server = subprocess.Popen(
            [sys.executable, "-I", "-S", str(runtime / "worker.py"), site_dir, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            cwd=runtime,
            env=_clean_environment(runtime),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "server.log", "wb"),  # noqa: SIM115 (kept for the process)
            start_new_session=True,
        )
        theirs.close()
        self._runs = 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the fork server and remove every temporary file."""
        self._control.close()
        try:
            self._server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def _fork(self, exercise: str, submission: Path, log: Path) -> _Child:
        ours, theirs = socket.socketpair()
        request = {
            "exercise": exercise,
            "submission": str(submission),
            "log": str(log),
            "memory_bytes": self.limits.memory_bytes,
            "cpu_seconds": self.limits.cpu_seconds,
            "file_bytes": self.limits.file_bytes,
        }
        self._control.settimeout(10)
        socket.send_fds(self._control, [json.dumps(request).encode()], [theirs.fileno()])
        theirs.close()
        reply = self._control.recv(65536)
        if not reply:
            raise RuntimeError(f"the worker server stopped; see {self.root / 'server.log'}")
        return _Child(json.loads(reply)["pid"], ours)

    def run(self, submission: Path, exercise: str, cases: list[Case]) -> tuple[list[Outcome], str]:
        """Outcomes of ``cases`` (all of one exercise) and the first bytes the code printed."""
        self._runs += 1
        copy = self.root / f"submission-{self._runs}"
        copy_submission(Path(submission), copy)
        log = self.root / f"output-{self._runs}.log"
        outcomes: list[Outcome] = []
        strikes: Counter[str] = Counter()
        child, stuck = None, None
        for n, case in enumerate(cases):
            if stuck is not None or strikes[case.function] >= self.limits.strikes:
                outcomes.append(stuck or _not_run(case, self.limits))
                continue
            if child is None:
                child, stuck = self._start(exercise, copy, log, cases[n:])
                if stuck is not None:
                    outcomes.append(stuck)
                    continue
            outcome = self._next(child)
            if outcome.status in ("timeout", "crashed"):
                strikes[case.function] += 1
                child.kill()
                child = None
            outcomes.append(outcome)
        if child is not None:
            child.kill()
        shutil.rmtree(copy, ignore_errors=True)
        return outcomes, _head(log)

    def _start(
        self, exercise: str, copy: Path, log: Path, cases: list[Case]
    ) -> tuple[_Child | None, Outcome | None]:
        """A child that imported ``rnnlab.<exercise>`` and holds ``cases``, or what stops it."""
        child = self._fork(exercise, copy, log)
        started = time.perf_counter()
        reply = child.receive(self.limits.import_seconds)
        if reply is None:
            child.kill()
            if time.perf_counter() - started < self.limits.import_seconds * 0.99:
                message = f"importing rnnlab.{exercise} ended the process (os._exit or a crash)"
            else:
                message = f"importing rnnlab.{exercise} took longer than {self.limits.import_seconds:g} s"
            return None, Outcome("import_timeout", message=message)
        report, _ = reply
        if report.get("status") != "imported":
            child.kill()
            return None, Outcome("import_failed", error=report.get("error"))
        child.send(_strip(cases))
        return child, None

    def _next(self, child: _Child) -> Outcome:
        """The outcome of the next case the child runs."""
        started = time.perf_counter()
        reply = child.receive(self.limits.case_seconds)
        seconds = time.perf_counter() - started
        if reply is None:
            if seconds >= self.limits.case_seconds * 0.99:
                return Outcome("timeout", seconds=seconds,
                               message=f"timed out after {self.limits.case_seconds:g} s")
            return Outcome("crashed", seconds=seconds, message=(
                "the process running your code ended during the call "
                "(os._exit, a crash, or the memory limit)"))
        report, arrays = reply
        count = report.get("outputs", 0)
        status = report.get("status", "bad_output")
        if status == "returned" and not 0 <= count <= len(arrays):
            return Outcome("bad_output", message="the worker's reply was incomplete")
        return Outcome(
            status,
            outputs=arrays[:count],
            inputs_after=arrays[count:],
            error=report.get("error"),
            message=report.get("message", ""),
            refused=report.get("refused", []),
            seconds=seconds,
        )


def _not_run(case: Case, limits: Limits) -> Outcome:
    return Outcome("not_run", message=(
        f"not run: {case.function} already timed out or crashed {limits.strikes} times"))


def _head(log: Path, limit: int = 2000) -> str:
    try:
        with open(log, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _clean_environment(home: Path) -> dict[str, str]:
    """No secrets, no paths of the grader: only what Python and NumPy need."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
