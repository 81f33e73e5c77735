import pytest
from django.conf import settings


@pytest.mark.django_db
def test_chinese_is_the_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "工作人员登录" in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_gives_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
    assert "工作人员登录" not in response.content.decode()
