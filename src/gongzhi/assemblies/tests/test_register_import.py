"""The register CSV import: all rows or none, each error with its line number."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.assemblies.models import ExclusivePart, Ownership
from gongzhi.assemblies.tests.conftest import add_households
from gongzhi.people.tests.factories import make_person


def upload(text: str) -> dict:
    return {"file": SimpleUploadedFile("register.csv", text.encode("utf-8-sig"), content_type="text/csv")}


def test_a_good_file_registers_every_row_with_co_owners(client, register):
    homes = add_households(register.households[0].parent, 2, start=501)
    make_person(name="甲", phone="13911110001")
    make_person(name="乙", phone="13911110002")
    make_person(name="丙", phone="13911110003")
    csv_text = (
        "房屋,面积,业主手机号\n"
        f"1栋/1单元/{homes[0].name},89.50,13911110001\n"
        f"{homes[1].code},120.25,13911110002;13911110003\n"
    )
    client.force_login(register.committee_user)
    response = client.post(
        reverse("assemblies:register_import", args=[register.compound.pk]), upload(csv_text)
    )
    assert response.status_code == 302
    assert ExclusivePart.objects.get(household=homes[0]).area == Decimal("89.50")
    assert Ownership.objects.current().filter(part__household=homes[1]).count() == 2


def test_one_bad_row_refuses_the_file_with_line_numbers_and_writes_nothing(client, register):
    homes = add_households(register.households[0].parent, 1, start=601)
    make_person(name="甲", phone="13911110001")
    before = ExclusivePart.objects.count()
    csv_text = (
        "房屋,面积,业主手机号\n"
        f"1栋/1单元/{homes[0].name},89.50,13911110001\n"
        "1栋/1单元/999,80,13911110001\n"
        f"{homes[0].code},-3,13911110001\n"
        "1栋/1单元/201,70.123,13900000000\n"
    )
    client.force_login(register.committee_user)
    response = client.post(
        reverse("assemblies:register_import", args=[register.compound.pk]), upload(csv_text)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "第3行:本小区没有房屋“1栋/1单元/999”" in html
    assert "第4行:房屋" in html
    assert "重复" in html
    assert "第5行:面积“70.123”" in html
    assert ExclusivePart.objects.count() == before


def test_staff_of_another_community_cannot_import(client, register, actors):
    client.force_login(actors.staff_b)
    response = client.post(
        reverse("assemblies:register_import", args=[register.compound.pk]), upload("x,1,1\n")
    )
    assert response.status_code == 404
