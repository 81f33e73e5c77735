"""Taxonomy import (CSV level1,level2,level3) and the district defaults: idempotent, row-level errors,
nothing written when a row is bad, nothing deleted by a later import."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gongzhi.appeals import actions_defaults, routing
from gongzhi.appeals.actions_taxonomy import import_taxonomy
from gongzhi.appeals.deadlines import clocks_for
from gongzhi.appeals.models import Category, DeadlinePolicy, RoutingRule, RoutingRuleSet
from gongzhi.appeals.taxonomy import TaxonomyError
from gongzhi.orgs.models import Organisation, OrgKind

SMALL = "level1,level2,level3\n城乡建设,城市建设和市政管理,园林绿化环卫\n城乡建设,城市建设和市政管理,市政设施\n城乡建设,住房保障,\n"


def shared_taxonomy() -> Path:
    candidates = [Path(settings.BASE_DIR).parents[1].parent / "shared/data/appeals/taxonomy.csv"]
    if os.environ.get("GONGZHI_SHARED_DATA"):
        candidates.insert(0, Path(os.environ["GONGZHI_SHARED_DATA"]) / "appeals/taxonomy.csv")
    for path in candidates:
        if path.exists():
            return path
    pytest.skip(
        "shared taxonomy.csv not found: put shared/data/appeals/ next to the repository or set GONGZHI_SHARED_DATA"
    )


def paths() -> list[tuple[str, int, str | None]]:
    return list(Category.objects.order_by("path").values_list("path", "level", "parent__path"))


@pytest.mark.django_db
def test_import_creates_three_levels_with_parents_and_a_level_two_leaf():
    report = import_taxonomy(SMALL.encode())
    assert report.rows == 3
    assert report.created == 5
    assert paths() == [
        ("城乡建设", 1, None),
        ("城乡建设/住房保障", 2, "城乡建设"),
        ("城乡建设/城市建设和市政管理", 2, "城乡建设"),
        ("城乡建设/城市建设和市政管理/园林绿化环卫", 3, "城乡建设/城市建设和市政管理"),
        ("城乡建设/城市建设和市政管理/市政设施", 3, "城乡建设/城市建设和市政管理"),
    ]


@pytest.mark.django_db
def test_reimporting_changes_nothing_and_a_shorter_file_deletes_nothing():
    import_taxonomy(SMALL.encode())
    Category.objects.filter(path="城乡建设/住房保障").update(active=False)  # deactivated by hand
    before = list(Category.objects.order_by("path").values_list("pk", "path", "active", "parent_id", "level"))
    again = import_taxonomy(SMALL.encode())
    assert (again.created, again.existing) == (0, 5)
    shorter = import_taxonomy("level1,level2,level3\n城乡建设,城市建设和市政管理,园林绿化环卫\n")
    assert shorter.created == 0
    after = list(Category.objects.order_by("path").values_list("pk", "path", "active", "parent_id", "level"))
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_are_read(encoding):
    report = import_taxonomy(SMALL.encode(encoding))
    assert report.created == 5
    assert Category.objects.filter(name="园林绿化环卫").exists()


@pytest.mark.django_db
def test_broken_rows_are_reported_by_line_and_nothing_is_written():
    content = (
        "level1,level2,level3\n"
        "城乡建设,城市建设和市政管理,园林绿化环卫\n"
        ",住房保障,物业管理\n"
        "城乡建设,,物业管理\n"
        "城乡建设,住房/保障,\n"
        "城乡建设,住房保障,物业管理,多余\n"
    )
    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(content.encode())
    assert caught.value.errors[0] == "第3行:缺少一级分类"
    assert caught.value.errors[1] == "第4行:缺少二级分类"
    assert caught.value.errors[2].startswith("第5行:分类名称“住房/保障”不能包含")
    assert caught.value.errors[3].startswith("第6行:多出的列")
    assert Category.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_header_is_refused():
    with pytest.raises(TaxonomyError, match="第1行"):
        import_taxonomy("一级,二级\n城乡建设,住房保障\n".encode())
    with pytest.raises(TaxonomyError, match="文件为空"):
        import_taxonomy(b"")


@pytest.mark.django_db
def test_the_command_dry_run_writes_nothing_and_errors_exit_non_zero(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(SMALL, encoding="utf-8")
    out = io.StringIO()
    call_command("import_taxonomy", str(good), "--dry-run", stdout=out)
    assert "试运行" in out.getvalue()
    assert "新建分类5个" in out.getvalue()
    assert Category.objects.count() == 0
    call_command("import_taxonomy", str(good), stdout=io.StringIO())
    assert Category.objects.count() == 5
    bad = tmp_path / "bad.csv"
    bad.write_text("level1,level2,level3\n,x,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第2行:缺少一级分类"):
        call_command("import_taxonomy", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_taxonomy", str(tmp_path / "missing.csv"), stdout=io.StringIO())


@pytest.mark.django_db
def test_the_shared_12345_taxonomy_imports_completely_and_idempotently():
    content = shared_taxonomy().read_bytes()
    report = import_taxonomy(content)
    assert report.rows == 517
    assert Category.objects.filter(level=3).count() == 517
    assert Category.objects.filter(level=1).count() == 15
    assert (
        Category.objects.get(path="城乡建设/城市建设和市政管理/园林绿化环卫").parent.path
        == "城乡建设/城市建设和市政管理"
    )
    assert import_taxonomy(content).created == 0


# --- defaults ---------------------------------------------------------------------------------


@pytest.fixture
def district_with_departments(actors):
    district = actors.net.district
    departments = {
        short: Organisation.objects.create(
            name=f"{district.name}{short}", kind=OrgKind.DEPARTMENT, territory=district
        )
        for short in ["城市管理和综合执法局", "住房和建设局", "水务局", "市场监督管理局", "民政局"]
    }
    return district, departments


def test_defaults_install_a_compact_taxonomy_policies_and_rules_once(district_with_departments):
    district, departments = district_with_departments
    report = actions_defaults.install_defaults(district)
    assert Category.objects.filter(level=1).count() == 8
    assert 30 <= Category.objects.filter(level=3).count() <= 45
    assert report.categories_created == Category.objects.count()
    assert DeadlinePolicy.objects.filter(category=None).count() == 3
    assert report.ruleset_version == 1
    assert RoutingRuleSet.objects.get().is_active
    assert "教育局" in report.missing_departments  # not in this district: its rules are left out
    last = RoutingRule.objects.order_by("-position").first()
    assert (last.category, last.territory, last.department) == (
        None,
        None,
        departments["城市管理和综合执法局"],
    )
    counts = (Category.objects.count(), DeadlinePolicy.objects.count(), RoutingRule.objects.count())
    again = actions_defaults.install_defaults(district)
    assert (again.categories_created, again.policies_created, again.ruleset_version) == (0, 0, None)
    assert (Category.objects.count(), DeadlinePolicy.objects.count(), RoutingRule.objects.count()) == counts


def test_default_rules_route_by_group_specific_category_and_territory(district_with_departments, actors):
    district, departments = district_with_departments
    street = actors.net.street
    street.name = "光明街道"  # the territory override names it
    street.save(update_fields=["name"])
    actions_defaults.install_defaults(district)
    cat = {c.path: c for c in Category.objects.all()}
    elsewhere = f"{district.path}999/"

    def route(path: str, where: str) -> Organisation | None:
        department_id, _version = routing.route_department(category=cat[path], path=where)
        return Organisation.objects.get(pk=department_id) if department_id is not None else None

    assert route("水务环保/水务/停水", elsewhere) == departments["水务局"]
    assert route("住房物业/物业管理/小区停车", elsewhere) == departments["住房和建设局"]
    assert route("住房物业/物业管理/电梯故障", elsewhere) == departments["市场监督管理局"]
    assert route("住房物业/物业管理/电梯故障", street.path) == departments["住房和建设局"]
    assert (
        route("社会民生/教育/学位", elsewhere) == departments["城市管理和综合执法局"]
    )  # no 教育局: catch-all


def test_category_policies_override_the_default_clocks(district_with_departments):
    district, _departments = district_with_departments
    actions_defaults.install_defaults(district)
    lift = Category.objects.get(path="住房物业/物业管理/电梯故障")
    assert clocks_for(lift, "normal").resolve_workdays == 2
    assert clocks_for(lift.parent, "normal").resolve_workdays == 5
    assert clocks_for(None, "critical").sign_hours == 1
    assert (
        clocks_for(Category.objects.get(path="城市管理/市容环境/违章搭建"), "normal").resolve_workdays == 10
    )


def test_defaults_keep_an_existing_ruleset(district_with_departments):
    district, _departments = district_with_departments
    RoutingRuleSet.objects.create(version=7, is_active=True)
    report = actions_defaults.install_defaults(district)
    assert report.ruleset_version is None
    assert list(RoutingRuleSet.objects.values_list("version", flat=True)) == [7]
    assert not RoutingRule.objects.exists()
