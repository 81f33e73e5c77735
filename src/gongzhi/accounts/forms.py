from django import forms
from django.utils.translation import gettext_lazy as _


class StaffSignInForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=128)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(
        label=_("验证码"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
