"""Packagings for other graders: otter-grader and Gradescope."""
