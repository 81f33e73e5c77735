from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.circles.coverage import MINUTE_CHOICES
from gongzhi.circles.models import ResourceKind
from gongzhi.orgs.models import Organisation
from gongzhi.territory.models import TerritoryNode


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类别"), choices=ResourceKind.choices)
    territory = forms.ModelChoiceField(label=_("所在区域"), queryset=TerritoryNode.objects.none())
    owner = forms.ModelChoiceField(
        label=_("产权/管理单位"), queryset=Organisation.objects.none(), required=False
    )
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=120, required=False)
    uses = forms.CharField(
        label=_("可提供的服务"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项,如:晨练、借书、老年助餐"),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    active = forms.BooleanField(label=_("开放中"), required=False, initial=True)

    def __init__(self, *args, areas=None, owners=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["territory"].queryset = areas
        if owners is not None:
            self.fields["owner"].queryset = owners


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 文件(UTF-8)"))


class CoverageForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("步行时间(分钟)"), choices=[(m, m) for m in MINUTE_CHOICES], coerce=int, initial=15
    )
    kinds = forms.MultipleChoiceField(
        label=_("同时计入的资源"),
        choices=ResourceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
