"""A Gradescope autograder zip that grades from the stored fixtures with NumPy only.

``build(out)`` writes ``setup.sh``, ``run_autograder`` and the grader (``autograder/``
with its fixtures, without the reference solutions) into a zip to upload as a
"Zip file upload" autograder. On Gradescope, ``run_autograder`` calls
``python3 -m autograder.integrations.gradescope /autograder``: :func:`run` finds the student's
``rnnlab/`` in ``/autograder/submission`` and writes ``/autograder/results/results.json``.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

from autograder.engine import report
from autograder.engine.grading import grade_one
from autograder.engine.intake import SubmissionError
from autograder.integrations.bundle import grader_files

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image: NumPy is all it needs.
set -euo pipefail
python3 -m pip install --quiet "numpy>=1.24"
"""
RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; results go to $ROOT/results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source" && exec python3 -m autograder.integrations.gradescope "$ROOT"
"""
# what only instructors run: TensorFlow, the notebooks and diagrams, otter, the demo and the benchmark
# (the template module stays: the command line imports it, so `python -m autograder grade` works there)
INSTRUCTOR_ONLY = ("authoring/notebooks.py", "authoring/notebook_cells.py", "authoring/notebook_pitfalls.py",
                   "authoring/diagrams.py", "authoring/variants.py", "references/oracle.py",
                   "references/solve.py", "references/examples.py", "references/example_inputs.py",
                   "integrations/otter", "demo.py", "bench.py")


def build(out: Path, hidden_visibility: str = "visible", stdout_visibility: str = "visible") -> Path:
    """Write the Gradescope autograder zip to ``out``; returns its path.

    ``hidden_visibility`` and ``stdout_visibility`` (see :func:`autograder.engine.report.gradescope`)
    are written into ``run_autograder``.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run_script = RUN_AUTOGRADER.replace('"$ROOT"', f'"$ROOT" {hidden_visibility} {stdout_visibility}')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run_script)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        for path, name in grader_files(INSTRUCTOR_ONLY):
            archive.write(path, name)
    return out


def run(root: Path, hidden_visibility: str = "visible", stdout_visibility: str = "visible") -> int:
    """Grade ``root/submission`` into ``root/results/results.json`` (never a traceback)."""
    results = root / "results" / "results.json"
    try:
        grade = grade_one(root / "submission")  # any shape intake accepts
    except SubmissionError as error:
        message = f"Your submission could not be graded: {error}."
        report.write_atomically(results, json.dumps({"score": 0, "output": message, "tests": []}))
        print(message, file=sys.stderr)
        return 0
    report.write_results(grade, results, hidden_visibility=hidden_visibility,
                         stdout_visibility=stdout_visibility)
    print(report.table(grade))
    return 0


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]), *sys.argv[2:4]))
