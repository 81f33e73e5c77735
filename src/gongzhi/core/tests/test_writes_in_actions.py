"""Every ORM write lives in a module whose name starts with `actions` (issue 14 step 7; house style:
writes in actions*.py, reads in queries.py, views never write).

An AST scan of src/gongzhi. A write is a call of `bulk_create`, `bulk_update`, `get_or_create` or
`update_or_create`; `save()` or `delete()` without positional arguments (a workbook's
`save(stream)` is not one); `create(...)` with keyword arguments only; `update(...)` with keyword
arguments only on a queryset expression (`….objects.update(…)`, `….filter(…).update(…)`; a dict's
`context.update(a=1)` is not one). Exempt, with their reasons:
- tests, migrations and management commands (they set up data or are the command line itself);
- demo data installers (src/gongzhi/demo/, and modules named demo.py);
- a model's or its manager's own save/delete/create_user in models.py (Django's protocol);
- EXEMPT below: the two writers every action calls for its append-only rows.
"""

import ast
from pathlib import Path

import gongzhi

ROOT = Path(gongzhi.__file__).parent
ALWAYS = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}

# module (relative to src/gongzhi) → why it may write outside an actions module
EXEMPT = {
    # The append-only audit log: every action calls it inside its own transaction; record_refusal
    # commits its row before the refusal is raised (decision 0039). It is the one writer of
    # AuditEntry and has no other business, so it stays core.audit (renaming it actions_audit would
    # rename 300 call sites for no reader's benefit).
    "core/audit.py",
    # history_row writes an append-only history row (decision 0045); only actions call it, inside
    # their transaction, and save=False gives the unsaved row to an action's bulk_create.
    "core/lifecycle.py",
}
OWN_METHODS = {"save", "delete", "create_user", "create_superuser", "_create_user"}


def _exempt_path(rel: str) -> bool:
    parts = rel.split("/")
    return (
        "tests" in parts
        or "migrations" in parts
        or "management" in parts
        or parts[0] == "demo"
        or parts[-1] == "demo.py"
        or parts[-1].startswith("actions")
        or rel in EXEMPT
    )


class _Writes(ast.NodeVisitor):
    def __init__(self, in_models: bool) -> None:
        self.in_models = in_models
        self.functions: list[str] = []
        self.found: list[int] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and self._is_write(node, node.func.attr):
            self.found.append(node.lineno)
        self.generic_visit(node)

    def _is_write(self, node: ast.Call, name: str) -> bool:
        if name in ALWAYS:
            return True
        own = self.in_models and bool(self.functions) and self.functions[-1] in OWN_METHODS
        if name in {"save", "delete"}:
            return not node.args and not own
        if name == "create":
            return not node.args and bool(node.keywords) and not own
        if name == "update":
            receiver = node.func.value  # type: ignore[attr-defined]
            on_queryset = isinstance(receiver, ast.Call) or (
                isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
            )
            return on_queryset and not node.args and bool(node.keywords)
        return False


def writes_outside_actions() -> dict[str, list[int]]:
    """module → line numbers of its ORM writes, for every module that may not write."""
    found: dict[str, list[int]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if _exempt_path(rel):
            continue
        visitor = _Writes(in_models=path.name == "models.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        if visitor.found:
            found[rel] = visitor.found
    return found


def test_orm_writes_live_in_actions_modules() -> None:
    offenders = writes_outside_actions()
    assert not offenders, f"ORM writes outside actions*.py (module: lines): {offenders}"


def test_the_scan_sees_a_write() -> None:
    visitor = _Writes(in_models=False)
    source = "Person.objects.filter(pk=1).update(name='x')\nrow.save()\nbook.save(stream)\nctx.update(a=1)"
    visitor.visit(ast.parse(source))
    assert visitor.found == [1, 2]
