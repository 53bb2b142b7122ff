"""A child's reports, checked like any other input: well formed, and for a hidden case free of
the student's own text (only a built-in exception type, a location checked against the copied
files, and the grader's own words for a refusal or a bad result)."""

from __future__ import annotations

import builtins
import re
from typing import NamedTuple

from autograder import casefile
from autograder.catalog import EXERCISES, stub_message
from autograder.sandbox import audit

CASE_STATUSES = ("returned", "raised", "bad_output")
IMPORT_STATUSES = ("imported", "import_failed")
BUILTIN_ERRORS = frozenset(name for name, value in vars(builtins).items()
                           if isinstance(value, type) and issubclass(value, BaseException))
REFUSAL_WORDS = frozenset({"open", "import", "setting", *audit.WRITE_EVENTS, *audit.LIST_EVENTS,
                           *(event.rstrip(".") for event in audit.BLOCKED_EVENTS)})
BAD_OUTPUTS = (casefile.NOT_A_TUPLE, casefile.NOT_AN_ARRAY, casefile.NOT_NUMBERS, *casefile.GRADIENT_MESSAGES)
_DEFINED = re.compile(rb"^\s*def ([A-Za-z_][A-Za-z0-9_]*)\(", re.MULTILINE)
_WHERE = re.compile(r"(rnnlab/[A-Za-z0-9_/]+\.py), line (\d{1,6})(?:, in [A-Za-z0-9_<>]{1,80})?")


def _text(value: object, limit: int = 300) -> str:
    return value[:limit] if isinstance(value, str) else ""


class Sources(NamedTuple):
    """What the grader knows of the copied files: the locations and names a hidden case's
    report may mention (fixed before any hidden input was sent)."""

    lines: dict[str, int]  # lines per file
    stubs: frozenset[str]  # the stub messages of the functions defined (``def``) in any file

    @classmethod
    def of(cls, files: dict[str, bytes]) -> Sources:
        names = {name.decode() for content in files.values() for name in _DEFINED.findall(content)}
        stubs = frozenset(stub_message(exercise, name) for exercise in EXERCISES for name in names)
        return cls({path: content.count(b"\n") + 1 for path, content in files.items()}, stubs)


def _hidden_error(error: dict, sources: Sources) -> dict:
    """What a hidden case may say of an exception: a built-in type, a checked location, and
    the message only when it is a stub's own (its function named in the submission)."""
    kind = _text(error.get("type"), 80)
    where = _WHERE.fullmatch(_text(error.get("where"), 200))
    place = ""
    if where and where[1] in sources.lines and 1 <= int(where[2]) <= sources.lines[where[1]]:
        place = f"{where[1]}, line {int(where[2])}"
    message = _text(error.get("message"))
    message = message if kind == "NotImplementedError" and message in sources.stubs else ""
    return {"type": kind if kind in BUILTIN_ERRORS else "an exception of its own class",
            "message": message, "where": place, "not_allowed": error.get("not_allowed") is True}


def _hidden_refusal(item: object) -> str:
    word = _text(item, 120).partition(" ")[0]
    return word if word in REFUSAL_WORDS else "an operation the grader forbids"


def _hidden_bad_output(message: object) -> str:
    text = _text(message)
    return next((known for known in BAD_OUTPUTS if text.startswith(known)), "the result is not numbers")


def checked(report: object, statuses: tuple[str, ...], hidden: bool, sources: Sources) -> dict | None:
    """A clean copy of a report from a child, or None when it is malformed.

    For a hidden case nothing of the student's own text is kept (see the module's docstring).
    """
    if not isinstance(report, dict) or report.get("status") not in statuses:
        return None
    outputs, error, refused = report.get("outputs", 0), report.get("error"), report.get("refused", [])
    if type(outputs) is not int or outputs < 0 or not isinstance(refused, list):
        return None
    if error is not None:
        if not isinstance(error, dict):
            return None
        error = _hidden_error(error, sources) if hidden else {
            "type": _text(error.get("type"), 80), "message": _text(error.get("message")),
            "where": _text(error.get("where"), 200), "not_allowed": error.get("not_allowed") is True}
    elif report["status"] in ("raised", "import_failed"):
        return None
    message = report.get("message", "")
    return {"status": report["status"], "outputs": outputs, "error": error,
            "message": _hidden_bad_output(message) if hidden and message else _text(message),
            "refused": [_hidden_refusal(item) if hidden else _text(item, 120) for item in refused[:3]]}
