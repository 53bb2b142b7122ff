"""The teaching notebooks and their bundled Keras examples.

- every committed notebook equals a fresh build from its source ``NN_name.md`` (no outputs,
  stable cell ids), and the student template carries the current notebooks and
  ``example.npz`` files, not the sources;
- every source parses with jupytext, and every shared-cell marker in it is known and
  expands; a wrong marker is an error that names it;
- every notebook runs top to bottom against the reference solutions, once with live Keras
  and once with Keras blocked (``RNNLAB_NO_KERAS=1``: the students' path, no TensorFlow);
- against the untouched stubs each notebook stops at its first call of the exercise's
  code, with the stub's ``NotImplementedError: Exercise NN (...)`` message;
- the ``example.npz`` files equal a fresh computation with TensorFlow (within 1e-9).

How long 09's training notebook takes is a figure of ``make bench``, not a test.

Notebooks run in a copy of ``student_template/`` (with ``rnnlab/`` replaced by the
solutions for the runs that must pass), in the ``python3`` kernel of this interpreter,
with ``MPLBACKEND=Agg``.
"""

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

jupytext = pytest.importorskip("jupytext")

from autograder.authoring import diagrams, notebook_cells, notebooks  # noqa: E402
from autograder.catalog import EXERCISES, folder, number  # noqa: E402
from autograder.references import examples  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "student_template"
SOLUTIONS = ROOT / "solutions" / "rnnlab"
CELL_TIMEOUT = 300  # seconds: a guard against a hung kernel, not a speed target (see `make bench`)

# Appended to every executed notebook: draws each open figure (Agg's show() draws nothing)
# and reports which Python runs the kernel.
PROBE = """
import io
import sys

import matplotlib.pyplot as plt

for figure_number in plt.get_fignums():
    plt.figure(figure_number).savefig(io.BytesIO(), format="png")
print("probe", len(plt.get_fignums()), sys.prefix, sys.executable, sep="|")
"""

NOTES_SHAPES = {  # the shapes the course notes print, in every example that has the array
    "ids": (1, 5),
    "embeddings": (5, 100),
    "emb_out": (1, 5, 100),
}
EXAMPLE_SHAPES = {
    "one_hot": {"one_hot": (1, 5, 5)},
    "embedding": {"cosine": (5, 5)},
    "simple_rnn": {"kernel": (100, 64), "recurrent_kernel": (64, 64), "seq_out": (1, 5, 64),
                   "fin_out": (1, 64)},
    "lstm": {"kernel": (100, 256), "recurrent_kernel": (64, 256), "seq_out": (1, 5, 64),
             "fin_out": (1, 64), "h": (1, 64), "c": (1, 64)},
    "bidirectional": {"forward_kernel": (100, 64), "backward_kernel": (100, 64),
                      "seq_out": (1, 5, 128), "fin_out": (1, 128)},
    "gru": {"kernel": (100, 192), "recurrent_kernel": (64, 192), "bias": (2, 192),
            "seq_out": (1, 5, 64), "fin_out": (1, 64), "state": (1, 64), "biased_seq_out": (1, 5, 64)},
    "masking": {"table": (6, 100), "notes_mask": (1, 5), "post_ids": (3, 5), "pre_mask": (3, 5),
                "post_emb": (3, 5, 100), "post_seq": (3, 5, 64), "pre_fin": (3, 64),
                "alone_fin": (3, 64), "lstm_seq": (3, 5, 64), "gru_seq": (3, 5, 64),
                "bi_seq": (3, 5, 128), "bi_fin": (3, 128)},
    "params": {"case_layer": (10,), "keras_counts": (10,), "weight_shapes": (10,)},
    "backward": {"d_output": (1, 5, 64), "simple_rnn_inputs": (1, 5, 100), "simple_rnn_dz": (5, 64),
                 "simple_rnn_initial_state": (1, 64), "simple_rnn_table": (5, 100),
                 "lstm_inputs": (1, 5, 100), "lstm_dz": (5, 256), "lstm_initial_h": (1, 64),
                 "lstm_initial_c": (1, 64), "lstm_table": (5, 100)},
}


