"""Build the teaching notebooks, one per exercise: ``exercises/NN_name/NN_name.ipynb``.

Each notebook teaches its exercise's idea in short Korean and English paragraphs side by
side (faithful to the course notes), runs the notes' running example correctly in Keras 3
(or reads Keras's results from ``example.npz``, see :mod:`autograder.references.examples`, when
TensorFlow is missing), calls the student's function on the same example with the same
weights and compares, shows the statement's ``diagram.svg`` (02-06), draws one picture,
and runs the public self-check.

The committed notebooks carry no outputs and no execution counts, and their cell ids are
``f"{exercise}-{n}"``: a fresh :func:`build` gives the same bytes (:func:`render`), which
``tests/test_notebooks.py`` checks. ``python -m autograder notebooks`` rewrites them; then
run ``python -m autograder template`` to copy them into the student template.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

import nbformat

from autograder.catalog import EXERCISE_DOCS, EXERCISES, folder, number

Cell = tuple[str, str]  # ("md" or "code", source)

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}

TITLES = {
    "one_hot": ("원-핫 인코딩", "One-hot encoding"),
    "embedding": ("임베딩 테이블", "The embedding table"),
    "simple_rnn": ("SimpleRNN, 순환 레이어", "SimpleRNN, the recurrent layer"),
    "lstm": ("LSTM, 게이트와 셀 상태", "LSTM, gates and a cell state"),
    "bidirectional": ("양방향 레이어", "Bidirectional, reading both ways"),
    "gru": ("GRU, 게이트 둘에 상태 하나", "GRU, two gates around one state"),
    "masking": ("마스킹과 패딩", "Masking and padding"),
    "params": ("파라미터 수 세기", "Counting parameters"),
    "backward": ("시간 역전파", "Backpropagation through time"),
}
UNWEIGHTED = ("one_hot", "params")  # their notebooks give the student's code no weights


def md(text: str) -> Cell:
    """A markdown cell; ``text`` is dedented and stripped."""
    return ("md", dedent(text).strip())


def code(text: str) -> Cell:
    """A code cell; ``text`` is dedented and stripped."""
    return ("code", dedent(text).strip())


# --- cells every notebook shares ---------------------------------------------------------


def _intro(exercise: str) -> Cell:
    ko, en = TITLES[exercise]
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

        # The notes' example as Keras computed it: ids, weights and outputs.
        with np.load(ROOT / "exercises" / "{folder(exercise)}" / "example.npz") as npz:
            EXAMPLE = {{key: npz[key] for key in npz.files}}

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

PITFALLS_KO = """
    첫 번째 노트의 코드는 지금의 Keras 3에서 적힌 그대로는 실행되지 않습니다.
    1. `'What time is it?'.split()`은 `'it?'`를 한 토큰으로 남기므로 사전을 조회할 때 `KeyError`가
       납니다. 그래서 물음표 앞에 공백을 둔 `"What time is it ?"`를 씁니다.
    2. 사전이 `'What'`과 `'time'`을 둘 다 3으로 매핑합니다. 서로 다른 두 단어가 같은 원-핫 벡터, 같은
       임베딩을 갖게 되어 구별할 수 없습니다. 그래서 단어마다 고유한 id를 줍니다(`{"is": 0, "it": 1,
       "What": 2, "time": 3, "?": 4}`).
    3. `SimpleRNN(units=64, return_sequence=True, ...)`의 키워드는 `return_sequences`(끝에 s)가
       맞습니다. Keras 3에서는 `ValueError: Unrecognized keyword arguments passed to SimpleRNN:
       {'return_sequence': True}` 오류가 납니다.
    4. `tf.constant([dic[word] for word in ...])`는 배치 차원이 없는 1-D id `(5,)`를 만듭니다. 그러면
       Embedding 출력이 2-D `(5, 100)`이 되어 RNN이 `expected ndim=3, found ndim=2` 오류를 냅니다.
       `[[...]]`로 감싸 문장 하나짜리 배치 `(1, 5)`를 만들면 출력이 `(1, 5, 100)`이 됩니다.
"""
PITFALLS_EN = """
    The first note's code does not run as printed in today's Keras 3.
    1. `'What time is it?'.split()` keeps `'it?'` as one token, so the dictionary lookup raises
       `KeyError`. Write `"What time is it ?"`, with a space before the question mark.
    2. Its dictionary maps both `'What'` and `'time'` to 3: two different words get the same one-hot
       vector and the same embedding, and nothing can tell them apart. Every word needs its own id:
       `{"is": 0, "it": 1, "What": 2, "time": 3, "?": 4}`.
    3. `SimpleRNN(units=64, return_sequence=True, ...)`: the keyword is `return_sequences` (with an s).
       Keras 3 raises `ValueError: Unrecognized keyword arguments passed to SimpleRNN:
       {'return_sequence': True}`.
    4. `tf.constant([dic[word] for word in ...])` makes unbatched 1-D ids `(5,)`. The Embedding output
       is then 2-D `(5, 100)` and the RNN rejects it: `expected ndim=3, found ndim=2`. Wrap the ids as a
       batch of one sentence, `[[...]]`, shape `(1, 5)`, to get `(1, 5, 100)`.
