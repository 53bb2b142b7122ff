"""Grade every catalogued mistake and alternative and print how well the grader does.

Run ``.venv/bin/python tests/catalogue_report.py``. One row per mistake: its score, the
exercises that lost points, whether the feedback names the mistake, and the first message
a student sees; then the totals: mistakes caught, alternatives accepted, mistakes named.
``tests/test_catalogue.py`` uses the same functions on the same kind of grades.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from catalogue import ALTERNATIVES, DIAGNOSED, MISTAKES, NAMED  # noqa: E402
from catalogue_unseen import LOCATED, UNSEEN  # noqa: E402

from autograder.authoring.variants import Mistake, make_submission  # noqa: E402
from autograder.casefile import LAYER_MODULES  # noqa: E402
from autograder.catalog import EXERCISES, POINTS  # noqa: E402
from autograder.engine.grading import Grade, grade  # noqa: E402
from autograder.engine.runner import Workers  # noqa: E402

HINT = "likely mistake: "


def grade_variant(mistake: Mistake, workdir: Path, workers: Workers) -> Grade:
    """Grade the solutions with ``mistake`` applied, built in a fresh folder under ``workdir``."""
    folder = Path(tempfile.mkdtemp(prefix=f"{mistake.name}-", dir=workdir))
    return grade(make_submission(folder, (mistake,)), workers)


def own_exercises(mistake: Mistake) -> list[list[str]]:
    """Where a mistake may lose points: its own exercise; a mistake in a layer (not in its
    mask handling) also in masking, whose cases call the same layer with ``mask=``."""
    if (mistake.module or mistake.exercise) in LAYER_MODULES and mistake.exercise != "masking":
        return [[mistake.exercise], [mistake.exercise, "masking"]]
    return [[mistake.exercise]]


def lost_exercises(result: Grade) -> list[str]:
    """The exercises that scored under full marks."""
    return [ex for ex in EXERCISES if result.exercise_score(ex) < POINTS[ex]]


def hints(mistake: Mistake, result: Grade) -> list[str]:
    """Every diagnosis shown for the mistake's exercise (the text after "likely mistake: ")."""
    return [
        part[len(HINT):]
        for r in result.results
        if r.exercise == mistake.exercise and r.message
        for part in r.message.split("; ")
        if part.startswith(HINT)
    ]


def named(mistake: Mistake, result: Grade) -> bool:
    """Whether the feedback names the mistake.

    For a mistake the diagnosis should name, a "likely mistake:" message must hold its
    keyword; for the others (contract cases, inputs modified), any message of its exercise.
    """
    keyword = NAMED[mistake.name]
    if mistake.name in DIAGNOSED:
        return any(keyword in hint for hint in hints(mistake, result))
    return any(keyword in r.message for r in result.results if r.exercise == mistake.exercise)


def misnamed(mistake: Mistake, result: Grade) -> list[str]:
    """Diagnoses shown for the mistake's exercise that name another mistake."""
    keyword = NAMED[mistake.name]
    return sorted({hint for hint in hints(mistake, result) if keyword not in hint})


def exercise_feedback(exercise: str, result: Grade) -> str:
    """Everything the feedback says about one exercise: its cases' messages and its hints."""
    return "\n".join([*(r.message for r in result.results if r.exercise == exercise),
                      *result.hints.get(exercise, [])])


def located(mistake: Mistake, result: Grade) -> bool:
    """Whether the feedback of an unseen mistake's exercise holds one of its words."""
    text = exercise_feedback(mistake.exercise, result)
    return any(word in text for word in LOCATED[mistake.name])


def first_message(mistake: Mistake, result: Grade) -> str:
    """The first failure message of the mistake's exercise, as the report shows it."""
    failed = [r for r in result.results if r.exercise == mistake.exercise and not r.passed]
    return f"{failed[0].name}: {failed[0].message}" if failed else ""


