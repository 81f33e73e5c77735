"""Reads: results of matters and elections by both measures, voters a person may cast for, ratings."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, Sum

from gongzhi.assemblies import rules, snapshot
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
    PropertyRating,
    Proxy,
    SnapshotMember,
    SnapshotVoter,
)
from gongzhi.core.actors import Actor
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode


@dataclass
class MatterResult:
    matter: Matter
    tally: rules.Tally
    outcome: rules.Outcome
    no_area: Decimal
    no_owners: int
    abstain_area: Decimal
    abstain_owners: int


CENT = Decimal("0.01")


def _area(value: Any) -> Decimal:
    """Sums come back as 300 on SQLite and 300.00 on PostgreSQL; show both the same way."""
    return Decimal(value or 0).quantize(CENT)


def _tally(
    assembly: Assembly, part_area: Any, part_owners: int, yes_area: Any, yes_owners: int
) -> rules.Tally:
    return rules.Tally(
        total_area=assembly.total_area,
        total_owners=assembly.total_owners,
        part_area=_area(part_area),
        part_owners=part_owners,
        yes_area=_area(yes_area),
        yes_owners=yes_owners,
    )


def matter_results(assembly: Assembly) -> list[MatterResult]:
    rows = {
        (r["matter_id"], r["choice"]): (r["area"] or Decimal(0), r["n"])
        for r in Ballot.objects.filter(matter__assembly=assembly)
        .values("matter_id", "choice")
        .annotate(area=Sum("voter__area"), n=Count("id"))
    }
    out = []
    for m in assembly.matters.all():
        get = lambda c, m=m: rows.get((m.pk, c), (Decimal(0), 0))  # noqa: E731
        (ya, yn), (na, nn), (aa, an) = get(Choice.YES), get(Choice.NO), get(Choice.ABSTAIN)
        tally = _tally(assembly, ya + na + aa, yn + nn + an, ya, yn)
        out.append(
            MatterResult(m, tally, rules.decide(tally, special=m.is_special), _area(na), nn, _area(aa), an)
        )
    return out


@dataclass
class CandidateResult:
    candidate: Candidate
    tally: rules.Tally
    outcome: rules.Outcome
    elected: bool


def election_results(election: Election) -> tuple[rules.Tally, list[CandidateResult]]:
    """Candidates with the ordinary double majority of participants, best supported first (by area,
    then headcount, then ballot order as the documented tie-break) fill the seats."""
    assembly = Assembly.objects.get(pk=election.assembly_id)  # totals as frozen at opening
    agg = ElectionBallot.objects.filter(election=election).aggregate(area=Sum("voter__area"), n=Count("id"))
    part_area, part_n = agg["area"] or Decimal(0), agg["n"]
    support = {
        c["pk"]: (c["area"] or Decimal(0), c["n"])
        for c in election.candidates.annotate(area=Sum("ballots__voter__area"), n=Count("ballots")).values(
            "pk", "area", "n"
        )
    }
    results = []
    for c in election.candidates.all():
        area, n = support.get(c.pk, (Decimal(0), 0))
        tally = _tally(assembly, part_area, part_n, area, n)
        results.append(CandidateResult(c, tally, rules.decide(tally, special=False), False))
    ranked = sorted(
        (r for r in results if r.outcome.passed),
        key=lambda r: (-r.tally.yes_area, -r.tally.yes_owners, r.candidate.pk),
    )
    for r in ranked[: election.seats]:
        r.elected = True
    return _tally(assembly, part_area, part_n, 0, 0), results


@dataclass
class VoterChoice:
    voter: SnapshotVoter
    how: str  # "self" or "proxy"
    voted: bool


def voters_for(person_id: int, assembly: Assembly) -> list[VoterChoice]:
    own = [
        m.voter
        for m in SnapshotMember.objects.filter(assembly=assembly, person_id=person_id).select_related("voter")
    ]
    proxied = [
        p.principal
        for p in Proxy.objects.filter(assembly=assembly, agent_id=person_id).select_related("principal")
    ]
    out = []
    for voter, how in [(v, "self") for v in own] + [(v, "proxy") for v in proxied]:
        voted = voter.ballots.exists() or voter.election_ballots.exists()
        out.append(VoterChoice(voter, how, voted))
    return out


def open_assemblies_for(person_id: int) -> list[Assembly]:
    """Assemblies in voting where the person is in the snapshot or holds a proxy."""
    return list(
        Assembly.objects.filter(status=AssemblyStatus.VOTING)
        .filter(Q(voters__members__person_id=person_id) | Q(proxies__agent_id=person_id))
        .select_related("compound")
        .distinct()
    )


def participation(assembly: Assembly) -> dict[str, Any]:
    voted = (
        SnapshotVoter.objects.filter(assembly=assembly)
        .filter(Q(ballots__isnull=False) | Q(election_ballots__isnull=False))
        .distinct()
    )
    agg = SnapshotVoter.objects.filter(pk__in=voted.values("pk")).aggregate(area=Sum("area"), n=Count("id"))
    return {"area": _area(agg["area"]), "owners": agg["n"], "proxies": assembly.proxies.count()}


def rating_summary(company_ids: list[int], compound_id: int) -> list[dict[str, Any]]:
    return list(
        PropertyRating.objects.filter(company_id__in=company_ids, compound_id=compound_id)
        .values("company__name", "year", "rater_kind")
        .annotate(avg=Avg("score"), n=Count("id"))
        .order_by("-year", "company__name", "rater_kind")
    )


def households_of(compound: Any) -> list[Any]:
    """Door numbers of a compound, for the register form of staff already checked on the compound."""
    return list(
        TerritoryNode.objects.filter(path__startswith=compound.path, level="household").select_related(
            "parent"
        )[:3000]
    )


def register_rows(compound: Any) -> list[Any]:
    return list(
        ExclusivePart.objects.filter(compound=compound)
        .select_related("household__parent")
        .annotate(owners=Count("ownerships", filter=Q(ownerships__ended_on__isnull=True)))
    )


def register_totals(compound: Any) -> dict[str, Any]:
    voters, version = snapshot.freeze(compound.pk)
    return {"owners": len(voters), "area": sum((v.area for v in voters), Decimal(0)), "version": version}


def property_companies(compound: Any) -> list[Any]:
    return list(Organisation.objects.filter(kind="property_company", serves=compound).order_by("name"))


def compounds_managed(actor: Actor) -> Any:
    """The compounds where the actor holds manage_assemblies."""
    return TerritoryNode.objects.visible_to(actor, "manage_assemblies").filter(level="compound")


def compound_for_branch(actor: Actor, compound_id: int) -> Any:
    """A compound under the actor's manage_councils (the party branch rates there), or None."""
    return (
        TerritoryNode.objects.visible_to(actor, "manage_councils")
        .filter(pk=compound_id, level="compound")
        .first()
    )


def assemblies_managed(actor: Actor) -> Any:
    """The assemblies of the compounds the actor manages."""
    return Assembly.objects.visible_to(actor).select_related("compound")