# --- committed files ---------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES)
def test_committed_notebook_equals_a_fresh_build(exercise):
    path = notebooks.notebook_path(exercise)
    assert path.is_file(), f"{path} is missing: run `python -m autograder notebooks`"
    assert path.read_text(encoding="utf-8") == notebooks.render(exercise), (
        f"{path} differs from a fresh build: run `python -m autograder notebooks`"
    )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_notebook_is_valid_clean_and_deterministic(exercise):
    notebook = notebooks.build(exercise)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert [cell.id for cell in notebook.cells] == [
        f"{exercise}-{n}" for n in range(len(notebook.cells))
    ]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert notebooks.render(exercise) == notebooks.render(exercise)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_source_parses_and_its_markers_are_known(exercise):
    text = notebooks.source_path(exercise).read_text(encoding="utf-8")
    assert jupytext.reads(text, fmt=notebooks.SOURCE_FORMAT).cells
    found = []
    for cell in notebooks.source_cells(exercise):
        shared = notebooks.marker(exercise, cell)
        if shared is None:
            assert "shared:" not in cell[1], f"a marker that does not start its cell: {cell[1][:80]!r}"
            continue
        assert shared.name in notebook_cells.SHARED, f"unknown marker {shared.name!r}"
        assert notebook_cells.expand(exercise, *shared), shared
        found.append(shared.name)
    assert found[:3] == ["intro", "setup", "helpers"] and "self-check" in found


@pytest.mark.parametrize(("source", "error"), [
    ("<!-- shared: setpu -->", "unknown shared cell 'setpu'"),
    ('<!-- shared: setup title="x" -->', "unexpected keys ['title']"),
    ("<!-- shared: setup -->\n\nsome text", "unexpected text after the marker"),
    ("<!-- shared: diagram -->", "missing keys ['title']"),
    ("<!-- shared: diagram title=x -->", "cannot read the marker"),
    ("<!-- shared: pitfalls -->\n\n5. no languages", "the pitfalls marker's text must be"),
])
def test_a_wrong_marker_is_named(source, error):
    with pytest.raises(ValueError, match=re.escape(error)):
        notebook_cells.expand("embedding", *notebooks.marker("embedding", ("md", source)))


def test_write_all_writes_the_committed_notebooks(tmp_path):
    for path in notebooks.write_all(tmp_path):
        committed = ROOT / "exercises" / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_template_carries_the_current_notebook_and_example(exercise):
    for name in (f"{folder(exercise)}.ipynb", examples.FILENAME):
        source = ROOT / "exercises" / folder(exercise) / name
        copy = TEMPLATE / "exercises" / folder(exercise) / name
        assert copy.is_file() and copy.read_bytes() == source.read_bytes(), (
            f"{copy} is missing or stale: run `python -m autograder template`"
        )
    assert not (TEMPLATE / "exercises" / folder(exercise) / f"{folder(exercise)}.md").exists(), (
        "the student template carries the notebook's source: students get the .ipynb"
    )


@pytest.mark.parametrize("exercise", EXERCISES)
def test_example_is_small_and_has_the_notes_shapes(exercise):
    path = examples.example_path(exercise)
    assert path.stat().st_size < 100 * 1024
    arrays = examples.load(path)  # never unpickles
    assert arrays["ids"].tolist() == [[2, 3, 0, 1, 4]]
    assert arrays["words"].tolist() == ["What", "time", "is", "it", "?"]
    expected = {key: shape for key, shape in NOTES_SHAPES.items() if key in arrays}
    expected.update(EXAMPLE_SHAPES[exercise])
    assert {key: arrays[key].shape for key in expected} == expected


@pytest.mark.parametrize("exercise", EXERCISES)
def test_notebook_shows_the_statements_diagram(exercise):
    shows = [source for kind, source in notebooks.cells(exercise)
             if kind == "code" and "diagram.svg" in source]
    if exercise not in diagrams.DIAGRAMS:
        assert shows == []
        return
    assert len(shows) == 1, "the diagram is shown once, where the text points at it"
    assert f'"{folder(exercise)}" / "diagram.svg"' in shows[0]
    assert diagrams.path(exercise).is_file()
    assert (TEMPLATE / "exercises" / folder(exercise) / diagrams.FILE).is_file()


# --- running the notebooks -----------------------------------------------------------------


