"""The API's refusals: every bad input is a 4xx with a message in the user's language, and every
operation's schema names the refusals it can give (decision 0041).

- `GuardedParser` refuses a JSON body holding a NUL character or a lone surrogate (PostgreSQL
  cannot store either and SQLite cannot encode the second: both were 500s). NUL in the query
  string or the path is refused for pages and API alike by `core.middleware.RefuseBadInput`.
- `install_error_handlers` answers 400/401/404/413/422 with `{"detail": …}` (422 adds `errors`).
- `GongzhiAPI.get_openapi_schema` adds those answers, with `RefusalOut`, to every operation that does
  not declare them itself, so a client (and the schema fuzzer) can rely on the published schema.
"""

import json
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from gongzhi.core.errors import Refusal, api_refusal


class RefusalOut(Schema):
    """Every refusal of the API: `detail` for people; `errors` (field by field) on a 422."""

    detail: str
    errors: list[dict[str, Any]] | None = None
    details: list[str] | None = None


class InputRefused(HttpError):
    """400: a request the API will not read (NUL, lone surrogate, not JSON)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def has_bad_characters(text: str) -> bool:
    """NUL, or a lone surrogate (one that cannot be encoded as UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_bad_strings(value: Any) -> None:
    if isinstance(value, str):
        if has_bad_characters(value):
            raise InputRefused(_("文字中含有无法保存的字符(空字符或不成对的代理字符)"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_bad_strings(key)
            _refuse_bad_strings(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_bad_strings(item)


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON does not have; they reached float fields.
    raise InputRefused(_("请求内容不是有效的JSON"))


class GuardedParser(Parser):
    """JSON as ninja reads it, minus the strings no database column can hold."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_refuse_constant)
        _refuse_bad_strings(data)
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        # The query string was checked by core.input_guard; this covers the API's form fields.
        result = super().parse_querydict(data, list_fields, request)
        _refuse_bad_strings({k: v for k, v in result.items() if isinstance(v, (str, list))})
        return result


def _body_refused(exc: HttpError) -> str:
    # ninja wraps whatever the parser raised in its own English "Cannot parse request body" 400.
    cause = exc.__cause__
    if isinstance(cause, InputRefused):
        return cause.message
    return _("请求内容不是有效的JSON")


def install_error_handlers(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("未找到")}, status=404)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, {"detail": _("请先登录")}, status=401)

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": _("请求数据有误"), "errors": exc.errors}, status=422)

    def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and not isinstance(exc, InputRefused) and exc.__cause__ is not None:
            detail = _body_refused(exc)
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": too_big_message()}, status=413)

    def refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
        return api_refusal(api, request, exc)

    _handle(api, Http404, not_found)
    _handle(api, AuthenticationError, unauthenticated)
    _handle(api, ValidationError, invalid)
    _handle(api, HttpError, refused)
    _handle(api, RequestDataTooBig, too_big)
    _handle(api, Refusal, refusal)


def _handle[E: Exception](
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # ninja's annotation admits the exception class itself as the handler's argument; it passes instances.
    api.add_exception_handler(exc_class, cast(Any, handler))


def too_big_message() -> str:
    return _("请求内容过大")


# What any operation may answer besides what it declares: 400 for input the guard refuses, 404 for
# what is missing or out of scope, 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE, 422 for input
# that does not match the schema; 401 where the operation needs a caller, 403 on writes (a session
# caller without the CSRF token; capabilities the handler checks).
_ALWAYS = {400: "请求无法读取", 404: "未找到", 413: "请求内容过大", 422: "请求数据有误"}
_WITH_AUTH = {401: "请先登录"}
_ON_WRITES = {403: "没有权限", 409: "无法完成此操作"}
_WRITES = {"post", "put", "patch", "delete"}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared refusals, with RefusalOut, to every operation of an OpenAPI schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "RefusalOut", RefusalOut.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    ref = {"$ref": "#/components/schemas/RefusalOut"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            codes = dict(_ALWAYS)
            if operation.get("security"):
                codes |= _WITH_AUTH
            if method in _WRITES:
                codes |= _ON_WRITES
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses}
            for code, description in codes.items():
                if code in declared:
                    continue
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
    return schema


class GongzhiAPI(NinjaAPI):
    """NinjaAPI with the guarded parser, our refusals, and a schema that documents them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parser", GuardedParser())
        super().__init__(**kwargs)
        install_error_handlers(self)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kwargs))
