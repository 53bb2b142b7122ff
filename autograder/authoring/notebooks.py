"""Build the teaching notebooks, one per exercise: ``exercises/NN_name/NN_name.ipynb``.

Each notebook teaches its exercise's idea in short Korean and English paragraphs side by
side (faithful to the course notes), runs the notes' running example correctly in Keras 3
(or reads Keras's results from ``example.npz``, see :mod:`autograder.references.examples`, when
TensorFlow is missing), calls the student's function on the same example with the same
weights and compares, shows the statement's ``diagram.svg`` (02-06), draws one picture,
and runs the public self-check.

**Sources.** An instructor edits ``exercises/NN_name/NN_name.md``, beside the README: the
notebook in jupytext's MyST Markdown (``md:myst``), markdown cells separated by ``+++``
lines and code cells in ```` ```{code-cell} ```` fences. It holds the exercise's own cells.
A cell several notebooks share is a markdown cell that starts with a marker::

    <!-- shared: NAME key="value" ... -->

which the build replaces by that shared cell's cells, made with the marker's keys (see
:mod:`autograder.authoring.notebook_cells` for the names and their keys). Values are in
double quotes and hold none; a marker may span lines. Only ``pitfalls`` takes text after
its marker (the notes' slips on the topic). Every notebook begins with the ``intro``,
``setup`` and ``helpers`` markers and ends with ``self-check`` and a summary.

The committed notebooks carry no outputs and no execution counts, and their cell ids are
``f"{exercise}-{n}"``: a fresh :func:`build` gives the same bytes (:func:`render`), which
``tests/test_notebooks.py`` checks. ``python -m autograder notebooks`` rewrites them from the
sources; then run ``python -m autograder template`` to copy them into the student template
(which leaves the sources out).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import jupytext
import nbformat

from autograder.authoring.notebook_cells import Cell, expand
from autograder.catalog import EXERCISE_DOCS, EXERCISES, folder

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
SOURCE_FORMAT = "md:myst"

MARKER = re.compile(r"<!--\s*shared:\s*(?P<name>[\w-]+)(?P<params>.*?)-->", re.DOTALL)
PARAM = re.compile(r'\s*(?P<key>[\w-]+)="(?P<value>[^"]*)"')


class Marker(NamedTuple):
    """A source's ``<!-- shared: NAME ... -->``: ``params`` its keys, ``body`` the text after it."""

    name: str
    params: dict[str, str]
    body: str


def source_path(exercise: str, root: Path = EXERCISE_DOCS) -> Path:
    """``root/NN_name/NN_name.md``, the notebook's source."""
    return root / folder(exercise) / f"{folder(exercise)}.md"


def notebook_path(exercise: str, root: Path = EXERCISE_DOCS) -> Path:
    """``root/NN_name/NN_name.ipynb``."""
    return root / folder(exercise) / f"{folder(exercise)}.ipynb"


def source_cells(exercise: str, root: Path = EXERCISE_DOCS) -> list[Cell]:
    """The source's cells as written, markers unexpanded, as ``(kind, source)`` pairs."""
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {EXERCISES}")
    text = source_path(exercise, root).read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt=SOURCE_FORMAT)
    kinds = {"markdown": "md", "code": "code"}
    return [(kinds[cell.cell_type], cell.source) for cell in notebook.cells]


def marker(exercise: str, cell: Cell) -> Marker | None:
    """The shared-cell marker that ``cell`` starts with, or ``None`` for the exercise's own cell."""
    kind, source = cell
    match = MARKER.match(source)
    if kind != "md" or match is None:
        return None
    params, end = {}, 0
    for param in PARAM.finditer(match["params"]):
        if param.start() != end:
            break
        params[param["key"]] = param["value"]
        end = param.end()
    if match["params"][end:].strip():
        raise ValueError(f"{exercise}: cannot read the marker {match[0]!r}: write key=\"value\" pairs")
    return Marker(match["name"], params, source[match.end():].strip())


def cells(exercise: str) -> list[Cell]:
    """The notebook's cells in order, as ``(kind, source)`` pairs: the source's, markers expanded."""
    out: list[Cell] = []
    for cell in source_cells(exercise):
        shared = marker(exercise, cell)
        out += [cell] if shared is None else expand(exercise, *shared)
    return out


def build(exercise: str) -> nbformat.NotebookNode:
    """The notebook of one exercise: no outputs, no execution counts, stable cell ids."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    )
    for n, (kind, source) in enumerate(cells(exercise)):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source, id=f"{exercise}-{n}"))
    return notebook


def render(exercise: str) -> str:
    """The exact text of the committed notebook."""
    text = nbformat.writes(build(exercise))
    return text if text.endswith("\n") else text + "\n"


def write_all(root: Path = EXERCISE_DOCS) -> list[Path]:
    """Write every exercise's notebook under ``root``; returns the paths."""
    written = []
    for exercise in EXERCISES:
        path = notebook_path(exercise, Path(root))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(exercise), encoding="utf-8")
        written.append(path)
    return written
