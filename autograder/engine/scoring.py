"""Compare outcomes with the references and give points (trusted process only)."""

from __future__ import annotations

from dataclasses import dataclass

from autograder.casefile import Case, changed_inputs, compare
from autograder.engine.diagnosis import diagnose
from autograder.engine.outcome import Outcome


@dataclass
class CaseResult:
    """The grade of one case, ready for every report."""

    name: str
    exercise: str
    function: str
    hidden: bool
    call: str
    points: float
    max_points: float
    message: str  # empty when passed
    refused: tuple[str, ...] = ()  # what the grader refused during the call, even if caught

    @property
    def passed(self) -> bool:
        return self.points == self.max_points and not self.message


def _error_text(error: dict) -> str:
    text = f"{error['type']}: {error['message']}" if error["message"] else error["type"]
    return f"{text} ({error['where']})" if error.get("where") else text


def problems(case: Case, outcome: Outcome, reveal: bool) -> list[str]:
    """Why the outcome misses the case (empty: correct). ``reveal`` shows values."""
    status = outcome.status
    if status == "returned":
        if case.raises:
            return [f"expected {case.raises}, but the function returned normally"]
        found = compare(case, outcome.outputs, reveal) + changed_inputs(case, outcome.inputs_after)
        if found and outcome.refused:
            found.append(f"not allowed: {outcome.refused[0]}")
        hint = diagnose(case, outcome.outputs) if found else None
        if hint:
            found.append(f"likely mistake: {hint}")
        return found
    if status == "raised":
        error = outcome.error or {"type": "Exception", "message": "", "where": ""}
        if error["not_allowed"]:
            what = error["message"].split(": ", 1)[-1] or (outcome.refused or ["a forbidden operation"])[0]
            return [f"not allowed: {what}" + (f" ({error['where']})" if error["where"] else "")]
        if case.raises and error["type"] == case.raises:
            return []
        if error["type"] == "NotImplementedError":
            return [f"not implemented yet: {error['message']}"]
        expected = f"expected {case.raises}, got " if case.raises else "raised "
        return [expected + _error_text(error)]
    if status == "import_failed":
        error = outcome.error or {}
        module = f"rnnlab/{case.exercise}.py"
        if error.get("not_allowed"):
            return [f"{module} was not allowed to load: {_error_text(error)}"]
        return [f"{module} could not be imported: {_error_text(error)}"]
    return [outcome.message or status]


def score(case: Case, outcome: Outcome) -> CaseResult:
    """The points and message for one case; hidden cases never show values."""
    found = problems(case, outcome, reveal=not case.hidden)
    return CaseResult(
        name=case.name,
        exercise=case.exercise,
        function=case.function,
        hidden=case.hidden,
        call=case.describe(),
        points=0.0 if found else case.points,
        max_points=case.points,
        message="; ".join(found),
        refused=tuple(outcome.refused),
    )
