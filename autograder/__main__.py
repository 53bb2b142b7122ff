"""``python -m autograder``: see ``autograder.cli``."""

import contextlib
import os
import sys

GRADING = sys.argv[1:2] in (["grade"], ["batch"])
if GRADING:  # the fork server starts while the rest is imported
    from autograder.engine import forkserver

    with contextlib.suppress(OSError, ImportError):  # else the grader starts one and says why not
        forkserver.start_early()

from autograder.cli import main  # noqa: E402 (after the server started)

status = main()
if GRADING:  # everything is written and closed: leave the rest of the clean-up to the OS
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
sys.exit(status)
