"""The cells several teaching notebooks share, which a notebook source names by a marker.

A source ``exercises/NN_name/NN_name.md`` (see :mod:`autograder.authoring.notebooks`) holds
``<!-- shared: NAME key="value" ... -->`` where one of these goes; :data:`SHARED` maps each
NAME to the function that makes its cells, whose keyword arguments are the marker's keys
(``functions-ko`` is ``functions_ko``) and, for ``pitfalls``, the text after the marker
(``body``):

- ``intro`` (``ko``, ``en``: the notebook's title): what the notebook does, how to run it;
- ``setup``: finds the kit, loads ``example.npz``, imports Keras and matplotlib if there;
- ``helpers``: ``from_keras``, ``same_as_stored`` and ``compare``;
- ``sentence``: the notes' sentence and its ids;
- ``pitfalls`` (body: the notes' slips on this topic, ``**KO**`` items then ``**EN**``
  items, numbered from 5): the first note's code in Keras 3, then the slips;
- ``pitfalls-live``: the four pitfalls run;
- ``diagram`` (``title``: in Korean): shows the exercise's ``diagram.svg``;
- ``your-turn`` (``functions``, ``functions-ko`` if the Korean differs): which functions
  the next cells call, and how a stub stops the notebook;
- ``self-check``: runs ``pytest -m NAME``, two cells.

``intro`` and ``your-turn`` say "with the same weights" unless the exercise is in
:data:`UNWEIGHTED`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from textwrap import dedent

from autograder.authoring import notebook_pitfalls as pitfalls
from autograder.catalog import folder, number

Cell = tuple[str, str]  # ("md" or "code", source)

UNWEIGHTED = ("one_hot", "params")  # their notebooks give the student's code no weights


def md(text: str) -> Cell:
    """A markdown cell; ``text`` is dedented and stripped."""
    return ("md", dedent(text).strip())


def code(text: str) -> Cell:
    """A code cell; ``text`` is dedented and stripped."""
    return ("code", dedent(text).strip())


# --- cells every notebook shares ---------------------------------------------------------


def _intro(exercise: str, ko: str, en: str) -> Cell:
    weighted = exercise not in UNWEIGHTED
    same_ko = "같은 예제, 같은 가중치로" if weighted else "같은 예제로"
    same_en = "on the same example with the same weights" if weighted else "on the same example"
    return md(f"""
        # {number(exercise)} · {ko} ({en})

        **KO** 이 노트북은 강의 노트의 내용을 짧게 정리하고, 노트의 예제 "What time is it ?"를 Keras
        3에서 올바르게 실행한 다음, 여러분이 `rnnlab/{exercise}.py`에 구현한 코드를 {same_ko} Keras의
        결과와 비교합니다. 마지막에는 그림으로 결과를 살펴보고 공개 자가 점검(self-check)을 실행합니다.
        TensorFlow가 없어도 괜찮습니다. Keras가 없으면 `example.npz`에 저장해 둔 Keras의 결과를 대신
        씁니다. 위에서부터 차례로 실행하세요(*Kernel → Restart Kernel and Run All Cells*). 아직 구현하지
        않은 함수가 있으면 그 함수를 호출하는 셀에서 `NotImplementedError`가 나며 멈춥니다. 메시지에
        적힌 함수를 구현한 뒤 다시 실행하세요.

        **EN** This notebook sums up the course notes, runs the notes' example "What time is it ?"
        correctly in Keras 3, then compares your code in `rnnlab/{exercise}.py` with Keras's result
        {same_en}. It ends with a picture and the public
        self-check. TensorFlow is not needed: without Keras the notebook reads Keras's results
        from `example.npz`. Run it top to bottom (*Kernel → Restart Kernel and Run All Cells*).
        If a function is not implemented yet, the notebook stops at the cell that calls it, with
        `NotImplementedError`: implement the function the message names and run again.

        Needs / 필요한 것: `numpy`, `pytest` and Jupyter; `matplotlib` for the picture
        (optional): `pip install jupyter matplotlib`.
    """)


def _setup(exercise: str) -> Cell:
    return code(f"""
        # Setup: run this cell first. 이 설정 셀을 가장 먼저 실행하세요.
        import os
        import sys
        from pathlib import Path

        import numpy as np

        # The kit's root is the first folder, from here upwards, that holds rnnlab/.
        ROOT = Path.cwd().resolve()
        while not (ROOT / "rnnlab").is_dir():
            if ROOT.parent == ROOT:
                raise FileNotFoundError("no rnnlab/ folder above this notebook: open it in the kit")
            ROOT = ROOT.parent
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))


        def example_of(name):
            \"\"\"An exercise's example.npz: the notes' example as Keras computed it.\"\"\"
            with np.load(ROOT / "exercises" / name / "example.npz") as npz:
                return {{key: npz[key] for key in npz.files}}


        EXAMPLE = example_of("{folder(exercise)}")

        # Keras is optional. Without it (no TensorFlow) every Keras result below is read from
        # example.npz. Setting RNNLAB_NO_KERAS=1 in the environment before Jupyter starts
        # takes that path even when Keras is installed.
        # Keras가 없어도 됩니다. 없으면 Keras의 결과를 example.npz에서 읽습니다.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # fewer TensorFlow start-up logs
        try:
            if os.environ.get("RNNLAB_NO_KERAS") == "1":
                raise ImportError("RNNLAB_NO_KERAS=1")
            import keras

            if int(keras.__version__.split(".")[0]) < 3:  # these notebooks use Keras 3
                raise ImportError(f"Keras {{keras.__version__}} is older than Keras 3")
        except ImportError:
            keras = None

        try:  # the picture is optional too: pip install matplotlib
            import matplotlib.pyplot as plt
        except ImportError:
            plt = None

        # Edits to rnnlab/*.py are picked up without restarting the kernel.
        %load_ext autoreload
        %autoreload 2

        print("kit:", ROOT)
        print("Keras:", keras.__version__ if keras else "not used, results come from example.npz")
    """)


HELPERS = code("""
    def from_keras(layer, inputs, weights):
        \"\"\"Build a Keras layer on `inputs`, load `weights` into it, return its output.\"\"\"
        layer(inputs)  # the first call creates random weights ...
        layer.set_weights(weights)  # ... which we replace by the example's
        outputs = layer(inputs)
        if isinstance(outputs, (list, tuple)):
            return [np.asarray(output) for output in outputs]
        return np.asarray(outputs)


    def same_as_stored(name, value):
        \"\"\"With Keras: what it computed now must match the copy in example.npz.\"\"\"
        error = float(np.max(np.abs(np.asarray(value, dtype=float) - EXAMPLE[name])))
        print(f"{name}: Keras now vs example.npz, max difference {error:.1e}")
        assert error < 1e-6, f"{name}: Keras and example.npz disagree"


    def compare(name, mine, expected):
        \"\"\"Your result against Keras's: shape, largest error, the graded tolerance.\"\"\"
        mine, expected = np.asarray(mine), np.asarray(expected)
        assert mine.shape == expected.shape, f"{name}: your shape {mine.shape}, Keras {expected.shape}"
        error = float(np.max(np.abs(mine - expected), initial=0.0))
        print(f"{name}: shape {mine.shape}, max |mine - Keras| = {error:.1e}")
        np.testing.assert_allclose(mine, expected, rtol=1e-5, atol=1e-5, err_msg=name)
