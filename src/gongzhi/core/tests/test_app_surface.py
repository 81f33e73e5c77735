"""What an app offers the apps above it (issue 14 step 3, decision 0048): its `actions*`, `queries*`,
`access` and `models` modules, its `hooks`, and the few modules listed in EXTRA below, each with
the reason it is public. A module of another app that is not listed is that app's business: a
caller asks for what it needs through the app's actions or queries, or the helper moves where it
belongs. Test modules and migrations are exempt (tests build worlds from every app); `config`
(the URL and API wiring) may mount any app's urls, api and views."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]  # src/gongzhi
SURFACE = ("actions", "queries", "access", "models", "hooks")

# app → modules other apps may import besides SURFACE, and why
EXTRA: dict[str, dict[str, str]] = {
    "accounts": {
        "api_auth": "the API's authentication classes, which every app's ninja router names",
        "roles": "the role and capability names every app checks (a table, no behaviour)",
        "sms": "the SMS backend the notifiers send through",
    },
    "appeals": {
        "workflow": "the appeal's status and action names, read by the apps that show an appeal",
        "intake": "the one intake function other channels (service conversion, demo) submit through",
        "routing": "point and address → community placement, shared with places and duplicates",
        "lifecycle": "the pure outcome of each action, which the demo's in-memory story applies (step 1)",
        "calendar": "working-day arithmetic the demo's story computes its clocks with",
        "deadlines": "the deadline policy the demo's story computes its clocks from",
    },
    "territory": {
        "geo_index": "the point → grid index (core.cache namespace) that placement reads",
        "geometry": "GeoJSON validation for imported boundaries",
        "schemas": "the node schema other apps' API schemas nest",
    },
    "places": {
        "geo": "the nearest-centre index that circles read",
        "needs": "the need vocabulary circles tag resources with",
    },
    "people": {"idcard": "ID-number validation the ledger import runs on every row"},
}


def _app_and_module(dotted: str) -> tuple[str, str]:
    parts = dotted.split(".")
    return parts[1], (parts[2] if len(parts) > 2 else "")


def _is_public(app: str, module: str) -> bool:
    base = module.split(".")[0]
    return base.startswith(SURFACE) or base in EXTRA.get(app, {}) or base in ("apps", "")


def reaches_in() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if "tests" in rel.parts or "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        own = rel.parts[0]
        if own == "config":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("gongzhi."):
                continue
            app, module = _app_and_module(node.module or "")
            if app in (own, "core"):
                continue
            targets = [module] if module else [alias.name for alias in node.names]
            for target in targets:
                if not _is_public(app, target):
                    found.append(f"{rel}:{node.lineno}: gongzhi.{app}.{target}")
    return found


def test_apps_import_only_what_other_apps_offer():
    assert reaches_in() == [], "use the app's actions/queries/access, or list the module in EXTRA with why"


def test_the_rule_sees_a_reach_in():
    assert not _is_public("appeals", "hotline_write")
    assert _is_public("appeals", "actions_whistles")
    assert _is_public("accounts", "api_auth")
