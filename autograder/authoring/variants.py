"""Submissions made from the reference solutions by small text patches.

A :class:`Mistake` replaces one snippet of one solution module by another: the way the
demo builds its sample student and the tests build their catalogue of real mistakes,
without keeping copies of the whole package.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder.catalog import SOLUTIONS


@dataclass(frozen=True)
class Mistake:
    """``old`` becomes ``new`` in ``rnnlab/<module>.py``; ``old`` must occur exactly once.

    ``exercise`` is where the mistake is graded; ``module`` the file it is written in, when
    that is not the exercise's own (the layers' ``mask=`` is graded in masking).
    """

    name: str
    exercise: str
    old: str
    new: str
    description: str = ""
    module: str = ""

    @property
    def path(self) -> str:
        """The patched file, relative to ``rnnlab/``."""
        return f"{self.module or self.exercise}.py"


def make_submission(destination: Path, mistakes: tuple[Mistake, ...] = ()) -> Path:
    """Write ``destination/rnnlab``: the solutions with ``mistakes`` applied."""
    package = Path(destination) / "rnnlab"
    if package.exists():
        shutil.rmtree(package)
    shutil.copytree(SOLUTIONS, package, ignore=shutil.ignore_patterns("__pycache__"))
    for mistake in mistakes:
        path = package / mistake.path
        source = path.read_text()
        if source.count(mistake.old) != 1:
            raise ValueError(f"{mistake.name}: the snippet occurs {source.count(mistake.old)} "
                             f"times in {mistake.path}, expected once")
        path.write_text(source.replace(mistake.old, mistake.new))
    return Path(destination)
