"""The statements' diagrams: drawn by the project, committed fresh, shown where the text points."""

import pytest

from autograder.authoring import diagrams
from autograder.catalog import folder

EXERCISES = list(diagrams.DIAGRAMS)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_committed_diagram_equals_a_fresh_drawing(exercise, tmp_path):
    """``python -m autograder diagrams`` rewrites nothing (matplotlib is pinned in the dev extra)."""
    target = tmp_path / diagrams.FILE
    diagrams.DIAGRAMS[exercise]().save(target)
    assert diagrams.path(exercise).read_bytes() == target.read_bytes(), "run `make diagrams`"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_statement_shows_its_diagram(exercise):
    """The statement embeds ``diagram.svg``; its labels are text (Korean shows in any viewer)."""
    statement = (diagrams.EXERCISE_DOCS / folder(exercise) / "README.md").read_text()
    assert f"]({diagrams.FILE})" in statement
    svg = diagrams.path(exercise).read_text()
    assert svg.count("<text") >= 3 and f"<dc:title>{diagrams.DIAGRAMS[exercise]().title}" in svg
