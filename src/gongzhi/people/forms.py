from django import forms
from django.utils.translation import gettext_lazy as _

REVEAL_CHOICES = [
    ("id_number", _("身份证号")),
    ("phone", _("手机号")),
    ("address", _("详细住址")),
    ("tags", _("特殊群体标签")),
]


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、身份证号或手机号"), required=False, max_length=60)
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RevealForm(forms.Form):
    # "field", not "fields": Form.fields is taken.
    field = forms.MultipleChoiceField(
        label=_("查看内容"),
        choices=REVEAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择要查看的信息")},
    )
    reason = forms.CharField(
        label=_("查看事由"),
        max_length=300,
        min_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("请填写查看事由"), "min_length": _("请填写查看事由")},
    )

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""
