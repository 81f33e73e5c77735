import pytest
from django.contrib import admin
from django.urls import reverse

from gongzhi.accounts.models import User


@pytest.mark.parametrize(
    "model_label",
    [
        "territory.territorynode",
        "orgs.partyorg",
        "orgs.organisation",
        "people.person",
        "people.partymember",
        "accounts.user",
        "accounts.roleassignment",
        "accounts.apitoken",
        "core.auditentry",
    ],
)
def test_admin_changelists_render_and_never_show_plaintext(client, actors, model_label):
    superuser = User.objects.create_superuser("root", "a-long-password-1")
    client.force_login(superuser)
    app_label, model_name = model_label.split(".")
    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    assert actors.person_a.decrypt_id_number() not in response.content.decode()


def test_person_admin_form_has_no_cipher_or_index_fields(client, actors):
    superuser = User.objects.create_superuser("root", "a-long-password-1")
    client.force_login(superuser)
    html = client.get(reverse("admin:people_person_change", args=[actors.person_a.pk])).content.decode()
    assert "id_number_cipher" not in html
    assert "phone_index" not in html
    assert actors.person_a.decrypt_id_number() not in html
    assert admin.site.is_registered(User)
