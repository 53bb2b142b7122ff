"""The student notebook ``rnnlab.ipynb``: otter's self-checks and the export cell, no code to write."""

from __future__ import annotations

from typing import Any

from autograder.catalog import EXERCISES, POINTS, TITLES, folder, number

ASSIGNMENT = "rnnlab"
NOTEBOOK = "rnnlab.ipynb"
STUDENT_TESTS = "tests/otter"  # the template's tests/ holds the pytest self-checks already


def _cell(kind: str, source: str, **metadata: Any) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": metadata, "source": source.strip("\n")}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def student_notebook() -> dict[str, Any]:
    """``rnnlab.ipynb``: otter's self-checks, one question per exercise, and the export cell."""
    cells = [
        _cell("markdown", """
# rnnlab with otter-grader

**EN** Write your code in `rnnlab/*.py` with any editor, as the README says; this notebook only
checks it and packs your submission. Each `grader.check(...)` below runs the public cases of one
exercise on your *saved* files (no restart needed) and needs neither TensorFlow nor a network.
Public checks are worth no points: the grade comes from hidden cases, run after you submit.
When you are done, run the last cell and upload the zip it writes.

**KO** 코드는 `rnnlab/*.py`에 작성하세요. 이 노트북은 저장된 코드를 공개 케이스로 점검하고
제출 파일(zip)을 만듭니다. 점수는 제출 후 숨겨진 케이스로 매겨집니다.

Needs: `pip install "otter-grader==7.0.0"` next to `requirements.txt`.
"""),
        _cell("code", f'import otter\n\ngrader = otter.Notebook("{NOTEBOOK}", tests_dir="{STUDENT_TESTS}")'),
    ]
    for exercise in EXERCISES:
        cells += [
            _cell("markdown", f"""
## {number(exercise)} · {TITLES[exercise]} ({POINTS[exercise]} points)

Statement: `exercises/{folder(exercise)}/README.md`; your code: `rnnlab/{exercise}.py`.
"""),
            _cell("code", f'grader.check("{exercise}")'),
        ]
    cells += [
        _cell("markdown", """
## Submit

Runs every check, then writes `rnnlab_<time>.zip` holding this notebook **and your
`rnnlab/` folder** (the package is what is graded). Upload that zip.
"""),
        _cell("code", "grader.check_all()"),
        _cell("code", f'grader.export("{NOTEBOOK}", files=["rnnlab"], pdf=False)'),
    ]
    for n, cell in enumerate(cells):
        cell["id"] = f"rnnlab-{n:02d}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "otter": {"assignment_name": ASSIGNMENT},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
