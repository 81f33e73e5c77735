"""Language: zh-Hans unless the person chose otherwise with the language switch (a cookie).

Django's LocaleMiddleware also follows the browser's Accept-Language, so a street office PC with an
English-configured browser would show English to staff who never asked for it (decision 0010)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The activation is thread-local: don't let one request's choice outlive it.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response
