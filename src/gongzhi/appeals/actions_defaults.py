"""Installing the defaults of appeals.defaults for a district: the compact taxonomy, default
deadline policies, and routing rules v1 onto the district's departments. Idempotent: rows that exist
are left as they are, and the routing rules are only written when no ruleset exists yet."""

from django.db import transaction

from gongzhi.appeals import routing
from gongzhi.appeals.actions_taxonomy import categories_add
from gongzhi.appeals.defaults import (
    CATCH_ALL,
    CATEGORY_RULES,
    POLICIES,
    TAXONOMY,
    TERRITORY_OVERRIDES,
    DefaultsReport,
    category_path,
    departments_of,
    taxonomy_paths,
)
from gongzhi.appeals.models import Category, DeadlinePolicy, RoutingRule, RoutingRuleSet
from gongzhi.appeals.taxonomy import SEPARATOR
from gongzhi.territory.models import Level, TerritoryNode


def install_taxonomy() -> int:
    return categories_add(tuple(path.split(SEPARATOR)) for path in taxonomy_paths()).created


def install_policies() -> int:
    created = 0
    categories = {c.path: c for c in Category.objects.all()}
    for short, urgency, sign, contact, resolve in POLICIES:
        category = categories.get(category_path(short)) if short else None
        if short and category is None:
            continue  # an imported taxonomy without this category
        _row, was_created = DeadlinePolicy.objects.get_or_create(
            category=category,
            urgency=urgency,
            defaults={"sign_hours": sign, "contact_hours": contact, "resolve_workdays": resolve},
        )
        created += was_created
    return created


def install_routing(district: TerritoryNode, report: DefaultsReport) -> None:
    if RoutingRuleSet.objects.exists():
        return  # the district's own rules (any version) are never overwritten
    departments = departments_of(district)
    categories = {c.path: c for c in Category.objects.all()}
    wanted: list[tuple[Category | None, TerritoryNode | None, str]] = []
    for path, street_name, department in TERRITORY_OVERRIDES:
        street = TerritoryNode.objects.filter(
            level=Level.STREET, name=street_name, path__startswith=district.path
        ).first()
        if street is not None and path in categories:
            wanted.append((categories[path], street, department))
    for path, department in CATEGORY_RULES:
        if path in categories:
            wanted.append((categories[path], None, department))
    for level1, groups in TAXONOMY.items():
        for level2, (_leaves, department) in groups.items():
            category = categories.get(f"{level1}/{level2}")
            if category is not None:
                wanted.append((category, None, department))
    wanted.append((None, None, CATCH_ALL))
    rules = []
    for category, territory, short in wanted:
        if short not in departments:
            if short not in report.missing_departments:
                report.missing_departments.append(short)
            continue
        rules.append((category, territory, departments[short]))
    if not rules:
        return
    ruleset = RoutingRuleSet.objects.create(version=1, is_active=True, note="默认分拨规则(gongzhi 内置)")
    RoutingRule.objects.bulk_create(
        RoutingRule(
            ruleset=ruleset, position=position, category=category, territory=territory, department=org
        )
        for position, (category, territory, org) in enumerate(rules, start=1)
    )
    routing.RULES.bump()  # bulk_create sends no signal
    report.ruleset_version = ruleset.version
    report.rules = len(rules)


@transaction.atomic
def install_defaults(district: TerritoryNode, *, taxonomy: bool = True) -> DefaultsReport:
    """Taxonomy (unless one was imported: taxonomy=False), deadline policies, routing rules v1."""
    report = DefaultsReport()
    if taxonomy:
        report.categories_created = install_taxonomy()
    report.policies_created = install_policies()
    install_routing(district, report)
    return report