""")

SENTENCE = code("""
    sentence = "What time is it ?"
    dic = {"is": 0, "it": 1, "What": 2, "time": 3, "?": 4}
    words = sentence.split()
    ids = np.array([[dic[word] for word in words]])  # [[...]]: a batch of one sentence
    print("입력 문장 / sentence:", sentence)
    print("단어 매핑 / ids:", ids, " shape:", ids.shape)
    assert (ids == EXAMPLE["ids"]).all()
""")

def _diagram(exercise: str, title: str) -> Cell:
    """A code cell that shows the exercise's ``diagram.svg``, the statement's diagram."""
    return code(f"""
        # 그림 / Diagram: {title} (exercises/{folder(exercise)}/diagram.svg)
        from IPython.display import SVG, display

        display(SVG(filename=str(ROOT / "exercises" / "{folder(exercise)}" / "diagram.svg")))
    """)


def _your_turn(exercise: str, functions: str, functions_ko: str | None = None) -> Cell:
    weighted = exercise not in UNWEIGHTED
    same_ko = "같은 입력과 같은 가중치(`layer.get_weights()`)로" if weighted else "같은 입력으로"
    same_en = ("on the same inputs with the same weights (`layer.get_weights()`)" if weighted
               else "on the same inputs")
    return md(f"""
        ## 내 구현 · Your implementation

        **KO** 이제 {same_ko} 여러분의 코드({functions_ko or functions})를 호출합니다. 아래 셀들은 먼저
        한 셀에 호출을 하나씩만 합니다. 함수가 아직 스텁이면 그 셀에서 `NotImplementedError: Exercise
        {number(exercise)} ({exercise}): implement ...`가 나며 멈춥니다. 메시지에 적힌 함수를
        `rnnlab/{exercise}.py`에 구현하고 다시 실행하세요. autoreload가 켜져 있으므로 커널을 다시
        시작하지 않아도 됩니다.

        **EN** Now your code, {same_en}: {functions}. The cells below first make one call
        each: while a function is still a stub, the notebook stops at its cell with
        `NotImplementedError: Exercise {number(exercise)} ({exercise}): implement ...`.
        Implement the function the message names in `rnnlab/{exercise}.py` and run again
        (autoreload is on, so no kernel restart is needed).
    """)


def _self_check(exercise: str) -> list[Cell]:
    return [
        md(f"""
            ## 공개 자가 점검 · The public self-check

            **KO** 터미널에서 `python -m pytest -m {exercise}`를 실행하는 것과 같습니다. 새 프로세스에서
            실행하므로 언제나 최신 코드를 검사합니다. 공개 점검을 모두 통과했다고 해서 만점이 보장되지는
            않습니다. 채점에서는 더 많은 경우를 확인합니다.

            **EN** The same as `python -m pytest -m {exercise}` in a terminal. It runs in a fresh
            process, so it always checks your latest code. Passing every public check is a good
            sign, not a guarantee: grading uses more cases.
        """),
        code(f"""
            import subprocess

            check = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "{exercise}"],
                cwd=ROOT, capture_output=True, text=True, check=False,
            )
            print(check.stdout[-6000:], check.stderr[-3000:], sep="")
            assert check.returncode == 0, "some public checks fail: read the report above"
        """),
    ]


def _always(*shared: Cell) -> Callable[[str], list[Cell]]:
    return lambda exercise: list(shared)


def _one(make: Callable[..., Cell]) -> Callable[..., list[Cell]]:
    def cells(exercise: str, **params: str) -> list[Cell]:
        return [make(exercise, **params)]

    cells.__signature__ = inspect.signature(make)  # what a marker may pass
    return cells


SHARED: dict[str, Callable[..., list[Cell]]] = {  # a marker's NAME -> its cells
    "intro": _one(_intro),
    "setup": _one(_setup),
    "helpers": _always(HELPERS),
    "sentence": _always(SENTENCE),
    "pitfalls": _one(pitfalls.box),
    "pitfalls-live": _always(pitfalls.LIVE),
    "diagram": _one(_diagram),
    "your-turn": _one(_your_turn),
    "self-check": _self_check,
}


def expand(exercise: str, name: str, params: dict[str, str], body: str = "") -> list[Cell]:
    """The cells of the shared cell ``name`` in ``exercise``'s notebook; ``params``: the
    marker's keys, ``body``: its text. A ``ValueError`` names an unknown marker or key, or a
    missing key."""
    if name not in SHARED:
        raise ValueError(f"{exercise}: unknown shared cell {name!r}; known: {', '.join(SHARED)}")
    arguments = {key.replace("-", "_"): value for key, value in params.items()}
    if body:
        arguments["body"] = body
    accepted = dict(inspect.signature(SHARED[name]).parameters)
    accepted.pop("exercise")
    unknown = sorted(set(arguments) - set(accepted))
    missing = [key for key, parameter in accepted.items()
               if parameter.default is inspect.Parameter.empty and key not in arguments]
    if unknown or missing:
        where = "text after the marker" if unknown == ["body"] else f"keys {unknown}"
        raise ValueError(f"{exercise}: shared cell {name!r}: "
                         + (f"unexpected {where}" if unknown else f"missing keys {missing}"))
    return SHARED[name](exercise, **arguments)
