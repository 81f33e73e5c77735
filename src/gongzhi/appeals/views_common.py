"""What the whistle, close-out and rates pages share: one action call per POST, its refusal told on
the page the user returns to (a redirect) or beside the form they filled in (a re-render).

The core page mapping (decision 0045) would answer a refusal without a same-site Referer with its
own small page; these pages always return to the same place, so they keep the message here."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from gongzhi.core.errors import Refusal


def act_and_tell(request: HttpRequest, call: Callable[[], Any], done: str | Callable[[Any], str]) -> bool:
    """Run one action; its refusal becomes an error message, success the `done` message (or
    `done(result)`). An action's PermissionError is a 403. True when the action ran."""
    try:
        result = call()
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except Refusal as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


def act_on_form(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run one action for a valid form: (its result, 200), or (None, 400) with the refusal added to
    the form, which the page renders again with what the user typed. PermissionError is a 403."""
    try:
        return call(), 200
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from exc
    except (Refusal, ValueError) as exc:
        form.add_error(None, str(exc))
        return None, 400
