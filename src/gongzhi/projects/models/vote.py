"""Votes, the voter roll and secret ballots (decision 0020).

Who voted and what was voted live in two tables with nothing in common: `VoterRoll` (vote, person)
marks that a person has voted, `Ballot` (token, choices) holds a ballot under an HMAC token only the
server can derive from (vote, person) — so a resident can change their ballot, while nobody reading
the database (staff, exports, backups without the key) can join a ballot to a person. Ballots carry
no timestamps and no sequential id, so their order cannot be matched against the roll either.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.projects.workflow import BallotType, Rule, VoteStatus


class VoteQuerySet(ScopedQuerySet):
    scope_path_field = "round__community__path"
    scope_capability = "manage_projects"


class Vote(models.Model):
    round = models.ForeignKey(
        "projects.Round", on_delete=models.PROTECT, related_name="votes", verbose_name=_("年度")
    )
    title = models.CharField(_("名称"), max_length=120)
    # The census: residents whose household lies under this node (the community, or one compound).
    area = models.ForeignKey(
        "territory.TerritoryNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("投票范围")
    )
    residence_types = models.JSONField(_("可投票的居住类型"), default=list)
    ballot_type = models.CharField(
        _("选票类型"), max_length=16, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    allowance = models.PositiveSmallIntegerField(_("每人票数（累积票）"), default=10)
    max_choices = models.PositiveSmallIntegerField(_("最多选择项目数"), null=True, blank=True)
    rule = models.CharField(_("计票规则"), max_length=8, choices=Rule.choices, default=Rule.MES)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(_("状态"), max_length=12, choices=VoteStatus.choices, default=VoteStatus.DRAFT)
    budget = models.PositiveBigIntegerField(_("可分配预算（元）"))
    result = models.JSONField(null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(null=True, blank=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="projects_vote_window"
            ),
            models.CheckConstraint(condition=Q(allowance__gte=1), name="projects_vote_allowance_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class VoterRoll(models.Model):
    """That a person voted (never what). The unique pair makes "one ballot per person" hold under
    concurrent requests; the date alone is kept, so the roll cannot be ordered against ballots."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="roll")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    voted_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "person"], name="projects_roll_one_per_person")
        ]

    def __str__(self) -> str:
        return f"voted in {self.vote_id}"


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("线上")
    PAPER = "paper", _("纸质（双人录入）")
    IMPORTED = "imported", _("导入")


class Ballot(models.Model):
    """A secret ballot. `token` = HMAC(server key, vote, person) for online ballots, random otherwise."""

    token = models.CharField(primary_key=True, max_length=64)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    channel = models.CharField(max_length=8, choices=BallotChannel.choices, default=BallotChannel.ONLINE)
    # approval/ordinal: [proposal id, ...] (ordinal: best first); cumulative: {"proposal id": points}
    choices = models.JSONField()

    def __str__(self) -> str:
        return f"ballot in {self.vote_id}"


class PaperEntry(models.Model):
    """One staff member's typing of one paper sheet; a sheet counts once two entries by two different
    staff members agree (double entry)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_entries")
    sheet_no = models.PositiveIntegerField(_("选票编号"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sheet_no", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "sheet_no", "entered_by"], name="projects_paper_one_entry_per_clerk"
            )
        ]

    def __str__(self) -> str:
        return f"sheet {self.sheet_no} of {self.vote_id}"
