"""Live mode: references recomputed by TensorFlow on this machine (CPU, or GPU when present)."""

import subprocess
import sys

import numpy as np
import pytest

from autograder.catalog import EXERCISES, ROOT
from autograder.references import fixtures

pytestmark = pytest.mark.keras


def test_live_grading_gives_the_solutions_100():
    """`grade --live` recomputes every reference with TensorFlow and still gives 100."""
    pytest.importorskip("tensorflow")
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "solutions", "--live"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Points 100/100" in run.stdout


@pytest.mark.gpu
def test_gpu_references_equal_the_stored_cpu_ones():
    """On a GPU (TF32 off, float64 layers) TensorFlow reproduces the stored references."""
    tf = pytest.importorskip("tensorflow")
    if not tf.config.list_physical_devices("GPU"):
        pytest.skip("no GPU visible to TensorFlow on this machine")
    from autograder.references import oracle

    assert oracle.versions()["device"] == "GPU"
    assert not tf.config.experimental.tensor_float_32_execution_enabled()
    problems = []
    for exercise in EXERCISES:
        with tf.device("/GPU:0"):
            fresh = fixtures.compute("hidden", exercise)
        problems += fixtures.differences(fixtures.load("hidden", exercise), fresh)
    assert problems == []


def test_tf32_is_off_in_the_oracle():
    """Importing the oracle turns TF32 off, so a GPU cannot round references to 10 bits."""
    tf = pytest.importorskip("tensorflow")
    from autograder.references import oracle  # noqa: F401 (importing it is what turns TF32 off)

    assert not tf.config.experimental.tensor_float_32_execution_enabled()
    (case,) = [c for c in fixtures.compute("public", "simple_rnn") if c.name.endswith("step_bias")]
    assert case.returns[0].dtype == np.float64
