"""Run student functions on cases in separate, limited processes (the trusted side).

:class:`Workers` owns one fork server (:mod:`autograder.worker`) started from a private
folder; :meth:`Workers.run` copies a submission, asks the server for a fresh child for
one exercise, sends it the cases (stripped of names and references) and collects raw
:class:`Outcome` values, one per case. Every wait has a time limit; a child that times out
or dies is killed with its whole process group and the next case gets a fresh child.
Nothing here compares results: :mod:`autograder.scoring` does, in this process.

The child runs student code, so its replies are checked like any other input: a whole
reply must arrive within the case's time and size limits, and must be well formed.
Hidden cases (``Case.hidden``) are sent only once every public case before them is
answered, what the code printed from then on is not returned, and numbers in the text of
their replies (error messages) are blanked, so hidden values do not reach feedback.
"""

from __future__ import annotations

import itertools
import json
import os
import re
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
DEPENDENCIES = {"embedding": ("one_hot",)}  # modules an exercise imports from another one
CASE_STATUSES = ("returned", "raised", "bad_output")
IMPORT_STATUSES = ("imported", "import_failed")
MALFORMED = "the reply of the process running your code was malformed"


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
    reply_bytes: int = 16 * 1024**2  # the largest reply (results) one case may send back


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
        self.problem = ""  # why the last receive gave nothing, when it was not time or death

    def send(self, payload: bytes, seconds: float) -> bool:
        """Send one message; False when the child is gone or does not read it."""
        self.sock.settimeout(seconds)
        try:
            casefile.send_message(self.sock, payload)
            return True
        except OSError:
            return False

    def receive(self, seconds: float, limit: int) -> tuple[dict, list[np.ndarray]] | None:
        """The next report, whole within ``seconds`` and ``limit`` bytes, or None."""
        deadline = time.monotonic() + seconds
        try:
            header = self._read(8, deadline)
            size = int.from_bytes(header or b"", "big")
            if header is not None and size > limit:
                self.problem = f"its results were too large (over {limit / 2**20:g} MiB)"
                return None
            payload = None if header is None else self._read(size, deadline)
            return None if payload is None else casefile.unpack_report(payload)
        except OSError:  # timed out or gone
            return None
        except Exception:  # garbage: the child's code was patched or its socket written to
            self.problem = MALFORMED
            return None

    def _read(self, size: int, deadline: float) -> bytes | None:
        """Exactly ``size`` bytes before ``deadline`` (a slow trickle counts), None at EOF."""
        chunks, left = [], size
        while left:
            self.sock.settimeout(max(deadline - time.monotonic(), 1e-6))
            chunk = self.sock.recv(min(left, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

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
        self._server_log = open(self.root / "server.log", "wb")  # noqa: SIM115 (closed in close())
        site_dir = str(Path(np.__file__).resolve().parent.parent)
        self._server = subprocess.Popen(
            [sys.executable, "-I", "-S", str(runtime / "worker.py"), site_dir, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            cwd=runtime,
            env=_clean_environment(runtime),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._server_log,
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
        self._server_log.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _fork(self, exercise: str, submission: Path, log: Path, stand_ins: bool) -> _Child:
        ours, theirs = socket.socketpair()
        request = {
            "exercise": exercise,
            "submission": str(submission),
            "log": str(log),
            "dependencies": DEPENDENCIES.get(exercise, ()),
            "stand_ins": stand_ins,
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
        child, stuck, stand_ins, shown, queued = None, None, False, None, 0
        for n, case in enumerate(cases):
            if stuck is not None or strikes[case.function] >= self.limits.strikes:
                outcomes.append(stuck or _not_run(case, self.limits))
                continue
            if child is None:
                child, stuck, stand_ins = self._start(exercise, copy, log, stand_ins)
                if stuck is not None:
                    outcomes.append(stuck)
                    continue
            if not queued:  # send the rest of this run of public (or hidden) cases at once
                part = [c for c in _run_of(cases, n) if strikes[c.function] < self.limits.strikes]
                if shown is None and case.hidden:
                    shown = _size(log)  # output printed from now on may hold hidden inputs
                child.send(_strip(part), self.limits.case_seconds)
                queued = len(part)
            outcome = self._next(child, case)
            queued -= 1
            if outcome.status in ("timeout", "crashed"):
                strikes[case.function] += 1
                child.kill()
                child, queued = None, 0
            outcomes.append(outcome)
        if child is not None:
            child.kill()
        shutil.rmtree(copy, ignore_errors=True)
        return outcomes, _head(log, 2000 if shown is None else min(shown, 2000))

    def _start(
        self, exercise: str, copy: Path, log: Path, stand_ins: bool
    ) -> tuple[_Child | None, Outcome | None, bool]:
        """A child that imported ``rnnlab.<exercise>``, or what stops it; and ``stand_ins``.

        When the import ends or hangs the process and the exercise imports other modules,
        it is tried once more with stand-ins for them (``stand_ins`` becomes True): a broken
        ``one_hot`` must not cost points in ``embedding``.
        """
        while True:
            child = self._fork(exercise, copy, log, stand_ins)
            started = time.perf_counter()
            reply = child.receive(self.limits.import_seconds, self.limits.reply_bytes)
            report = _checked(reply[0], IMPORT_STATUSES, secret=False) if reply else None
            if reply is not None and report is None:
                child.problem = MALFORMED
            if report is not None or stand_ins or not DEPENDENCIES.get(exercise):
                break
            child.kill()
            stand_ins = True
        if report is None:
            child.kill()
            if child.problem:
                message = f"importing rnnlab.{exercise} failed: {child.problem}"
            elif time.perf_counter() - started < self.limits.import_seconds * 0.99:
                message = f"importing rnnlab.{exercise} ended the process (os._exit or a crash)"
            else:
                message = f"importing rnnlab.{exercise} took longer than {self.limits.import_seconds:g} s"
            return None, Outcome("import_timeout", message=message), stand_ins
        if report["status"] != "imported":
            child.kill()
            return None, Outcome("import_failed", error=report["error"]), stand_ins
        return child, None, stand_ins

    def _next(self, child: _Child, case: Case) -> Outcome:
        """The outcome of ``case``, the next case the child runs."""
        started = time.perf_counter()
        reply = child.receive(self.limits.case_seconds, self.limits.reply_bytes)
        seconds = time.perf_counter() - started
        report = _checked(reply[0], CASE_STATUSES, case.hidden) if reply else None
        if reply is not None and report is None:
            child.problem = MALFORMED
        if report is None:
            if child.problem:
                return Outcome("crashed", seconds=seconds, message=child.problem)
            if seconds >= self.limits.case_seconds * 0.99:
                return Outcome("timeout", seconds=seconds,
                               message=f"timed out after {self.limits.case_seconds:g} s")
            return Outcome("crashed", seconds=seconds, message=(
                "the process running your code ended during the call "
                "(os._exit, a crash, or the memory limit)"))
        arrays, count = reply[1], report["outputs"]
        if report["status"] == "returned" and count > len(arrays):
            return Outcome("bad_output", message="the worker's reply was incomplete")
        return Outcome(
            report["status"],
            outputs=arrays[:count],
            inputs_after=arrays[count:],
            error=report["error"],
            message=report["message"],
            refused=report["refused"],
            seconds=seconds,
        )


def _not_run(case: Case, limits: Limits) -> Outcome:
    return Outcome("not_run", message=(
        f"not run: {case.function} already timed out or crashed {limits.strikes} times"))


def _run_of(cases: list[Case], start: int) -> list[Case]:
    """``cases[start]`` and the cases right after it that are hidden (or public) like it."""
    hidden = cases[start].hidden
    return list(itertools.takewhile(lambda case: case.hidden == hidden, cases[start:]))


_NUMBER = re.compile(r"\d*\.?\d+(?:[eE][-+]?\d+)?")


def _text(value: object, hidden: bool, limit: int = 300) -> str:
    """A string from a reply, cut to ``limit``; for a hidden case with its numbers blanked
    (all but integers under five digits: shapes, indices, line numbers)."""
    text = value[:limit] if isinstance(value, str) else ""
    if hidden:
        text = _NUMBER.sub(lambda m: m[0] if m[0].isdigit() and len(m[0]) < 5 else "…", text)
    return text


def _checked(report: object, statuses: tuple[str, ...], secret: bool) -> dict | None:
    """A clean copy of a report from a child, or None when it is malformed."""
    if not isinstance(report, dict) or report.get("status") not in statuses:
        return None
    outputs, error, refused = report.get("outputs", 0), report.get("error"), report.get("refused", [])
    if type(outputs) is not int or outputs < 0 or not isinstance(refused, list):
        return None
    if error is not None:
        if not isinstance(error, dict):
            return None
        error = {"type": _text(error.get("type"), secret, 80),
                 "message": _text(error.get("message"), secret),
                 "where": _text(error.get("where"), secret, 200),
                 "not_allowed": error.get("not_allowed") is True}
    elif report["status"] in ("raised", "import_failed"):
        return None
    return {"status": report["status"], "outputs": outputs, "error": error,
            "message": _text(report.get("message", ""), secret),
            "refused": [_text(item, secret, 120) for item in refused[:3]]}


def _size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


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
