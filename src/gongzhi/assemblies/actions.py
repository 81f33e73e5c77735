"""Every write of an owners' assembly: one transaction, the rows it changes locked, an audit row."""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.assemblies import snapshot
from gongzhi.assemblies.errors import AssemblyError
from gongzhi.assemblies.models import (
    Assembly,
    AssemblyStatus,
    Ballot,
    Candidate,
    Choice,
    Election,
    ElectionBallot,
    ExclusivePart,
    Matter,
    Ownership,
    PropertyRating,
    Proxy,
    SnapshotMember,
    SnapshotVoter,
)
from gongzhi.assemblies.workflow import ASSEMBLIES
from gongzhi.core import uploads
from gongzhi.core.actors import Actor
from gongzhi.core.audit import record_write
from gongzhi.core.lifecycle import transition
from gongzhi.people import actions as people_actions


def _audit(actor: Actor | None, action: str, obj: Any, path: str, **detail: Any) -> None:
    record_write(actor=actor, action=action, obj=obj, scope_path=path, detail=detail)


def _locked(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().select_related("compound").get(pk=assembly.pk)


@transaction.atomic
def part_register(
    *, actor: Actor | None, household: Any, area: Any, owners: list[Any], on: datetime.date
) -> ExclusivePart:
    """Register (or correct) an exclusive part and its current owners; ended owners keep their rows."""
    compound = next((n for n in household.ancestors() if n.level == "compound"), None)
    if compound is None:
        raise AssemblyError(_("该房屋不属于任何小区"))
    part, _created = ExclusivePart.objects.update_or_create(
        household=household, defaults={"compound": compound, "area": area}
    )
    keep = {p.pk for p in owners}
    Ownership.objects.current().filter(part=part).exclude(person_id__in=keep).update(ended_on=on)
    have = set(Ownership.objects.current().filter(part=part).values_list("person_id", flat=True))
    Ownership.objects.bulk_create(
        [Ownership(part=part, person=p, started_on=on) for p in owners if p.pk not in have]
    )
    _audit(actor, "assemblies.part_register", part, compound.path, area=str(area), owners=sorted(keep))
    return part


def part_register_by_phones(
    *, actor: Actor, household: Any, area: Any, phones: str, on: datetime.date
) -> ExclusivePart:
    """The register form: the owners named by their phones (at least one)."""
    owners = [person_by_phone(p, actor=actor) for p in phones.split() if p]
    if not owners:
        raise AssemblyError(_("请至少填写一名业主"))
    return part_register(actor=actor, household=household, area=area, owners=owners, on=on)


@transaction.atomic
def register_apply(*, actor: Actor | None, rows: list[Any], on: datetime.date) -> int:
    """A checked register file (register_import.parse): every row's part and owners, all or none."""
    for row in rows:
        part_register(actor=actor, household=row.household, area=row.area, owners=row.owners, on=on)
    return len(rows)


@transaction.atomic
def assembly_create(
    *, actor: Actor | None, compound: Any, title: str, closes_at: datetime.datetime
) -> Assembly:
    """Call an owners' assembly of one compound (draft until voting opens)."""
    assembly = Assembly.objects.create(compound=compound, title=title, closes_at=closes_at)
    _audit(actor, "assemblies.create", assembly, compound.path)
    return assembly


def _draft(assembly: Assembly) -> Assembly:
    locked = _locked(assembly)
    if locked.status != AssemblyStatus.DRAFT:
        raise AssemblyError(_("表决已开始,不能再修改表决事项"), status=409)
    return locked


@transaction.atomic
def matter_add(
    *, actor: Actor | None, assembly: Assembly, title: str, category: str, text: str = ""
) -> Matter:
    """Put a matter on the ballot (only before voting opens)."""
    locked = _draft(assembly)
    matter = Matter.objects.create(assembly=locked, title=title, category=category, text=text)
    _audit(actor, "assemblies.matter_add", matter, locked.compound.path, category=category)
    return matter


@transaction.atomic
def election_add(
    *, actor: Actor | None, assembly: Assembly, title: str, seats: int, candidates: list[str]
) -> Election:
    """An owners' committee election with its candidates (only before voting opens)."""
    locked = _draft(assembly)
    names = [c.strip() for c in candidates if c.strip()]
    if len(names) < seats:
        raise AssemblyError(_("候选人数不能少于应选人数"))
    election = Election.objects.create(assembly=locked, title=title, seats=seats)
    Candidate.objects.bulk_create([Candidate(election=election, name=n) for n in names])
    _audit(actor, "assemblies.election_add", election, locked.compound.path, seats=seats, candidates=names)
    return election


def _write_snapshot(assembly: Assembly) -> None:
    voters, version = snapshot.freeze(assembly.compound_id)
    if not voters:
        raise AssemblyError(_("该小区尚无产权登记,无法开始表决"))
    SnapshotVoter.objects.filter(assembly=assembly).delete()
    for v in voters:
        row = SnapshotVoter.objects.create(
            assembly=assembly, area=v.area, parts=len(v.doors), label="、".join(v.doors)[:200]
        )
        SnapshotMember.objects.bulk_create(
            [SnapshotMember(assembly=assembly, voter=row, person_id=p) for p in v.person_ids]
        )
    assembly.snapshot_version = version
    assembly.total_area = sum((v.area for v in voters), start=assembly.total_area * 0)
    assembly.total_owners = len(voters)


@transaction.atomic
def assembly_open(*, actor: Actor | None, assembly: Assembly) -> Assembly:
    """Open voting: freeze the owners and areas; later register changes do not touch this snapshot."""
    locked = _draft(assembly)
    if not locked.matters.exists() and not locked.elections.exists():
        raise AssemblyError(_("请先添加表决事项或选举"))
    if locked.closes_at <= timezone.now():
        raise AssemblyError(_("表决截止时间已过"))
    _write_snapshot(locked)
    transition(ASSEMBLIES, locked, AssemblyStatus.VOTING)
    locked.opens_at = timezone.now()
    locked.save()
    _audit(
        actor,
        "assemblies.open",
        locked,
        locked.compound.path,
        version=locked.snapshot_version,
        area=str(locked.total_area),
        owners=locked.total_owners,
    )
    return locked


@transaction.atomic
def assembly_resnapshot(*, actor: Actor | None, assembly: Assembly, reason: str) -> Assembly:
    """Re-freeze after a register correction — only while no ballot has been cast, so no vote is
    ever counted against a snapshot it was not cast on. Open ballot forms then carry a stale version."""
    locked = _locked(assembly)
    if locked.status != AssemblyStatus.VOTING:
        raise AssemblyError(_("只有表决中的业主大会才能更新名册快照"), status=409)
    if (
        Ballot.objects.filter(matter__assembly=locked).exists()
        or ElectionBallot.objects.filter(election__assembly=locked).exists()
    ):
        raise AssemblyError(_("已有业主投票,不能再更新名册快照"), status=409)
    old = locked.snapshot_version
    Proxy.objects.filter(assembly=locked).delete()
    _write_snapshot(locked)
    locked.save()
    _audit(
        actor,
        "assemblies.resnapshot",
        locked,
        locked.compound.path,
        old=old,
        new=locked.snapshot_version,
        reason=reason,
    )
    return locked


@transaction.atomic
def assembly_close(*, actor: Actor | None, assembly: Assembly) -> Assembly:
    """Close voting; results are then final."""
    locked = _locked(assembly)
    if not ASSEMBLIES.allows(locked.status, AssemblyStatus.CLOSED):
        raise AssemblyError(_("当前状态不能结束表决"), status=409)
    transition(ASSEMBLIES, locked, AssemblyStatus.CLOSED)
    locked.save(update_fields=["status", "updated_at"])
    _audit(actor, "assemblies.close", locked, locked.compound.path)
    return locked


@transaction.atomic
def proxy_record(
    *, actor: Actor | None, assembly: Assembly, principal: SnapshotVoter, agent: Any, document: Any
) -> Proxy:
    """Record a written proxy with its document: the agent then casts the principal's ballot."""
    locked = _locked(assembly)
    if locked.status != AssemblyStatus.VOTING or principal.assembly_id != locked.pk:
        raise AssemblyError(_("只能为表决中业主大会的名册业主登记委托"), status=409)
    if principal.members.filter(person=agent).exists():
        raise AssemblyError(_("受托人不能是委托业主本人"))
    if Proxy.objects.filter(principal=principal).exists():
        raise AssemblyError(_("该业主已有书面委托,一名业主只能委托一人"), status=409)
    if principal.ballots.exists() or principal.election_ballots.exists():
        raise AssemblyError(_("该业主已经投票,不能再委托"), status=409)
    if not document:
        raise AssemblyError(_("请上传书面授权委托书"))
    content = document.read()
    kind = uploads.sniff(content)  # stored as <random>.<sniffed type>, never under the sender's name
    if kind is None:
        raise AssemblyError(_("授权委托书须为图片(JPG、PNG、GIF、WebP)或PDF文件"))
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                assembly=locked,
                principal=principal,
                agent=agent,
                document=uploads.stored_file(content, kind),
                recorded_by=actor if isinstance(actor, User) and actor.pk else None,
            )
    except IntegrityError as exc:
        raise AssemblyError(_("该业主已有书面委托,一名业主只能委托一人"), status=409) from exc
    _audit(
        actor, "assemblies.proxy_record", proxy, locked.compound.path, principal=principal.pk, agent=agent.pk
    )
    return proxy


