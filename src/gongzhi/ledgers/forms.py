from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.ledgers.models import Kind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("台账类别"), choices=Kind.choices)
    file = forms.FileField(
        label=_("台账文件(.xlsx或.csv,不超过10MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
