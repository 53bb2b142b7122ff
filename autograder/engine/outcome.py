"""What running student code gives back, before any comparison, and the limits it runs under."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class IsolationError(Exception):
    """Kernel isolation was required and this machine does not offer it."""


class ServerError(Exception):
    """The fork server stopped answering (it is restarted for the next submission)."""


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
