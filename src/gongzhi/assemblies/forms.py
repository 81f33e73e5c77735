"""Forms of the assembly pages: they parse; the rules live in actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.assemblies.models import MatterCategory


class AssemblyForm(forms.Form):
    compound = forms.TypedChoiceField(label=_("小区"), coerce=int)
    title = forms.CharField(label=_("名称"), max_length=120)
    closes_at = forms.DateTimeField(
        label=_("表决截止"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class MatterForm(forms.Form):
    title = forms.CharField(label=_("表决事项"), max_length=200)
    category = forms.ChoiceField(
        label=_("事项类别(《民法典》第二百七十八条)"), choices=MatterCategory.choices
    )
    text = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ElectionForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120)
    seats = forms.IntegerField(label=_("应选人数"), min_value=1, max_value=30)
    candidates = forms.CharField(
        label=_("候选人(每行一人)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class ProxyForm(forms.Form):
    principal = forms.TypedChoiceField(label=_("委托业主"), coerce=int)
    agent_phone = forms.RegexField(
        label=_("受托人手机号"), regex=r"^1\d{10}$", error_messages={"invalid": _("请输入11位手机号")}
    )
    document = forms.FileField(label=_("书面授权委托书(图片或PDF)"))


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