def _kit(tmp_path_factory, name, solved):
    kit = tmp_path_factory.mktemp(name) / "kit"
    shutil.copytree(TEMPLATE, kit, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    if solved:
        for source in SOLUTIONS.glob("*.py"):
            shutil.copyfile(source, kit / "rnnlab" / source.name)
    return kit


@pytest.fixture(scope="module")
def solved_kit(tmp_path_factory):
    """The student template with ``rnnlab/`` replaced by the reference solutions."""
    return _kit(tmp_path_factory, "solved", solved=True)


@pytest.fixture(scope="module")
def stub_kit(tmp_path_factory):
    """The untouched student template."""
    return _kit(tmp_path_factory, "stubs", solved=False)


def execute(path, *, keras):
    """Run a notebook top to bottom in its folder: ``(notebook with outputs, error or None)``.

    ``keras=False`` sets ``RNNLAB_NO_KERAS=1``, which the notebook's first code cell
    honours as if TensorFlow were not installed.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE, id="test-probe"))
    env = {**os.environ, "MPLBACKEND": "Agg", "RNNLAB_NO_KERAS": "0" if keras else "1"}
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=env)
    except CellExecutionError as error:
        return notebook, error
    return notebook, None


def text_of(notebook, contains=""):
    """The stream and text outputs of the code cells whose source holds ``contains``."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or contains not in cell.source:
            continue
        for output in cell.outputs:
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type == "error":
                parts.append(f"{output.ename}: {output.evalue}")
            elif "text/plain" in output.get("data", {}):
                parts.append(output.data["text/plain"])
    return "\n".join(parts)


def run_solved(kit, exercise, *, keras):
    """Run one notebook against the solutions; check it passed, drew, used this Python."""
    notebook, error = execute(notebooks.notebook_path(exercise, kit / "exercises"), keras=keras)
    assert error is None, f"{exercise} notebook failed:\n{error}"
    probe = text_of(notebook, "probe").strip().split("|")
    figures, prefix, executable = int(probe[1]), probe[2], probe[3]
    assert figures >= 1, "the notebook drew no picture"
    assert (prefix, executable) == (sys.prefix, sys.executable), (
        f"the kernel ran {executable}, not this interpreter {sys.executable}"
    )
    if exercise in diagrams.DIAGRAMS:  # the diagram cell displayed the SVG beside the statement
        shown = [output for cell in notebook.cells
                 if cell.cell_type == "code" and "diagram.svg" in cell.source
                 for output in cell.outputs if "image/svg+xml" in output.get("data", {})]
        assert len(shown) == 1, "the notebook did not display its diagram.svg"
    self_check = text_of(notebook, "pytest")
    assert " passed" in self_check and "failed" not in self_check, self_check
    return text_of(notebook)


@pytest.mark.slow
@pytest.mark.keras
@pytest.mark.parametrize("exercise", EXERCISES)
def test_notebook_runs_against_the_solutions_with_keras(solved_kit, exercise):
    pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    text = run_solved(solved_kit, exercise, keras=True)
    assert "Keras: 3." in text, "the Keras path did not run"
    assert "Keras now vs example.npz" in text


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_notebook_runs_against_the_solutions_without_keras(solved_kit, exercise):
    text = run_solved(solved_kit, exercise, keras=False)
    assert "Keras: not used, results come from example.npz" in text
    assert "Keras now vs example.npz" not in text


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_notebook_stops_at_the_first_stub_with_its_message(stub_kit, exercise):
    notebook, error = execute(notebooks.notebook_path(exercise, stub_kit / "exercises"),
                              keras=False)
    assert error is not None, "the notebook ran to the end against the stubs"
    assert "NotImplementedError" in str(error)
    assert f"Exercise {number(exercise)} ({exercise}): implement" in str(error)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    first_call = next(n for n, cell in enumerate(code) if "from rnnlab." in cell.source)
    failed = [n for n, cell in enumerate(code)
              if any(output.output_type == "error" for output in cell.outputs)]
    assert failed == [first_call], "the notebook did not stop at its first call of rnnlab"
    assert all(cell.execution_count is None for cell in code[first_call + 1:])


# --- the bundled Keras examples ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.keras
def test_examples_equal_a_fresh_computation(tmp_path):
    pytest.importorskip("tensorflow")
    examples.generate(tmp_path)
    for exercise in EXERCISES:
        committed = examples.load(examples.example_path(exercise))
        fresh = examples.load(examples.example_path(exercise, tmp_path))
        assert examples.differences(committed, fresh) == [], (
            f"{exercise}: example.npz is stale: run `python -m autograder examples`"
        )
