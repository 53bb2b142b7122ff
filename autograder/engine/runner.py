"""Run student functions on cases in separate, limited processes (the trusted side).

:class:`Workers` owns one fork server (:mod:`autograder.sandbox.worker`) started from a private
folder; :meth:`Workers.run` copies a submission, asks the server for a fresh child for
one exercise, sends it the cases (stripped of names and references) and collects raw
:class:`Outcome` values, one per case. Every wait has a time limit; a child that times out
or dies is killed with its whole process group and the next case gets a fresh child.
Nothing here compares results: :mod:`autograder.engine.scoring` does, in this process.

The child runs student code, so its replies are checked like any other input: a whole
reply must arrive within the case's time and size limits (:mod:`.child`), and must be well
formed (:mod:`.replies`). Hidden cases (``Case.hidden``) are sent only once every public
case before them is answered; what the code printed is read from its log at that moment
and never later (the child could rewrite its log).

Each child reports the isolation layers it confined itself with before it imports any
student code; :attr:`Workers.layers` holds them, and ``require_isolation`` makes a child
without the kernel's layers stop before the import (:class:`IsolationError`).
"""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import casefile
from autograder.casefile import Case
from autograder.engine import forkserver, intake
from autograder.engine.child import MALFORMED, Child, kill_group, log_head, stripped
from autograder.engine.outcome import IsolationError, Limits, Outcome, ServerError
from autograder.engine.replies import CASE_STATUSES, IMPORT_STATUSES, Sources, checked

# modules an exercise imports from another one, or whose functions it grades (the layers' mask=)
DEPENDENCIES = {"embedding": ("one_hot",), "masking": casefile.LAYER_MODULES}


