import json

from django.test import Client

from gongzhi.accounts.actions import token_create
from gongzhi.accounts.models import ApiToken
from gongzhi.core.models import AuditEntry


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_me_names_the_user_and_their_roles_with_territory(client, actors):
    client.force_login(actors.secretary_a)
    body = client.get("/api/v1/accounts/me").json()
    assert body["username"] == "secretary_a"
    assert body["name"] == "书记甲"
    assert body["is_global"] is False
    assert body["roles"] == [
        {
            "role": "community_secretary",
            "label": "社区党委书记",
            "territory": {
                "id": actors.net.a.community.pk,
                "code": actors.net.a.community.code,
                "name": "甲社区",
                "level": "community",
            },
            "organisation_id": None,
            "organisation_name": None,
            "starts_on": body["roles"][0]["starts_on"],
            "ends_on": None,
        }
    ]


def test_me_for_the_platform_admin_is_global(client, actors):
    client.force_login(actors.platform_admin)
    body = client.get("/api/v1/accounts/me").json()
    assert body["is_global"] is True
    assert body["roles"][0]["territory"] is None


def test_me_needs_authentication(client, actors):
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_create_token_returns_the_raw_token_once_and_it_works_as_bearer(client, actors):
    client.force_login(actors.staff_a)
    response = client.post(
        "/api/v1/accounts/tokens", json.dumps({"name": "12345热线对接"}), content_type="application/json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("gz_")
    assert created["prefix"] == created["token"][:10]
    listed = client.get("/api/v1/accounts/tokens").json()
    assert [t["name"] for t in listed] == ["12345热线对接"]
    assert "token" not in listed[0]
    assert "key_hash" not in listed[0]
    assert AuditEntry.objects.filter(action="api_token.create").count() == 1
    fresh = Client()
    assert fresh.get("/api/v1/accounts/me", **bearer(created["token"])).json()["username"] == "staff_a"


def test_token_name_must_not_be_blank(client, actors):
    client.force_login(actors.staff_a)
    response = client.post(
        "/api/v1/accounts/tokens", json.dumps({"name": "  "}), content_type="application/json"
    )
    assert response.status_code == 422
    assert "请填写令牌名称" in json.dumps(response.json(), ensure_ascii=False)
    assert not ApiToken.objects.exists()


def test_tokens_list_shows_only_my_own(client, actors):
    token_create(actor=actors.staff_a, name="mine")
    token_create(actor=actors.staff_b, name="theirs")
    client.force_login(actors.staff_a)
    assert [t["name"] for t in client.get("/api/v1/accounts/tokens").json()] == ["mine"]


def test_revoke_own_token_then_it_no_longer_authenticates(client, actors):
    token, raw = token_create(actor=actors.staff_a, name="mine")
    client.force_login(actors.staff_a)
    assert client.delete(f"/api/v1/accounts/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    assert Client().get("/api/v1/accounts/me", **bearer(raw)).status_code == 401
    # revoking twice is 404, like a missing token
    assert client.delete(f"/api/v1/accounts/tokens/{token.pk}").status_code == 404


def test_revoking_someone_elses_token_is_404_and_nothing_changes(client, actors):
    token, raw = token_create(actor=actors.staff_b, name="theirs")
    before = AuditEntry.objects.count()
    client.force_login(actors.staff_a)
    response = client.delete(f"/api/v1/accounts/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEntry.objects.count() == before
    assert Client().get("/api/v1/accounts/me", **bearer(raw)).status_code == 200


def test_bearer_token_works_for_the_get_endpoints_of_every_router(actors):
    _token, raw = token_create(actor=actors.street_officer, name="对接")
    client = Client()
    for url in (
        "/api/v1/accounts/me",
        "/api/v1/accounts/tokens",
        "/api/v1/territory/nodes",
        f"/api/v1/territory/nodes/{actors.net.a.grid.pk}/children.geojson",
        "/api/v1/people/persons",
        f"/api/v1/people/persons/{actors.person_a.pk}",
        "/api/v1/orgs/party-orgs",
        "/api/v1/orgs/organisations",
    ):
        assert client.get(url, **bearer(raw)).status_code == 200, url
        assert client.get(url).status_code == 401, url


def test_openapi_schema_loads_and_leaks_no_secret_fields(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/territory/nodes",
        "/api/v1/territory/nodes/{node_id}/children.geojson",
        "/api/v1/territory/lookup",
        "/api/v1/people/persons/{person_id}/reveal",
        "/api/v1/orgs/party-orgs",
        "/api/v1/accounts/tokens/{token_id}",
    } <= paths
    text = json.dumps(schema)
    for secret in ("id_number_cipher", "id_number_index", "phone_cipher", "phone_index", "key_hash"):
        assert secret not in text


def test_api_docs_page_loads(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.content.decode()


def test_api_docs_page_uses_the_swagger_files_shipped_with_django_ninja(client, db, settings):
    """Offline intranets have no CDN, and our CSP allows scripts from this host only. django-ninja
    ships Swagger UI in its static files; they are used when "ninja" is an installed app."""
    assert "ninja" in settings.INSTALLED_APPS
    html = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_a_bearer_token_post_needs_no_csrf_cookie_on_every_router(actors):
    """Integrations have no session: a token POST must not be refused by the session CSRF check."""
    from gongzhi.accounts.actions import token_create

    _token, raw = token_create(actor=actors.secretary_a, name="集成")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/people/persons/{actors.person_a.pk}/reveal",
        data={"fields": ["phone"], "reason_code": "appeal"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    session_only = Client(enforce_csrf_checks=True)
    session_only.force_login(actors.secretary_a)
    refused = session_only.post(
        f"/api/v1/people/persons/{actors.person_a.pk}/reveal",
        data={"fields": ["phone"], "reason_code": "appeal"},
        content_type="application/json",
    )
    assert refused.status_code == 403  # a browser session still needs its CSRF token
