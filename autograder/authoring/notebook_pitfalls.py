"""The pitfalls box every notebook shows, and the cell that runs the pitfalls.

The first note's code does not run as printed in Keras 3 (four pitfalls, the same in every
notebook); after them each notebook lists the notes' own slips on its topic, which its source
gives as the text after the ``<!-- shared: pitfalls -->`` marker (see :func:`box`).
"""

from __future__ import annotations

import re
from textwrap import dedent

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

SLIPS = re.compile(r"\*\*KO\*\*\n\n(?P<ko>.+?)\n\n\*\*EN\*\*\n\n(?P<en>.+)", re.DOTALL)


def box(exercise: str, body: str = "") -> tuple[str, str]:
    """The pitfalls box: the first note's code in Keras 3, then the notes' slips on this topic
    (``body``: ``**KO**``, the Korean items, ``**EN**``, the English items; or nothing)."""
    slips = SLIPS.fullmatch(body)
    if body and not slips:
        raise ValueError(f"{exercise}: the pitfalls marker's text must be **KO**, the Korean items, "
                         "**EN**, the English items (each on its own line, blank lines around)")
    slips_ko, slips_en = (slips["ko"], slips["en"]) if slips else ("", "")
    parts = ["**⚠️ 노트의 함정 · Pitfalls in the notes**",
             "**KO** " + dedent(PITFALLS_KO).strip()]
    if slips_ko:
        parts += ["이 주제를 다룬 노트의 설명에도 바로잡을 곳이 있습니다.", slips_ko]
    parts.append("**EN** " + dedent(PITFALLS_EN).strip())
    if slips_en:
        parts += ["The notes' text on this topic needs correcting too.", slips_en]
    text = "\n\n".join(parts)
    return ("md", "\n".join(f"> {line}".rstrip() for line in text.split("\n")))


LIVE = ("code", dedent("""
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
""").strip())
