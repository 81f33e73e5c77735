"""Roles and what each may do. A role assignment is (person, role, territory node or organisation);
the capability table below is the whole authorisation policy, kept in one place so it can be read
and tested as a table."""

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from gongzhi.core.scoping import Scope


class Role(models.TextChoices):
    RESIDENT = "resident", pgettext_lazy("role", "居民")
    PARTY_MEMBER = "party_member", pgettext_lazy("role", "党员")
    VOLUNTEER = "volunteer", pgettext_lazy("role", "志愿者")
    GRID_WORKER = "grid_worker", pgettext_lazy("role", "网格员")
    BUILDING_HEAD = "building_head", pgettext_lazy("role", "楼栋长")
    COMMUNITY_STAFF = "community_staff", pgettext_lazy("role", "社区工作人员")
    COMMUNITY_SECRETARY = "community_secretary", pgettext_lazy("role", "社区党委书记")
    STREET_OFFICER = "street_officer", pgettext_lazy("role", "街道干部")
    DISTRICT_ADMIN = "district_admin", pgettext_lazy("role", "区级管理员")
    DEPARTMENT_HANDLER = "department_handler", pgettext_lazy("role", "职能部门办理人")
    PROPERTY_STAFF = "property_staff", pgettext_lazy("role", "物业人员")
    PLATFORM_ADMIN = "platform_admin", pgettext_lazy("role", "平台管理员")
    # assigned to an organisation: a merchant's counter staff verify pickup codes; members of an
    # owners' committee run owners' assemblies of their compound
    MERCHANT_STAFF = "merchant_staff", pgettext_lazy("role", "商户店员")
    OWNERS_COMMITTEE = "owners_committee", pgettext_lazy("role", "业委会成员")


STAFF_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.BUILDING_HEAD,
        Role.COMMUNITY_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_ADMIN,
        Role.DEPARTMENT_HANDLER,
        Role.PROPERTY_STAFF,
        Role.PLATFORM_ADMIN,
        Role.MERCHANT_STAFF,
        Role.OWNERS_COMMITTEE,
    }
)

# The groups the capabilities below are made of.
# secretaries and above: personal data in full, organisations, the audit log
_SENIOR = frozenset({Role.COMMUNITY_SECRETARY, Role.STREET_OFFICER, Role.DISTRICT_ADMIN})
# community-level organisers of services, places and co-governance
_ORGANISERS = _SENIOR | {Role.COMMUNITY_STAFF}
# those who walk the buildings: grid workers and building heads
_ON_FOOT = frozenset({Role.GRID_WORKER, Role.BUILDING_HEAD})

CAPABILITIES: dict[str, frozenset[str]] = {
    # API tokens for integrations and scripts: staff only; a resident gets one only through a role
    # that holds it (decision 0038). Residents' apps use their session.
    "mint_api_tokens": STAFF_ROLES,
    # structure of the net (names, boundaries, organisations) — not personal data
    "view_territory": STAFF_ROLES,
    "view_orgs": STAFF_ROLES,
    # resident records, masked
    "view_people": _ON_FOOT | _ORGANISERS,
    # room-level nodes (units, households): the door numbers of a building. Those who visit
    # households hold it; office staff work at building level (decision 0007).
    "view_addresses": _ON_FOOT | _SENIOR,
    # unmasking ID numbers, phones, addresses and special-group tags (audited, with a reason)
    "reveal_personal_data": _SENIOR,
    # appeals (接诉即办): see those in one's area; accept/dispatch them; blow the whistle;
    # decide extensions and rating exclusions; edit routing rules, deadlines and the calendar
    "view_appeals": _ORGANISERS | {Role.GRID_WORKER},
    "dispatch_appeals": _ORGANISERS,
    "report_appeals": _ON_FOOT | _ORGANISERS,
    "blow_whistle": _ORGANISERS,
    "approve_appeal_exceptions": frozenset({Role.STREET_OFFICER, Role.DISTRICT_ADMIN}),
    "manage_appeal_policy": frozenset({Role.DISTRICT_ADMIN}),
    "import_ledgers": _ORGANISERS,
    "manage_orgs": _SENIOR,
    "manage_territory": frozenset({Role.DISTRICT_ADMIN}),
    "view_audit": _SENIOR,
    # service (helper teams, report-in, orders, wishes, pairing) and the kindness bank
    "manage_service": _ORGANISERS,
    "manage_points": _ORGANISERS,
    "verify_redemptions": frozenset({Role.MERCHANT_STAFF}),
    # service centres, venues, activities, resources, shared parking
    "manage_places": _ORGANISERS,
    "manage_parking": _ORGANISERS,
    # co-governance: micro-projects and votes, councils, the project library, owners' assemblies
    "manage_projects": _ORGANISERS,
    "manage_councils": _ORGANISERS,
    "manage_assemblies": _SENIOR | {Role.OWNERS_COMMITTEE},
}


def compute_scope(user) -> Scope:  # type: ignore[no-untyped-def]
    from gongzhi.accounts.models import RoleAssignment

    today = timezone.localdate()
    person_id = user.person_id
    if person_id is None:
        return Scope(user_id=user.pk, person_id=None, is_global=bool(user.is_superuser))
    rows = list(
        RoleAssignment.objects.active(today)
        .filter(person_id=person_id)
        .values_list("role", "territory__path", "organisation_id", "organisation__territory__path")
    )
    roles = frozenset(r for r, *_ in rows)
    paths: dict[str, set[str]] = {}
    for role, node_path, _org_id, org_path in rows:
        path = node_path or org_path
        if not path:
            continue
        for capability, holders in CAPABILITIES.items():
            if role in holders:
                paths.setdefault(capability, set()).add(path)
    return Scope(
        user_id=user.pk,
        person_id=person_id,
        roles=roles,
        is_global=bool(user.is_superuser) or Role.PLATFORM_ADMIN in roles,
        paths={cap: tuple(sorted(p)) for cap, p in paths.items()},
        org_ids=frozenset(o for _r, _p, o, _op in rows if o),
    )
