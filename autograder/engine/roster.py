"""A class roster beside the batch's records, and the gradebooks instructors upload.

``roster.csv`` has a header with ``id`` and ``name`` and optionally ``email``, ``folder``
and ``github``. A student's submission is the folder (or zip) named ``folder``, else one
named ``id``, else one named ``github`` or ending in ``-<github>`` (as GitHub Classroom
names repositories). Every rostered student gets a row (0 with a reason when nothing was
submitted); submissions that match no student are flagged.

Exports: ``canvas`` (Canvas's gradebook import: one column per exercise and the total,
with a ``Points Possible`` row) and ``gradescope`` (Name, SID, Email, the scores, Max Points,
Status).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from autograder.catalog import EXERCISES, POINTS, number

NOT_SUBMITTED = "no submission"
NOT_ROSTERED = "not in the roster"
EXPORTS = ("canvas", "gradescope")


class RosterError(Exception):
    """The roster file cannot be used (missing, unreadable, no ``id``/``name`` column...)."""


@dataclass(frozen=True)
class Student:
    """One line of the roster."""

    id: str
    name: str
    email: str = ""
    folder: str = ""
    github: str = ""

    def owns(self, submission: str) -> bool:
        """Whether the submission folder (or zip) ``submission`` is this student's."""
        stem = submission[:-4] if submission.lower().endswith(".zip") else submission
        if self.folder:
            return stem == self.folder
        if stem == self.id:
            return True
        return bool(self.github) and (stem == self.github or stem.endswith(f"-{self.github}"))


def read_roster(path: Path) -> list[Student]:
    """The students of ``path``, in its order; :class:`RosterError` in one sentence otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise RosterError(f"cannot read the roster {path}: {reason}") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    if not {"id", "name"} <= columns:
        found = ", ".join(sorted(columns)) or "none"
        raise RosterError(f"the roster {path} needs a header with the columns id and name "
                          f"(and optionally email, folder, github); found: {found}")
    students = []
    for line, row in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not row.get("id"):
            raise RosterError(f"the roster {path}, line {line}: the id is empty")
        students.append(Student(row["id"], row.get("name", ""), row.get("email", ""),
                                row.get("folder", ""), row.get("github", "")))
    ids = [student.id for student in students]
    if len(set(ids)) != len(ids):
        raise RosterError(f"the roster {path} lists an id twice")
    return students


def rostered(students: list[Student], records: list[dict]) -> tuple[list[dict], list[str]]:
    """One record per student (``student`` is the id; ``name``, ``email``, ``submission``
    added), and the records of submissions that belong to nobody (flagged in ``error``)."""
    rows, claimed = [], set()
    for student in students:
        mine = [record for record in records if student.owns(record["submission"])]
        base = {"student": student.id, "name": student.name, "email": student.email}
        if mine:
            record = max(mine, key=lambda r: r["total"])  # two submissions: the better one
            claimed.update(r["submission"] for r in mine)
            rows.append({**record, **base})
        else:
            rows.append({**base, "submission": "", "total": 0.0, "error": NOT_SUBMITTED,
                         "isolation": "", **{e: 0.0 for e in EXERCISES}})
    strays = [{**r, "error": "; ".join(filter(None, [NOT_ROSTERED, r["error"]]))}
              for r in records if r["submission"] not in claimed]
    return rows, strays


def _column(exercise: str) -> str:
    return f"rnnlab {number(exercise)} {exercise}"


def canvas_csv(rows: list[dict]) -> str:
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, scores."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                     *(_column(e) for e in EXERCISES), "rnnlab total"])
    top = [POINTS[e] for e in EXERCISES]
    writer.writerow(["    Points Possible", "", "", "", "", *top, sum(top)])
    for row in rows:
        writer.writerow([row.get("name", ""), "", row["student"], row.get("email", ""), "",
                         *(f"{row[e]:g}" for e in EXERCISES), f"{row['total']:g}"])
    return out.getvalue()


def gradescope_csv(rows: list[dict]) -> str:
    """A Gradescope-style score sheet: Name, SID, Email, the scores, Max Points, Status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Name", "SID", "Email", *(_column(e) for e in EXERCISES), "Total Score",
                     "Max Points", "Status"])
    for row in rows:
        status = "Missing" if row["error"] == NOT_SUBMITTED else "Graded"
        writer.writerow([row.get("name", ""), row["student"], row.get("email", ""),
                         *(f"{row[e]:g}" for e in EXERCISES), f"{row['total']:g}",
                         sum(POINTS.values()), status])
    return out.getvalue()


EXPORTERS = {"canvas": canvas_csv, "gradescope": gradescope_csv}
