"""Forms of shared parking. Rules (plates, windows, tiers) live in plates.py, windows.py and
actions.py; the forms only parse."""

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models import Organisation
from gongzhi.parking.models import WEEKDAY_LABELS

DAY_CHOICES = [(str(i + 1), label) for i, label in enumerate(WEEKDAY_LABELS)]


def _days(label: str | Promise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple)


def _time(label: str | Promise, help_text: str | Promise = "") -> forms.TimeField:
    return forms.TimeField(label=label, help_text=help_text, widget=forms.TimeInput(attrs={"type": "time"}))


class ApplicationForm(forms.Form):
    plate = forms.CharField(label=_("车牌号"), max_length=12, help_text=_("如 粤B12345,新能源车 粤BD12345"))
    weekdays = _days(_("申请日"))
    starts_at = _time(_("开始时间"))
    ends_at = _time(_("结束时间"), _("早于开始时间表示到次日"))
    has_own_space = forms.BooleanField(label=_("我家已有自有车位"), required=False)


class OfferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("共建单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("停车场地址"), max_length=200)
    weekdays = _days(_("开放日"))
    starts_at = _time(_("开始时间"))
    ends_at = _time(_("结束时间"), _("早于开始时间表示到次日;与开始时间相同表示全天"))
    spaces = forms.IntegerField(label=_("车位数"), min_value=1, max_value=10000)
    valid_from = forms.DateField(label=_("有效期自"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))
    lon = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    rules = forms.CharField(label=_("使用须知"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label=_("开放申请"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["organisation"].queryset = units


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