def proxy_record_by_phone(
    *, actor: Actor, assembly: Assembly, principal: SnapshotVoter, agent_phone: str, document: Any
) -> Proxy:
    """The proxy form: the agent named by phone."""
    agent = person_by_phone(agent_phone, actor=actor)
    return proxy_record(actor=actor, assembly=assembly, principal=principal, agent=agent, document=document)


def may_cast_for(person_id: int, voter: SnapshotVoter) -> str | None:
    """'self', 'proxy' or None: how this person may cast this voter's ballot."""
    if voter.members.filter(person_id=person_id).exists():
        return "self"
    if Proxy.objects.filter(principal=voter, agent_id=person_id).exists():
        return "proxy"
    return None


@transaction.atomic
def ballot_cast(
    *,
    actor: Actor | None,
    person: Any,
    assembly: Assembly,
    voter_id: int,
    version: str,
    choices: dict[int, str],
    picks: dict[int, list[int]],
) -> list[Ballot]:
    """One voter's ballot on every matter and election of the assembly, all or nothing.

    The voter row is locked first, so the owner and their proxy (or two taps) submitting at once are
    serialised: the second sees the first's ballot and is refused; the unique constraint backs it up."""
    locked = Assembly.objects.select_related("compound").get(pk=assembly.pk)
    if locked.status != AssemblyStatus.VOTING or not (
        locked.opens_at and locked.opens_at <= timezone.now() < locked.closes_at
    ):
        raise AssemblyError(_("不在表决时间内"), status=409)
    if version != locked.snapshot_version:
        raise AssemblyError(_("业主名册快照已更新,您的表决票已失效,请刷新页面后重新投票"), status=409)
    voter = SnapshotVoter.objects.select_for_update().filter(assembly=locked, pk=voter_id).first()
    how = may_cast_for(person.pk, voter) if voter else None
    if voter is None or how is None:
        raise AssemblyError(_("您不在本次业主大会的业主名册中,也不是名册业主的受托人,不能投票"), status=403)
    if voter.ballots.exists() or voter.election_ballots.exists():
        raise AssemblyError(_("该业主已经投过票,每名业主只能投一次"), status=409)
    matters = {m.pk: m for m in locked.matters.all()}
    if set(choices) != set(matters) or any(c not in Choice.values for c in choices.values()):
        raise AssemblyError(_("请对每个表决事项选择同意、反对或弃权"))
    elections = {e.pk: e for e in locked.elections.prefetch_related("candidates")}
    for eid, chosen in picks.items():
        if eid not in elections:
            raise AssemblyError(_("选举不存在"))
        allowed = {c.pk for c in elections[eid].candidates.all()}
        if not set(chosen) <= allowed or len(set(chosen)) != len(chosen):
            raise AssemblyError(_("所选候选人无效"))
        if len(chosen) > elections[eid].seats:
            raise AssemblyError(_("每名业主最多选%(n)d人") % {"n": elections[eid].seats})
    by_proxy = how == "proxy"
    try:
        with transaction.atomic():
            ballots = Ballot.objects.bulk_create(
                [
                    Ballot(matter_id=mid, voter=voter, choice=c, cast_by=person, by_proxy=by_proxy)
                    for mid, c in choices.items()
                ]
            )
            for eid in elections:
                eb = ElectionBallot.objects.create(
                    election_id=eid, voter=voter, cast_by=person, by_proxy=by_proxy
                )
                eb.chosen.set(picks.get(eid, []))
    except IntegrityError as exc:
        raise AssemblyError(_("该业主已经投过票,每名业主只能投一次"), status=409) from exc
    # the audit names the voter row, never the choice: staff see totals, not who voted what
    _audit(actor, "assemblies.ballot_cast", locked, locked.compound.path, voter=voter.pk, by_proxy=by_proxy)
    return ballots


