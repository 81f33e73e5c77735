"""Apps import only downward (docs/architecture.md, decision 0043): the import-linter contracts in
pyproject.toml hold with no ignored import outside test modules, and core gets what it needs from the
apps above it through the hooks they register — failing loudly when one is missing."""

import sys
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from importlinter.cli import lint_imports

from gongzhi.core import scoping
from gongzhi.core import views as core_views

ROOT = Path(__file__).resolve().parents[4]


def test_the_import_contracts_hold(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))  # lint_imports puts the working directory first
    passed = lint_imports(no_cache=True, no_logo=True) == 0
    assert passed, capsys.readouterr().out


def test_only_test_modules_may_ignore_the_layers():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["root_package"] == "gongzhi"
    contracts = {c["id"]: c for c in config["contracts"]}
    assert contracts["layers"]["type"] == "layers"
    assert contracts["private-modules"]["type"] == "private_modules"
    ignored = [rule for c in contracts.values() for rule in c.get("ignore_imports", [])]
    assert ignored == ["gongzhi.*.tests.** -> gongzhi.**"]


def test_the_accounts_app_registers_the_scope_resolver():
    from gongzhi.accounts.roles import compute_scope

    assert scoping._resolver is compute_scope


def test_without_a_scope_resolver_scope_fails_loudly_rather_than_answering(actors, monkeypatch):
    monkeypatch.setattr(scoping, "_resolver", None)
    with pytest.raises(ImproperlyConfigured, match="accounts"):
        scoping.get_scope(actors.staff_a)
    assert scoping.get_scope(None) is scoping.ANONYMOUS  # no one signed in: nothing to resolve


def test_the_territory_app_registers_the_home_summary():
    from gongzhi.territory.queries import home_summary

    assert core_views._home_summary is home_summary


def test_without_a_home_summary_the_home_page_fails_loudly(actors, client, monkeypatch):
    monkeypatch.setattr(core_views, "_home_summary", None)
    client.raise_request_exception = True
    client.force_login(actors.staff_a)
    with pytest.raises(ImproperlyConfigured, match="territory"):
        client.get(reverse("core:home"))
