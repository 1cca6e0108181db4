"""What the running site imports is installed by `make run` (the main dependencies), not only by
the test extras; and the apps depend on each other in one direction."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["clusters", "indicators", "progress", "workflow", "imports", "reports", "versions"]
ORDER = {"clusters": 0, "indicators": 1, "progress": 2, "workflow": 3, "imports": 3, "reports": 4, "versions": 4}
RUNTIME = ["carec_prf", *APPS]


def _modules(packages):
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            yield path


def _imports(path: Path):
    """Every module imported anywhere in the file, at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child.parent = parent
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node


def _requirement_names(requirements) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def _closure(names: set[str]) -> set[str]:
    """The distributions the main dependencies bring, their own requirements included."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [n for n in _requirement_names(r for r in requires if "extra ==" not in r) if n not in seen]
    return seen


def test_every_runtime_import_comes_from_a_main_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    main = _closure(_requirement_names(project["dependencies"]))
    distributions = importlib.metadata.packages_distributions()
    local = {*RUNTIME, "tests", "bench"}
    missing = set()
    for path in _modules(RUNTIME):
        for module, _node in _imports(path):
            top = module.split(".")[0]
            if top in local or top in sys.stdlib_module_names:
                continue
            owners = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
            if not owners & main:
                missing.add(f"{path.relative_to(ROOT)} imports {module} ({', '.join(sorted(owners))})")
    assert not missing, "Imported at run time but only installed with the test extras:\n" + "\n".join(sorted(missing))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_apps_import_only_apps_below_them():
    """clusters, then indicators, then progress, then workflow and imports, then reports: a module
    imports only its own app and the apps before it, at module level or inside a function."""
    wrong = []
    for path in _modules(APPS):
        app = path.relative_to(ROOT).parts[0]
        for module, node in _imports(path):
            top = module.split(".")[0]
            if top in ORDER and ORDER[top] > ORDER[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert not wrong, "A lower app imports a higher one:\n" + "\n".join(wrong)


def test_no_two_modules_import_each_other_at_module_level():
    """Services and tasks (and any two modules) never import each other at module level both ways;
    where one needs the other at run time, it imports inside the function."""
    names = {_module_name(path): path for path in _modules(RUNTIME)}
    edges = set()
    for name, path in names.items():
        for module, node in _imports(path):
            if isinstance(node.parent, ast.Module) and module in names and module != name:
                edges.add((name, module))
            elif isinstance(node, ast.ImportFrom) and isinstance(node.parent, ast.Module):
                for alias in node.names:
                    target = f"{module}.{alias.name}"
                    if target in names and target != name:
                        edges.add((name, target))
    both = sorted({tuple(sorted(edge)) for edge in edges if (edge[1], edge[0]) in edges})
    assert not both, both