@transaction.atomic
def rating_submit(
    *,
    actor: Actor | None,
    rater: Any,
    company: Any,
    compound: Any,
    year: int,
    kind: str,
    score: int,
    comment: str = "",
) -> PropertyRating:
    """A yearly 1–5 rating of the property company; rating again in the same year replaces one's own."""
    if not 1 <= score <= 5:
        raise AssemblyError(_("评分须为1到5分"))
    rating, _created = PropertyRating.objects.update_or_create(
        company=company,
        compound=compound,
        year=year,
        rater_kind=kind,
        rater=rater,
        defaults={"score": score, "comment": comment},
    )
    _audit(actor, "assemblies.rating_submit", rating, compound.path, score=score, kind=kind)
    return rating


def person_by_phone(phone: str, *, actor: Actor) -> Any:
    """The person registered with this phone, or a clear refusal. Used to name owners and proxy
    agents without giving the owners' committee a people search; the look-up is audited and counted
    (people.actions.person_by_phone), since it tells whether a number is registered."""
    try:
        person = people_actions.person_by_phone(actor=actor, phone=phone, purpose="业主大会:登记业主或受托人")
    except ValueError as exc:
        raise AssemblyError(_("手机号格式不正确")) from exc
    except people_actions.TooManyLookups as exc:
        raise AssemblyError(str(exc), status=429) from exc
    if person is None:
        normal = "".join(ch for ch in phone if ch.isdigit())[-11:]
        raise AssemblyError(
            _("手机号%(phone)s未登记为居民,请先在社区登记") % {"phone": normal[:3] + "****" + normal[-4:]}
        )
    return person
