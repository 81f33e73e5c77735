"""Issue 13: photos are stored as <random>.<sniffed type>, owner-only; Open311 takes api_key from a
header (X-Api-Key or Authorization: Bearer) as well as from the query."""

import base64
import json
import os
import re
import stat
from pathlib import Path

import pytest

from gongzhi.accounts.actions import token_create
from gongzhi.appeals.models import Appeal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# a GIF header with HTML after it: a browser told "text/html" would run the script
POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;<html><script>alert(document.domain)</script></html>"
IN_A = {"lat": "22.7012", "long": "113.9012"}
STORED = re.compile(r"^appeals/\d{4}/\d{2}/[0-9a-f]{32}\.(png|gif)$")


def post_appeal(client, user, photos):
    client.force_login(user)
    body = {"text": "井盖丢了", "photos": photos, "lon": 113.9012, "lat": 22.7012}
    return client.post("/api/v1/appeals/", json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_a_photo_named_with_dot_dots_is_stored_under_a_generated_name_not_a_500(
    client, actors, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    photos = [{"name": "../../x.png", "content_base64": base64.b64encode(PNG).decode()}]
    response = post_appeal(client, actors.resident_a, photos)
    assert response.status_code == 201, response.content
    photo = Appeal.objects.get().photos.get()
    assert STORED.match(photo.image.name), photo.image.name
    assert photo.image.name.endswith(".png")
    assert not (tmp_path.parent / "x.png").exists()


@pytest.mark.django_db
def test_a_gif_html_polyglot_named_evil_html_is_stored_as_gif_readable_by_the_owner_only(
    client, actors, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photos = [{"name": "evil.html", "content_base64": base64.b64encode(POLYGLOT).decode()}]
    assert post_appeal(client, actors.resident_a, photos).status_code == 201
    photo = Appeal.objects.get().photos.get()
    assert STORED.match(photo.image.name), photo.image.name
    assert photo.image.name.endswith(".gif")
    assert photo.content_type == "image/gif"
    assert "evil" not in photo.image.name
    path = Path(photo.image.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert os.listdir(path.parent) == [path.name]


@pytest.fixture
def raw_key(actors):
    _token, raw = token_create(actor=actors.staff_a, name="open311")
    return raw


@pytest.mark.django_db
def test_open311_takes_the_api_key_from_the_x_api_key_header(client, actors, world, raw_key):
    body = {"service_code": world.cat_urban.pk, "description": "路面坑洼", **IN_A}
    response = client.post("/open311/v2/requests.json", body, headers={"X-Api-Key": raw_key})
    assert response.status_code == 201, response.content
    assert client.get("/open311/v2/requests.json", headers={"X-Api-Key": raw_key}).status_code == 200
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_open311_takes_the_api_key_as_a_bearer_token_and_a_wrong_header_is_403(
    client, actors, world, raw_key
):
    ok = client.get("/open311/v2/requests.json", headers={"Authorization": f"Bearer {raw_key}"})
    assert ok.status_code == 200
    wrong = client.get("/open311/v2/requests.json", {"api_key": raw_key}, headers={"X-Api-Key": "gz_wrong"})
    assert wrong.status_code == 403  # a header that is present decides; no fallback to the query
    assert client.get("/open311/v2/requests.json", {"api_key": raw_key}).status_code == 200
