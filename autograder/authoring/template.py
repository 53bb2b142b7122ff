"""Generate ``student_template/`` from ``solutions/``, ``exercises/`` and the public fixtures.

Every function body between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` becomes a
``raise NotImplementedError`` that names the exercise and the function; signatures and
docstrings stay, so the stub is the specification. The committed template must equal a
fresh generation: :func:`stale_files` says where it does not.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from autograder import casefile
from autograder.catalog import (
    EXERCISE_DOCS,
    EXERCISES,
    SOLUTIONS,
    TEMPLATE,
    TITLES,
    folder,
    number,
    stub_message,
)
from autograder.engine import localise
from autograder.references.fixtures import DATA, fixture_path

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
DEF = re.compile(r"^\s*def (\w+)\(")

REQUIREMENTS = "numpy>=1.24\npytest>=7.0\n"
PYTEST_INI = """[pytest]
testpaths = tests
markers =
{markers}
"""
GITIGNORE = ".venv/\n__pycache__/\n*.pyc\n.pytest_cache/\n.ipynb_checkpoints/\nrnnlab_*.zip\n.OTTER_LOG\n"


def stub_source(source: str, exercise: str) -> str:
    """A solution module with every marked solution replaced by a ``NotImplementedError``."""
    lines, out = source.splitlines(), []
    function, inside = None, False
    for line in lines:
        stripped = line.strip()
        match = DEF.match(line)
        if match and not inside:
            function = match.group(1)
        if stripped == BEGIN:
            if inside or function is None:
                raise ValueError(f"{exercise}: misplaced {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("{stub_message(exercise, function)}")')
        elif stripped == END:
            if not inside:
                raise ValueError(f"{exercise}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{exercise}: {BEGIN} without {END}")
    return "\n".join(out) + "\n"


def pin_actions(workflow: str, pins: dict[str, str]) -> str:
    """``uses: owner/action@v4`` becomes ``uses: owner/action@<sha> # v4`` for each pinned action."""
    for action, sha in pins.items():
        workflow = re.sub(rf"(uses: {re.escape(action)})@(\S+)", rf"\1@{sha} # \2", workflow)
    return workflow


def render(fixtures: Path = DATA, pins: dict[str, str] | None = None) -> dict[str, bytes]:
    """Every file of the template, by path relative to its root; ``pins``: actions pinned to
    commit SHAs in the workflows (see :func:`pin_actions`)."""
    files: dict[str, bytes] = {
        "README.md": (EXERCISE_DOCS / "README.md").read_bytes(),
        "requirements.txt": REQUIREMENTS.encode(),
        ".gitignore": GITIGNORE.encode(),
        "rnnlab/__init__.py": (SOLUTIONS / "__init__.py").read_bytes(),
        "tests/localise.py": Path(localise.__file__).read_bytes(),
    }
    for module in sorted(Path(casefile.__file__).parent.glob("*.py")):  # the package, for tests/checks.py
        files[f"tests/casefile/{module.name}"] = module.read_bytes()
    markers = "\n".join(f"    {name}: exercise {number(name)}, {TITLES[name]}" for name in EXERCISES)
    files["pytest.ini"] = PYTEST_INI.format(markers=markers).encode()
    for path in sorted((EXERCISE_DOCS / "tests").glob("*.py")):
        files[f"tests/{path.name}"] = path.read_bytes()
    for path in sorted((EXERCISE_DOCS / "github").rglob("*")):  # becomes .github/
        if path.is_file():
            text = pin_actions(path.read_text(), pins or {})
            files[f".github/{path.relative_to(EXERCISE_DOCS / 'github')}"] = text.encode()
    for exercise in EXERCISES:
        source = (SOLUTIONS / f"{exercise}.py").read_text()
        files[f"rnnlab/{exercise}.py"] = stub_source(source, exercise).encode()
        for path in sorted((EXERCISE_DOCS / folder(exercise)).iterdir()):
            if path.is_file() and path.name != f"{folder(exercise)}.md":  # not the notebook's source
                files[f"exercises/{folder(exercise)}/{path.name}"] = path.read_bytes()
        fixture = fixture_path("public", exercise, fixtures)
        files[f"tests/fixtures/{exercise}{casefile.SUFFIX}"] = fixture.read_bytes()
    return files


def write(destination: Path = TEMPLATE, pins: dict[str, str] | None = None) -> int:
    """Replace ``destination`` with a fresh template; returns the number of files."""
    files = render(pins=pins)
    if destination.exists():
        shutil.rmtree(destination)
    for relative, content in files.items():
        path = destination / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return len(files)


def stale_files(destination: Path = TEMPLATE) -> list[str]:
    """Paths where ``destination`` differs from a fresh generation (missing, extra, changed)."""
    files = render()
    present = {
        str(path.relative_to(destination))
        for path in destination.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts
    } if destination.exists() else set()
    stale = [name for name in files if name not in present]
    stale += [name for name in present if name not in files]
    stale += [
        name for name in files
        if name in present and (destination / name).read_bytes() != files[name]
    ]
    return sorted(stale)
