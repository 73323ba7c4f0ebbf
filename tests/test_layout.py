"""The package's shape: no import cycles inside voiceguide/, and no module so long that it holds several jobs.

A cycle means two modules cannot be read, tested or moved one without the other, and it hides itself in
function-level imports; so every import counts here, wherever it is written. The line limit keeps each module
to one job a reader can hold in mind; the few modules still over it are named below, and an entry that is no
longer needed fails too, so the list only ever shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "voiceguide"
MAX_LINES = 450
OVER_THE_LIMIT: set[str] = set()


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under ``package`` (a package is its __init__.py)."""
    files = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def imported_modules(name: str, path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its file (top level, functions, classes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(_longest_module(alias.name, modules))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in modules else _longest_module(source, modules))
    found.discard("")
    found.discard(name)
    return found


def _longest_module(dotted: str, modules: set[str]) -> str:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return ""


def import_graph(package: Path) -> dict[str, set[str]]:
    files = module_files(package)
    names = set(files)
    return {name: imported_modules(name, path, names) for name, path in files.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per group of modules that import each other, as ``[a, b, ..., a]``."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_cycle_inside_the_package() -> None:
    cycles = find_cycles(import_graph(PACKAGE))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_the_cycle_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def late():\n    from .. import c\n")
    (package / "c.py").write_text("class C:\n    def m(self):\n        import pkg.a\n")
    (package / "d.py").write_text("import os\nfrom pkg import a\n")
    graph = import_graph(package)
    assert graph["pkg.d"] == {"pkg.a"}
    assert find_cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]


def test_no_module_is_over_the_line_limit() -> None:
    root = PACKAGE.parent
    lengths = {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in module_files(PACKAGE).values()
    }
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES and name not in OVER_THE_LIMIT}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"
    no_longer = sorted(name for name in OVER_THE_LIMIT if lengths.get(name, 0) <= MAX_LINES)
    assert not no_longer, f"remove from OVER_THE_LIMIT (now within {MAX_LINES} lines or gone): {no_longer}"
