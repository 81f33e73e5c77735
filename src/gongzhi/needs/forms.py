"""Forms of the project library pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.needs.models import Category, Measure, PairingStatus, ResourceKind

MEASURES = [("", "—"), *Measure.choices]


class _Described(forms.Form):
    """What a need and a resource both say: a text, tags and a quantity in a measure."""

    text = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    tags = forms.CharField(label=_("标签(空格分隔)"), required=False, max_length=200)
    quantity = forms.IntegerField(label=_("数量"), required=False, min_value=1)
    measure = forms.ChoiceField(label=_("单位"), required=False, choices=MEASURES)

    DESCRIBED = ["text", "tags", "quantity", "measure"]


class NeedForm(_Described):
    title = forms.CharField(label=_("需求"), max_length=120)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)

    field_order = ["title", "category", *_Described.DESCRIBED]


class StaffNeedForm(NeedForm):
    community = forms.TypedChoiceField(label=_("社区"), coerce=int)


class ResourceForm(_Described):
    organisation = forms.TypedChoiceField(label=_("提供单位"), coerce=int)
    title = forms.CharField(label=_("资源"), max_length=120)
    kind = forms.ChoiceField(label=_("资源类型"), choices=ResourceKind.choices)
    category = forms.ChoiceField(label=_("适用类别"), choices=Category.choices)

    field_order = ["organisation", "title", "kind", "category", *_Described.DESCRIBED]


class PromoteForm(forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=[("appeal", _("诉求")), ("wish", _("微心愿"))])
    number = forms.IntegerField(label=_("编号"), min_value=1)
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("按来源判断")), *Category.choices], required=False
    )


class PairingStepForm(forms.Form):
    to = forms.ChoiceField(
        label=_("变更为"),
        choices=[
            (PairingStatus.AGREED, _("已达成")),
            (PairingStatus.DONE, _("已完成")),
            (PairingStatus.CANCELLED, _("已取消")),
        ],
    )
    outcome = forms.CharField(
        label=_("成效"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