def figures(mistakes: dict[str, Grade], alternatives: dict[str, Grade]) -> dict[str, float]:
    """The shares the catalogue is judged by, each between 0 and 1."""
    by_name = {m.name: m for m in MISTAKES}
    diagnosable = [name for name in mistakes if name in DIAGNOSED]
    return {
        "caught": sum(g.score < 100 for g in mistakes.values()) / len(mistakes),
        "accepted": sum(g.score == 100 for g in alternatives.values()) / len(alternatives),
        "named": sum(named(by_name[n], g) for n, g in mistakes.items()) / len(mistakes),
        "named_by_diagnosis": sum(named(by_name[n], mistakes[n]) for n in diagnosable)
        / max(len(diagnosable), 1),
        "diagnosed_share_of_all": sum(named(by_name[n], mistakes[n]) for n in diagnosable)
        / len(mistakes),
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir, Workers() as workers:
        mistakes = {m.name: grade_variant(m, Path(workdir), workers) for m in MISTAKES}
        alternatives = {m.name: grade_variant(m, Path(workdir), workers) for m in ALTERNATIVES}
        unseen = {m.name: grade_variant(m, Path(workdir), workers) for m in UNSEEN}
    print(f"{'mistake':<40} {'score':>6}  {'lost in':<24} {'named':<6} first message")
    for mistake in MISTAKES:
        result = mistakes[mistake.name]
        how = ("yes" if named(mistake, result) else "NO") + ("" if mistake.name in DIAGNOSED else "*")
        print(f"{mistake.name:<40} {result.score:>6g}  {','.join(lost_exercises(result)):<24} "
              f"{how:<6} {_cut(first_message(mistake, result), 150)}")
        for other in misnamed(mistake, result):
            print(f"{'':<40} {'':>6}  {'':<24} {'':<6} also suggested: {_cut(other, 110)}")
    print("(* named by the grader's own contract or unchanged-inputs message, not by a diagnosis)")
    print()
    print(f"{'alternative':<40} {'score':>6}  lost in")
    for alternative in ALTERNATIVES:
        result = alternatives[alternative.name]
        print(f"{alternative.name:<40} {result.score:>6g}  {','.join(lost_exercises(result))}")
    shares = figures(mistakes, alternatives)
    diagnosable = sum(m.name in DIAGNOSED for m in MISTAKES)
    print()
    print(f"mistakes caught:        {shares['caught']:.1%} of {len(MISTAKES)}")
    print(f"alternatives accepted:  {shares['accepted']:.1%} of {len(ALTERNATIVES)}")
    print(f"mistakes named:         {shares['named']:.1%} of {len(MISTAKES)} (target >= 80%)")
    print(f"  by a diagnosis:       {shares['named_by_diagnosis']:.1%} of the {diagnosable} a diagnosis "
          f"can see ({shares['diagnosed_share_of_all']:.1%} of all mistakes)")
    print()
    print(f"{'unseen mistake':<40} {'score':>6}  {'lost in':<24} {'located':<8} first message")
    for mistake in UNSEEN:
        result = unseen[mistake.name]
        print(f"{mistake.name:<40} {result.score:>6g}  {','.join(lost_exercises(result)):<24} "
              f"{'yes' if located(mistake, result) else 'NO':<8} {_cut(first_message(mistake, result), 150)}")
    own = sum(lost_exercises(g) in own_exercises(m) for m, g in zip(UNSEEN, unseen.values()))
    found = sum(located(m, unseen[m.name]) for m in UNSEEN)
    print()
    print(f"unseen mistakes caught where they belong only (their exercise; masking too for a layer's "
          f"loop): {own} of {len(UNSEEN)}")
    print(f"unseen mistakes located (the mistake or its exact wrong part named): {found} of "
          f"{len(UNSEEN)}, {found / len(UNSEEN):.1%} (target >= 90%)")
    print(f"graded in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