"""

# The course notes' own slips, each flagged once, in the pitfalls box of its topic's notebook.
NOTES_SLIPS = {  # exercise -> (KO items, EN items), numbered after the four above
    "one_hot": ("""
        5. 노트는 분포 가설을 "distribution hypothesis"로, 분산 표현을 "distribution Representation"으로
           적었습니다. 올바른 영어 용어는 distributional hypothesis와 distributed representation입니다.
           또 노트의 "이 가설을 통해 분산표현 이라고 한다"는 문장은 중간이 빠져 뜻이 통하지 않습니다.
           분산 표현은 분포 가설에 따라 학습해서 얻는 단어 벡터이고, 가설 자체의 이름이 아닙니다.
    """, """
        5. The notes write "distribution hypothesis" and "distribution Representation"; the terms are
           distributional hypothesis and distributed representation. Their sentence "이 가설을 통해
           분산표현 이라고 한다" ("through this hypothesis, it is called a distributed representation")
           is missing its middle: a distributed representation is the word vectors learned following the
           hypothesis, not the hypothesis's name.
    """),
    "embedding": ("""
        5. 노트는 룩업 테이블을 두고 "그것은 원-핫 인코딩 이라고도 하는데"라고 씁니다. 원-핫 인코딩은
           임베딩 테이블의 다른 이름이 아닙니다. 원-핫 벡터에 임베딩 테이블을 곱하면 행 하나가
           골라지므로, 원-핫 인코딩은 조회를 *설명하는* 방법일 뿐입니다. 실제 레이어는 원-핫 벡터를
           만들지 않고 행을 바로 조회합니다.
    """, """
        5. Of the lookup table the notes say "그것은 원-핫 인코딩 이라고도 하는데" ("it is also called
           one-hot encoding"). One-hot encoding is not another name for the embedding table: one-hot
           times the table picks one row, so one-hot vectors are a way to *explain* the lookup. The real
           layer makes no one-hot vectors; it looks the rows up.
    """),
    "simple_rnn": ("""
        5. 노트는 RNN이 "단 하나의 Weight를 순차적으로 업데이트하기 때문에 다른 레이어에 비해 느리다"고
           씁니다. 가중치는 타임스텝마다 업데이트되지 않습니다. 같은 가중치를 모든 타임스텝에서 다시
           쓰고, 타임스텝마다 바뀌는 것은 은닉 상태입니다. 느린 까닭은 각 타임스텝이 이전 타임스텝의
           은닉 상태를 기다려야 해서 차례로 계산할 수밖에 없기 때문입니다.
        6. 노트는 두 레이어의 출력을 보고 "마지막에 남는 Weight 은 (100, 64)로 똑같은 값을 가진다"고
           씁니다. 같은 것은 값이 아니라 모양입니다. 노트의 두 레이어는 각자 무작위로 초기화되므로
           가중치의 값이 서로 다릅니다. 이 노트북에서는 두 출력을 비교하려고 일부러 같은 가중치를
           넣습니다.
    """, """
        5. The notes say an RNN "is slower than other layers because it updates its single weight
           sequentially" ("단 하나의 Weight를 순차적으로 업데이트하기 때문에"). The weight is not
           updated step by step: the same weight is reused at every time step, and what changes from
           step to step is the hidden state. It is slow because each step waits for the previous step's
           hidden state, so the steps run one after another.
        6. Looking at the two layers' outputs, the notes say the weights left at the end "have the same
           value, (100, 64)" ("똑같은 값을 가진다"). What is the same is the shape, not the values: the
           notes' two layers are initialised at random, each on its own, so their weights differ. This
           notebook gives both the same weights on purpose, to compare their outputs.
    """),
    "lstm": ("""
        5. 노트는 기울기가 매우 작아지거나 커지는 현상을 "기울기 소실 (vanishing) 혹은 포화
           (exploding)"라고 부릅니다. exploding gradient는 **기울기 폭주**입니다. 포화(saturation)는
           전혀 다른 현상으로, 시그모이드나 `tanh`의 입력이 너무 커서 출력이 끝값(0, 1 또는 ±1) 근처에
           붙고 미분이 0에 가까워지는 것을 말합니다. 포화는 오히려 기울기 소실의 원인이 됩니다.
        6. 노트는 셀 상태가 "긴 문장의 앞부분도 손실 없이 저장해준다"고 씁니다. 이것은 지나친
           표현입니다. 셀 상태에도 타임스텝마다 망각 게이트가 곱해지므로 정보는 조금씩 줄어듭니다. 셀
           상태는 행렬 곱과 `tanh`를 거치지 않는 길을 만들어, 정보와 기울기가 *덜 손실되며* 멀리까지
           전달되게 할 뿐입니다. 아래 그림처럼 망각 게이트가 0.5 근처이면 셀 상태의 기울기도 금방
           사라집니다.
        7. 노트는 시그모이드의 출력이 "0과 1로만 이루어져 있어" 보낼 정보와 막을 정보를 고른다고 합니다.
           시그모이드의 출력은 0과 1 *사이*의 실수입니다. 그래서 게이트는 신호를 모두 막거나 모두
           통과시키는 것뿐 아니라 일부만 통과시킬 수도 있습니다.
        8. 노트의 단계 목록 "1번 , 2번, - 번, 4번"에는 3번이 빠져 있습니다. 빠진 3번은 후보 값 `g`를
           만드는 블록입니다. 그래서 블록은 망각 게이트, 입력 게이트, 후보 값, 출력 게이트의 넷입니다.
        9. 노트는 그 세 번째 블록을 "원래 본연의 가중치를 통해 이전 1,2번에서 정한 일 해줌"이라고
           설명합니다. '원래'와 '본연의'는 뜻이 겹치고, 무엇을 가리키는지도 분명하지 않습니다. 이 블록은
           SimpleRNN처럼 `tanh`로 후보 값 `g`를 만드는 블록이며, kernel과 recurrent kernel에서 자기 몫의
           열(`2U:3U`)을 따로 가집니다. 1번과 2번의 게이트는 셀 상태에서 무엇을 지우고 이 후보 값을
           얼마나 쓸지 정합니다.
        10. 노트는 입력 게이트가 "새로운 cell state를 기존 cell state에 반영할 정도"를 정한다고 씁니다.
            셀 상태에 새로 반영되는 것은 또 하나의 셀 상태가 아니라 후보 값 `g`입니다. 그 밖에 노트의
            "forgat gate", "Cell ctate", "4베"는 각각 forget gate, cell state, 4배를 잘못 쓴 것입니다.
    """, """
        5. The notes call a derivative that becomes very small or very large "기울기 소실 (vanishing)
           혹은 포화 (exploding)". The exploding gradient is **기울기 폭주**. 포화, saturation, is
           something else: a sigmoid's or `tanh`'s input is so large that the output sticks near its
           limit (0, 1 or ±1) and the derivative is nearly 0, which if anything causes vanishing
           gradients.
        6. The notes say the cell state "stores even the start of a long sentence without loss" ("손실
           없이 저장해준다"). That claims too much: the forget gate multiplies the cell state at every
           step, so information fades there too. The cell state gives information and gradients a path
           without matrices and `tanh`, along which they pass *with less loss*; with forget gates near
           0.5, as in the picture below, its gradient vanishes quickly as well.
        7. The notes say a sigmoid's output "is only 0 and 1" ("0과 1로만"). A sigmoid gives any value
           *between* 0 and 1, which is what lets a gate pass part of a signal, not only all or nothing.
        8. The notes' list of steps "1번 , 2번, - 번, 4번" has no step 3. The missing step 3 is the
           block that makes the candidate `g`: the four blocks are the forget gate, the input gate, the
           candidate and the output gate.
        9. The notes describe that third block as "원래 본연의 가중치를 통해 이전 1,2번에서 정한 일
           해줌" (roughly "does what steps 1 and 2 decided, through the original own weights"): "원래"
           and "본연의" say the same thing twice, and what they refer to is unclear. The block makes the
           candidate `g` with `tanh`, as SimpleRNN does, from its own columns (`2U:3U`) of the kernel
           and the recurrent kernel; gates 1 and 2 decide what to erase from the cell state and how much
           of this candidate to write.
        10. The notes say the input gate decides "how much of the new cell state goes into the old cell
            state". What is written into the cell state is the candidate `g`, not another cell state.
            Also, the notes' "forgat gate", "Cell ctate" and "4베" are typos for forget gate, cell state
            and 4배 (four times).
    """),
    "bidirectional": ("""
        5. 노트는 `(1, 5, 128)`을 "(최종 Step Output)"이라고 부르지만, 이것은 모든 타임스텝의
           출력입니다. 안쪽 레이어가 `return_sequences=True`이기 때문입니다. 마지막 타임스텝의
           출력만이라면 `(1, 128)`입니다.
    """, """
        5. The notes call `(1, 5, 128)` the "(final step output)", but it holds every time step, because
           the inner layer has `return_sequences=True`; the last step alone would be `(1, 128)`.
    """),
}


def _pitfalls(exercise: str) -> Cell:
    """The pitfalls box: the first note's code in Keras 3, then the notes' slips on this topic."""
    slips_ko, slips_en = NOTES_SLIPS.get(exercise, ("", ""))
    parts = ["**⚠️ 노트의 함정 · Pitfalls in the notes**",
             "**KO** " + dedent(PITFALLS_KO).strip()]
    if slips_ko:
        parts += ["이 주제를 다룬 노트의 설명에도 바로잡을 곳이 있습니다.", dedent(slips_ko).strip()]
    parts.append("**EN** " + dedent(PITFALLS_EN).strip())
    if slips_en:
        parts += ["The notes' text on this topic needs correcting too.", dedent(slips_en).strip()]
    text = "\n\n".join(parts)
    return ("md", "\n".join(f"> {line}".rstrip() for line in text.split("\n")))


def _diagram(exercise: str, title_ko: str) -> Cell:
    """A code cell that shows the exercise's ``diagram.svg``, the statement's diagram."""
    return code(f"""
        # 그림 / Diagram: {title_ko} (exercises/{folder(exercise)}/diagram.svg)
        from IPython.display import SVG, display

        display(SVG(filename=str(ROOT / "exercises" / "{folder(exercise)}" / "diagram.svg")))
    """)


PITFALLS_LIVE = code("""
    # The pitfalls, live. 함정을 직접 확인합니다.
    first_sentence = "What time is it?"  # the first note's sentence and dictionary
    first_dic = {"is": 0, "it": 1, "What": 3, "time": 3, "?": 4}
    try:
        [first_dic[word] for word in first_sentence.split()]
    except KeyError as error:
        print("1. KeyError:", error, "<- the tokens are", first_sentence.split())
    duplicates = [first_dic[word] for word in words]
    print("2. ids", duplicates, "<- 'What' and 'time' are both 3")
    if keras is None:
        print("3. (with Keras) ValueError: Unrecognized keyword arguments passed to SimpleRNN")
        print("4. (with Keras) ValueError: ... expected ndim=3, found ndim=2 ...")
    else:
        try:
            keras.layers.SimpleRNN(units=64, return_sequence=True, use_bias=False)
        except ValueError as error:
            print("3. ValueError:", error)
        unbatched = keras.layers.Embedding(input_dim=5, output_dim=100)(np.array([2, 3, 0, 1, 4]))
        try:
            keras.layers.SimpleRNN(units=64)(unbatched)
        except ValueError as error:
            print(f"4. Embedding output {tuple(unbatched.shape)} -> ValueError:", error)
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


def _keras_or_stored(with_keras: str | tuple[str, ...], stored: str, then: str = "") -> Cell:
    """A code cell: ``with_keras`` (parts, each dedented) when Keras is there, else ``stored``
    (from example.npz), then ``then``."""
    parts = (with_keras,) if isinstance(with_keras, str) else with_keras
    keras_code = "\n".join(dedent(part).strip() for part in parts)
    body = (f"if keras is not None:\n{indent(keras_code, '    ')}\n"
            f"else:\n{indent(dedent(stored).strip(), '    ')}\n{dedent(then).strip()}")
    return ("code", body.strip())


def _figure(prepare: str, draw: str) -> Cell:
    """A code cell: ``prepare``, then ``draw`` when matplotlib is there."""
    body = (f"{dedent(prepare).strip()}\n\nif plt is None:\n"
            f"    print(\"pip install matplotlib to see the picture\")\n"
            f"else:\n{indent(dedent(draw).strip(), '    ')}")
    return ("code", body.strip())


EMBEDDED = """
    embedding_layer = keras.layers.Embedding(input_dim=len(dic), output_dim=100, dtype="float64")
    emb_out = from_keras(embedding_layer, ids, [EXAMPLE["embeddings"]])
"""


def _jacobian_sizes(recurrent: str) -> str:
    """Code lines (indented as in a cell's source): ``sizes[k - 1] = |dh_T/dh_(T-k)|``, the
    spectral norm of a SimpleRNN's Jacobian, from its ``states`` ``(T, U)`` and ``recurrent``."""
    return f"""            R = np.asarray({recurrent}, dtype=float)
            jacobian, sizes = np.eye(R.shape[0]), []
            for t in range(len(states) - 1, 0, -1):  # dh_t/dh_{{t-1}} = diag(1 - h_t^2) R^T
                jacobian = jacobian @ (np.diag(1 - states[t] ** 2) @ R.T)
                sizes.append(np.linalg.norm(jacobian, 2))"""


EXAMPLE_OF = """
    def example_of(name):
        \"\"\"Another exercise's example.npz, for the weights of its layer.\"\"\"
        with np.load(ROOT / "exercises" / name / "example.npz") as npz:
            return {key: npz[key] for key in npz.files}
"""


def _next(text_ko: str, text_en: str) -> Cell:
    return md(f"""
        ## 정리 · Summary

        **KO** {text_ko}

        **EN** {text_en}
    """)


# --- 01 one-hot --------------------------------------------------------------------------


def _one_hot() -> list[Cell]:
    return [
        md("""
            ## 희소 표현과 원-핫 인코딩 · Sparse representation: one-hot encoding

            **KO** 신경망은 단어를 그대로 읽지 못하고 숫자만 다룹니다. 가장 단순한 방법은 **희소
            표현**(sparse representation), 즉 벡터의 특정 차원에 단어(혹은 의미)를 직접 매핑하는
            방식입니다. **원-핫 인코딩**은 N개의 단어를 N차원 벡터로 표현합니다. 그 단어에 해당하는
            자리에는 1을, 나머지 자리에는 모두 0을 넣습니다.

            **EN** A network cannot read words, only numbers. The simplest encoding is a
            **sparse representation**: each dimension of the vector is mapped directly to one word
            (or meaning). **One-hot encoding** represents N words as N-dimensional vectors: a 1 in
            the word's slot and 0 everywhere else.

            ```
            one_hot(k, V)[j] = 1.0 if j == k else 0.0        (an id outside [0, V) gives all zeros)
            ```
        """),
        md("""
            ## 원-핫 벡터는 서로 직교한다 · One-hot vectors are orthogonal

            **KO** 원-핫 벡터는 1인 원소 하나를 빼면 모두 0인 희소 벡터입니다. 그래서 서로 다른 두 단어
            벡터의 내적은 0이고, 두 벡터는 **직교**합니다. 단어들이 서로 **독립적**으로 존재한다는
            뜻인데, 원-핫 인코딩의 **치명적인 단점**이 바로 여기서 나옵니다. 단어의 의미나 개념의 차이를
            담을 수 없다는 것입니다. '과학'과 '공학'의 관계가 '과학'과 '수박'의 관계와 똑같아집니다.

            **EN** A one-hot vector is sparse: every entry is 0 except a single 1. So the dot
            product of two different words' vectors is 0: they are **orthogonal**. Every word
            stands **independent** of every other, and that is one-hot encoding's **fatal flaw**:
            it cannot carry meaning or the difference between concepts. 'science' is exactly as
            far from 'engineering' as it is from 'watermelon'.

            ```
            one_hot(k, V) · one_hot(m, V) = 1 if k == m else 0
            ```
        """),
        md("""
            ## 분포 가설과 분산 표현 · Distributional hypothesis, distributed representation

            **KO** **분포 가설**(distributional hypothesis)은 비슷한 맥락에서 나타나는 단어는 의미도
            비슷하다는 가정입니다. 여기서 맥락이란 단어의 좌우에 함께 나타나는 단어들을 말합니다. **분산
            표현**(distributed representation)은 차원을 미리(예를 들어 100이나 256으로) 정해 두고,
            비슷한 맥락에 나타난 단어의 벡터는 가깝게, 그렇지 않은 단어의 벡터는 멀어지게 조정해서 얻는
            단어 벡터입니다. 희소 표현과 달리 단어 사이의 유사도를 계산으로 구할 수 있습니다. 이런
            벡터를 만드는 것이 다음 연습(02)의 Embedding 레이어이고, 그 레이어는 원-핫 벡터에 가중치를
            곱하는 연산으로 설명됩니다.

            **EN** The **distributional hypothesis**: words that appear in similar contexts have
            similar meanings; the context is the words to a word's left and right. A
            **distributed representation** fixes a dimension (say 100 or 256) and adjusts the
            vectors so that words from similar contexts end up close together and the others far
            apart. Unlike a sparse representation, it lets you *compute* how similar two words
            are. Building these vectors is the job of the Embedding layer (exercise 02), and
            one-hot vectors are how that layer is explained: one-hot times a weight matrix.
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 두 번째 노트의 예제를 씁니다. 문장을 공백으로 나누고, 사전에서 id를 찾은 뒤,
            `[[...]]`로 감싸 문장 하나짜리 배치 `(1, 5)`를 만듭니다. Keras 3에서 원-핫 인코딩은
            `keras.ops.one_hot(ids, 5)`입니다(`tf.one_hot`과 같습니다). 결과의 모양은 `(1, 5, 5)`로,
            문장의 단어마다 5차원 원-핫 벡터가 하나씩 있습니다.

            **EN** We use the second note's example: split the sentence on spaces, look the ids
            up in the dictionary, and wrap them as a batch of one sentence, `[[...]]`, shape
            `(1, 5)`. In Keras 3 one-hot encoding is `keras.ops.one_hot(ids, 5)` (the same as
            `tf.one_hot`). The result is `(1, 5, 5)`: one 5-dimensional one-hot vector per word.
        """),
        SENTENCE,
        code("""
            if keras is not None:
                keras_one_hot = np.asarray(keras.ops.one_hot(ids, len(dic)))
                same_as_stored("one_hot", keras_one_hot)
            else:
                keras_one_hot = EXAMPLE["one_hot"]
            print("원-핫 결과 / one-hot result:", keras_one_hot.shape, keras_one_hot.dtype)
            print(keras_one_hot[0])
        """),
        _pitfalls("one_hot"),
        PITFALLS_LIVE,
        _your_turn("one_hot", "`one_hot`"),
        code("""
            from rnnlab.one_hot import one_hot

            my_one_hot = one_hot(ids, len(dic))
        """),
        code("""
            compare("one_hot(ids, 5)", my_one_hot, keras_one_hot)
            print("dtype:", my_one_hot.dtype, "(graded: float32)")
            for word, row in zip(words, my_one_hot[0]):
                print(f"{word:>5}", row)
            print("ids -1 and 5 are outside [0, 5): all-zero rows\\n", one_hot([-1, 5], 5))
            print("every dot product between the words: the identity, all orthogonal")
            print(my_one_hot[0] @ my_one_hot[0].T)
        """),
        md("""
            ## 그림: 희소 표현과 분산 표현 · Picture: sparse vs dense

            **KO** 왼쪽은 문장에 있는 다섯 단어의 원-핫 벡터끼리 구한 코사인 유사도이고, 오른쪽은 무작위
            밀집 벡터(E = 4)끼리 구한 코사인 유사도입니다. 원-핫 벡터는 어떤 단어들이든 항등 행렬이
            나옵니다. 서로 다른 쌍은 모두 0이므로 'What'은 'time'과도 '?'와도 똑같이 멉니다. 밀집 벡터는
            여러 가지 크기의 유사도를 가질 수 있습니다. 다만 무작위 벡터의 유사도에는 아직 아무 의미가
            없습니다. 의미는 분포 가설에 따라 학습하면서 비슷한 맥락의 단어들이 가까워질 때 생깁니다.
            (노트처럼 E = 100이면 무작위 벡터끼리도 거의 직교합니다. 구조는 학습을 거쳐야만 생깁니다.)

            **EN** Left: cosine similarity between the one-hot vectors of the sentence's five
            words; right: between random dense vectors (E = 4). One-hot gives the identity matrix
            whatever the words: every pair is 0, and 'What' is as far from 'time' as from '?'.
            Dense vectors *can* have graded similarities. Those of random vectors mean nothing yet:
            meaning appears when training, following the distributional hypothesis, moves the
            vectors of words from similar contexts together. (With E = 100 as in the notes, random
            vectors are nearly orthogonal too: the structure comes only from training.)
        """),
        code("""
            def cosine_matrix(vectors):
                unit = vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)
                return unit @ unit.T


            dense = np.random.default_rng(0).normal(size=(len(words), 4))  # 5 random vectors, E = 4
            panels = {
                "one-hot vectors (sparse, V = 5)": cosine_matrix(my_one_hot[0]),
                "random dense vectors (E = 4)": cosine_matrix(dense),
            }
            if plt is None:
                print("pip install matplotlib to see the picture")
            else:
                fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
                for ax, (title, matrix) in zip(axes, panels.items()):
                    image = ax.imshow(matrix, cmap="coolwarm", vmin=-1, vmax=1)
                    ax.set_xticks(range(len(words)), words)
                    ax.set_yticks(range(len(words)), words)
                    for (row, col), value in np.ndenumerate(matrix):
                        ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=9)
                    ax.set_title(title)
                fig.colorbar(image, ax=axes, shrink=0.8, label="cosine similarity")
                plt.show()
        """),
        *_self_check("one_hot"),
        _next(
            "원-핫 벡터는 서로 직교하므로 의미를 담지 못합니다. 02에서는 원-핫 벡터에 가중치를 곱해 "
            "분산 표현을 얻는 Embedding 레이어를 만듭니다.",
            "One-hot vectors are orthogonal and carry no meaning. In 02 you build the "
            "Embedding layer, which turns one-hot vectors times a weight into a distributed "
            "representation.",
        ),
    ]


# --- 02 embedding ------------------------------------------------------------------------


def _embedding() -> list[Cell]:
    return [
        md("""
            ## Embedding 레이어, 분산 표현의 사전 · A dictionary of distributed representations

            **KO** Embedding 레이어는 단어의 분산 표현을 구현하는 레이어입니다. "단어를 V개 쓸 테니
            각각을 E차원으로 표현해 줘"라고 하면 V × E 모양의 분산 표현 사전을 만듭니다. 이 표가
            레이어의 **가중치**(학습되는 파라미터)인 **임베딩 테이블**이고, 모양은 **(단어의 개수,
            임베딩 크기)**입니다. 이 사전을 학습시키는 방법으로는 word2vec, FastText, GloVe, ELMo 등이
            있습니다. 말하자면 컴퓨터가 알아듣는 단어 사전입니다.

            **EN** The Embedding layer implements the distributed representation of words. Say
            "I use V words, give each one E dimensions", and it creates a V × E table: a
            dictionary of distributed representations. That table is the layer's **weight** (its
            trainable parameters), of shape **(number of words, embedding size)**; methods such
            as word2vec, FastText, GloVe and ELMo are ways to train it. It is the computer's own
            dictionary of words.
        """),
        md("""
            ## 룩업 테이블 = 원-핫 × 가중치 · A lookup table = one-hot times weights

            **KO** 노트의 말대로 룩업 테이블(lookup table)이 곧 임베딩 테이블입니다. 단어 `k`의 임베딩은
            그냥 표의 `k`번째 행입니다. 노트는 이것을 원-핫 벡터로 설명합니다. 단어를 원-핫 인코딩한
            다음 선형 변환(가중치와의 곱)을 하는 것입니다. 원-핫 행에는 1이 하나뿐이므로 `W`와 곱하면
            `W`의 행 하나가 정확히 골라집니다. 아래 그림이 이 곱셈을 보여 줍니다. 그래서 레이어는
            `{index: 선형변환값}`을 저장해 두는 셈입니다. 실제 레이어는 곱셈 대신 조회(lookup)를 합니다.
            단어가 50,000개라면 `(…, V)` 모양의 원-핫 배열을 만드는 것은 메모리와 시간의 낭비이기
            때문입니다.

            **EN** As the notes say, Lookup Table = Embedding Table: the embedding of word `k` is
            simply row `k` of the table. The notes explain it with one-hot vectors: one-hot encode
            the words, then apply a linear map (multiply by the weight). A one-hot row has a
            single 1, so multiplying it by `W` picks out exactly one row of `W` (the diagram
            below); the layer in effect stores `{index: linear map value}`. Real layers look rows
            up instead of multiplying, because a `(…, V)` one-hot array for 50,000 words wastes
            memory and time.

            ```
            [0, 0, 1, 0, 0] @ W = W[2]          one_hot(ids, V) @ W == W[ids]      W: (V, E)
            ```
        """),
        _diagram("embedding", "원-핫 × W, 임베딩 테이블의 행 고르기"),
        md("""
            ## 왜 입력에 직접 연결하나 · Why it sits at the input

            **KO** 노트에는 "Embedding Layer는 미분이 불가능하므로 신경망 설계를 할 때 **입력에 직접
            연결되게** 사용해야 한다."라고 적혀 있습니다. 미분할 수 없는 것은 입력(id)에 대한
            조회입니다. 정수 id는 행을 *고를* 뿐이고, "3번 행"을 "3"으로 미분한 값 같은 것은 없습니다.
            기울기는 골라진 임베딩 테이블의 행으로는 흘러가지만, id를 거슬러 흐르지는 않습니다. 그래서
            Embedding 레이어는 원래의 id를 직접 받아야 합니다. 다른 레이어가 계산한 출력 뒤에 두면 그
            앞의 레이어는 기울기를 받지 못합니다.

            **EN** The notes: "the Embedding layer is not differentiable, so in a network it must
            be **connected directly to the input**." A lookup has no derivative with respect to its
            input: the integer ids only *select* rows, and there is no gradient of "row 3" with
            respect to "3". Gradients flow into the selected rows of the table, never back through
            the ids. So the layer must take the raw ids directly: placed after another layer's
            computed output, it would leave that layer without gradients.
        """),
        md("""
            ## 코사인 유사도로 분산 표현 비교하기 · Comparing distributed vectors: cosine similarity

            **KO** 원-핫 벡터는 모두 직교합니다(01). 반면 분산 표현의 벡터는 서로 비슷한 방향을 가리킬
            수 있고, 이것은 보통 코사인 유사도로 잽니다. 방향이 같으면 1, 직교하면 0, 반대 방향이면
            -1입니다. 예를 들어 과학이 `[0.9, 0.8]`, 공학이 `[0.8, 0.9]`, 수박이 `[-0.7, 0.1]`이라면
            cos(과학, 공학) = 0.993이고 cos(과학, 수박) = -0.646입니다.

            **EN** One-hot vectors are all orthogonal (01). Distributed vectors can point in
            similar directions, and the usual measure is cosine similarity: 1 for the same
            direction, 0 for orthogonal, -1 for opposite. With science `[0.9, 0.8]`, engineering
            `[0.8, 0.9]` and watermelon `[-0.7, 0.1]`: cos(science, engineering) = 0.993 and
            cos(science, watermelon) = -0.646.

            ```
            cos(a, b) = sum(a * b) / (max(|a|, 1e-7) * max(|b|, 1e-7))      along the last axis
            ```
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' examples in Keras 3

            **KO** 노트의 첫 예제에서는 단어 3개짜리 문장 `[[3, 57, 35]]`(모양 `(1, 3)`)에
            `Embedding(input_dim=64, output_dim=100)`을 적용합니다. 출력은 `(1, 3, 100)`, 가중치는 `(64,
            100)`입니다. "What time is it ?"의 출력은 `(1, 5, 100)`, 가중치는 `(5, 100)`입니다. 모두가
            같은 숫자를 보도록, 무작위 초기 가중치 대신 `example.npz`의 임베딩 테이블을 `set_weights`로
            넣습니다(`dtype="float64"`는 비교를 1e-15 수준까지 정확하게 하려는 것일 뿐입니다).

            **EN** The notes' first example: a 3-word sentence `[[3, 57, 35]]`, shape `(1, 3)`,
            through `Embedding(input_dim=64, output_dim=100)` gives `(1, 3, 100)` with weight
            `(64, 100)`. Then "What time is it ?": output `(1, 5, 100)`, weight `(5, 100)`. So
            that everyone sees the same numbers, we load the table from `example.npz` with
            `set_weights` instead of the random initial one (`dtype="float64"` only makes the
            comparison exact to about 1e-15).
        """),
        SENTENCE,
        code("""
            if keras is not None:
                some_words = np.array([[3, 57, 35]])  # words 3, 57 and 35: one sentence
                first_layer = keras.layers.Embedding(input_dim=64, output_dim=100)
                print("Embedding된 문장 / embedded sentence:", first_layer(some_words).shape)
                print("가중치 형태 / weight shape:", first_layer.weights[0].shape)

                embedding_layer = keras.layers.Embedding(
                    input_dim=len(dic), output_dim=100, dtype="float64"
                )
                emb_out = from_keras(embedding_layer, ids, [EXAMPLE["embeddings"]])
                table = embedding_layer.get_weights()[0]
                same_as_stored("emb_out", emb_out)
                rows = emb_out[0]
                keras_cosine = np.asarray(
                    -keras.losses.cosine_similarity(rows[:, None, :], rows[None, :, :], axis=-1)
                )
                same_as_stored("cosine", keras_cosine)
            else:
                table, emb_out = EXAMPLE["embeddings"], EXAMPLE["emb_out"]
                keras_cosine = EXAMPLE["cosine"]
            print("\\nEmbedding 결과 / result:", emb_out.shape)
            print("Embedding 레이어의 가중치 형태 / weight shape:", table.shape)
        """),
        _pitfalls("embedding"),
        PITFALLS_LIVE,
        _your_turn("embedding", "`embedding_lookup`, `embedding_matmul`, `cosine_similarity`"),
        code("""
            from rnnlab.embedding import cosine_similarity, embedding_lookup, embedding_matmul

            my_lookup = embedding_lookup(ids, table)
        """),
        code("""
            my_matmul = embedding_matmul(ids, table)
        """),
        code("""
            compare("embedding_lookup", my_lookup, emb_out)
            compare("embedding_matmul", my_matmul, emb_out)
            print("row of 'What' (id 2) is table[2]:", np.array_equal(my_lookup[0, 0], table[2]))
            try:
                embedding_lookup(np.array([[-1]]), table)
            except IndexError as error:
                print("id -1 -> IndexError:", error)
            else:
                print("id -1 gave a row: Keras wraps it to the last row; the exercise asks for IndexError")
        """),
        code("""
            my_cosine = cosine_similarity(my_lookup[0][:, None, :], my_lookup[0][None, :, :])
        """),
        code("""
            compare("cosine_similarity (5 x 5 pairs)", my_cosine, keras_cosine)
            science, engineering, watermelon = [0.9, 0.8], [0.8, 0.9], [-0.7, 0.1]
            print("cos(science, engineering) =", np.round(cosine_similarity(science, engineering), 3))
            print("cos(science, watermelon)  =", np.round(cosine_similarity(science, watermelon), 3))
            print("a zero vector gives 0, not NaN:", cosine_similarity([0.0, 0.0], [1.0, 2.0]))
        """),
        md("""
            ## 그림: 원-핫 × W는 행을 고른다 · Picture: one-hot @ W selects rows

            **KO** 왼쪽은 문장의 원-핫 행렬 `(5, 5)`(행은 문장 순서의 단어, 열은 id), 가운데는 임베딩
            테이블 `W` `(5, 100)`(행은 id 순서), 오른쪽은 두 행렬의 곱입니다. 원-핫 행마다 있는 1이
            `W`의 행 하나를 골라 문장 순서대로 옮겨 놓습니다. 곱셈이 곧 조회인 것입니다. (색을 알아보기
            쉽도록 100개 열 가운데 처음 16개만 그립니다.)

            **EN** Left: the sentence's one-hot matrix `(5, 5)` (rows: the words in sentence
            order, columns: ids); middle: the table `W` `(5, 100)` (rows in id order); right: their
            product. The single 1 in each one-hot row picks one row of `W` and puts it in sentence
            order: the multiplication *is* the lookup. (Only the first 16 of the 100 columns are
            drawn, to keep the colours readable.)
        """),
        code("""
            from rnnlab.one_hot import one_hot

            selector = one_hot(ids, len(dic))[0]  # (5, 5)
            by_id = [word for word, _ in sorted(dic.items(), key=lambda item: item[1])]
            shown = slice(0, 16)
            if plt is None:
                print("pip install matplotlib to see the picture")
            else:
                fig, axes = plt.subplots(
                    1, 3, figsize=(14, 3.8), gridspec_kw={"width_ratios": [5, 16, 16]},
                    constrained_layout=True,
                )
                scale = np.abs(table[:, shown]).max()
                axes[0].imshow(selector, cmap="Greys", vmin=0, vmax=1)
                axes[0].set_xticks(range(len(dic)), [f"{i}:{w}" for i, w in enumerate(by_id)],
                                   rotation=90)
                axes[0].set_yticks(range(len(words)), words)
                axes[0].set_title("one_hot(ids, 5)")
                axes[1].imshow(table[:, shown], cmap="coolwarm", vmin=-scale, vmax=scale)
                axes[1].set_yticks(range(len(dic)), [f"{i}: {w}" for i, w in enumerate(by_id)])
                axes[1].set_title("@ W, the table (5, 100): rows by id")
                image = axes[2].imshow(my_matmul[0][:, shown], cmap="coolwarm",
                                       vmin=-scale, vmax=scale)
                axes[2].set_yticks(range(len(words)), words)
                axes[2].set_title("= W[ids] (5, 100): rows in sentence order")
                for ax in axes[1:]:
                    ax.set_xlabel("embedding dimension (first 16 of 100)")
                fig.colorbar(image, ax=axes, shrink=0.8)
                plt.show()
            print("cosine similarity between the words' embeddings (random table: near 0):")
            print("       " + " ".join(f"{word:>6}" for word in words))
            for word, row in zip(words, my_cosine):
                print(f"{word:>6} " + " ".join(f"{value:6.2f}" for value in row))
        """),
        *_self_check("embedding"),
        _next(
            "Embedding 레이어의 가중치는 (단어 수, 임베딩 크기) 모양의 임베딩 테이블이고, 원-핫 벡터와 "
            "임베딩 테이블의 곱은 곧 표의 행 조회입니다. 입력 id에 대해서는 미분할 수 없으므로 입력에 "
            "바로 연결합니다. 03에서는 이 `(1, 5, 100)` 출력을 SimpleRNN이 타임스텝마다 차례로 읽습니다.",
            "The Embedding layer's weight is a (words, embedding size) table, and one-hot times "
            "the table is a row lookup. It has no gradient with respect to its input ids, so it "
            "sits right at the input. In 03 a SimpleRNN reads this `(1, 5, 100)` output step by "
            "step.",
        ),
    ]


# --- 03 SimpleRNN ------------------------------------------------------------------------


def _simple_rnn() -> list[Cell]:
    return [
        md("""
            ## 순차 데이터와 RNN · Sequential data and the RNN

            **KO** 문장, 영상, 음성은 **순차 데이터**(sequential data)입니다. 순서 자체에 의미가 있다는
            뜻입니다. **RNN**(Recurrent Neural Network)은 이런 순차 데이터를 처리하는 모델이고, 그
            레이어를 **순환 레이어**라고 합니다. 순환 레이어는 한 번에 한 타임스텝씩 읽으면서, 지금까지
            읽은 내용을 요약한 **은닉 상태** `h`를 다음 타임스텝으로 넘깁니다. 핵심은 모든 타임스텝이
            같은 가중치를 다시 쓴다는 점입니다. 입력에 곱하는 kernel `W`(입력 차원, 유닛 수)와 이전 은닉
            상태에 곱하는 recurrent kernel `R`이 타임스텝마다 똑같이 쓰이므로, 노트의 kernel은 문장이
            5단어든 500단어든 `(100, 64)`입니다. 각 타임스텝은 이전 타임스텝의 은닉 상태가 있어야 계산할
            수 있어서 타임스텝을 차례로 계산해야 하고, 그래서 다른 레이어보다 느립니다. 아래 그림은
            SimpleRNN을 시간 방향으로 펼친 모습입니다.

            **EN** Sentences, video and audio are **sequential** data: their order carries
            meaning. An **RNN** (recurrent neural network) processes such data. It reads one step
            at a time and carries a hidden state `h` that summarizes everything read so far. The
            key point: **one weight** of shape (input dim, output dim) is reused, step after step;
            the notes' kernel is `(100, 64)` whether the sentence has 5 words or 500. Each step
            needs the previous step's state, so the steps run one after another, which makes
            recurrent layers slower than other layers. The diagram below shows a SimpleRNN unrolled
            in time.

            ```
            h_t = tanh(x_t @ W + h_{t-1} @ R + b)        h_{-1} = 0,  W: (D, U),  R: (U, U),  b: (U,)
            ```

            (`use_bias=False`, as in the notes, drops `b`.)
        """),
        _diagram("simple_rnn", "시간 방향으로 펼친 SimpleRNN"),
        md("""
            ## return_sequences로 고르는 분류와 생성 · Classification vs generation

            **KO** 문장이 긍정인지 부정인지 나누려면(분류) 문장을 모두 읽은 뒤 **마지막 타임스텝의
            출력**만 확인해도 판단할 수 있습니다. 이때 출력은 `(1, 64)`입니다. 하지만 문장을 생성할 때는
            이전 단어를 입력으로 받아 다음 단어를 만들어야 하므로 **모든 타임스텝의 출력**이 필요합니다.
            `return_sequences=True`로 지정하면 `(1, 5, 64)`를 얻습니다. 두 경우 모두 가중치의 모양은
            `(100, 64)`로 같습니다.

            **EN** To tell whether a sentence is positive or negative (classification), reading
            the whole sentence and looking at the **last step's output** is enough: `(1, 64)`. To
            generate text, each step's output predicts the next word, so you need **every step's
            output**: `return_sequences=True`, `(1, 5, 64)`. Both have a weight of the same shape,
            `(100, 64)`.
        """),
        md("""
            ## SimpleRNN이 앞부분을 잊는 까닭, 기울기 소실 · Why SimpleRNN forgets: vanishing gradients

            **KO** 딥러닝은 역전파로 가중치의 미분을 구해 가중치를 업데이트합니다. 순환 레이어에서는 이
            기울기가 모든 타임스텝을 거꾸로 거쳐야 하고, 타임스텝마다 `tanh`의 미분과 `R`이 곱해집니다.
            그래서 입력이 길수록 앞부분 단어에 닿는 미분값이 매우 작아지거나(**기울기 소실**, vanishing
            gradient) 매우 커집니다(**기울기 폭주**, exploding gradient). 입력의 앞부분이 뒤로 갈수록
            옅어지는 것입니다. LSTM(04)은 이 문제를 풀려고 만들어졌습니다. 아래 그림의 오른쪽에서 이
            현상을 직접 볼 수 있습니다.

            **EN** Training computes the weights' derivatives by backpropagation. In an RNN the
            gradient travels back through every step, and each step multiplies it by the `tanh`
            derivative and by `R`. So the longer the input, the smaller (**vanishing gradient**)
            or larger (exploding gradient) the derivative reaching the first words becomes: the
            start of the input fades. LSTM (04) was built to fix this. The right half of the
            picture below shows it happening.
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 노트의 두 레이어 `rnn_seq_layer`(모든 타임스텝)와 `rnn_fin_layer`(마지막 타임스텝)를
            그대로 만들되, 두 레이어에 같은 가중치를 넣습니다. 그러면 마지막 타임스텝의 출력이 모든
            타임스텝 출력의 마지막 행과 같다는 것을 확인할 수 있습니다. `weights[0]`은 노트가 출력한
            `(100, 64)` kernel `W`이고, recurrent kernel `R` `(64, 64)`도
            있습니다(`use_bias=False`이므로 bias는 없습니다).

            **EN** We build the notes' two layers, `rnn_seq_layer` (every step) and
            `rnn_fin_layer` (last step), but give both the same weights, so that the final output
            is visibly the last row of the sequence output. `weights[0]` is the `(100, 64)` kernel
            the notes print; there is also a recurrent kernel `(64, 64)` (no bias: `use_bias=False`).
        """),
        SENTENCE,
        code("""
            if keras is not None:
                embedding_layer = keras.layers.Embedding(
                    input_dim=len(dic), output_dim=100, dtype="float64"
                )
                emb_out = from_keras(embedding_layer, ids, [EXAMPLE["embeddings"]])

                rnn_seq_layer = keras.layers.SimpleRNN(
                    units=64, return_sequences=True, use_bias=False, dtype="float64"
                )
                example_weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
                rnn_seq_out = from_keras(rnn_seq_layer, emb_out, example_weights)
                weights = rnn_seq_layer.get_weights()  # [kernel (100, 64), recurrent_kernel (64, 64)]

                rnn_fin_layer = keras.layers.SimpleRNN(units=64, use_bias=False, dtype="float64")
                rnn_fin_out = from_keras(rnn_fin_layer, emb_out, weights)
                same_as_stored("seq_out", rnn_seq_out)
                same_as_stored("fin_out", rnn_fin_out)
            else:
                emb_out = EXAMPLE["emb_out"]
                rnn_seq_out, rnn_fin_out = EXAMPLE["seq_out"], EXAMPLE["fin_out"]
                weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
            print("Embedding 결과 / result:", emb_out.shape)
            print("RNN 결과 (모든 타임스텝의 출력) / every step:", rnn_seq_out.shape)
            print("RNN 결과 (마지막 타임스텝의 출력) / last step:", rnn_fin_out.shape)
            print("가중치 형태 / weight shapes:", [w.shape for w in weights])
            print("last step == final output:", np.allclose(rnn_seq_out[:, -1], rnn_fin_out))
        """),
        _pitfalls("simple_rnn"),
        PITFALLS_LIVE,
        _your_turn("simple_rnn", "`simple_rnn_step` and `simple_rnn`",
                   "`simple_rnn_step`과 `simple_rnn`"),
        code("""
            from rnnlab.simple_rnn import simple_rnn, simple_rnn_step

            my_h0 = simple_rnn_step(emb_out[:, 0], np.zeros((1, 64)), *weights)
        """),
        code("""
            my_seq_out = simple_rnn(emb_out, *weights, return_sequences=True)
        """),
        code("""
            compare("simple_rnn_step, first word", my_h0, rnn_seq_out[:, 0])
            compare("simple_rnn, return_sequences=True ", my_seq_out, rnn_seq_out)
            my_fin_out, my_state = simple_rnn(emb_out, *weights, return_state=True)
            compare("simple_rnn, return_sequences=False", my_fin_out, rnn_fin_out)
            compare("simple_rnn, return_state: h_T     ", my_state, rnn_fin_out)
        """),
        md("""
            ## 그림: 은닉 상태와 기울기 소실 · Picture: hidden states over time, vanishing gradients

            **KO** 왼쪽 그림은 단어마다(행) 64개 유닛(열)의 은닉 상태 `h_t`를 보여 줍니다. 각 행은 그
            단어까지 읽은 문장 전체의 요약이고, `tanh`를 거치므로 값은 -1과 1 사이입니다. 오른쪽 그림은
            같은 가중치로 문장을 8번 이어 붙인 40 타임스텝 입력에서, 마지막 은닉 상태가 `k` 타임스텝
            전의 은닉 상태에 얼마나 민감한지 보여 줍니다(야코비안 `∂h_T/∂h_{T-k}`의 크기, 로그 눈금).
            타임스텝마다 `diag(1 - h_t²) Rᵀ`가 곱해지면서 이 값이 지수적으로 줄어듭니다. 앞쪽 입력의
            영향이 이렇게 옅어지는 것이 기울기 소실입니다.

            **EN** Left: the hidden state `h_t` of the 64 units (columns) after each word (rows).
            Each row summarizes the sentence up to that word; `tanh` keeps the values between -1
            and 1. Right: with the same weights on a 40-step input (the sentence 8 times), how
            sensitive the last state is to the state `k` steps earlier (the size of the Jacobian
            `∂h_T/∂h_{T-k}`, log scale). Every step multiplies by `diag(1 - h_t²) Rᵀ`, and the
            size falls exponentially: the start of the input fades. That is the vanishing gradient.
        """),
        code("""
            long_inputs = np.tile(emb_out, (1, 8, 1))  # the sentence 8 times: T = 40
            states = np.asarray(simple_rnn(long_inputs, *weights, return_sequences=True))[0]
""" + _jacobian_sizes("weights[1]") + """
            print("|dh_T/dh_(T-k)| for k = 1, 5, 10, 20:", [f"{sizes[k - 1]:.1e}" for k in (1, 5, 10, 20)])

            if plt is None:
                print("pip install matplotlib to see the picture")
            else:
                fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), gridspec_kw={"width_ratios": [2, 1]})
                image = axes[0].imshow(my_seq_out[0], cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
                axes[0].set_yticks(range(len(words)), [f"t={t}: {w}" for t, w in enumerate(words)])
                axes[0].set_xlabel("unit")
                axes[0].set_title("SimpleRNN hidden state h_t after each word")
                fig.colorbar(image, ax=axes[0])
                axes[1].semilogy(range(1, len(sizes) + 1), sizes, marker=".")
                axes[1].set_xlabel("k, steps back from the last one")
                axes[1].set_ylabel("|dh_T / dh_(T-k)|")
                axes[1].set_title("the gradient fades (T = 40)")
                axes[1].grid(True, which="both", alpha=0.3)
                plt.show()
        """),
        *_self_check("simple_rnn"),
        _next(
            "SimpleRNN은 같은 가중치를 모든 타임스텝에서 다시 쓰고, `return_sequences`로 분류(마지막 "
            "타임스텝)와 생성(모든 타임스텝)에 맞는 출력을 고릅니다. 기울기는 타임스텝마다 줄어들어 "
            "앞부분의 영향이 옅어집니다. 04의 LSTM은 셀 상태와 게이트로 이 문제를 줄입니다.",
            "SimpleRNN reuses one weight at every step, and `return_sequences` separates "
            "classification (last step) from generation (every step). The gradient shrinks at "
            "every step, so the start fades. The LSTM of 04 fixes this with a cell state and "
            "gates.",
        ),
    ]


# --- 04 LSTM -----------------------------------------------------------------------------


def _lstm() -> list[Cell]:
    return [
        md("""
            ## 왜 LSTM인가 · Why LSTM

            **KO** LSTM(Long Short-Term Memory)도 순환 레이어의 하나입니다. 같은 가중치를 타임스텝마다
            다시 쓰는 순환 레이어의 특성상, 입력이 길수록 앞쪽 단어에 닿는 미분값이 매우
            작아지거나(기울기 소실) 매우 커집니다(기울기 폭주). LSTM은 **셀 상태**를 두어, 긴 문장의
            앞부분에 있던 정보와 그 기울기가 덜 손실되며 뒤까지 전달되도록 만든 레이어입니다.

            **EN** LSTM (Long Short-Term Memory) is a kind of RNN layer too. Because an RNN reuses
            its weights step after step, the longer the input, the smaller (vanishing) or larger
            (exploding) the derivative for the first words. The LSTM adds a **cell state**, along
            which information from the start of a long sentence, and its gradient, reach the end
            with less loss.
        """),
        md("""
            ## 컨베이어 벨트 같은 셀 상태 · The cell state: a conveyor belt

            **KO** LSTM의 가장 큰 특징은 아래 그림 상단에 가로로 그어진 **셀 상태** `c`(굵은 주황색
            화살표)입니다. 셀 상태는 컨베이어 벨트처럼 움직입니다. 정보가 원소별 곱셈과 덧셈만 거치며
            타임스텝을 따라 흘러갑니다. 이 벨트에 정보를 더하거나 벨트에서 정보를 지우는 것이
            **게이트**입니다. 게이트는 시그모이드와 원소별(pointwise) 곱셈으로 이루어진 정보 전달
            장치입니다. 시그모이드가 원소마다 0과 1 *사이*의 값을 내어 얼마나 통과시킬지 정합니다. 0이면
            모두 막고, 1이면 모두 통과시킵니다.

            **EN** The LSTM's most distinctive part is the horizontal line along the top of the
            diagram below (the thick orange arrow): the **cell state** `c`. Like a conveyor belt,
            information rides along it through the steps with only small, pointwise changes. What adds
            information to the belt or removes it are **gates**. A gate is a sigmoid followed by a
            pointwise multiplication: the sigmoid gives each entry a value *between* 0 and 1, saying
            how much to let through (0: block all, 1: pass all).
        """),
        _diagram("lstm", "LSTM 셀, 위쪽의 굵은 화살표가 셀 상태"),
        md("""
            ## 블록 넷, 가중치 4배 · Four blocks, four times the weights

            **KO** LSTM 레이어에는 가중치 블록이 4개 있습니다.
            - **망각 게이트**(forget gate) `f`는 셀 상태에서 지울 값을 고릅니다.
            - **입력 게이트**(input gate) `i`는 새 후보 값을 셀 상태에 얼마나 반영할지 정합니다.
            - **후보 값**(candidate) `g`는 `tanh`로 만드는 값으로, 셀 상태에 새로 쓸 수 있는 내용입니다.
            - **출력 게이트**(output gate) `o`는 `tanh`를 거친 셀 상태 가운데 얼마만큼을 은닉 상태 `h`로
              내보낼지 정합니다.

            그래서 LSTM의 kernel은 `(100, 256)`으로 SimpleRNN의 `(100, 64)`보다 4배 큽니다. 노트의
            말처럼 가중치가 단순히 4배 '많은' 것이 아니라 4배 '다양한' 것입니다. 블록마다 맡은 역할이
            다르기 때문입니다. Keras는 네 블록의 열을 **i, f, c, o** 순서로 나란히 둡니다. `0:U`는 입력
            게이트, `U:2U`는 망각 게이트, `2U:3U`는 후보 값, `3U:4U`는 출력 게이트의 열입니다.

            **EN** An LSTM layer has four weight blocks:
            - **forget gate** `f`: what to erase from the cell state;
            - **input gate** `i`: how much of the new candidate to write into the cell state;
            - **candidate** `g` (`tanh`): the new values that could be written;
            - **output gate** `o`: what part of the (squashed) cell state to emit as `h`.

            So next to SimpleRNN's `(100, 64)`, the LSTM's kernel is `(100, 256)`: four times as
            big. As the notes put it, not just four times *more* weights but four times more
            *varied* ones: each block plays its own role. Keras puts the columns side by side in
            the order **i, f, c, o**: `0:U` input, `U:2U` forget, `2U:3U` candidate, `3U:4U` output.

            ```
            z = x_t @ W + h_{t-1} @ R + b                    (B, 4U), split into z_i, z_f, z_c, z_o
            i = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_c)   o = sigmoid(z_o)
            c_t = f * c_{t-1} + i * g                        (* is elementwise)
            h_t = o * tanh(c_t)
            ```
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 노트는 LSTM 코드가 SimpleRNN 코드와 같다고 합니다. 레이어 이름만 바꾸면 됩니다.
            출력은 `(1, 5, 64)`(모든 타임스텝)와 `(1, 64)`(마지막 타임스텝)이고, 가중치는 `(100,
            256)`입니다. 노트가 출력한 것은 `weights[0]`, 즉 kernel `W` `(D, 4U)`이고, recurrent kernel
            `R`은 `(64, 256)`입니다. `return_state=True`를 더하면 마지막 `h`와 `c`도 받습니다.

            **EN** The notes say the LSTM code is the SimpleRNN code with the layer renamed. The
            outputs are `(1, 5, 64)` (every step) and `(1, 64)` (last step), the weight
            `(100, 256)`: that is `weights[0]`, the kernel `(D, 4U)`; the recurrent kernel is
            `(64, 256)`. With `return_state=True` we also get the final `h` and `c`.
        """),
        SENTENCE,
        code("""
            if keras is not None:
                embedding_layer = keras.layers.Embedding(
                    input_dim=len(dic), output_dim=100, dtype="float64"
                )
                emb_out = from_keras(embedding_layer, ids, [EXAMPLE["embeddings"]])

                lstm_seq_layer = keras.layers.LSTM(
                    units=64, return_sequences=True, return_state=True, use_bias=False,
                    dtype="float64",
                )
                example_weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
                lstm_seq_out, lstm_h, lstm_c = from_keras(lstm_seq_layer, emb_out, example_weights)
                weights = lstm_seq_layer.get_weights()  # [kernel (100, 256), recurrent (64, 256)]

                lstm_fin_layer = keras.layers.LSTM(units=64, use_bias=False, dtype="float64")
                lstm_fin_out = from_keras(lstm_fin_layer, emb_out, weights)
                for name, value in [("seq_out", lstm_seq_out), ("fin_out", lstm_fin_out),
                                    ("h", lstm_h), ("c", lstm_c)]:
                    same_as_stored(name, value)
            else:
                emb_out, lstm_h, lstm_c = EXAMPLE["emb_out"], EXAMPLE["h"], EXAMPLE["c"]
                lstm_seq_out, lstm_fin_out = EXAMPLE["seq_out"], EXAMPLE["fin_out"]
                weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
            print("LSTM 결과 (모든 타임스텝의 출력) / every step:", lstm_seq_out.shape)
            print("LSTM 결과 (마지막 타임스텝의 출력) / last step:", lstm_fin_out.shape)
            print("LSTM 레이어의 가중치 형태 / weight shapes:", [w.shape for w in weights])
            print("4 x SimpleRNN's (100, 64):", weights[0].shape[1] == 4 * 64)
        """),
        _pitfalls("lstm"),
        PITFALLS_LIVE,
        _your_turn("lstm", "`lstm_gates`, `lstm_step`, `lstm`"),
        code("""
            from rnnlab.lstm import lstm, lstm_gates, lstm_step

            zeros = np.zeros((1, 64))
            my_gates = lstm_gates(emb_out[:, 0], zeros, *weights)
        """),
        code("""
            my_h0, my_c0 = lstm_step(emb_out[:, 0], zeros, zeros, *weights)
        """),
        code("""
            my_seq_out, my_h, my_c = lstm(emb_out, *weights, return_sequences=True, return_state=True)
        """),
        code("""
            print("gate shapes (i, f, g, o):", [np.shape(gate) for gate in my_gates])
            compare("lstm_step, first word: h", my_h0, lstm_seq_out[:, 0])
            compare("lstm, return_sequences=True", my_seq_out, lstm_seq_out)
            compare("lstm, return_state: h_T    ", my_h, lstm_h)
            compare("lstm, return_state: c_T    ", my_c, lstm_c)
            compare("lstm, last step only       ", lstm(emb_out, *weights), lstm_fin_out)
        """),
        md("""
            ## 그림: 셀 상태를 따라 흐르는 기울기 · Picture: the gradient along the cell state

            **KO** 03의 그림에서 SimpleRNN의 기울기는 한 타임스텝 거슬러 올라갈 때마다 `diag(1 - h_t²)
            Rᵀ`가 곱해져 지수적으로 줄었습니다(기울기 소실). 셀 상태에서는 사정이 다릅니다. `c_t = f *
            c_{t-1} + i * g`이므로, 셀 상태를 따라 곧장 거슬러 가는 길에서 타임스텝마다 곱해지는 것은
            망각 게이트 `f_t` 하나뿐입니다. 행렬도 `tanh`의 미분도 곱해지지 않습니다. 그래서 이 길에서
            `∂c_T/∂c_{T-k}`는 마지막 `k`개 망각 게이트의 곱 `f_T * f_{T-1} * … * f_{T-k+1}`입니다.
            오른쪽 그림은 여러분의 `lstm_gates`와 `lstm_step`으로 03과 같은 40 타임스텝 입력(문장을 8번
            이어 붙인 것)을 처리하고, 이 곱을 유닛에 대해 평균 내어 그린 것입니다. 왼쪽은 03의 가중치로
            구한 SimpleRNN의 야코비안 크기 `|∂h_T/∂h_{T-k}|`입니다. 두 그림 모두 로그 눈금입니다.

            노트의 가중치는 학습하지 않은 무작위 값이고 bias도 없어서 망각 게이트가 0.5 근처에 있습니다.
            그러면 셀 상태의 기울기도 타임스텝마다 절반으로 줄어, SimpleRNN보다도 빨리 사라집니다. 셀
            상태가 있다고 해서 저절로 기억이 지켜지는 것은 아닙니다. 차이는 곱해지는 값이 게이트라는 데
            있습니다. 망각 게이트의 bias `b_f`를 1로 두면(Keras의 기본값 `unit_forget_bias=True`) `f`는
            0.7 정도, 4로 두면 0.98 정도가 되고, 곱도 그만큼 천천히 줄어듭니다. 게이트가 열린 유닛에서는
            40 타임스텝 전의 기울기도 대부분 남습니다. LSTM은 학습을 통해 유닛마다 게이트를 열거나 닫을
            수 있지만, SimpleRNN의 기울기에는 `R`과 `tanh`를 비켜 가는 길이 없습니다. 09에서는 두
            레이어를 직접 학습시켜 이 차이를 확인합니다.

            **EN** In 03's picture, SimpleRNN's gradient was multiplied by `diag(1 - h_t²) Rᵀ` at
            every step back and fell exponentially (the vanishing gradient). The cell state is
            different. Since `c_t = f * c_{t-1} + i * g`, the path straight back along the cell
            state multiplies by the forget gate `f_t` alone at each step: no matrix, no `tanh`
            derivative. So along that path `∂c_T/∂c_{T-k}` is the product of the last `k` forget
            gates, `f_T * f_{T-1} * … * f_{T-k+1}`. On the right, your `lstm_gates` and `lstm_step`
            run 03's 40-step input (the sentence 8 times) and the product is drawn as a mean over
            the units; on the left, the size of SimpleRNN's Jacobian `|∂h_T/∂h_{T-k}|` with the
            weights of 03. Both on a log scale.

            The notes' weights are random and untrained, with no bias, so the forget gates sit
            near 0.5: the cell state's gradient then halves at every step and vanishes even faster
            than SimpleRNN's. A cell state does not keep a memory by itself. The difference is
            that the factors are gates. With a forget-gate bias `b_f = 1` (Keras's default
            `unit_forget_bias=True`) `f` is about 0.7, with `b_f = 4` about 0.98, and the product
            falls that much more slowly: where the gates are open, most of the gradient from 40
            steps back survives. An LSTM can learn to open or close each unit's gate; SimpleRNN's
            gradient has no path around `R` and `tanh`. In 09 you train both layers and see it.
        """),
        _figure("""
            long_inputs = np.tile(emb_out, (1, 8, 1))  # the sentence 8 times: T = 40, as in 03
            T = long_inputs.shape[1]

""" + indent(dedent(EXAMPLE_OF).strip(), " " * 12) + """


            rnn_weights = [example_of("03_simple_rnn")[key] for key in ("kernel", "recurrent_kernel")]
            h, states = zeros, []
            for t in range(T):  # 03's SimpleRNN in NumPy: h_t = tanh(x_t W + h_(t-1) R)
                h = np.tanh(long_inputs[:, t] @ rnn_weights[0] + h @ rnn_weights[1])
                states.append(h[0])
""" + _jacobian_sizes("rnn_weights[1]") + """


            def forget_gates(forget_bias):
                \"\"\"f_t at every step (T, U), by your lstm_gates and lstm_step, b_f = forget_bias.\"\"\"
                bias = np.zeros(4 * 64)
                bias[64:128] = forget_bias  # the f block, columns U:2U (Keras's order i, f, c, o)
                h, c, gates = zeros, zeros, []
                for t in range(T):
                    gates.append(np.asarray(lstm_gates(long_inputs[:, t], h, *weights, bias)[1])[0])
                    h, c = lstm_step(long_inputs[:, t], h, c, *weights, bias)
                return np.array(gates)


            belts = {}  # b_f -> row k - 1: dc_T/dc_(T-k) = f_T * ... * f_(T-k+1), mean over the units
            for forget_bias in (0, 1, 4):
                gates = forget_gates(forget_bias)
                belts[forget_bias] = np.cumprod(gates[::-1], axis=0).mean(axis=1)
                print(f"LSTM, b_f = {forget_bias}: mean f = {gates.mean():.2f},",
                      "dc_T/dc_(T-k) for k = 1, 5, 10, 20:",
                      [f"{belts[forget_bias][k - 1]:.1e}" for k in (1, 5, 10, 20)])
            print("SimpleRNN |dh_T/dh_(T-k)| for k = 1, 5, 10, 20:",
                  [f"{sizes[k - 1]:.1e}" for k in (1, 5, 10, 20)])
            steps_back = np.arange(1, T)
        """, """
            fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), sharey=True, constrained_layout=True)
            axes[0].semilogy(steps_back, sizes, marker=".", color="black")
            axes[0].set_title("SimpleRNN (03): |dh_T / dh_(T-k)|, through R and tanh")
            axes[0].set_ylabel("size of the gradient k steps back")
            labels = {0: "b_f = 0 (the notes: no bias)", 1: "b_f = 1 (Keras's unit_forget_bias)",
                      4: "b_f = 4 (forget gates held open)"}
            for forget_bias, belt in belts.items():
                axes[1].semilogy(steps_back, belt[: T - 1], marker=".", label=labels[forget_bias])
            axes[1].set_title("LSTM: dc_T / dc_(T-k) = f_T * ... * f_(T-k+1), mean over units")
            axes[1].legend()
            for ax in axes:
                ax.set_xlabel("k, steps back from the last one")
                ax.grid(True, which="both", alpha=0.3)
            plt.show()
        """),
        *_self_check("lstm"),
        _next(
            "LSTM은 셀 상태라는 컨베이어 벨트와, 그것을 조절하는 게이트(망각 게이트, 입력 게이트, "
            "출력 게이트)와 후보 값으로 이루어집니다. 그래서 가중치가 SimpleRNN의 4배입니다(Keras의 "
            "블록 순서는 i, f, c, o). 05에서는 이런 레이어 두 개로 문장을 양쪽에서 읽습니다.",
            "An LSTM is a conveyor belt, the cell state, with gates (forget, input, output) and a "
            "candidate that edit it, hence four times SimpleRNN's weights (Keras's order i, f, "
            "c, o). In 05 two such layers read the sentence from both ends.",
        ),
    ]


# --- 05 Bidirectional --------------------------------------------------------------------


def _bidirectional() -> list[Cell]:
    return [
        md("""
            ## 양쪽에서 읽기 · Reading both ways

            **KO** 왼쪽에서 오른쪽으로만 읽는 순환 레이어는 각 타임스텝에서 과거만 압니다. 하지만 단어의
            의미는 문장의 뒷부분에 따라 달라지기도 합니다. **양방향 레이어**(Bidirectional)는 같은
            구조의 레이어 **두 개**를 각자의 가중치로 실행합니다. 하나는 `x_0 … x_{T-1}`을 차례로 읽고,
            다른 하나는 `x_{T-1} … x_0`을 거꾸로 읽습니다(`go_backwards=True`, 03). 노트의 말대로
            "양방향이라서 가중치가 두배"인데, 앞에서도 뒤에서도 읽어야 하기 때문입니다. 두 출력을 이어
            붙이면(concat) 출력의 크기(마지막 차원)도 64 + 64 = 128로 두 배가 됩니다.

            **EN** A recurrent layer that reads left to right only knows the past at each step,
            but a word's meaning often depends on what comes later too. A bidirectional RNN runs
            **two copies** of a layer with separate weights: one reads `x_0 … x_{T-1}`, the other
            `x_{T-1} … x_0` (`go_backwards=True`, exercise 03). As the notes say, the weights
            double because it has to go from the front and from the back. Concatenating the two
            outputs doubles the width too: 64 + 64 = 128.
        """),
        md("""
            ## 뒤집기 · The flip

            **KO** 역방향 레이어는 출력을 *처리 순서*대로 돌려줍니다. 첫 출력이 시간 `T-1`의 것입니다.
            그래서 `return_sequences`로 두 출력을 합치기 전에 역방향 출력을 다시 뒤집어 시간 순서로
            맞춥니다. 그러면 위치 `t`에서 다음 두 은닉 상태가 짝을 이룹니다.
            - 순방향 레이어가 `x_0 … x_t`를 읽은 뒤의 은닉 상태
            - 역방향 레이어가 `x_{T-1} … x_t`를 읽은 뒤의 은닉 상태

            둘을 합치면 타임스텝 `t`의 앞뒤로 문장 전체를 본 셈입니다. 아래 그림이 이 정렬을 보여
            줍니다. `return_sequences`가 없으면 각 레이어의 마지막 은닉 상태, 즉 `x_{T-1}`까지 읽은
            순방향 상태와 `x_0`까지 읽은 역방향 상태를 합칩니다.

            **EN** The backward copy returns its outputs in *processing* order: its first output
            belongs to time `T-1`. Before merging with `return_sequences`, flip the backward
            outputs back to time order, so that position `t` pairs
            - the forward state after reading `x_0 … x_t`, with
            - the backward state after reading `x_{T-1} … x_t`.

            Together they have seen the whole sentence around step `t` (the diagram below). Without
            `return_sequences`, each copy gives its final state: the forward one after `x_{T-1}`
            and the backward one after `x_0`; those two are merged.

            ```
            fwd[:, t] = F(x_0 .. x_t)        bwd[:, t] = G_out[:, T-1-t] = G(x_{T-1} .. x_t)
            concat: [fwd | bwd]   sum: fwd + bwd   ave: (fwd + bwd) / 2   mul: fwd * bwd   None: [fwd, bwd]
            ```
        """),
        _diagram("bidirectional", "순방향과 역방향 은닉 상태의 시간 정렬"),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** `Bidirectional(SimpleRNN(units=64, use_bias=False, return_sequences=True))`에 `(1, 5,
            100)`을 넣으면 `(1, 5, 128)`이 나옵니다. `get_weights()`는 순방향 레이어의 가중치 다음에
            역방향 레이어의 가중치를 돌려주며, 모양은 차례로 `(100, 64)`, `(64, 64)`, `(100, 64)`, `(64,
            64)`입니다. 노트가 이 결과에 붙인 이름은 아래 함정 상자의 5번에서 바로잡습니다.

            **EN** `Bidirectional(SimpleRNN(units=64, use_bias=False, return_sequences=True))` on
            `(1, 5, 100)` gives `(1, 5, 128)`. `get_weights()` lists the forward layer's weights,
            then the backward layer's: `(100, 64)`, `(64, 64)`, `(100, 64)`, `(64, 64)`. The notes'
            label for this result is corrected in the pitfalls box below (item 5).
        """),
        SENTENCE,
        code("""
            if keras is not None:
                embedding_layer = keras.layers.Embedding(
                    input_dim=len(dic), output_dim=100, dtype="float64"
                )
                emb_out = from_keras(embedding_layer, ids, [EXAMPLE["embeddings"]])

                example_weights = [
                    EXAMPLE[f"{half}_{name}"]
                    for half in ("forward", "backward") for name in ("kernel", "recurrent_kernel")
                ]
                bi_rnn = keras.layers.Bidirectional(
                    keras.layers.SimpleRNN(units=64, use_bias=False, return_sequences=True,
                                           dtype="float64"),
                    dtype="float64",
                )
                bi_out = from_keras(bi_rnn, emb_out, example_weights)
                weights = bi_rnn.get_weights()  # forward (kernel, recurrent), then backward

                bi_fin = keras.layers.Bidirectional(
                    keras.layers.SimpleRNN(units=64, use_bias=False, dtype="float64"),
                    dtype="float64",
                )
                bi_fin_out = from_keras(bi_fin, emb_out, weights)
                same_as_stored("seq_out", bi_out)
                same_as_stored("fin_out", bi_fin_out)
            else:
                emb_out, bi_out, bi_fin_out = (EXAMPLE[key] for key in ("emb_out", "seq_out", "fin_out"))
                weights = [
                    EXAMPLE[f"{half}_{name}"]
                    for half in ("forward", "backward") for name in ("kernel", "recurrent_kernel")
                ]
            forward_weights, backward_weights = weights[:2], weights[2:]
            print("입력 문장 데이터 형태 / input:", emb_out.shape)
            print("Bidirectional RNN 결과 (모든 타임스텝) / every step:", bi_out.shape)
            print("Bidirectional RNN 결과 (마지막 타임스텝) / last step:", bi_fin_out.shape)
            print("get_weights():", [w.shape for w in weights])
        """),
        _pitfalls("bidirectional"),
        PITFALLS_LIVE,
        _your_turn("bidirectional", "`bidirectional` (with your `simple_rnn` as the layer)",
                   "`bidirectional`, 안쪽 레이어로는 여러분의 `simple_rnn`"),
        code("""
            from rnnlab.bidirectional import bidirectional
            from rnnlab.simple_rnn import simple_rnn

            my_bi_out = bidirectional(
                emb_out, simple_rnn, forward_weights, backward_weights, return_sequences=True
            )
        """),
        code("""
            compare("bidirectional, return_sequences=True ", my_bi_out, bi_out)
            my_bi_fin = bidirectional(emb_out, simple_rnn, forward_weights, backward_weights)
            compare("bidirectional, return_sequences=False", my_bi_fin, bi_fin_out)
            halves = bidirectional(emb_out, simple_rnn, forward_weights, backward_weights,
                                   merge_mode=None, return_sequences=True)
            print("merge_mode=None:", [np.shape(half) for half in halves])
            print("merge_mode='sum':", np.shape(bidirectional(
                emb_out, simple_rnn, forward_weights, backward_weights, merge_mode="sum")))
        """),
        md("""
            ## 그림: 역방향 절반이 시간에 맞춰 정렬되는 방식 · Picture: how the backward half lines up in time

            **KO** 왼쪽은 순방향 절반(출력의 앞 64열)입니다. 가운데는 역방향 레이어가 돌려준 그대로의
            출력으로, *처리 순서*(`?`, `it`, `is`, `time`, `What`)를 따릅니다. 오른쪽은 이것을 다시
            뒤집어 시간 순서로 맞춘 역방향 절반(출력의 뒤 64열)입니다. 각 행의 이름은 그 은닉 상태가
            그때까지 읽은 단어들입니다. 순방향의 `What` 행은 `What`만 보았고, 역방향의 `What` 행은 문장
            전체를 거꾸로 보았습니다. 그래서 `return_sequences`가 없을 때의 최종 출력은 순방향의 마지막
            행과 역방향의 *첫* 행(시간 순서 기준)을 이어 붙인 것입니다.

            **EN** Left: the forward half (the output's first 64 columns). Middle: the backward
            layer's raw output, in *processing* order (`?`, `it`, `is`, `time`, `What`). Right:
            the backward half flipped back to time order (the output's last 64 columns). Each row
            is labelled with the words that state has read: the forward row for `What` has seen
            only `What`; the backward row for `What` has seen the whole sentence, backwards. So
            the final output without `return_sequences` joins the forward *last* row and the
            backward *first* row (in time order).
        """),
        code("""
            T = len(words)
            raw_backward = np.asarray(
                simple_rnn(emb_out, *backward_weights, return_sequences=True, go_backwards=True)
            )[0]
            forward_half, backward_half = my_bi_out[0][:, :64], my_bi_out[0][:, 64:]
            print("backward half == raw backward output flipped:",
                  np.allclose(backward_half, raw_backward[::-1]))
            print("final output == [forward last row | backward first row]:",
                  np.allclose(my_bi_fin[0], np.concatenate([forward_half[-1], backward_half[0]])))

            panels = [
                ("forward half, time order", forward_half,
                 [" ".join(words[: t + 1]) for t in range(T)]),
                ("backward layer output, processing order", raw_backward,
                 [" ".join(words[T - 1 - s:][::-1]) for s in range(T)]),
                ("backward half, flipped to time order", backward_half,
                 [" ".join(words[t:][::-1]) for t in range(T)]),
            ]
            if plt is None:
                print("pip install matplotlib to see the picture")
            else:
                fig, axes = plt.subplots(1, 3, figsize=(16, 4), constrained_layout=True)
                for ax, (title, values, labels) in zip(axes, panels):
                    image = ax.imshow(values, cmap="coolwarm", vmin=-1, vmax=1, aspect="auto")
                    ax.set_yticks(range(T), labels, fontsize=8)
                    ax.set_xlabel("unit")
                    ax.set_title(title, fontsize=10)
                fig.colorbar(image, ax=axes, shrink=0.8)
                plt.show()
        """),
        *_self_check("bidirectional"),
        _next(
            "양방향 레이어는 순방향과 역방향 두 레이어를 각자의 가중치로 실행하고, 역방향 출력을 "
            "시간 순서로 되돌린 뒤 합칩니다. concat으로 합치면 출력의 크기가 두 배(128)가 됩니다. "
            "다음 연습 06에서는 LSTM의 가벼운 형제인 GRU를 만듭니다. 여러분의 `bidirectional`은 "
            "GRU도 그대로 감쌀 수 있습니다.",
            "Bidirectional runs a forward and a backward layer with separate weights, flips the "
            "backward outputs back to time order and merges; concat doubles the width (128). Next, "
            "Exercise 06 builds GRU, LSTM's lighter sibling: your `bidirectional` wraps it as it is.",
        ),
    ]


# --- 06 GRU ------------------------------------------------------------------------------


def _gru() -> list[Cell]:
    return [
        md("""
            ## 더 단순한 게이트 순환 레이어, GRU · GRU, a simpler gated RNN

            **KO** GRU(Gated Recurrent Unit)도 LSTM(04)처럼 게이트로 기울기 소실을 줄이는 순환
            레이어지만, 구조가 더 단순합니다. 셀 상태 `c`가 따로 없고, SimpleRNN처럼 은닉 상태 `h`
            하나만 다음 타임스텝으로 넘깁니다. 대신 게이트 두 개가 이 `h`를 얼마나 유지하고 얼마나 새로
            쓸지 정합니다. 아래 그림과 함께 보세요.
            - **업데이트 게이트**(update gate) `z`는 이전 은닉 상태 `h_{t-1}`를 얼마나 그대로 둘지
              정합니다. LSTM의 망각 게이트와 입력 게이트가 하던 일을 게이트 하나가 맡아, 남기지 않은
              만큼을 새로 씁니다.
            - **리셋 게이트**(reset gate) `r`은 후보 값을 만들 때 이전 은닉 상태를 얼마나 참고할지
              정합니다.
            - **후보 값**(candidate) `h̃`는 `tanh`로 만드는, 새로 쓸 수 있는 값입니다.

            **EN** A GRU (gated recurrent unit) is a recurrent layer that, like the LSTM (04),
            uses gates against vanishing gradients, but it is simpler. There is no separate cell
            state `c`: like SimpleRNN it carries one hidden state `h`, and two gates decide how
            much of it to keep and how much to rewrite (see the diagram below):
            - **update gate** `z`: how much of the old state `h_{t-1}` to keep. One gate does the
              work of the LSTM's forget and input gates: it writes exactly as much as it does not
              keep.
            - **reset gate** `r`: how much of the old state the candidate may look at.
            - **candidate** `h̃` (`tanh`): the new values that could be written.
        """),
        _diagram("gru", "GRU 셀, 은닉 상태 하나와 게이트 둘"),
        md("""
            ## 블록 셋, 가중치 3배 · Three blocks, three times the weights

            **KO** 블록이 셋(z, r, h)이므로 kernel `W`는 `(D, 3U)`, recurrent kernel `R`은 `(U,
            3U)`입니다. Keras 3의 기본값 `reset_after=True`에서는 리셋 게이트 `r`이 recurrent 쪽 행렬 곱
            *뒤에* 곱해집니다. 그래서 bias가 두 줄 `(2, 3U)`입니다. 0번 줄은 입력 쪽 bias이고, 1번 줄은
            `r` 안쪽에 있는 recurrent 쪽 bias라서 둘을 하나로 합칠 수 없습니다. `z`는 *이전* 은닉 상태의
            몫입니다. `z = 1`이면 `h`가 그대로 남습니다. (교과서에 따라서는 `h_t = (1 - z) * h_{t-1} + z
            * h̃`처럼 반대로 쓰기도 합니다. 여기서는 Keras를 따릅니다.)

            **EN** Three blocks (z, r, h) make the kernel `(D, 3U)` and the recurrent kernel
            `(U, 3U)`. With Keras 3's default `reset_after=True`, the reset gate `r` multiplies
            the recurrent part *after* its matmul, which is why the bias has two rows, `(2, 3U)`:
            row 0 for the input part, row 1 for the recurrent part inside `r * (...)`, so the two
            cannot be merged. `z` is the share of the *old* state: `z = 1` leaves `h` unchanged.
            (Some textbooks write it the other way round, `h_t = (1 - z) * h_{t-1} + z * h̃`; we
            follow Keras.)

            ```
            x_z, x_r, x_h = split(x_t @ W + b[0])          W: (D, 3U),  b: (2, 3U), blocks z, r, h
            h_z, h_r, h_h = split(h_{t-1} @ R + b[1])      R: (U, 3U)
            z = sigmoid(x_z + h_z)     r = sigmoid(x_r + h_r)
            h̃ = tanh(x_h + r * h_h)                        (reset_after=True: r after the matmul)
            h_t = z * h_{t-1} + (1 - z) * h̃                 z = 1 keeps the old state
            ```
        """),
        md("""
            ## LSTM 옆의 GRU · GRU beside LSTM

            **KO** 노트의 예제(입력 100차원, 64 유닛)로 세 레이어를 나란히 놓으면 다음과 같습니다.

            **EN** The three layers side by side, on the notes' example (100 input features, 64
            units):

            | | SimpleRNN | LSTM | GRU |
            |---|---|---|---|
            | blocks · 블록 | 1 | 4 (i, f, c, o) | 3 (z, r, h) |
            | states · 상태 | `h` | `h`, `c` | `h` |
            | kernel | `(100, 64)` | `(100, 256)` | `(100, 192)` |
            | recurrent kernel | `(64, 64)` | `(64, 256)` | `(64, 192)` |
            | bias (`use_bias=True`) | `(64,)` | `(256,)` | `(2, 192)` |
            | `return_state` | `(output, h)` | `(output, h, c)` | `(output, h)` |

            **KO** GRU의 가중치는 LSTM의 4분의 3이고 상태도 하나뿐이라 더 가볍고 빠르며, 많은
            과제에서 LSTM과 비슷한 성능을 냅니다.

            **EN** A GRU has three quarters of an LSTM's weights and a single state, so it is
            lighter and faster, and on many tasks it does about as well.
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 노트는 GRU를 다루지 않지만, LSTM 때처럼 레이어 이름만 바꾸면 됩니다(`GRU(units=64,
            use_bias=False)`). 출력은 `(1, 5, 64)`(모든 타임스텝)와 `(1, 64)`(마지막 타임스텝)이고,
            kernel은 `(100, 192)`입니다. 두 줄짜리 bias를 보려고 Keras의 기본값 `use_bias=True`로 한 번
            더 실행합니다(bias는 `example.npz`에 저장된 것을 씁니다).

            **EN** The notes do not cover the GRU, but as for the LSTM only the layer's name
            changes: `GRU(units=64, use_bias=False)`. The outputs are `(1, 5, 64)` (every step)
            and `(1, 64)` (last step); the kernel is `(100, 192)`. To see the two-row bias, we run
            it once more with Keras's default `use_bias=True` (the bias comes from `example.npz`).
        """),
        SENTENCE,
        _keras_or_stored((EMBEDDED, """
            gru_seq_layer = keras.layers.GRU(
                units=64, return_sequences=True, return_state=True, use_bias=False, dtype="float64"
            )
            example_weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
            gru_seq_out, gru_h = from_keras(gru_seq_layer, emb_out, example_weights)
            weights = gru_seq_layer.get_weights()  # [kernel (100, 192), recurrent (64, 192)]

            gru_fin_out = from_keras(keras.layers.GRU(units=64, use_bias=False, dtype="float64"),
                                     emb_out, weights)
            biased_layer = keras.layers.GRU(units=64, return_sequences=True, dtype="float64")
            biased_out = from_keras(biased_layer, emb_out, [*weights, EXAMPLE["bias"]])
            bias = biased_layer.get_weights()[2]  # (2, 192): input row, recurrent row
            for name, value in [("seq_out", gru_seq_out), ("fin_out", gru_fin_out), ("state", gru_h),
                                ("biased_seq_out", biased_out)]:
                same_as_stored(name, value)
        """), """
            emb_out, gru_h, bias = EXAMPLE["emb_out"], EXAMPLE["state"], EXAMPLE["bias"]
            gru_seq_out, gru_fin_out = EXAMPLE["seq_out"], EXAMPLE["fin_out"]
            biased_out = EXAMPLE["biased_seq_out"]
            weights = [EXAMPLE["kernel"], EXAMPLE["recurrent_kernel"]]
        """, """
            print("GRU 결과 (모든 타임스텝의 출력) / every step:", gru_seq_out.shape)
            print("GRU 결과 (마지막 타임스텝의 출력) / last step:", gru_fin_out.shape)
            print("GRU 레이어의 가중치 형태 / weight shapes:", [w.shape for w in weights])
            print("bias (use_bias=True):", bias.shape)
        """),
        code("""
            # The three layers' weights, from D = 100 and U = 64 (and checked by Keras if it is there).
            for name, blocks in {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}.items():
                shapes = [(100, blocks * 64), (64, blocks * 64)]
                if keras is not None:
                    layer = getattr(keras.layers, name)(units=64, use_bias=False)
                    layer.build((1, 5, 100))
                    assert [tuple(weight.shape) for weight in layer.weights] == shapes, name
                print(f"{name:>9}: {blocks} block(s), kernel {shapes[0]}, recurrent kernel {shapes[1]}")
        """),
        _pitfalls("gru"),
        PITFALLS_LIVE,
        _your_turn("gru", "`gru_gates`, `gru_step`, `gru`"),
        code("""
            from rnnlab.gru import gru, gru_gates, gru_step

            zeros = np.zeros((1, 64))
            my_gates = gru_gates(emb_out[:, 0], zeros, *weights)
        """),
        code("""
            my_h0 = gru_step(emb_out[:, 0], zeros, *weights)
        """),
        code("""
            my_seq_out, my_h = gru(emb_out, *weights, return_sequences=True, return_state=True)
        """),
        code("""
            print("gate shapes (z, r, h_tilde):", [np.shape(gate) for gate in my_gates])
            z0, _, h_tilde0 = my_gates
            print("first word, h_prev = 0: h_0 == (1 - z) * h_tilde:",
                  np.allclose(my_h0, (1 - z0) * h_tilde0))
            compare("gru_step, first word: h  ", my_h0, gru_seq_out[:, 0])
            compare("gru, return_sequences=True", my_seq_out, gru_seq_out)
            compare("gru, return_state: h_T   ", my_h, gru_h)
            compare("gru, last step only      ", gru(emb_out, *weights), gru_fin_out)
            compare("gru with a bias (2, 192) ", gru(emb_out, *weights, bias, return_sequences=True),
                    biased_out)
        """),
        md("""
            ## 그림: 업데이트 게이트와 섞기 · Picture: the update gate, and h_t as a blend

            **KO** 위 그림은 여러분의 `gru_gates`로 모은 타임스텝별 업데이트 게이트 `z`입니다(행은 단어,
            열은 64개 유닛). 아래 그림은 `z`의 평균이 가장 큰 유닛과 가장 작은 유닛에서 이전 은닉 상태
            `h_{t-1}`(점), 후보 값 `h̃`(점선), 새 은닉 상태 `h_t`(실선)를 보여 줍니다. `h_t = z *
            h_{t-1} + (1 - z) * h̃`는 두 값 사이의 한 점이고, 그 위치를 `z`가 정합니다. `z`가 큰 유닛의
            `h_t`는 이전 값 가까이에 머물러 기억을 이어 가고, `z`가 작은 유닛의 `h_t`는 후보 값을
            따라갑니다. 가중치가 학습하지 않은 무작위 값이라서 `z`는 대부분 0.5 근처입니다. 유닛마다
            얼마나 기억할지는 학습을 거쳐 정해집니다.

            **EN** Top: the update gate `z` at every step, collected with your `gru_gates` (rows:
            words, columns: the 64 units). Bottom: for the units with the largest and the smallest
            mean `z`, the old state `h_{t-1}` (dots), the candidate `h̃` (dashed) and the new state
            `h_t` (solid). `h_t = z * h_{t-1} + (1 - z) * h̃` is a point between the two, and `z`
            places it: where `z` is large, `h_t` stays near the old value and the memory carries
            on; where `z` is small, `h_t` follows the candidate. The weights are random and
            untrained, so `z` mostly sits near 0.5: training is what decides how much each unit
            remembers.
        """),
        _figure("""
            h, history = zeros, {"z": [], "h_prev": [], "h_tilde": [], "h": []}
            for t in range(len(words)):
                z, r, h_tilde = gru_gates(emb_out[:, t], h, *weights)
                history["h_prev"].append(np.asarray(h)[0])
                h = gru_step(emb_out[:, t], h, *weights)
                for name, value in (("z", z), ("h_tilde", h_tilde), ("h", h)):
                    history[name].append(np.asarray(value)[0])
            history = {name: np.array(values) for name, values in history.items()}  # each (T, U)
            print("h after the loop == Keras's final h:", np.allclose(h, gru_h, atol=1e-5))
            blend = history["z"] * history["h_prev"] + (1 - history["z"]) * history["h_tilde"]
            print("h_t == z * h_(t-1) + (1 - z) * h_tilde at every step:", np.allclose(blend, history["h"]))
            keeps, follows = int(np.argmax(history["z"].mean(0))), int(np.argmin(history["z"].mean(0)))
        """, """
            fig = plt.figure(figsize=(12, 7), constrained_layout=True)
            top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.1])
            ax = top.subplots()
            image = ax.imshow(history["z"], cmap="viridis", vmin=0, vmax=1, aspect="auto")
            ax.set_yticks(range(len(words)), words)
            ax.set_xlabel("unit")
            ax.set_title("update gate z = sigmoid(x W_z + h R_z): 1 keeps h_(t-1), 0 takes h_tilde")
            top.colorbar(image, ax=ax)
            for ax, unit in zip(bottom.subplots(1, 2, sharey=True), (keeps, follows)):
                steps = range(len(words))
                low = np.minimum(history["h_prev"][:, unit], history["h_tilde"][:, unit])
                high = np.maximum(history["h_prev"][:, unit], history["h_tilde"][:, unit])
                ax.vlines(steps, low, high, color="lightgrey", lw=6, label="h_t lies on this bar")
                ax.plot(steps, history["h_prev"][:, unit], "o", color="grey", label="h_(t-1)")
                ax.plot(steps, history["h_tilde"][:, unit], "--", marker="x", label="h_tilde")
                ax.plot(steps, history["h"][:, unit], "-", marker="s", label="h_t")
                for t in steps:
                    ax.annotate(f"z={history['z'][t, unit]:.2f}", (t, history["h"][t, unit]),
                                textcoords="offset points", xytext=(4, 6), fontsize=8)
                ax.set_xticks(list(steps), words)
                ax.set_title(f"unit {unit}: mean z = {history['z'][:, unit].mean():.2f}")
                ax.grid(alpha=0.3)
            ax.legend()
            plt.show()
        """),
        *_self_check("gru"),
        _next(
            "GRU는 셀 상태 없이 은닉 상태 하나와 업데이트 게이트 `z`, 리셋 게이트 `r`로 이루어집니다. "
            "블록이 셋(z, r, h)이라 kernel이 `(100, 192)`로 LSTM의 `(100, 256)`보다 작고, "
            "`reset_after=True`이므로 bias가 두 줄입니다. 07에서는 길이가 다른 문장을 패딩하고, 마스크로 "
            "패딩을 건너뜁니다.",
            "A GRU has no cell state: one hidden state, an update gate `z` and a reset gate `r`. "
            "Three blocks (z, r, h) make its kernel `(100, 192)`, smaller than the LSTM's "
            "`(100, 256)`, and `reset_after=True` gives it a two-row bias. In 07 sentences of "
            "different lengths are padded, and a mask skips the padding.",
        ),
    ]


# --- 07 masking --------------------------------------------------------------------------


def _masking() -> list[Cell]:
    return [
        md("""
            ## 길이가 다른 문장과 패딩 · Sentences of different lengths, and padding

            **KO** 배치는 `(B, T)` 모양의 배열 하나이므로, 배치 안의 문장은 길이가 같아야 합니다. 그래서
            짧은 문장은 뜻이 없는 id 0으로 채웁니다. 이것을 **패딩**(padding)이라고 합니다. 문장 뒤를
            채우면 post-padding, 앞을 채우면 pre-padding입니다(`keras.utils.pad_sequences`의
            `padding="post"`와 `padding="pre"`이고, 기본값은 pre입니다). 이 노트북은 노트의 단어로 만든
            세 문장 "What time is it ?"(5단어), "it is time"(3단어), "What ?"(2단어)을 `T = 5`에 맞춰
            채웁니다.

            **EN** A batch is one array of shape `(B, T)`, so the sentences in it must have one
            length. Shorter sentences are filled up with the meaningless id 0: **padding**.
            Filling after the sentence is post-padding, before it pre-padding
            (`keras.utils.pad_sequences` with `padding="post"` or `padding="pre"`, pre by
            default). This notebook pads three sentences of the notes' words, "What time is it ?"
            (5 words), "it is time" (3) and "What ?" (2), to `T = 5`.
        """),
        md("""
            ## 마스크 · The mask

            **KO** 패딩도 id이므로, 그대로 두면 순환 레이어는 패딩을 단어처럼 읽어 은닉 상태를 바꿉니다.
            **마스크**(mask)는 어느 타임스텝이 진짜 단어인지 알려 주는 `(B, T)` bool 배열이고, 이
            마스크로 패딩을 건너뛰는 것을 **마스킹**(masking)이라고 합니다. 마스크는 `Embedding(V, E,
            mask_zero=True)`가 만들어 주는데, `compute_mask(ids)`는 그냥 `ids != 0`입니다. Keras 모델
            안에서는 이 마스크가 다음 레이어로 저절로 전달되고, 여기서는 `layer(x, mask=mask)`로 직접
            넘깁니다. 임베딩 출력은 달라지지 않습니다. id 0의 행 `W[0]`도 그대로 조회되고, 그 타임스텝을
            건너뛰는 것은 다음 레이어의 몫입니다.

            **EN** Padding is an id too: left alone, a recurrent layer reads it like a word and its
            state changes. A **mask** is a `(B, T)` bool array that says which steps are real
            words. `Embedding(V, E, mask_zero=True)` makes it, and `compute_mask(ids)` is simply
            `ids != 0`. Inside a Keras model the mask travels to the next layer by itself; here we
            pass it explicitly, `layer(x, mask=mask)`. The embedding's output does not change: the
            row `W[0]` of id 0 is still looked up, and skipping that step is the next layer's job.

            > **⚠️ KO** `mask_zero=True`이면 id 0은 패딩 전용입니다. 그런데 노트의 사전은 "is"에 0을
            > 줍니다. 그대로 쓰면 "is"가 패딩으로 가려집니다. 그래서 id를 모두 1씩 올리고(`{"is": 1,
            > "it": 2, "What": 3, "time": 4, "?": 5}`), 임베딩 테이블에 패딩용 0번 행을 더해
            > `Embedding(6, 100, mask_zero=True)`를 씁니다. 즉 `input_dim`은 단어 수 + 1입니다.
            >
            > **⚠️ EN** With `mask_zero=True`, id 0 is reserved for padding, but the notes'
            > dictionary gives 0 to "is": used as it is, "is" would be masked out as padding. So
            > every id moves up by one (`{"is": 1, "it": 2, "What": 3, "time": 4, "?": 5}`) and the
            > table gets a row 0 for padding: `Embedding(6, 100, mask_zero=True)`, `input_dim` =
            > words + 1.
        """),
        md("""
            ## 가려진 타임스텝에서 레이어가 하는 일 · What a masked layer does at a padding step

            **KO** 가려진 타임스텝에서는 상태(`h`, LSTM이면 `c`도)가 바뀌지 않고 그대로 넘어갑니다. 그
            타임스텝의 *출력*은 다음과 같습니다(TensorFlow 2.21, Keras 3.15, CPU에서 잰 결과).
            - 보통의 레이어는 처리 순서에서 바로 앞 타임스텝의 출력을 되풀이하고, 진짜 타임스텝이 아직
              하나도 없었으면 0을 냅니다(pre-padding의 앞부분). `return_sequences=False`의 출력은 마지막
              타임스텝의 출력이므로, post-padding이면 마지막 *진짜* 단어 뒤의 출력, 즉 패딩하지 않은
              문장의 최종 출력과 같습니다. `go_backwards=True`이면 마스크도 입력과 함께 뒤집힙니다.
            - `Bidirectional(..., return_sequences=True)` 안에서는 가려진 타임스텝의 출력이 두 절반 모두
              0입니다. `return_sequences=False`이면 보통의 레이어처럼 동작합니다.

            **EN** At a masked step the state (`h`, and `c` for an LSTM) is carried over unchanged.
            What the layer *outputs* there (measured with TensorFlow 2.21, Keras 3.15, on CPU):
            - a plain layer repeats the previous step's output, in processing order, or gives
              zeros if no real step came before (the front of a pre-padded sentence). With
              `return_sequences=False` the output is the last step's, so after post-padding it is
              the output after the last *real* word: the unpadded sentence's final output. Under
              `go_backwards=True` the mask is reversed together with the inputs.
            - inside `Bidirectional(..., return_sequences=True)` both halves output zeros at
              masked steps; with `return_sequences=False` it behaves like the plain layers.

            ```
            mask[b, t] = ids[b, t] != 0
            real step:    h_t = cell(x_t, h_{t-1})     out_t = h_t
            masked step:  h_t = h_{t-1}                out_t = out_{t-1}   (0 before the first real step)
            Bidirectional, return_sequences=True:      out_t = 0 at masked steps (both halves)
            ```
        """),
        SENTENCE,
        code("""
            dic_pad = {word: i + 1 for word, i in dic.items()}  # every id up by one: 0 is the padding
            sentences = ["What time is it ?", "it is time", "What ?"]
            rows = [[dic_pad[word] for word in text.split()] for text in sentences]
            T = max(len(row) for row in rows)
            post_ids = np.array([row + [0] * (T - len(row)) for row in rows])  # padding after
            pre_ids = np.array([[0] * (T - len(row)) + row for row in rows])  # padding before
            print("dictionary with padding / 패딩용 사전:", dic_pad)
            print("post-padding:\\n", post_ids, "\\npre-padding:\\n", pre_ids)
            assert (post_ids == EXAMPLE["post_ids"]).all() and (pre_ids == EXAMPLE["pre_ids"]).all()
""" + indent(dedent(EXAMPLE_OF), " " * 12) + """
            # the layers below reuse the weights of 03-06
            rnn_example, bi_example = example_of("03_simple_rnn"), example_of("05_bidirectional")
            rnn_weights = [rnn_example["kernel"], rnn_example["recurrent_kernel"]]
            lstm_weights = [example_of("04_lstm")[key] for key in ("kernel", "recurrent_kernel")]
            gru_weights = [example_of("06_gru")[key] for key in ("kernel", "recurrent_kernel")]
            bi_weights = [bi_example[f"{half}_{key}"] for half in ("forward", "backward")
                          for key in ("kernel", "recurrent_kernel")]
            table = EXAMPLE["table"]  # (6, 100): row 0 for the padding, then the notes' table
            assert np.array_equal(table[1:], rnn_example["embeddings"])
        """),
        _keras_or_stored("""
            embedding_layer = keras.layers.Embedding(input_dim=len(dic_pad) + 1, output_dim=100,
                                                     mask_zero=True, dtype="float64")
            post_emb = from_keras(embedding_layer, post_ids, [table])
            pre_emb = from_keras(embedding_layer, pre_ids, [table])
            post_mask, pre_mask, notes_mask = (np.asarray(embedding_layer.compute_mask(i))
                                               for i in (post_ids, pre_ids, ids))
            for name, value in [("post_emb", post_emb), ("pre_emb", pre_emb), ("post_mask", post_mask),
                                ("pre_mask", pre_mask), ("notes_mask", notes_mask)]:
                same_as_stored(name, value)
        """, """
            post_emb, pre_emb = EXAMPLE["post_emb"], EXAMPLE["pre_emb"]
            post_mask, pre_mask, notes_mask = EXAMPLE["post_mask"], EXAMPLE["pre_mask"], EXAMPLE["notes_mask"]
        """, """
            print("Embedding 결과 / result:", post_emb.shape, " mask:", post_mask.shape, post_mask.dtype)
            print("post-padding mask:\\n", post_mask.astype(int))
            print("pre-padding mask:\\n", pre_mask.astype(int))
            print("the notes' ids", ids, "-> mask", notes_mask.astype(int), "<- 'is' (id 0) is masked")
            print("the padding steps still get row 0 of the table:", np.array_equal(post_emb[2, 4], table[0]))
        """),
        md("""
            **KO** 이제 노트의 SimpleRNN(03과 같은 가중치)을 마스크를 주고, 또 마스크 없이 실행한 뒤, 각
            문장을 패딩 없이 따로 실행한 최종 출력과 비교합니다. LSTM(04), GRU(06), 양방향 레이어(05)도
            각자의 가중치로 마스크를 주어 실행합니다.

            **EN** Now the notes' SimpleRNN (the weights of 03), with and without the mask, and
            each sentence alone, unpadded, for its final output; then the LSTM (04), the GRU (06)
            and Bidirectional (05), with their weights and the mask.
        """),
        _keras_or_stored("""
            def from_keras_masked(layer, inputs, weights, mask):
                \"\"\"from_keras, with the mask passed to the layer's call.\"\"\"
                layer(inputs)
                layer.set_weights(weights)
                return np.asarray(layer(inputs, mask=mask))

            def keras_rnn(name="SimpleRNN", **options):
                return getattr(keras.layers, name)(units=64, use_bias=False, dtype="float64", **options)

            keras_out = {}
            for side, x, mask in (("post", post_emb, post_mask), ("pre", pre_emb, pre_mask)):
                keras_out[f"{side}_seq"] = from_keras_masked(keras_rnn(return_sequences=True), x,
                                                             rnn_weights, mask)
                keras_out[f"{side}_seq_unmasked"] = from_keras(keras_rnn(return_sequences=True), x,
                                                               rnn_weights)
                keras_out[f"{side}_fin"] = from_keras_masked(keras_rnn(), x, rnn_weights, mask)
                keras_out[f"{side}_fin_unmasked"] = from_keras(keras_rnn(), x, rnn_weights)
            alone = [from_keras(keras_rnn(), from_keras(embedding_layer, np.array([row]), [table]),
                                rnn_weights) for row in rows]
            keras_out["alone_fin"] = np.concatenate(alone)
            for name, layer_weights in (("lstm", lstm_weights), ("gru", gru_weights)):
                layer = keras_rnn(name.upper(), return_sequences=True)
                keras_out[f"{name}_seq"] = from_keras_masked(layer, post_emb, layer_weights, post_mask)
            for name, sequences in (("bi_seq", True), ("bi_fin", False)):
                layer = keras.layers.Bidirectional(keras_rnn(return_sequences=sequences), dtype="float64")
                keras_out[name] = from_keras_masked(layer, post_emb, bi_weights, post_mask)
            for name, value in keras_out.items():
                same_as_stored(name, value)
        """, """
            names = [f"{side}_{kind}" for side in ("post", "pre")
                     for kind in ("seq", "seq_unmasked", "fin", "fin_unmasked")]
            keras_out = {name: EXAMPLE[name] for name in [*names, "alone_fin", "lstm_seq", "gru_seq",
                                                         "bi_seq", "bi_fin"]}
        """, """
            for side in ("post", "pre"):
                masked, unmasked = keras_out[f"{side}_fin"], keras_out[f"{side}_fin_unmasked"]
                print(f"{side}-padding, last output vs each sentence alone: with the mask "
                      f"{np.abs(masked - keras_out['alone_fin']).max(axis=1).round(3)}, without "
                      f"{np.abs(unmasked - keras_out['alone_fin']).max(axis=1).round(3)}")
            print("Bidirectional, return_sequences=True:", keras_out["bi_seq"].shape,
                  "all zeros at the padding:", not keras_out["bi_seq"][~post_mask].any())
        """),
        _pitfalls("masking"),
        PITFALLS_LIVE,
        _your_turn("masking", "`padding_mask`, then `mask=` in your `simple_rnn`, `lstm`, `gru` and "
                   "`bidirectional`", "`padding_mask`와, `simple_rnn`, `lstm`, `gru`, `bidirectional`의 "
                   "`mask=` 인자"),
        md("""
            > **KO** `mask=`는 `rnnlab/simple_rnn.py`, `lstm.py`, `gru.py`, `bidirectional.py`의 함수에
            > 키워드 인자로 추가합니다(03-06을 먼저 마치세요). 이 부분의 점수는 07에 들어갑니다.
            >
            > **EN** `mask=` is a keyword you add to the functions of `rnnlab/simple_rnn.py`,
            > `lstm.py`, `gru.py` and `bidirectional.py` (finish 03-06 first); its points belong to
            > this exercise, 07.
        """),
        code("""
            from rnnlab.masking import padding_mask

            my_post_mask = padding_mask(post_ids)
        """),
        code("""
            for name, my_mask, keras_mask in [("post", my_post_mask, post_mask),
                                              ("pre", padding_mask(pre_ids), pre_mask),
                                              ("notes' ids", padding_mask(ids), notes_mask)]:
                assert np.shape(my_mask) == keras_mask.shape, f"{name}: your shape {np.shape(my_mask)}"
                print(f"padding_mask, {name}: same as Keras's compute_mask:",
                      np.array_equal(my_mask, keras_mask), np.asarray(my_mask).dtype)
                assert np.array_equal(my_mask, keras_mask), name
        """),
        code("""
            from rnnlab.simple_rnn import simple_rnn

            my_post_seq = simple_rnn(post_emb, *rnn_weights, mask=post_mask, return_sequences=True)
        """),
        code("""
            from rnnlab.bidirectional import bidirectional
            from rnnlab.gru import gru
            from rnnlab.lstm import lstm

            mine = {}
            for side, x, mask in (("post", post_emb, post_mask), ("pre", pre_emb, pre_mask)):
                mine[f"{side}_seq"] = simple_rnn(x, *rnn_weights, mask=mask, return_sequences=True)
                mine[f"{side}_fin"] = simple_rnn(x, *rnn_weights, mask=mask)
                mine[f"{side}_fin_unmasked"] = simple_rnn(x, *rnn_weights)
            for name, layer, layer_weights in (("lstm", lstm, lstm_weights), ("gru", gru, gru_weights)):
                mine[f"{name}_seq"] = layer(post_emb, *layer_weights, mask=post_mask, return_sequences=True)
            halves = (bi_weights[:2], bi_weights[2:])
            mine["bi_seq"] = bidirectional(post_emb, simple_rnn, *halves, mask=post_mask,
                                           return_sequences=True)
            mine["bi_fin"] = bidirectional(post_emb, simple_rnn, *halves, mask=post_mask)
            for key, value in mine.items():  # named as in keras_out: post_seq, pre_fin_unmasked, ...
                compare(f"{key:<17}", value, keras_out[key])
            my_bi_seq = mine["bi_seq"]
        """),
        md("""
            ## 그림: 패딩 타임스텝의 출력 · Picture: the outputs at the padding steps

            **KO** 위 그림은 문장 "it is time"(3단어 + 패딩 2개)의 타임스텝별 출력 가운데 처음 16개
            유닛입니다. (1) post-padding에 마스크를 쓰면 패딩 타임스텝(빨간 테두리)이 `time` 뒤의 출력을
            되풀이합니다. (2) 같은 입력에 마스크가 없으면 레이어가 패딩을 단어처럼 읽어 출력이 계속
            바뀝니다. (3) pre-padding에 마스크를 쓰면 첫 진짜 단어 전까지 출력이 0입니다. (4) 양방향
            레이어(return_sequences)에 마스크를 쓰면 패딩 타임스텝의 출력이 0입니다. 아래 그림은 세 문장
            각각에 대해, 패딩한 배치의 마지막 출력이 패딩 없이 따로 실행한 문장의 최종 출력과 얼마나
            다른지 보여 줍니다. 마스크를 쓰면 차이가 0이고, 마스크가 없으면 post-padding에서 가장 크게
            달라집니다. 마스크가 없을 때 pre-padding이 덜 어긋나는 것은 진짜 단어를 마지막에 읽기
            때문입니다(그래서 `pad_sequences`의 기본값이 pre입니다). 첫 문장은 이미 가장 길어서 패딩이
            없으므로 어느 쪽이든 0입니다.

            **EN** Top: the outputs at every step for "it is time" (3 words + 2 padding steps), the
            first 16 units. (1) Post-padding with the mask: the padding steps (red frame) repeat
            the output after `time`. (2) The same input without the mask: the layer reads the
            padding as words and the output keeps changing. (3) Pre-padding with the mask: zeros
            until the first real word. (4) Bidirectional (return_sequences) with the mask: zeros
            at the padding. Bottom: for each sentence, how far the padded batch's last output is
            from the sentence's final output alone, unpadded: 0 with the mask; without it,
            post-padding is off the most. Unmasked pre-padding does less harm because the real
            words are read last (hence `pad_sequences`'s default, pre). The first sentence is
            full length, so it has no padding and is 0 either way.
        """),
        _figure("""
            row, shown = 1, slice(0, 16)  # "it is time", the first 16 units
            panels = [
                ("post-padding, masked", my_post_seq[row], post_ids[row]),
                ("post-padding, no mask", keras_out["post_seq_unmasked"][row], post_ids[row]),
                ("pre-padding, masked", keras_out["pre_seq"][row], pre_ids[row]),
                ("Bidirectional, masked (forward half)", my_bi_seq[row][:, :64], post_ids[row]),
            ]
            by_id = {i: word for word, i in dic_pad.items()} | {0: "<pad>"}
            alone = keras_out["alone_fin"]
            gaps = {
                f"{side}, {kind}": np.abs(keras_out[f"{side}_fin{suffix}"] - alone).max(axis=1)
                for side in ("post", "pre") for kind, suffix in (("masked", ""), ("no mask", "_unmasked"))
            }
            print("post-padding, masked: padding steps repeat the last word's output:",
                  np.allclose(my_post_seq[row][3:], my_post_seq[row][2]))
        """, """
            fig = plt.figure(figsize=(15, 7.5), constrained_layout=True)
            top, bottom = fig.subfigures(2, 1, height_ratios=[1.2, 1])
            for ax, (title, values, row_ids) in zip(top.subplots(1, 4), panels):
                image = ax.imshow(np.asarray(values)[:, shown], cmap="coolwarm", vmin=-1, vmax=1,
                                  aspect="auto")
                ax.set_yticks(range(T), [by_id[i] for i in row_ids])
                for t in np.flatnonzero(np.asarray(row_ids) == 0):
                    ax.add_patch(plt.Rectangle((-0.5, t - 0.5), 16, 1, fill=False, edgecolor="red", lw=2))
                ax.set_xlabel("unit (first 16)")
                ax.set_title(title, fontsize=10)
            top.colorbar(image, ax=ax, shrink=0.8)
            ax = bottom.subplots()
            width = 0.2
            for k, (label, gap) in enumerate(gaps.items()):
                bars = ax.bar(np.arange(len(sentences)) + (k - 1.5) * width, gap, width, label=label)
                ax.bar_label(bars, fmt="%.2f", fontsize=8)  # 0.00: the same as the sentence alone
            ax.set_xticks(range(len(sentences)),
                          [f'"{text}" ({len(words_ids)} words)' for text, words_ids in zip(sentences, rows)])
            ax.set_ylabel("max |last output - alone|")
            ax.set_title("the padded batch's last output vs each sentence run alone, unpadded")
            ax.legend()
            plt.show()
        """),
        *_self_check("masking"),
        _next(
            "길이가 다른 문장은 id 0으로 채우고, `mask_zero=True`의 마스크(`ids != 0`)로 패딩 타임스텝을 "
            "건너뜁니다. 이때 상태는 그대로 넘어가고, 출력은 앞 타임스텝의 것을 되풀이합니다(양방향 "
            "레이어에 return_sequences를 쓰면 0). 그래서 post-padding을 해도 마지막 출력이 패딩 없는 "
            "문장의 것과 같습니다. 08에서는 이 레이어들의 파라미터 수를 셉니다.",
            "Sentences of different lengths are padded with id 0, and the mask of "
            "`mask_zero=True` (`ids != 0`) skips the padding steps: the state is carried over and "
            "the output repeats the previous step's (zeros in Bidirectional with "
            "return_sequences). So even after post-padding the last output is the unpadded "
            "sentence's. In 08 you count these layers' parameters.",
        ),
    ]


# --- 08 parameter counts -----------------------------------------------------------------


def _params() -> list[Cell]:
    return [
        md("""
            ## 파라미터란 · What a parameter is

            **KO** 파라미터는 학습이 바꾸는 숫자 하나하나, 즉 레이어 가중치의 원소입니다. Keras의
            `layer.count_params()`는 `layer.get_weights()`에 있는 모든 배열의 크기(원소 수)를 더한
            값입니다. **파라미터 수**를 보면 모델의 메모리, 학습 시간, 과적합 위험을 가늠할 수 있습니다.
            레이어는 처음 호출되거나 `build`될 때 입력의 모양을 보고 가중치를 만듭니다. 그 전에는
            가중치가 없으므로 셀 것도 없습니다.

            **EN** A parameter is one number that training changes: one entry of a layer's
            weights. Keras's `layer.count_params()` adds up the sizes (numbers of entries) of every
            array in `layer.get_weights()`. The count tells you about a model's memory, training
            time and risk of overfitting. A layer creates its weights when it is first called or
            built, from the shape of its input: before that there is nothing to count.
        """),
        md("""
            ## 공식 · The formulas

            **KO** `D`는 타임스텝마다 들어오는 입력의 차원(노트의 임베딩 크기 100)이고, `U`는 유닛
            수(64)입니다. 순환 레이어의 가중치는 블록 `k`개로 이루어집니다(SimpleRNN 1개, LSTM 4개, GRU
            3개). kernel `W`는 `(D, kU)`, recurrent kernel `R`은 `(U, kU)`, bias는 `(kU,)`입니다. GRU는
            `reset_after=True`이므로 bias가 두 줄 `(2, kU)`입니다(06). `Bidirectional`은 레이어를 두
            벌(순방향, 역방향) 가지므로 파라미터 수가 두 배입니다.

            **EN** `D` is the size of each step's input (the notes' embedding size, 100), `U` the
            number of units (64). A recurrent layer's weights come in `k` blocks (SimpleRNN 1,
            LSTM 4, GRU 3): kernel `(D, kU)`, recurrent kernel `(U, kU)`, bias `(kU,)`; the GRU's
            bias has two rows, `(2, kU)`, because of `reset_after=True` (06). `Bidirectional` holds
            two copies of the layer (forward and backward), so it doubles the count.

            ```
            Embedding(V, E)              V * E                  Embedding(5, 100):        500
            SimpleRNN(U) on D features   1 * U * (D + U + 1)    SimpleRNN(64) on 100:  10,560
            LSTM(U)                      4 * U * (D + U + 1)    LSTM(64):              42,240
            GRU(U), reset_after=True     3 * U * (D + U + 2)    GRU(64):               31,872
            use_bias=False               drop the + 1 (+ 2 for the GRU)
            Bidirectional(layer)         2 * count(layer)
            ```
        """),
        md("""
            ## 노트의 (100, 64)와 (100, 256) · The notes' (100, 64) and (100, 256)

            **KO** 노트가 출력한 SimpleRNN의 가중치 `(100, 64)`와 LSTM의 가중치 `(100, 256)`은
            `get_weights()[0]`, 즉 kernel `W` 하나뿐입니다. 레이어 전체에는 recurrent kernel `R`도
            있습니다(SimpleRNN은 `(64, 64)`, LSTM은 `(64, 256)`). LSTM의 256은 64 유닛 × 블록 4개(i, f,
            c, o)이고, 그래서 LSTM의 파라미터 수는 bias가 있든 없든 SimpleRNN의 정확히 4배입니다. 노트의
            레이어는 `use_bias=False`라서 bias가 없습니다. Keras의 기본값 `use_bias=True`이면
            SimpleRNN에 `(64,)`, LSTM에 `(256,)`, GRU에 `(2, 192)`가 더해집니다. GRU의 bias가 두 줄인
            것은 리셋 게이트 `r`이 recurrent 쪽 행렬 곱 *뒤에* 곱해져서(`r * (h R_h + b1_h)`) recurrent
            쪽 bias를 입력 쪽 bias와 합칠 수 없기 때문입니다.

            **EN** The weights the notes print, SimpleRNN's `(100, 64)` and LSTM's `(100, 256)`,
            are `get_weights()[0]` alone: the kernel. The whole layer also has a recurrent kernel,
            `(64, 64)` for SimpleRNN and `(64, 256)` for LSTM. The LSTM's 256 is 64 units times 4
            blocks (i, f, c, o), which is why an LSTM always has exactly four times SimpleRNN's
            parameters. The notes' layers have `use_bias=False`, so no bias; with Keras's default
            `use_bias=True`, SimpleRNN adds `(64,)`, LSTM `(256,)` and GRU `(2, 192)`. The GRU's
            bias has two rows because the reset gate `r` multiplies the recurrent part *after*
            its matmul (`r * (h R_h + b1_h)`), so the recurrent bias cannot be merged into the
            input bias.
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 노트의 문장에 쓴 `Embedding(5, 100)`과, 그 출력 `(1, 5, 100)`을 읽는 64 유닛짜리
            SimpleRNN, LSTM, GRU를 만듭니다. 순환 레이어는 노트처럼 `use_bias=False`로, Keras의 기본값
            `use_bias=True`로, 그리고 `Bidirectional`로 감싸서 각각 만들고, `count_params()`와 가중치의
            모양을 확인합니다.

            **EN** The `Embedding(5, 100)` of the notes' sentence, and 64-unit SimpleRNN, LSTM and
            GRU layers reading its `(1, 5, 100)` output: with `use_bias=False` as in the notes,
            with Keras's default `use_bias=True`, and wrapped in `Bidirectional`. For each,
            `count_params()` and the weights' shapes.
        """),
        SENTENCE,
        code("""
            recurrent = ("simple_rnn", "lstm", "gru")
            cases = [  # (layer, input_dim, units, use_bias, bidirectional)
                ("embedding", len(dic), 100, False, False),
                *[(layer, 100, 64, False, False) for layer in recurrent],  # the notes' layers
                *[(layer, 100, 64, True, False) for layer in recurrent],  # Keras's default use_bias=True
                *[(layer, 100, 64, True, True) for layer in recurrent],  # Bidirectional
            ]
            COLUMNS = ("layer", "input_dim", "units", "use_bias", "bidirectional")
            assert cases == list(zip(*(EXAMPLE[f"case_{column}"].tolist() for column in COLUMNS)))
            NAMES = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


            def describe(layer, input_dim, units, use_bias, bidirectional):
                \"\"\"The Keras layer of a case, as one would write it.\"\"\"
                if layer == "embedding":
                    return f"Embedding({input_dim}, {units})"
                text = f"{NAMES[layer]}({units}{'' if use_bias else ', use_bias=False'})"
                return f"Bidirectional({text})" if bidirectional else text
        """),
        _keras_or_stored("""
            def keras_layer(layer, input_dim, units, use_bias, bidirectional):
                \"\"\"The Keras layer of a case, built by one call on the example's input.\"\"\"
                if layer == "embedding":
                    built = keras.layers.Embedding(input_dim=input_dim, output_dim=units)
                    built(ids)  # the notes' sentence, (1, 5)
                    return built
                built = getattr(keras.layers, NAMES[layer])(units=units, use_bias=use_bias)
                if bidirectional:
                    built = keras.layers.Bidirectional(built)
                built(np.zeros((1, 5, input_dim)))  # the shape of the embedded sentence, (1, 5, 100)
                return built

            keras_layers = [keras_layer(*case) for case in cases]
            keras_counts = np.array([layer.count_params() for layer in keras_layers])
            weight_shapes = [str([tuple(w.shape) for w in layer.get_weights()]) for layer in keras_layers]
            same_as_stored("keras_counts", keras_counts)
            assert weight_shapes == EXAMPLE["weight_shapes"].tolist()
        """, """
            keras_counts, weight_shapes = EXAMPLE["keras_counts"], EXAMPLE["weight_shapes"].tolist()
        """, """
            for case, count, shapes in zip(cases, keras_counts, weight_shapes):
                print(f"{describe(*case):<33} count_params() = {count:>6,}   weights {shapes}")
        """),
        _pitfalls("params"),
        PITFALLS_LIVE,
        _your_turn("params", "`count_params`"),
        code("""
            from rnnlab.params import count_params

            my_embedding_count = count_params("embedding", len(dic), 100)
        """),
        code("""
            print("count_params('embedding', 5, 100) =", my_embedding_count, " Keras:", keras_counts[0])
            my_counts = np.array([count_params(layer, input_dim, units, use_bias=use_bias,
                                               bidirectional=bidirectional)
                                  for layer, input_dim, units, use_bias, bidirectional in cases])
            for case, mine, expected in zip(cases, my_counts, keras_counts):
                verdict = "ok" if mine == expected else "<- differs"
                print(f"{describe(*case):<33} yours {mine:>6,}   Keras {expected:>6,}   {verdict}")
            assert np.array_equal(my_counts, keras_counts), "some counts differ from Keras's"
            simple, lstm_count, gru_count = my_counts[1:4]
            print("LSTM / SimpleRNN:", lstm_count / simple, "  GRU / SimpleRNN:", gru_count / simple,
                  "(use_bias=False: 4 and 3 blocks)")
        """),
        md("""
            ## 그림: 파라미터는 어디에 있나 · Picture: where the parameters are

            **KO** 레이어마다 파라미터를 kernel `(D, kU)`, recurrent kernel `(U, kU)`, bias로 나누어
            쌓았습니다. 막대의 높이는 여러분의 `count_params`가 센 값이고, 조각의 합이 그 값과 같은지도
            확인합니다. LSTM과 GRU는 블록 수만큼 SimpleRNN보다 크고, bias는 얇은 조각이며(GRU는 두 줄),
            Bidirectional은 모두 두 배입니다. `Embedding(5, 100)`은 단어가 다섯 개뿐이라 작습니다.
            실제처럼 어휘가 50,000개라면 임베딩 테이블 하나에만 5,000,000개가 들어갑니다.

            **EN** Each layer's parameters, split into kernel `(D, kU)`, recurrent kernel
            `(U, kU)` and bias, stacked. The bars' heights are your `count_params`, and the pieces
            are checked to add up to them. LSTM and GRU are larger than SimpleRNN by their number
            of blocks, the bias is a thin slice (two rows for the GRU), and Bidirectional doubles
            everything. `Embedding(5, 100)` is small because there are only five words; with a
            real vocabulary of 50,000 words the table alone holds 5,000,000.
        """),
        _figure("""
            BLOCKS = {"simple_rnn": 1, "lstm": 4, "gru": 3}


            def pieces(layer, input_dim, units, use_bias, bidirectional):
                \"\"\"(kernel, recurrent kernel, bias) sizes of a case: the table counts as a kernel.\"\"\"
                if layer == "embedding":
                    return np.array([input_dim * units, 0, 0])
                k, copies = BLOCKS[layer], 2 if bidirectional else 1
                bias_rows = (2 if layer == "gru" else 1) if use_bias else 0
                return copies * np.array([input_dim * k * units, units * k * units, bias_rows * k * units])


            parts = np.array([pieces(*case) for case in cases])  # (cases, 3)
            assert np.array_equal(parts.sum(axis=1), my_counts), "the pieces do not add up to count_params"
            labels = [describe(*case).replace("Bidirectional(", "Bi(").replace(", use_bias=", ",\\nuse_bias=")
                      for case in cases]
        """, """
            fig, ax = plt.subplots(figsize=(13, 5), constrained_layout=True)
            bottom = np.zeros(len(cases))
            for column, name in enumerate(("kernel / table", "recurrent kernel", "bias")):
                ax.bar(range(len(cases)), parts[:, column], bottom=bottom, label=name)
                bottom += parts[:, column]
            for x, count in enumerate(my_counts):
                ax.text(x, count, f"{count:,}", ha="center", va="bottom", fontsize=8)
            ax.set_xticks(range(len(cases)), labels, fontsize=8)
            ax.set_ylabel("parameters")
            ax.set_title("count_params of the notes' layers: D = 100 inputs, U = 64 units")
            ax.legend()
            plt.show()
        """),
        *_self_check("params"),
        _next(
            "파라미터 수는 가중치 배열 크기의 합입니다. 순환 레이어는 블록 수 × U × (D + U + bias "
            "줄 수)이고(블록은 SimpleRNN 1개, LSTM 4개, GRU 3개이며 GRU의 bias는 두 줄), "
            "Bidirectional은 그 두 배, Embedding은 V × E입니다. 마지막 연습 09에서는 이 가중치들의 "
            "기울기를 직접 계산해 학습까지 해 봅니다.",
            "A parameter count is the total size of the weight arrays: blocks × U × (D + U + bias "
            "rows) for a recurrent layer (1 block for SimpleRNN, 4 for LSTM, 3 for GRU, whose bias "
            "has two rows), twice that for Bidirectional, V × E for an Embedding. The last exercise, "
            "09, computes the gradients of these weights and trains with them.",
        ),
    ]


# --- 09 backpropagation through time -------------------------------------------------------

GRADIENT_KEYS = """
    KEYS = {  # the gradients example.npz keeps, by layer, in the order Keras's tape gives them
        "simple_rnn": ("inputs", "kernel", "recurrent_kernel", "initial_state", "table"),
        "lstm": ("inputs", "kernel", "recurrent_kernel", "initial_h", "initial_c", "table"),
    }
"""


def _backward() -> list[Cell]:
    return [
        md("""
            ## 학습에는 기울기가 필요하다 · Training needs gradients

            **KO** 02-04에서는 레이어의 순전파, 즉 입력에서 출력을 계산하는 방법을 만들었습니다. 학습은
            손실 `L`이 줄어들도록 모든 가중치를 조금씩 옮기는 일이고, 그러려면 가중치마다 `dL/dW`가
            필요합니다. 이 연습의 함수들은 위쪽 레이어가 보내 준 기울기 `d_output = dL/d output`을 받아
            입력과 가중치의 기울기를 돌려줍니다. 그래서 모든 기울기는 스칼라 `L = sum(output *
            d_output)`의 기울기로 정의됩니다. 실제 학습에서는 `d_output`이 손실에서 옵니다. 이 노트북의
            마지막 부분에서 그렇게 두 레이어를 학습시킵니다.

            **EN** Exercises 02-04 built the layers' forward passes, from inputs to outputs.
            Training moves every weight a little so that a loss `L` goes down, and for that it
            needs `dL/dW` for every weight. The functions of this exercise take the gradient the
            layer above sends back, `d_output = dL/d output`, and return the gradients of the
            inputs and the weights: every gradient is that of the scalar
            `L = sum(output * d_output)`. In real training `d_output` comes from the loss; the
            last part of this notebook trains two layers that way.
        """),
        md("""
            ## 시간 역전파 · Backpropagation through time

            **KO** 순환 레이어는 같은 `W`와 `R`을 모든 타임스텝에서 다시 씁니다. 그래서 가중치의
            기울기는 타임스텝마다의 기여를 모두 더한 것이고, 그 기여는 타임스텝을 **거꾸로** 돌며
            구합니다. 이것이 **시간 역전파**(BPTT)입니다. 타임스텝 `t`의 은닉 상태에 도착하는 기울기
            `dh`는 그 타임스텝의 출력(`return_sequences`일 때)에서, 그리고 다음 타임스텝 `t+1`에서 `R`을
            거쳐 옵니다. SimpleRNN에서는 한 타임스텝 거슬러 갈 때마다 기울기에 `tanh`의 미분 `1 -
            h_t²`(1 이하)와 `Rᵀ`가 곱해집니다. 이 곱이 쌓이면 앞쪽 타임스텝에 닿는 기울기는 지수적으로
            작아지고(기울기 소실), 가중치가 크면 반대로 커집니다(기울기 폭주).

            **EN** A recurrent layer reuses the same `W` and `R` at every step, so a weight's
            gradient is the sum of every step's contribution, found by running the steps
            **backwards**: backpropagation through time (BPTT). The gradient `dh` reaching step
            `t`'s state comes from that step's output (with `return_sequences`) and from step
            `t+1`, through `R`. In a SimpleRNN each step back multiplies it by the `tanh`
            derivative `1 - h_t²` (at most 1) and by `Rᵀ`; the products pile up, and the gradient
            reaching early steps shrinks exponentially (the vanishing gradient), or with large
            weights grows (the exploding gradient).

            ```
            SimpleRNN:  dz = dh * (1 - h_t**2)    dx_t = dz @ W.T    dW += x_t.T @ dz    dR += h_(t-1).T @ dz
                        dh = dz @ R.T             (for the step before)
            LSTM:       dc += dh * o * (1 - tanh(c_t)**2)    ...    dh = dz @ R.T    dc = dc * f
            Embedding:  dW = one_hot(ids).T @ d_output       (np.add.at: a repeated id collects both)
            ```
        """),
        md("""
            ## 셀 상태가 바꾸는 것 · What the cell state changes

            **KO** LSTM에서는 기울기가 두 길로 거슬러 갑니다. `dh`는 SimpleRNN처럼 `R`을 거치고, `dc`는
            셀 상태를 따라 `dc_{t-1} = dc_t * f_t`로 갑니다. 셀 상태의 길에서는 타임스텝마다 망각
            게이트가 한 번 곱해질 뿐이고, 행렬도 `tanh`의 미분도 없습니다(04의 그림). 망각 게이트가 1에
            가까우면 기울기가 앞쪽 타임스텝까지 거의 그대로 닿습니다. 임베딩의 기울기는 `d_output`의 각
            행을, 그 행을 골랐던 단어의 임베딩 테이블 행으로 돌려보내는 것입니다. id 자체는 기울기를
            받지 않습니다(02).

            **EN** In an LSTM the gradient goes back along two paths: `dh` through `R`, as in
            SimpleRNN, and `dc` along the cell state, `dc_{t-1} = dc_t * f_t`. Along the cell state
            each step multiplies by a forget gate once, with no matrix and no `tanh` derivative
            (04's picture): with forget gates near 1 the gradient reaches early steps almost
            intact. The embedding's gradient sends each row of `d_output` back to the row of the
            word that chose it; the ids themselves get no gradient (02).
        """),
        md("""
            ## 노트의 예제, Keras 3로 · The notes' example in Keras 3

            **KO** 노트의 문장을 `Embedding(5, 100)`에 넣고, 03의 `SimpleRNN(64)`와 04의 `LSTM(64)`를
            각자의 가중치와 `return_sequences=True`로 실행합니다. `d_output`은 `example.npz`에 저장된
            무작위 `(1, 5, 64)` 배열입니다. Keras는 `tf.GradientTape`로 `L = sum(layer(Embedding(ids)) *
            d_output)`을 미분해서 임베딩 출력, kernel, recurrent kernel, 0으로 시작한 초기 상태, 그리고
            임베딩 테이블의 기울기를 줍니다. 노트의 레이어는 `use_bias=False`라서 bias의 기울기는
            없습니다(`None`). kernel의 기울기는 타임스텝별 기여의 합 `Σ_t x_tᵀ dz_t`이므로,
            `example.npz`에는 `(100, 256)` 배열 대신 타임스텝마다 한 행인 `dz` `(5, 256)`를 저장해 두고,
            아래 셀에서 Keras의 기울기를 그대로 다시 만듭니다.

            **EN** The notes' sentence goes through `Embedding(5, 100)`, then 03's `SimpleRNN(64)`
            and 04's `LSTM(64)` with their weights and `return_sequences=True`; `d_output` is a
            random `(1, 5, 64)` array kept in `example.npz`. Keras differentiates
            `L = sum(layer(Embedding(ids)) * d_output)` with `tf.GradientTape` and gives the
            gradients of the embedded sentence, the kernel, the recurrent kernel, the zero initial
            states and the embedding table. The notes' layers have `use_bias=False`, so there is
            no bias gradient (`None`). A kernel gradient is a sum over the steps,
            `Σ_t x_tᵀ dz_t`, so instead of the `(100, 256)` array `example.npz` keeps `dz`, one
            row per step, `(5, 256)`, and the cell below rebuilds Keras's gradient from it.
        """),
        SENTENCE,
        code("\n\n".join(dedent(part).strip() for part in (EXAMPLE_OF, GRADIENT_KEYS, """

            rnn_example, lstm_example = example_of("03_simple_rnn"), example_of("04_lstm")
            rnn_weights = [rnn_example["kernel"], rnn_example["recurrent_kernel"]]  # (100, 64), (64, 64)
            lstm_weights = [lstm_example["kernel"], lstm_example["recurrent_kernel"]]  # (100, 256), (64, 256)
            table, emb_out, d_output = EXAMPLE["embeddings"], EXAMPLE["emb_out"], EXAMPLE["d_output"]
            for layer, example in (("simple_rnn", rnn_example), ("lstm", lstm_example)):
                h_prev = np.concatenate([np.zeros((1, 64)), example["seq_out"][0, :-1]])  # h_(t-1), t = 0..4
                dz = EXAMPLE[f"{layer}_dz"]  # (5, kU): dL/dz_t, one row per step
                EXAMPLE[f"{layer}_kernel"] = emb_out[0].T @ dz  # sum_t x_t.T @ dz_t
                EXAMPLE[f"{layer}_recurrent_kernel"] = h_prev.T @ dz  # sum_t h_(t-1).T @ dz_t
            print("d_output:", d_output.shape, " weights:", [w.shape for w in rnn_weights + lstm_weights])
        """))),
        _keras_or_stored("""
            import tensorflow as tf  # Keras 3 runs on TensorFlow here, and its GradientTape differentiates

            def keras_gradients(name, weights):
                \"\"\"tf.GradientTape's gradients of L = sum(layer(Embedding(ids)) * d_output).\"\"\"
                embedding_layer = keras.layers.Embedding(input_dim=len(dic), output_dim=100, dtype="float64")
                from_keras(embedding_layer, ids, [table])
                layer = getattr(keras.layers, name)(units=64, use_bias=False, return_sequences=True,
                                                    dtype="float64")
                from_keras(layer, emb_out, weights)
                zeros = [tf.zeros((1, 64), dtype="float64") for _ in range(2 if name == "LSTM" else 1)]
                with tf.GradientTape() as tape:
                    tape.watch(zeros)  # the initial states: zeros, as when none is given
                    x = embedding_layer(ids)
                    loss = tf.reduce_sum(layer(x, initial_state=zeros) * d_output)
                found = tape.gradient(loss, [x, *layer.trainable_weights, *zeros, embedding_layer.embeddings])
                return [np.asarray(tf.convert_to_tensor(value)) for value in found]

            keras_grads = {}
            for layer, name, weights in (("simple_rnn", "SimpleRNN", rnn_weights),
                                         ("lstm", "LSTM", lstm_weights)):
                keras_grads[layer] = dict(zip(KEYS[layer], keras_gradients(name, weights)))
                for key, value in keras_grads[layer].items():
                    same_as_stored(f"{layer}_{key}", value)
        """, """
            keras_grads = {layer: {key: EXAMPLE[f"{layer}_{key}"] for key in keys}
                           for layer, keys in KEYS.items()}
        """, """
            for layer, grads in keras_grads.items():
                print(f"Keras, {layer}:", {key: value.shape for key, value in grads.items()})
        """),
        _pitfalls("backward"),
        PITFALLS_LIVE,
        _your_turn("backward", "`simple_rnn_backward`, `lstm_backward`, `embedding_backward`"),
        code("""
            from rnnlab.backward import simple_rnn_backward

            my_rnn_grads = simple_rnn_backward(emb_out, *rnn_weights, None, d_output, return_sequences=True)
        """),
        code("""
            from rnnlab.backward import lstm_backward

            my_lstm_grads = lstm_backward(emb_out, *lstm_weights, None, d_output, return_sequences=True)
        """),
        code("""
            from rnnlab.backward import embedding_backward

            my_table_grad = embedding_backward(ids, my_rnn_grads["inputs"], len(dic))
        """),
        code("""
            for layer, mine in (("simple_rnn", my_rnn_grads), ("lstm", my_lstm_grads)):
                expected = keras_grads[layer]
                states = mine["initial_state"] if layer == "lstm" else (mine["initial_state"],)
                for key, value in [*((key, mine[key]) for key in KEYS[layer][:3]),
                                   *zip(KEYS[layer][3:-1], states)]:
                    compare(f"{layer}_backward: {key:<16}", value, expected[key])
                table_grad = embedding_backward(ids, mine["inputs"], len(dic))
                compare(f"embedding_backward after {layer}", table_grad, expected["table"])
                print(f"{layer}_backward: bias {mine['bias']} (no bias, as in the notes)\\n")
            print("each word's table row gets dL/dx at its position:",
                  np.allclose(my_table_grad[ids[0]], my_rnn_grads["inputs"][0]))
        """),
        md("""
            ## 첫 토큰을 기억하는 과제 · A task that needs the first token

            **KO** 이제 여러분의 함수만으로 두 레이어를 학습시킵니다. 과제는 이렇습니다. 길이 `T = 80`인
            토큰 열의 첫 토큰은 0이나 1이고, 이것이 정답(label)입니다. 나머지 79개는 뜻 없는 잡음
            토큰(2-7)입니다. 그러니 마지막 은닉 상태 `h_T`에 80 타임스텝 전의 첫 토큰이 남아 있어야만
            맞힐 수 있습니다. 모델은 Embedding(8, 8), 순환 레이어(32 유닛), 그리고 `h_T`를 읽는 dense
            softmax입니다. dense의 기울기는 노트북에서 직접 계산합니다. softmax와 cross-entropy를 합친
            기울기는 `dL/dlogits = (p - y) / B`이고, 여기에 dense의 가중치를 곱한 `d_output = dL/dh_T`가
            여러분의 `simple_rnn_backward`와 `lstm_backward`로 들어갑니다. 입력의 기울기는
            `embedding_backward`가 임베딩 테이블로 돌려보냅니다. 최적화는 몇 줄짜리 Adam이고 seed를
            고정했습니다. 가중치는 Keras처럼 초기화합니다(kernel은 Glorot, recurrent kernel은 직교 행렬,
            bias는 0). 다만 LSTM의 망각 게이트 bias만 4로 두어 게이트가 열린 채 시작하게 합니다(`f`는
            0.98 정도이고, Keras의 기본값은 1입니다). SimpleRNN에는 이렇게 열어 둘 게이트가 없습니다.
            순전파는 02-04에서 만든 여러분의 `embedding_lookup`, `simple_rnn`, `lstm`입니다. 2코어에서
            10초 남짓 걸립니다.

            **EN** Now your functions alone train two layers. The task: in a sequence of
            `T = 80` tokens the first is 0 or 1, and that is the label; the other 79 are
            meaningless noise tokens (2-7). So the answer is only possible if the last state
            `h_T` still holds the first token, from 80 steps back. The model is Embedding(8, 8),
            a recurrent layer of 32 units, and a dense softmax reading `h_T`, whose gradient the
            notebook computes itself: softmax with cross-entropy gives `dL/dlogits = (p - y) / B`,
            and times the dense weights that is `d_output = dL/dh_T`, which goes into your
            `simple_rnn_backward` and `lstm_backward`; `embedding_backward` sends the inputs'
            gradient back to the table. The optimizer is Adam in a few lines, with fixed seeds.
            The weights start as Keras starts them (Glorot kernels, orthogonal recurrent kernels,
            zero biases), except that the LSTM's forget-gate bias is 4, so its gates start open
            (`f` about 0.98; Keras's default is 1). SimpleRNN has no gate to open like that. The
            forward passes are yours from 02-04: `embedding_lookup`, `simple_rnn`, `lstm`. It
            takes about ten seconds on 2 cores.
        """),
        code("""
            import time

            from rnnlab.embedding import embedding_lookup
            from rnnlab.lstm import lstm
            from rnnlab.simple_rnn import simple_rnn

            T, LABELS, NOISE = 80, 2, 6  # ids 0 and 1 are the labels, 2..7 the noise
            V, E, U, BATCH = LABELS + NOISE, 8, 32, 64


            def make_batch(rng, size):
                \"\"\"Sequences (size, T) whose label is their first token; the rest is noise.\"\"\"
                seqs = rng.integers(LABELS, V, size=(size, T))
                labels = rng.integers(0, LABELS, size=size)
                seqs[:, 0] = labels
                return seqs, labels


            def initial_weights(rng, blocks):
                \"\"\"Keras's initialisers (Glorot, orthogonal, zero bias), but the LSTM's b_f = 4.\"\"\"
                def glorot(rows, cols):
                    limit = np.sqrt(6 / (rows + cols))
                    return rng.uniform(-limit, limit, size=(rows, cols))

                q, r = np.linalg.qr(rng.normal(size=(blocks * U, U)))
                bias = np.zeros(blocks * U)
                bias[U:2 * U] = 4.0 if blocks == 4 else 0.0  # the f block of i, f, c, o
                return {"table": rng.normal(size=(V, E)), "kernel": glorot(E, blocks * U),
                        "recurrent_kernel": (q * np.sign(np.diag(r))).T, "bias": bias,
                        "dense": glorot(U, LABELS), "dense_bias": np.zeros(LABELS)}


            def loss_and_gradients(layer, backward, p, seqs, labels):
                \"\"\"Cross-entropy, accuracy, every weight's gradient and dL/dx (B, T, E): your code.\"\"\"
                x = embedding_lookup(seqs, p["table"])  # (B, T, E)
                weights = (p["kernel"], p["recurrent_kernel"], p["bias"])
                h_last = np.asarray(layer(x, *weights))  # (B, U): h_T
                logits = h_last @ p["dense"] + p["dense_bias"]
                prob = np.exp(logits - logits.max(axis=1, keepdims=True))
                prob /= prob.sum(axis=1, keepdims=True)
                loss = -np.mean(np.log(prob[np.arange(len(labels)), labels]))
                d_logits = (prob - np.eye(LABELS)[labels]) / len(labels)  # softmax + cross-entropy
                grads = backward(x, *weights, d_logits @ p["dense"].T)  # d_output = dL/dh_T
                return loss, np.mean(prob.argmax(axis=1) == labels), {
                    "table": embedding_backward(seqs, grads["inputs"], V), "kernel": grads["kernel"],
                    "recurrent_kernel": grads["recurrent_kernel"], "bias": grads["bias"],
                    "dense": h_last.T @ d_logits, "dense_bias": d_logits.sum(axis=0),
                }, np.asarray(grads["inputs"])


            def train(layer, backward, blocks, steps=150, lr=0.01, seed=6):
                \"\"\"Adam on fresh batches; |dL/dx_t| before and after; the test accuracy.\"\"\"
                rng = np.random.default_rng(seed)
                p = initial_weights(rng, blocks)
                m, s = ({key: np.zeros_like(value) for key, value in p.items()} for _ in range(2))
                test = make_batch(np.random.default_rng(seed + 1), 500)  # the same 500 sequences for both
                sizes = {"start": np.linalg.norm(loss_and_gradients(layer, backward, p, *test)[3], axis=-1)}
                losses = []
                for step in range(1, steps + 1):
                    loss, _, grads, _ = loss_and_gradients(layer, backward, p, *make_batch(rng, BATCH))
                    losses.append(loss)
                    for key in p:  # Adam
                        m[key] = 0.9 * m[key] + 0.1 * grads[key]
                        s[key] = 0.999 * s[key] + 0.001 * grads[key] ** 2
                        p[key] -= lr * m[key] / (1 - 0.9**step) / (np.sqrt(s[key] / (1 - 0.999**step)) + 1e-8)
                _, accuracy, _, d_inputs = loss_and_gradients(layer, backward, p, *test)
                sizes["end"] = np.linalg.norm(d_inputs, axis=-1)
                # |dL/dx_t|, mean over the test sequences, by distance T-1-t from the last step
                return {"losses": np.array(losses), "accuracy": accuracy,
                        **{key: value.mean(axis=0)[::-1] for key, value in sizes.items()}}


            runs = {}
            for name, layer, backward, blocks in (("SimpleRNN", simple_rnn, simple_rnn_backward, 1),
                                                  ("LSTM", lstm, lstm_backward, 4)):
                began = time.perf_counter()
                runs[name] = train(layer, backward, blocks)
                run = runs[name]
                print(f"{name:>9}: test accuracy {run['accuracy']:.3f}, loss {run['losses'][0]:.3f} -> "
                      f"{run['losses'][-10:].mean():.3f} ({time.perf_counter() - began:.1f} s)")
        """),
        code("""
            simple_rnn_accuracy, lstm_accuracy = runs["SimpleRNN"]["accuracy"], runs["LSTM"]["accuracy"]
            reach = {name: run["start"][T - 1] / run["start"][0] for name, run in runs.items()}
            for name, run in runs.items():
                print(f"{name:>9}, before training: |dL/dx_t| 0, 10, 50, {T - 1} steps back:",
                      [f"{run['start'][k]:.1e}" for k in (0, 10, 50, T - 1)],
                      f"(first / last: {reach[name]:.1e})")
            # The run is seeded: these hold for it (and for any correct implementation of 02-04 and 09).
            assert lstm_accuracy > 0.9 and simple_rnn_accuracy < 0.6, (lstm_accuracy, simple_rnn_accuracy)
            assert reach["LSTM"] > 1e6 * reach["SimpleRNN"], reach
        """),
        md("""
            ## 그림: 배우는 LSTM, 잊는 SimpleRNN · Picture: the LSTM learns, the SimpleRNN forgets

            **KO** 왼쪽은 두 레이어의 학습 손실입니다. 점선 `ln 2`는 동전 던지기로 맞힐 때의 손실입니다.
            LSTM의 손실은 곧 0으로 떨어지지만 SimpleRNN의 손실은 `ln 2` 근처에 머물고, 정확도도 찍어서
            맞히는 수준인 50% 정도에 그칩니다. 오른쪽은 마지막 타임스텝에서 `k` 타임스텝 떨어진 입력이
            받는 기울기의 크기 `|dL/dx_t|`(로그 눈금)입니다. 실선은 학습 전, 점선은 학습 후입니다.
            SimpleRNN에서는 기울기가 타임스텝마다 `R`과 `tanh`의 미분을 거치며 줄어, 첫 토큰에 닿을 때는
            거의 0이 됩니다(기울기 소실). 첫 토큰에 대해서는 아무것도 배울 수 없는 것입니다. LSTM에서는
            기울기가 셀 상태를 따라 열린 망각 게이트만 거치므로 80 타임스텝 전까지 크게 줄지 않고,
            그래서 첫 토큰을 기억하는 법을 배웁니다. 학습 후 LSTM의 기울기가 전체적으로 작은 것은 손실이
            거의 0이 되어 더 고칠 것이 없기 때문입니다.

            **EN** Left: the training loss of both layers; the dotted line `ln 2` is the loss of a
            coin toss. The LSTM's loss soon drops to 0, while the SimpleRNN's stays near `ln 2`,
            and its accuracy stays at the 50% of guessing. Right: the size of the gradient reaching
            the input `k` steps before the last one, `|dL/dx_t|` (log scale), before training
            (solid) and after (dashed). In the SimpleRNN the gradient passes through `R` and the
            `tanh` derivative at every step and is almost nothing by the time it reaches the first
            token: the vanishing gradient, so nothing about the first token can be learned. In
            the LSTM it runs along the cell state through open forget gates only and is hardly
            smaller 80 steps back, so the LSTM learns to remember the first token. After
            training the LSTM's gradient is smaller everywhere because the loss is nearly 0: there
            is little left to correct.
        """),
        _figure("""
            steps_back = np.arange(T)
            print(f"final test accuracy: SimpleRNN {simple_rnn_accuracy:.3f}, LSTM {lstm_accuracy:.3f}")
        """, """
            fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), constrained_layout=True)
            for name, run in runs.items():
                line, = axes[0].plot(run["losses"], label=f"{name}: test accuracy {run['accuracy']:.2f}")
                colour = line.get_color()
                axes[1].semilogy(steps_back, run["start"], color=colour, label=f"{name}, before training")
                axes[1].semilogy(steps_back, run["end"], "--", color=colour, label=f"{name}, after")
            axes[0].axhline(np.log(2), color="grey", ls=":", label="ln 2: guessing")
            axes[0].set_xlabel("training step (batch of 64)")
            axes[0].set_ylabel("cross-entropy loss")
            axes[0].set_title(f"label = the first of {T} tokens")
            axes[1].set_xlabel(f"k, steps back from the last one (k = {T - 1}: the first token)")
            axes[1].set_ylabel("|dL/dx_t|, mean over 500 sequences")
            axes[1].set_title("the gradient reaching each input")
            for ax in axes:
                ax.grid(True, which="both", alpha=0.3)
                ax.legend(fontsize=8)
            plt.show()
        """),
        *_self_check("backward"),
        _next(
            "시간 역전파는 순전파의 상태를 모두 기억해 두고 타임스텝을 거꾸로 돌며 기울기를 더합니다. "
            "SimpleRNN에서는 타임스텝마다 `Rᵀ`와 `tanh`의 미분이 곱해져 앞쪽 타임스텝의 기울기가 "
            "사라집니다(기울기 소실). LSTM에서는 셀 상태를 따라 망각 게이트만 곱해지므로, 게이트가 열려 "
            "있으면 기울기가 멀리까지 닿습니다. 그래서 80 타임스텝 전의 토큰을 LSTM은 배우고 SimpleRNN은 "
            "배우지 못했습니다. 아홉 연습을 모두 마쳤다면 `python -m pytest`로 전체를 점검하세요.",
            "Backpropagation through time keeps every state of the forward pass and adds up the "
            "gradients while walking the steps backwards. In a SimpleRNN each step multiplies by "
            "`Rᵀ` and the `tanh` derivative, and the early steps' gradient vanishes; in an LSTM "
            "the cell state multiplies by the forget gates only, so with open gates the gradient "
            "reaches far back. That is why the LSTM learned the token from 80 steps back and "
            "the SimpleRNN did not. If all nine exercises are done, check everything with "
            "`python -m pytest`.",
        ),
    ]

CONTENT = {
    "one_hot": _one_hot,
    "embedding": _embedding,
    "simple_rnn": _simple_rnn,
    "lstm": _lstm,
    "bidirectional": _bidirectional,
    "gru": _gru,
    "masking": _masking,
    "params": _params,
    "backward": _backward,
}


def cells(exercise: str) -> list[Cell]:
    """The notebook's cells in order, as ``(kind, source)`` pairs."""
    body = CONTENT[exercise]()
    return [_intro(exercise), _setup(exercise), HELPERS, *body]


def build(exercise: str) -> nbformat.NotebookNode:
    """The notebook of one exercise: no outputs, no execution counts, stable cell ids."""
    if exercise not in CONTENT:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {EXERCISES}")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    )
    for n, (kind, source) in enumerate(cells(exercise)):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source, id=f"{exercise}-{n}"))
    return notebook


def notebook_path(exercise: str, root: Path = EXERCISE_DOCS) -> Path:
    """``root/NN_name/NN_name.ipynb``."""
    return root / folder(exercise) / f"{folder(exercise)}.ipynb"


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
