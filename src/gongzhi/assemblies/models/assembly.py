"""An owners' assembly meeting (业主大会会议) of one compound: its frozen snapshot of voters, the
matters put to the vote, written proxies, owners' committee elections and every ballot.

A ballot is unique per (matter, voter): two simultaneous submissions by the same owner (or the owner
and their proxy) store one ballot and the other gets a clear refusal (decision 0024)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStamped
from gongzhi.core.scoping import ScopedQuerySet


class AssemblyStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    VOTING = "voting", _("表决中")
    CLOSED = "closed", _("已结束")


class AssemblyQuerySet(ScopedQuerySet):
    scope_path_field = "compound__path"
    scope_capability = "manage_assemblies"


class Assembly(TimeStamped):
    compound = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    title = models.CharField(_("名称"), max_length=120)
    status = models.CharField(
        _("状态"), max_length=12, choices=AssemblyStatus.choices, default=AssemblyStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("表决开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("表决截止"))
    # frozen when voting opens: totals and a hash of (part, area, owners) that ballot forms carry
    snapshot_version = models.CharField(max_length=64, blank=True)
    total_area = models.DecimalField(_("总面积(㎡)"), max_digits=14, decimal_places=2, default=0)
    total_owners = models.PositiveIntegerField(_("业主总人数"), default=0)

    objects = AssemblyQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "-id"]
        verbose_name = _("业主大会")
        verbose_name_plural = _("业主大会")

    def __str__(self) -> str:
        return self.title


class SnapshotVoter(models.Model):
    """One headcount in the snapshot: an owner, or co-owners who count as one (decision 0024), with the
    area of every exclusive part they hold, each part counted once."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="voters")
    area = models.DecimalField(max_digits=12, decimal_places=2)
    parts = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=200)  # the parts' door numbers, for staff only

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label


class SnapshotMember(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(SnapshotVoter, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assembly", "person"], name="snapshot_person_once")]

    def __str__(self) -> str:
        return f"{self.voter_id}:{self.person_id}"


class MatterCategory(models.TextChoices):
    """Civil Code art. 278 para. 1, items (1)–(9); items (6)–(8) need three quarters."""

    RULES = "rules", _("制定和修改业主大会议事规则")
    COVENANT = "covenant", _("制定和修改管理规约")
    COMMITTEE = "committee", _("选举或更换业主委员会成员")
    MANAGER = "manager", _("选聘和解聘物业服务企业或其他管理人")
    FUND_USE = "fund_use", _("使用建筑物及其附属设施的维修资金")
    FUND_RAISE = "fund_raise", _("筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("改建、重建建筑物及其附属设施")
    CHANGE_USE = "change_use", _("改变共有部分的用途或利用共有部分从事经营活动")
    OTHER = "other", _("有关共有和共同管理权利的其他重大事项")


SPECIAL_CATEGORIES = frozenset({MatterCategory.FUND_RAISE, MatterCategory.REBUILD, MatterCategory.CHANGE_USE})


class Matter(TimeStamped):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="matters")
    title = models.CharField(_("表决事项"), max_length=200)
    text = models.TextField(_("说明"), blank=True)
    category = models.CharField(_("事项类别"), max_length=16, choices=MatterCategory.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")

    def __str__(self) -> str:
        return self.title

    @property
    def is_special(self) -> bool:
        return self.category in SPECIAL_CATEGORIES


class Choice(models.TextChoices):
    YES = "yes", _("同意")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Proxy(TimeStamped):
    """A written authorisation: the agent casts the principal's ballots (one proxy per principal)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    principal = models.OneToOneField(SnapshotVoter, on_delete=models.CASCADE, related_name="proxy")
    agent = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("受托人")
    )
    document = models.FileField(_("授权委托书"), upload_to="assemblies/proxies/%Y/")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("书面委托")
        verbose_name_plural = _("书面委托")

    def __str__(self) -> str:
        return f"{self.principal_id}->{self.agent_id}"


class Ballot(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(SnapshotVoter, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    cast_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    by_proxy = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "voter"], name="ballot_one_per_voter")]

    def __str__(self) -> str:
        return f"{self.matter_id}:{self.voter_id}:{self.choice}"


class Election(TimeStamped):
    """Owners' committee election (art. 278 item 3): each owner votes for up to `seats` candidates;
    a candidate needs the ordinary double majority of participants, and the best supported fill the seats."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="elections")
    title = models.CharField(_("名称"), max_length=120)
    seats = models.PositiveSmallIntegerField(_("应选人数"))

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="election_seats_positive")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("候选人"), max_length=60)
    intro = models.CharField(_("简介"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ElectionBallot(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(SnapshotVoter, on_delete=models.CASCADE, related_name="election_ballots")
    chosen = models.ManyToManyField(Candidate, blank=True, related_name="ballots")
    cast_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    by_proxy = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "voter"], name="election_ballot_one_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.election_id}:{self.voter_id}"