class Workers:
    """A fork server for student code; use as a context manager.

    ``audit_hook=False`` leaves out the in-process hook (tests use it to show what the
    kernel's layers hold alone); ``require_isolation`` refuses to run student code in a
    child that lacks Landlock or seccomp.
    """

    def __init__(self, limits: Limits | None = None, audit_hook: bool = True,
                 require_isolation: bool = False) -> None:
        self.limits = limits or Limits()
        self.audit_hook, self.require_isolation = audit_hook, require_isolation
        self.layers: list[str] = []  # what the last child confined itself with
        self.confine_ms = 0.0  # how long that took it
        self._server = forkserver.adopt()
        self.root, self.runtime = self._server.root, self._server.runtime
        self.generation = 0  # how many times the fork server was restarted
        self._children: set[int] = set()
        self._runs = 0
        self._lock = threading.Lock()  # one request on the control socket at a time
        # two exercises at once; its threads live as long as the workers, since a server
        # restarted in one of them dies with that thread (its parent-death signal)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rnnlab-exercise")
        self.closed = False

    @property
    def _control(self) -> socket.socket:
        return self._server.control

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the fork server, kill every child left, remove every temporary file.

        Safe to call again, and from another thread than the one grading: what runs then
        fails at once (:class:`ServerError`).
        """
        if self.closed:
            return
        self.closed = True
        for pid in list(self._children):
            kill_group(pid)
        self._server.close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def restart(self, seen: int | None = None) -> None:
        """A fresh fork server, after the old one stopped answering; none when it was
        restarted since :attr:`generation` was ``seen`` (two exercises saw it stop)."""
        with self._lock:
            if self.closed:
                raise ServerError("the workers were closed")
            if seen is not None and seen != self.generation:
                return
            self._server.kill()
            self._server.start()
            self.generation += 1

    def _fork(self, exercise: str, copy: Path, run: Path, log: Path, stand_ins: bool,
              probe: str = "") -> Child:
        ours, theirs = socket.socketpair()
        request = {
            "exercise": exercise,
            "submission": str(copy),
            "scratch": str(run / "scratch"),
            "log": str(log),
            "dependencies": DEPENDENCIES.get(exercise, ()),
            "stand_ins": stand_ins,
            "memory_bytes": self.limits.memory_bytes,
            "cpu_seconds": self.limits.cpu_seconds,
            "file_bytes": self.limits.file_bytes,
            "audit_hook": self.audit_hook and not probe,
            "require_isolation": self.require_isolation,
            "probe": probe,
        }
        try:
            with self._lock:
                self._control.settimeout(10)
                socket.send_fds(self._control, [json.dumps(request).encode()], [theirs.fileno()])
                reply = self._control.recv(65536)
            pid = json.loads(reply)["pid"] if reply else None
        except (OSError, ValueError, KeyError, TypeError):
            pid = None
        finally:
            theirs.close()
        if type(pid) is not int or pid <= 0:
            ours.close()
            raise ServerError(f"the worker server stopped; see {self.root / 'server.log'}")
        self._children.add(pid)
        return Child(pid, ours)

    def _kill(self, child: Child) -> None:
        child.kill()
        self._children.discard(child.pid)

    def probe(self) -> dict:
        """Fork a child that confines itself (without the hook) and tries what it must not do.

        Returns ``{"layers": [...], "ms": float, "checks": {what: "refused" or "ALLOWED"}}``.
        """
        run = self.root / "probe"
        (run / "scratch").mkdir(parents=True, exist_ok=True)
        child = self._fork("", run, run, self.root / "probe.log", False, probe=str(self.root / "server.log"))
        reply = child.receive(self.limits.import_seconds, self.limits.reply_bytes)
        self._kill(child)
        report = reply[0] if reply else {}
        return {"layers": report.get("layers", []), "ms": report.get("ms", 0.0),
                "checks": report.get("checks", {})}

    def copy(self, files: dict[str, bytes]) -> Path:
        """A copy of the submission that children read and never write; several runs of
        one submission share it (the caller removes it)."""
        copy = self._folder("copy")
        intake.write_copy(files, copy)
        return copy

    def _folder(self, kind: str) -> Path:
        with self._lock:
            self._runs += 1
            folder = self.root / f"{kind}-{self._runs}"
        try:
            folder.mkdir()  # not parents: once closed, the root is gone and stays gone
        except OSError as error:
            raise ServerError(f"the workers were closed ({error.strerror})") from None
        return folder

    def run(self, files: dict[str, bytes], exercise: str, cases: list[Case],
            copy: Path | None = None) -> tuple[list[Outcome], str]:
        """Outcomes of ``cases`` (all of one exercise) and the first bytes the code printed.

        ``files`` is the submission as :func:`autograder.engine.intake.package_files` read it, and
        ``copy`` its :meth:`copy` (made and removed here when None).
        """
        own = copy is None
        copy = self.copy(files) if own else copy
        run = self._folder("run")  # holds only the scratch folder of its children
        (run / "scratch").mkdir()
        log = run.with_name(f"output-{run.name}.log")
        sources = Sources.of(files)
        outcomes: list[Outcome] = []
        strikes: Counter[str] = Counter()
        child, stuck, stand_ins, printed, queued = None, None, False, None, 0
        try:
            for n, case in enumerate(cases):
                if stuck is not None or strikes[case.function] >= self.limits.strikes:
                    outcomes.append(stuck or _not_run(case, self.limits))
                    continue
                if child is None:
                    child, stuck, stand_ins = self._start(exercise, copy, run, log, stand_ins, sources,
                                                          hidden=printed is not None)
                    if stuck is not None:
                        outcomes.append(stuck)
                        continue
                if not queued:  # send the rest of this run of public (or hidden) cases at once
                    part = [c for c in _run_of(cases, n) if strikes[c.function] < self.limits.strikes]
                    if printed is None and case.hidden:
                        printed = log_head(log)  # what it printed from now on may hold hidden inputs
                    child.send(stripped(part), self.limits.case_seconds)
                    queued = len(part)
                outcome = self._next(child, case, sources)
                queued -= 1
                if outcome.status in ("timeout", "crashed"):
                    strikes[case.function] += 1
                    self._kill(child)
                    child, queued = None, 0
                outcomes.append(outcome)
        finally:
            if child is not None:
                self._kill(child)
            shutil.rmtree(run, ignore_errors=True)
            if own:
                shutil.rmtree(copy, ignore_errors=True)
        return outcomes, log_head(log) if printed is None else printed

    def _start(
        self, exercise: str, copy: Path, run: Path, log: Path, stand_ins: bool, sources: Sources,
        hidden: bool,
    ) -> tuple[Child | None, Outcome | None, bool]:
        """A child that imported ``rnnlab.<exercise>``, or what stops it; and ``stand_ins``.

        When the import ends or hangs the process and the exercise imports other modules,
        it is tried once more with stand-ins for them (``stand_ins`` becomes True): a broken
        ``one_hot`` must not cost points in ``embedding``. ``hidden``: hidden cases reached
        an earlier child of this run, which may have left their values in the scratch
        folder, so the import's report is treated as a hidden case's.
        """
        while True:
            child = self._fork(exercise, copy, run, log, stand_ins)
            self._confined(child)
            started = time.perf_counter()
            reply = child.receive(self.limits.import_seconds, self.limits.reply_bytes)
            report = checked(reply[0], IMPORT_STATUSES, hidden, sources) if reply else None
            if reply is not None and report is None:
                child.problem = MALFORMED
            if report is not None or stand_ins or not DEPENDENCIES.get(exercise):
                break
            self._kill(child)
            stand_ins = True
        if report is None:
            self._kill(child)
            if child.problem:
                message = f"importing rnnlab.{exercise} failed: {child.problem}"
            elif time.perf_counter() - started < self.limits.import_seconds * 0.99:
                message = f"importing rnnlab.{exercise} ended the process (os._exit or a crash)"
            else:
                message = f"importing rnnlab.{exercise} took longer than {self.limits.import_seconds:g} s"
            return None, Outcome("import_timeout", message=message), stand_ins
        if report["status"] != "imported":
            self._kill(child)
            return None, Outcome("import_failed", error=report["error"]), stand_ins
        return child, None, stand_ins

    def _confined(self, child: Child) -> None:
        """Read the layers the child reports before it runs any student code."""
        reply = child.receive(10.0, 1 << 16)
        report = reply[0] if reply and isinstance(reply[0], dict) else {}
        layers = report.get("layers")
        if report.get("status") != "confined" or not isinstance(layers, list):
            self._kill(child)
            raise ServerError("a worker did not report its isolation layers")
        self.layers = [str(layer)[:40] for layer in layers[:16]]
        self.confine_ms = float(report.get("ms", 0.0))
        if self.require_isolation and not casefile.kernel_layers(self.layers):
            self._kill(child)
            raise IsolationError("kernel isolation is required but this machine offers only: "
                                 + (", ".join(self.layers) or "nothing"))

    def _next(self, child: Child, case: Case, sources: Sources) -> Outcome:
        """The outcome of ``case``, the next case the child runs."""
        started = time.perf_counter()
        reply = child.receive(self.limits.case_seconds, self.limits.reply_bytes)
        seconds = time.perf_counter() - started
        report = checked(reply[0], CASE_STATUSES, case.hidden, sources) if reply else None
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
