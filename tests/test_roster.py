"""A roster beside the batch: a row for every student, strays flagged, Canvas and Gradescope exports."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring.variants import make_submission
from autograder.catalog import EXERCISES, POINTS
from autograder.engine import roster

ROOT = Path(__file__).resolve().parents[1]


def _record(submission: str, total: float) -> dict:
    share = total / sum(POINTS.values())
    return {"student": submission, "submission": submission, "total": total, "error": "",
            "isolation": "seccomp", **{e: POINTS[e] * share for e in EXERCISES}}


def test_students_are_matched_by_folder_id_or_github_user():
    students = [roster.Student("s1", "Ann"), roster.Student("s2", "Bob", github="bob"),
                roster.Student("s3", "Cho", folder="cho-final"), roster.Student("s4", "Dan")]
    records = [_record("s1", 100), _record("lab-bob", 50), _record("cho-final.zip", 80),
               _record("stranger", 10)]
    rows, strays = roster.rostered(students, records)
    assert [(r["student"], r["submission"], r["total"]) for r in rows] == [
        ("s1", "s1", 100), ("s2", "lab-bob", 50), ("s3", "cho-final.zip", 80), ("s4", "", 0.0)]
    assert rows[3]["error"] == roster.NOT_SUBMITTED
    assert [(s["submission"], s["error"]) for s in strays] == [("stranger", roster.NOT_ROSTERED)]


def test_two_submissions_of_one_student_count_the_better_one():
    rows, strays = roster.rostered([roster.Student("s1", "Ann")], [_record("s1", 40), _record("s1.zip", 90)])
    assert rows[0]["total"] == 90 and strays == []


@pytest.mark.parametrize(("text", "fragment"), [
    ("name,email\nAnn,a@x\n", "needs a header with the columns id and name"),
    ("id,name\n,Ann\n", "line 2: the id is empty"),
    ("id,name\ns1,Ann\ns1,Bob\n", "lists an id twice"),
    ("", "found: none"),
])
def test_a_bad_roster_is_refused_in_one_sentence(tmp_path, text, fragment):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(roster.RosterError, match=fragment):
        roster.read_roster(path)


def test_roster_columns_are_read_whatever_their_case_and_bom(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffID,Name,Email,GitHub\ns1,Ann Kim,ann@x.edu,annk\n", encoding="utf-8")
    assert roster.read_roster(path) == [roster.Student("s1", "Ann Kim", "ann@x.edu", "", "annk")]


def test_canvas_export_has_points_possible_and_one_column_per_exercise():
    rows, _ = roster.rostered([roster.Student("s1", "Ann", "a@x")], [_record("s1", 100)])
    table = list(csv.reader(io.StringIO(roster.canvas_csv(rows))))
    assert table[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert table[1][0].strip() == "Points Possible"
    assert [float(x) for x in table[1][5:]] == [*(POINTS[e] for e in EXERCISES), 100]
    assert table[2][2] == "s1" and float(table[2][-1]) == 100


def test_gradescope_export_marks_missing_students():
    rows, _ = roster.rostered([roster.Student("s1", "Ann"), roster.Student("s2", "Bob")], [_record("s1", 70)])
    table = list(csv.DictReader(io.StringIO(roster.gradescope_csv(rows))))
    assert [(r["SID"], r["Total Score"], r["Max Points"], r["Status"]) for r in table] == [
        ("s1", "70", "100", "Graded"), ("s2", "0", "100", "Missing")]


def test_batch_with_a_roster_writes_every_student_and_the_exports(tmp_path):
    folder = tmp_path / "class"
    make_submission(folder / "s1")
    make_submission(folder / "lab-bob")
    shutil.make_archive(str(folder / "s3"), "zip", folder / "s1")
    make_submission(folder / "stranger")
    (tmp_path / "roster.csv").write_text("id,name,email,github\ns1,Ann,a@x,\ns2,Bob,b@x,bob\n"
                                         "s3,Cho,c@x,\ns4,Dan,d@x,\n")
    out = tmp_path / "grades.csv"
    run = subprocess.run([sys.executable, "-m", "autograder", "batch", str(folder), "--out", str(out),
                          "--roster", str(tmp_path / "roster.csv"), "--export", "canvas", "--export",
                          "gradescope"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "1 rostered students submitted nothing" in run.stderr and "stranger" in run.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(r["student"], r["submission"], r["total"]) for r in rows] == [
        ("s1", "s1", "100"), ("s2", "lab-bob", "100"), ("s3", "s3.zip", "100"), ("s4", "", "0"),
        ("stranger", "stranger", "100")]
    assert rows[3]["error"] == "no submission" and rows[4]["error"] == "not in the roster"
    assert (tmp_path / "grades-canvas.csv").is_file() and (tmp_path / "grades-gradescope.csv").is_file()
    feedback = (tmp_path / "grades-feedback" / "s1.txt").read_text()
    assert str(tmp_path) not in feedback and "and 0 more" not in feedback
