"""The one refusal type and the one status table (decision 0045)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from gongzhi.appeals.workflow import Action, Status
from gongzhi.core.errors import BadInput, Refusal, RefusalPageMiddleware
from gongzhi.core.lifecycle import InvalidTransition, StatusTable, transition

TABLE = StatusTable(
    {
        "accept": (frozenset({"submitted"}), "accepted"),
        "note": (frozenset({"submitted", "accepted"}), None),
    },
    labels=(Status, Action),
)


def test_table_moves_stays_and_refuses_with_labels():
    assert TABLE.next("submitted", "accept") == "accepted"
    assert TABLE.next("accepted", "note") == "accepted"
    assert TABLE.allowed("submitted") == ["accept", "note"]
    with pytest.raises(InvalidTransition) as caught:
        TABLE.next("accepted", "accept")
    assert caught.value.status_code == 409
    assert "已受理" in caught.value.message
    assert "受理" in caught.value.message
    assert isinstance(caught.value, Refusal)


def test_from_moves_names_actions_by_target():
    table = StatusTable.from_moves({"open": {"claimed", "cancelled"}, "claimed": {"open", "done"}})
    assert table.next("open", "claimed") == "claimed"
    assert table.next("claimed", "open") == "open"
    with pytest.raises(InvalidTransition) as caught:
        table.next("cancelled", "open")
    assert caught.value.message == "当前状态“cancelled”不能变为“open”"


def test_transition_sets_the_field_and_returns_both_states():
    class Thing:
        status = "submitted"

    thing = Thing()
    assert transition(TABLE, thing, "accept") == ("submitted", "accepted")
    assert thing.status == "accepted"


def test_refusal_carries_status_message_and_details():
    exc = BadInput("坏了", details=["第3行"])
    assert (exc.status_code, exc.message) == (400, "坏了")
    assert exc.as_json() == {"detail": "坏了", "details": ["第3行"]}
    assert Refusal("x", status=422).status_code == 422
    assert Refusal().message  # a default message, never empty


def _request(method: str, **headers: str) -> HttpRequest:
    factory = RequestFactory()
    request = getattr(factory, method)("/places/x/", **headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_page_refusal_goes_back_with_a_message_after_a_post():
    middleware = RefusalPageMiddleware(lambda r: HttpResponse())
    request = _request("post", HTTP_REFERER="http://testserver/places/1/")
    response = middleware.process_exception(request, Refusal("已满"))
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/places/1/"
    assert [str(m) for m in get_messages(request)] == ["已满"]


@pytest.mark.django_db
def test_page_refusal_without_a_safe_referer_is_a_page_with_its_status():
    middleware = RefusalPageMiddleware(lambda r: HttpResponse())
    request = _request("post", HTTP_REFERER="https://evil.example/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, BadInput("日期不对"))
    assert response is not None
    assert response.status_code == 400
    assert "日期不对" in response.content.decode()
    assert middleware.process_exception(request, ValueError("x")) is None


@pytest.mark.django_db
def test_refused_page_offers_the_same_site_page_it_came_from():
    middleware = RefusalPageMiddleware(lambda r: HttpResponse())
    request = _request("get", HTTP_REFERER="http://testserver/places/1/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, Refusal("已满"))
    assert response is not None
    assert response.status_code == 409
    assert 'href="http://testserver/places/1/"' in response.content.decode()
