"""Posting a page's own form, shared by the staff and owner pages: the action's redirect, or the page
again with what the user typed — 400 when the form does not parse, the refusal's status and message
when the action refuses. A view with no form to re-render lets a refusal go to the core mapping."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gongzhi.assemblies.errors import AssemblyError


def post_form(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    done: Any,
    success: Any = "",
) -> tuple[HttpResponse | None, int]:
    """(redirect to `done` — a URL, or a callable given what `act` returned — with the `success`
    message, 200) when `act(cleaned_data)` goes through; (None, status) when the page must show the
    form again: 200 for a GET, 400 for input that does not parse, the refusal's status otherwise."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        made = act(form.cleaned_data)
    except AssemblyError as exc:  # re-rendered with the user's input beside the message
        messages.error(request, exc.message)
        return None, exc.status
    if success:
        messages.success(request, success)
    return redirect(done(made) if callable(done) else done), 200
