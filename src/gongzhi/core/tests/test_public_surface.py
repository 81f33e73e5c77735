"""A public surface per app (issue 14, step 3): no module imports a `_private` name from a module of
another app, nor reaches one through an imported module (`other_app_module._helper`). A helper that
another app needs is made public where it belongs (its app's actions/queries/access, or core).
Within an app, a module does not import another module's `_private` names either: a helper shared
by two modules of the app is public in one of them. Test modules and migrations are exempt."""

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]  # src/gongzhi


def _module_name(path: Path) -> str:
    parts = ("gongzhi", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative / "__init__.py").exists()


def private_imports(source: str, module: str, is_package: bool = False) -> Iterator[tuple[str, int, str]]:
    """(target module, line, name) for every `_private` name of another gongzhi module that `module`
    imports or reads as an attribute of an imported gongzhi module."""
    bound: dict[str, str] = {}  # local name -> gongzhi module it is bound to
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "gongzhi" or target == module:
                continue
            for alias in node.names:
                if _is_private(alias.name) or any(_is_private(p) for p in target.split(".")):
                    yield target, node.lineno, alias.name
                elif _is_module(f"{target}.{alias.name}"):
                    bound[alias.asname or alias.name] = f"{target}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "gongzhi" and alias.asname:
                    bound[alias.asname] = alias.name
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and _is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
        ):
            yield bound[node.value.id], node.lineno, node.attr


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def _violations(*, same_app: bool) -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts:
            continue
        module = _module_name(path)
        for target, line, name in private_imports(path.read_text(), module, path.name == "__init__.py"):
            if (_app(target) == _app(module)) == same_app:
                found.append(f"{path.relative_to(SRC.parent)}:{line}: {name} from {target}")
    return found


def test_no_app_imports_a_private_name_of_another_app():
    assert _violations(same_app=False) == [], "make the helper public where it belongs (see the docstring)"


def test_no_module_imports_a_private_name_of_another_module_of_its_app():
    assert _violations(same_app=True) == [], "a helper shared by two modules is public in one of them"


def test_the_checker_sees_each_way_of_reaching_in():
    source = (
        "from gongzhi.service.actions import _event, order_submit\n"
        "from gongzhi.appeals import intake\n"
        "from . import _local\n"
        "import gongzhi.people.actions as people_actions\n"
        "intake._prefetch()\n"
        "people_actions._hidden\n"
        "Model._meta\n"
    )
    found = {(t, n) for t, _line, n in private_imports(source, "gongzhi.points.actions")}
    assert found == {
        ("gongzhi.service.actions", "_event"),
        ("gongzhi.points", "_local"),
        ("gongzhi.appeals.intake", "_prefetch"),
        ("gongzhi.people.actions", "_hidden"),
    }


def test_phone_numbers_and_client_addresses_come_from_core():
    """Cross-app helpers moved down: the phone format lives in core.phone (it is not a person) and
    every app takes the client address from core.client, not through accounts.views."""
    assert not (SRC / "people" / "phone.py").exists()
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            moved = module == "gongzhi.people.phone"
            re_exported = module == "gongzhi.accounts.views" and _app(_module_name(path)) != "accounts"
            if moved or re_exported:
                offenders.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    assert offenders == []
