from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NEED_CHOICES = [
    ("", _("不限")),
    ("课后托管", _("课后托管")),
    ("法律援助", _("法律援助")),
    ("日间照料", _("日间照料")),
    ("心理咨询", _("心理咨询")),
    ("政务服务", _("政务服务")),
    ("图书阅览", _("图书阅览")),
    ("健康义诊", _("健康义诊")),
]


class FindForm(forms.Form):
    address = forms.CharField(
        label=_("地址"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("例如:碧眼花园3栋")}),
    )
    lon = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput(attrs={"id": "pin-lon"})
    )
    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput(attrs={"id": "pin-lat"})
    )
    need = forms.ChoiceField(label=_("需要的服务"), required=False, choices=NEED_CHOICES)
    q = forms.CharField(label=_("或输入其他需求"), required=False, max_length=40)

    def need_text(self) -> str | None:
        return (self.cleaned_data.get("q") or "").strip() or self.cleaned_data.get("need") or None


class BookingForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    minutes = forms.TypedChoiceField(
        label=_("时长"),
        coerce=int,
        choices=[
            (30, _("30分钟")),
            (60, _("1小时")),
            (90, _("1.5小时")),
            (120, _("2小时")),
            (180, _("3小时")),
            (240, _("4小时")),
        ],
    )
    purpose = forms.CharField(label=_("用途"), max_length=200)
    attendees = forms.IntegerField(label=_("人数"), min_value=1, initial=1)

    def span(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"]))
        from datetime import timedelta

        return start, start + timedelta(minutes=self.cleaned_data["minutes"])


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)]
    )
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"))
    audience = forms.ChoiceField(label=_("对象"))
    organiser = forms.CharField(label=_("主办方"), max_length=120, required=False)
    venue = forms.TypedChoiceField(label=_("场地"), coerce=int, required=False, empty_value=None)
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=5000)
    points = forms.IntegerField(label=_("签到积分"), min_value=0, max_value=100, initial=0)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, venues=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        from gongzhi.places.models import ActivityType, Audience

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActivityType.choices
        self.fields["audience"].choices = Audience.choices
        self.fields["venue"].choices = [("", _("不占用场地"))] + [(v.pk, v.name) for v in venues]

    def span(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        return (
            timezone.make_aware(datetime.combine(day, self.cleaned_data["start"])),
            timezone.make_aware(datetime.combine(day, self.cleaned_data["end"])),
        )


class SeriesForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("预约单位"), coerce=int)
    first_day = forms.DateField(label=_("首次日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    minutes = forms.TypedChoiceField(
        label=_("时长"), coerce=int, choices=[(60, _("1小时")), (90, _("1.5小时")), (120, _("2小时"))]
    )
    every_days = forms.TypedChoiceField(
        label=_("重复"), coerce=int, choices=[(7, _("每周")), (14, _("每两周")), (1, _("每天"))]
    )
    count = forms.IntegerField(label=_("次数"), min_value=2, max_value=52, initial=4)
    purpose = forms.CharField(label=_("用途"), max_length=200)

    def __init__(self, *args, organisations=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("prefix", "series")  # shares the venue page with BookingForm: distinct ids
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]

    def first_start(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["first_day"], self.cleaned_data["start"])
        )
