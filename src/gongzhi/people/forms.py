from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.people.reasons import TEXT_MAX_CHARS, RevealReason

REVEAL_CHOICES = [
    ("id_number", _("身份证号")),
    ("phone", _("手机号")),
    ("address", _("详细住址")),
    ("tags", _("特殊群体标签")),
]


REASON_CHOICES = [("", _("请选择事由")), *RevealReason.choices]


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、社区、小区或楼栋"), required=False, max_length=60)
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonFields(forms.Form):
    """The reason is checked by the action (people.reasons), which audits a refused one too."""

    reason_code = forms.CharField(
        label=_("查看事由"), required=False, widget=forms.Select(choices=REASON_CHOICES)
    )
    reason = forms.CharField(
        label=_("事由说明(选择“其他”时必填)"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("事由说明不能超过200字")},
    )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class ExactSearchForm(ReasonFields):
    value = forms.CharField(
        label=_("身份证号或手机号"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        error_messages={"required": _("请输入完整的18位身份证号或11位手机号")},
    )
    field_order = ["value", "reason_code", "reason"]


class RevealForm(ReasonFields):
    # "field", not "fields": Form.fields is taken.
    field = forms.MultipleChoiceField(
        label=_("查看内容"),
        choices=REVEAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择要查看的信息")},
    )
    field_order = ["field", "reason_code", "reason"]
