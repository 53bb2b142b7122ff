"""One forked child, seen from the grader: the cases it is sent, its replies read against deadlines
and size limits, its log."""

from __future__ import annotations

import os
import signal
import socket
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from autograder import casefile
from autograder.casefile import Case

MALFORMED = "the reply of the process running your code was malformed"


_STRIPPED: dict[tuple[int, ...], tuple[list[Case], bytes]] = {}


def stripped(cases: list[Case]) -> bytes:
    """The cases as the worker sees them: calls, without names, points or references.

    Cached by the identity of the case objects (the cache holds them, so an id is never
    reused for another case): a batch sends the same cases to every submission.
    """
    key = tuple(id(case) for case in cases)
    if key not in _STRIPPED:
        calls = [replace(c, name="", returns=[], raises=None, source="", points=0.0) for c in cases]
        _STRIPPED[key] = (list(cases), casefile.dump_wire(calls))
    return _STRIPPED[key][1]


class Child:
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
        kill_group(self.pid)


def kill_group(pid: int) -> None:
    """SIGKILL the process group of ``pid`` (the child leads one), else the process."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


def log_head(log: Path, limit: int = 2000) -> str:
    """The first ``limit`` bytes a child wrote to its log, as text ("" when there is none)."""
    try:
        with open(log, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""
