"""Forms of the council pages: they parse; the rules live in actions.py and rules.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.councils.models import AgendaItem, CouncilKind, DecisionStatus, SeatKind, SourceKind
from gongzhi.councils.queries import organisations_near
from gongzhi.councils.rules import QuorumRule, VoteRule
from gongzhi.orgs.models import Organisation


class _PageForm(forms.Form):
    """A form on the page of a council, meeting or decision (`on`). Several forms share a page, some
    with a field of the same name, so each form's ids carry its own prefix."""

    id_prefix = "id"

    def __init__(self, *args: Any, on: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)  # `on` is for the forms that offer choices from it


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类别"), choices=CouncilKind.choices)
    territory = forms.TypedChoiceField(label=_("所在社区/小区"), coerce=int)
    quorum = forms.ChoiceField(label=_("出席要求"), choices=QuorumRule.choices)
    description = forms.CharField(
        label=_("议事规则"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SeatForm(_PageForm):
    id_prefix = "seat"
    kind = forms.ChoiceField(label=_("席位类别"), choices=SeatKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("单位"), queryset=Organisation.objects.none(), required=False, empty_label="—"
    )
    phone = forms.CharField(label=_("代表手机号(居民代表必填)"), required=False, max_length=20)

    def __init__(self, *args: Any, on: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, on=on, **kwargs)
        if on is not None:  # the council: organisations near it may hold a seat
            self.fields["organisation"].queryset = organisations_near(on)  # type: ignore[attr-defined]


class MeetingForm(_PageForm):
    id_prefix = "meeting"
    title = forms.CharField(label=_("议题"), max_length=160)
    starts_at = forms.DateTimeField(
        label=_("召开时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("地点"), max_length=160, required=False)


class AgendaForm(_PageForm):
    id_prefix = "agenda"
    title = forms.CharField(label=_("议程"), max_length=160)
    text = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source_kind = forms.ChoiceField(label=_("来源"), choices=SourceKind.choices)
    source_id = forms.IntegerField(label=_("来源编号(诉求/提案编号)"), required=False, min_value=1)
    source_text = forms.CharField(label=_("来源说明"), required=False, max_length=200)


class MinutesForm(_PageForm):
    id_prefix = "minutes"
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class DecisionForm(_PageForm):
    text = forms.CharField(label=_("决定事项"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    agenda_item = forms.ModelChoiceField(
        label=_("对应议程"), queryset=AgendaItem.objects.none(), required=False, empty_label="—"
    )
    rule = forms.ChoiceField(label=_("表决规则"), choices=VoteRule.choices)
    yes = forms.IntegerField(label=_("同意"), min_value=0)
    no = forms.IntegerField(label=_("反对"), min_value=0)
    abstain = forms.IntegerField(label=_("弃权"), min_value=0)
    owner_org = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.none(), required=False, empty_label="—"
    )
    owner_name = forms.CharField(label=_("或责任人/单位名称"), required=False, max_length=120)
    deadline = forms.DateField(
        label=_("完成期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, on: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, on=on, **kwargs)
        if on is not None:  # the meeting: its agenda, and organisations near its council answer for it
            self.fields["agenda_item"].queryset = on.agenda.all()  # type: ignore[attr-defined]
            self.fields["owner_org"].queryset = organisations_near(on.council)  # type: ignore[attr-defined]


class TransitionForm(_PageForm):
    id_prefix = "step"
    to = forms.ChoiceField(
        label=_("变更为"), choices=[(DecisionStatus.DOING, _("落实中")), (DecisionStatus.DONE, _("已办结"))]
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class EvidenceForm(_PageForm):
    id_prefix = "evidence"
    upload = forms.FileField(label=_("佐证材料(图片或PDF,10MB以内)"))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
