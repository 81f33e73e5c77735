"""Forms of the assembly pages: they parse; the rules live in actions.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.assemblies.models import MatterCategory, SnapshotVoter


class _DetailForm(forms.Form):
    """A form on an assembly's page (`on`). Several forms share the page and some field names, so each
    form's ids carry its own prefix."""

    id_prefix = "id"

    def __init__(self, *args: Any, on: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)  # `on` is for the forms that offer choices from it


class _VoterChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: SnapshotVoter) -> str:
        return f"{obj.label}({obj.area}㎡)"


class AssemblyForm(forms.Form):
    compound = forms.TypedChoiceField(label=_("小区"), coerce=int)
    title = forms.CharField(label=_("名称"), max_length=120)
    closes_at = forms.DateTimeField(
        label=_("表决截止"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class MatterForm(_DetailForm):
    id_prefix = "matter"
    title = forms.CharField(label=_("表决事项"), max_length=200)
    category = forms.ChoiceField(
        label=_("事项类别(《民法典》第二百七十八条)"), choices=MatterCategory.choices
    )
    text = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ElectionForm(_DetailForm):
    id_prefix = "election"
    title = forms.CharField(label=_("名称"), max_length=120)
    seats = forms.IntegerField(label=_("应选人数"), min_value=1, max_value=30)
    candidates = forms.CharField(
        label=_("候选人(每行一人)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def clean_candidates(self) -> list[str]:
        return str(self.cleaned_data["candidates"]).splitlines()


class ProxyForm(_DetailForm):
    id_prefix = "proxy"
    principal = _VoterChoice(label=_("委托业主"), queryset=SnapshotVoter.objects.none())
    agent_phone = forms.RegexField(
        label=_("受托人手机号"), regex=r"^1\d{10}$", error_messages={"invalid": _("请输入11位手机号")}
    )
    document = forms.FileField(label=_("书面授权委托书(图片或PDF)"))

    def __init__(self, *args: Any, on: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, on=on, **kwargs)
        if on is not None:  # the assembly: a principal is one of its frozen voters
            self.fields["principal"].queryset = on.voters.all()  # type: ignore[attr-defined]


class PartForm(forms.Form):
    household = forms.TypedChoiceField(label=_("房屋"), coerce=int)
    area = forms.DecimalField(label=_("专有部分面积(㎡)"), min_value=0.01, max_digits=10, decimal_places=2)
    owner_phones = forms.CharField(
        label=_("业主手机号(共有人每行一个)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class RatingForm(forms.Form):
    company = forms.TypedChoiceField(label=_("物业公司"), coerce=int)
    score = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见建议"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
