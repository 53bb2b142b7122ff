"""otter-grader 7 packaging: a student notebook and an otter autograder zip graded by our engine.

``python -m autograder otter --dest dist/otter`` (:func:`build`) writes::

    dist/otter/student/rnnlab.ipynb           the notebook students add at the root of their repo
    dist/otter/student/tests/otter/*.py       its public self-checks, ``grader.check("lstm")``
    dist/otter/autograder/                    what the zip is generated from (tests, otter_config.json)
    dist/otter/autograder.zip                 ``otter run -a dist/otter/autograder.zip submission.zip``

A submission is the zip that the notebook's last cell writes with
``grader.export(..., files=["rnnlab"])``: the notebook plus ``rnnlab/*.py``. The pieces:
:mod:`.notebook` (the student notebook), :mod:`.test_files` (the otter tests, as source text),
:mod:`.plugin` (:class:`IsolatedEngine`, how the zip grades) and :mod:`.package` (the zip,
submissions, ``otter run``). This package imports without otter.
"""

from autograder.integrations.otter.notebook import ASSIGNMENT, NOTEBOOK, STUDENT_TESTS, student_notebook
from autograder.integrations.otter.package import (
    PLUGIN,
    PLUGIN_FILE,
    build,
    check_archive,
    otter_config,
    otter_submission,
    run,
    submission_zip,
)
from autograder.integrations.otter.plugin import (
    ENGINE_REPORT,
    ENGINE_SECONDS,
    QUARANTINE,
    IsolatedEngine,
    run_engine,
)
from autograder.integrations.otter.test_files import (
    case_label,
    hidden_test_file,
    planned_cases,
    public_test_file,
)

__all__ = [
    "ASSIGNMENT", "ENGINE_REPORT", "ENGINE_SECONDS", "NOTEBOOK", "PLUGIN", "PLUGIN_FILE", "QUARANTINE",
    "STUDENT_TESTS", "IsolatedEngine", "build", "case_label", "check_archive", "hidden_test_file",
    "otter_config", "otter_submission", "planned_cases", "public_test_file", "run", "run_engine",
    "student_notebook", "submission_zip",
]
