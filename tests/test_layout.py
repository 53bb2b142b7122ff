"""The package's layout: which code may import which (read from the source, lazy imports too).

- ``casefile/`` (run by the grader, the sandboxed child and the students' checks) and
  ``sandbox/`` (the child) import the standard library, NumPy and each other only: nothing
  of the trusted side can reach the process that runs student code.
- TensorFlow and Keras are imported under ``references/`` and nowhere else.
- ``engine/`` (the trusted side) depends on the shared parts, the sandbox's tables and the
  stored fixtures, never on the authoring tools, the integrations or the command line; the
  references depend on nothing but the shared parts.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from autograder.engine import forkserver

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
TENSORFLOW = {"tensorflow", "keras", "tf_keras"}
RUNTIME_NAMES = {"casefile": "autograder.casefile", "sandbox": "autograder.sandbox"}  # the child's spelling
# what each part may import of the package (besides itself); None: anything
ALLOWED = {
    "autograder.catalog": set(),
    "autograder.casefile": set(),
    "autograder.sandbox": {"autograder.casefile"},
    "autograder.references": {"autograder.catalog", "autograder.casefile"},
    "autograder.engine": {"autograder.catalog", "autograder.casefile", "autograder.sandbox",
                          "autograder.references.fixtures", "autograder.references.suites"},
    "autograder.authoring": {"autograder.catalog", "autograder.casefile", "autograder.engine",
                             "autograder.references"},
    "autograder.integrations": {"autograder.catalog", "autograder.casefile", "autograder.engine",
                                "autograder.references"},
}
NUMPY_ONLY = ("autograder.catalog", "autograder.casefile", "autograder.sandbox")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, as absolute dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def absolute(dotted: str) -> str:  # the child imports its copies as casefile and sandbox
        top, dot, rest = dotted.partition(".")
        runtime = name.startswith("autograder.sandbox") and top in RUNTIME_NAMES
        return RUNTIME_NAMES[top] + dot + rest if runtime else dotted

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {absolute(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module or "")
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            named = {f"{base}.{alias.name}" for alias in node.names}
            found |= named & set(MODULES) or {base}  # `from pkg import module`: the module
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def part_of(name: str) -> str | None:
    return next((part for part in sorted(ALLOWED, key=len, reverse=True)
                 if name == part or name.startswith(part + ".")), None)


def grader_modules(found: set[str]) -> set[str]:
    """Those of ``found`` that are modules of the package (not names imported from one), but
    the package's ``__init__`` (it holds the version and nothing else)."""
    return {n for n in found if n in MODULES and n != "autograder"}


# the command line, the demo and the benchmark put the parts together: no rule for them
@pytest.mark.parametrize("name", [name for name in sorted(MODULES) if part_of(name)])
def test_imports_point_one_way(name):
    part = part_of(name)
    outside = {n for n in grader_modules(imports(MODULES[name])) if part_of(n) != part and n != part}
    allowed = ALLOWED[part]
    wrong = sorted(n for n in outside if not any(n == a or n.startswith(a + ".") for a in allowed)
                   and n not in allowed)
    assert wrong == [], f"{name} imports {wrong}: {part} may import only {sorted(allowed) or 'itself'}"


@pytest.mark.parametrize("name", [n for n in sorted(MODULES) if n.startswith(NUMPY_ONLY)])
def test_what_the_child_and_the_students_run_needs_numpy_only(name):
    tops = {n.partition(".")[0] for n in imports(MODULES[name])}
    third_party = tops - set(sys.stdlib_module_names) - {"numpy", "autograder"}
    assert third_party == set(), f"{name} imports {sorted(third_party)}"


def test_tensorflow_is_imported_only_under_references():
    importers = sorted(name for name, path in MODULES.items()
                       if {n.partition(".")[0] for n in imports(path)} & TENSORFLOW)
    assert importers, "the oracle imports TensorFlow: this test must see it"
    assert [n for n in importers if not n.startswith("autograder.references.")] == []


def test_the_child_gets_a_copy_of_everything_it_imports():
    """The fork server copies ``forkserver.RUNTIME`` into the child's folder: the worker's
    imports of the package, followed through, all lie in it."""
    shipped = {f"autograder.{name}" for name in forkserver.RUNTIME}
    seen, todo = set(), ["autograder.sandbox.worker"]
    while todo:
        name = todo.pop()
        seen.add(name)
        todo += [n for n in grader_modules(imports(MODULES[name])) if n in MODULES and n not in seen]
    assert {n for n in seen if not any(n == s or n.startswith(s + ".") for s in shipped)} == set()
    assert "autograder.casefile.model" in seen and "autograder.sandbox.kernel" in seen


def test_modules_stay_small():
    """One idea a module: none much over 300 lines."""
    long = {name: n for name, path in MODULES.items() if (n := path.read_text().count("\n")) > 330}
    assert long == {}
