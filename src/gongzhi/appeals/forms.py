"""Forms of the appeal pages. They only parse input; the rules live in intake.py and actions.py,
whose Chinese messages the views show next to the field they name."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.appeals.models import Category, Satisfaction, Urgency
from gongzhi.appeals.workflow import Status
from gongzhi.orgs.models import Organisation

CONTACT_CHOICES = [
    ("phone", _("电话联系")),
    ("sms", _("短信告知")),
    ("none", _("无需联系")),
]


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


class FirstErrorMixin:
    def first_error(self) -> str:
        assert isinstance(self, forms.Form)
        return first_error(self)


def new_token() -> str:
    return uuid.uuid4().hex


class LocationMixin(forms.Form):
    lon = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pin-lon"}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pin-lat"}))
    address_text = forms.CharField(
        label=_("详细地址"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("如:碧水龙庭3栋楼下"), "autocomplete": "street-address"}
        ),
    )


class CategoryField(forms.ModelChoiceField[Category]):
    def label_from_instance(self, obj: Category) -> str:
        return str(obj)


def category_field(required: bool = False) -> CategoryField:
    return CategoryField(
        label=_("问题类别"),
        queryset=Category.objects.filter(level=3, active=True).order_by("path"),
        required=required,
        empty_label=_("不清楚,由工作人员判断"),
    )


class SubmitForm(FirstErrorMixin, LocationMixin):
    """我要反映: text, pin or address, optional category, privacy and contact wishes."""

    text = forms.CharField(
        label=_("反映的问题"),
        max_length=10000,  # intake refuses over 5000 with a message that counts the characters
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请描述问题、发生地点和时间")}),
        error_messages={"required": _("请描述您反映的问题")},
    )
    category = category_field()
    anonymous = forms.BooleanField(label=_("匿名反映(不接收回访)"), required=False)
    hide_name = forms.BooleanField(label=_("公示时隐藏我的姓名"), required=False, initial=True)
    contact_preference = forms.ChoiceField(
        label=_("希望的联系方式"), choices=CONTACT_CHOICES, initial="phone"
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)


class HotlineForm(FirstErrorMixin, LocationMixin):
    """热线登记: what a 12345 seat records during a call."""

    contact_name = forms.CharField(label=_("来电人"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=_("回访电话"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    text = forms.CharField(
        label=_("来电内容"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请描述您反映的问题")},
    )
    category = category_field()
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    external_id = forms.CharField(label=_("热线工单号"), max_length=80, required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)


class PatrolForm(FirstErrorMixin, forms.Form):
    """随手拍上报: a photo and where it was taken; a line of text if there is time."""

    lon = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pin-lon"}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"id": "pin-lat"}))
    text = forms.CharField(label=_("一句话说明"), max_length=500, required=False)
    category = category_field()
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)


# ---- actions on one appeal ----


class NoteForm(FirstErrorMixin, forms.Form):
    note = forms.CharField(label=_("备注"), max_length=500, required=False)


class ReasonForm(FirstErrorMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class DispatchForm(FirstErrorMixin, forms.Form):
    department: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("承办部门"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择承办部门")},
    )
    # any level: a 秒拨 suggestion may name a level-1 class; empty keeps the appeal's category
    category = CategoryField(
        label=_("问题类别"),
        queryset=Category.objects.filter(active=True).order_by("path"),
        required=False,
        empty_label=_("不改变"),
    )
    note = forms.CharField(label=_("派单说明"), max_length=500, required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments


class MergeForm(FirstErrorMixin, forms.Form):
    into = forms.CharField(
        label=_("合并到(诉求编号)"), max_length=24, error_messages={"required": _("请填写要合并到的诉求编号")}
    )


class ContactForm(FirstErrorMixin, forms.Form):
    note = forms.CharField(
        label=_("联系情况"), max_length=500, error_messages={"required": _("请填写联系情况")}
    )


class ReplyForm(FirstErrorMixin, forms.Form):
    template = forms.IntegerField(required=False)
    text = forms.CharField(
        label=_("答复内容"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ExtensionForm(FirstErrorMixin, forms.Form):
    workdays = forms.IntegerField(
        label=_("延期工作日"), min_value=1, max_value=30, error_messages={"required": _("请填写延期天数")}
    )
    reason = forms.CharField(label=_("延期理由"), max_length=300, required=False)


class DecideForm(FirstErrorMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
        error_messages={"required": _("请选择是否批准")},
    )


class RateForm(FirstErrorMixin, forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度")},
    )
    solved = forms.TypedChoiceField(
        label=_("问题是否已解决"),
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题是否已解决")},
    )
    comment = forms.CharField(
        label=_("评价意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# ---- lists ----


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部待办")), *Status.choices]
    )
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    q = forms.CharField(label=_("编号或标题"), required=False, max_length=60)


class BoardSwitchForm(forms.Form):
    territory = forms.IntegerField()
    enabled = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")
