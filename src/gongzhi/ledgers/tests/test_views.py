import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.ledgers.models import ImportBatch
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, bad_checksum, resident_rows, xlsx
from gongzhi.people.models import Person


def upload(client, content, name="居民台账.xlsx", kind="residents"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("ledgers:preview"), {"kind": kind, "file": file})


def test_hub_page_lists_kinds_templates_and_exports(client, actors):
    client.force_login(actors.staff_a)
    response = client.get(reverse("ledgers:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "上传并预览" in page
    assert reverse("ledgers:template", args=["residents"]) in page
    assert reverse("ledgers:export", args=["organisations"]) in page
    assert "<script>" not in page  # CSP: no inline scripts


@pytest.mark.parametrize("who", ["resident_a", "department_handler"])
def test_people_without_the_import_capability_get_404(client, actors, who):
    client.force_login(getattr(actors, who))
    assert client.get(reverse("ledgers:index")).status_code == 404
    assert upload(client, xlsx(RESIDENT_HEADERS, [])).status_code == 404
    assert client.get(reverse("ledgers:export", args=["residents"])).status_code == 404
    assert not ImportBatch.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, actors):
    response = client.get(reverse("ledgers:index"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_upload_preview_and_confirm_through_the_pages(client, actors):
    client.force_login(actors.staff_a)
    rows = resident_rows(actors.net.a.building.code, 4)
    rows[2][1] = bad_checksum(rows[2][1])
    response = upload(client, xlsx(RESIDENT_HEADERS, rows))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert '<dd id="count-new">3</dd>' in page
    assert "第4行" in page
    assert "身份证号校验码错误" in page
    assert "只导入无误的行" in page

    refused = client.post(reverse("ledgers:confirm", args=[batch.pk]))
    assert refused.status_code == 400
    assert "1行错误" in refused.content.decode()
    assert not Person.objects.filter(name__startswith="住户").exists()

    done = client.post(reverse("ledgers:confirm", args=[batch.pk]), {"valid_rows_only": "1"}, follow=True)
    assert done.status_code == 200
    assert "已导入:新增3条" in done.content.decode()
    assert Person.objects.filter(name__startswith="住户").count() == 3
    assert client.post(reverse("ledgers:confirm", args=[batch.pk])).status_code == 409


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("台账.pdf", b"%PDF-1.4 something", "只支持.xlsx和.csv文件"),
        ("台账.xlsx", b"", "空文件"),  # Django's own message for an empty upload
        ("台账.xlsx", b"not a zip", "内容不是Excel工作簿"),
        ("台账.xls", b"\xd0\xcf\x11\xe0rest", "不支持旧版.xls文件"),
        ("台账.xlsx", xlsx(["姓名", "手机号"], [["张三", "13800138000"]]), "缺少必填列:身份证号、楼栋编码"),
        ("台账.csv", "姓名,身份证号,楼栋编码\n".encode(), "没有数据行"),
    ],
)
def test_bad_uploads_get_a_clear_message_a_400_and_store_nothing(client, actors, name, content, message):
    client.force_login(actors.staff_a)
    response = upload(client, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_files_over_10_mb_are_refused(client, actors, settings):
    client.force_login(actors.staff_a)
    response = upload(client, b"a,b\n" * (3 * 1024 * 1024), name="big.csv")
    assert response.status_code == 400
    assert "文件超过10MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_staff_of_another_community_gets_404_for_a_batch_and_nothing_changes(client, actors):
    client.force_login(actors.staff_a)
    upload(client, xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, 2)))
    batch = ImportBatch.objects.get()
    client.force_login(actors.staff_b)
    assert client.get(reverse("ledgers:batch", args=[batch.pk])).status_code == 404
    assert (
        client.post(reverse("ledgers:confirm", args=[batch.pk]), {"valid_rows_only": "1"}).status_code == 404
    )
    assert client.post(reverse("ledgers:cancel", args=[batch.pk])).status_code == 404
    assert client.get(reverse("ledgers:batch", args=[batch.pk + 1000])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "previewed"
    assert not Person.objects.filter(name__startswith="住户").exists()
    # only staff_a's preview is audited (a look-up); nothing was imported or cancelled
    assert list(AuditEntry.objects.filter(action__startswith="ledger.").values_list("action", flat=True)) == [
        "ledger.preview"
    ]
    assert batch.filename not in client.get(reverse("ledgers:index")).content.decode()
    # the three tries at staff_a's batch are audited as scope denials; the missing id is not
    denials = AuditEntry.objects.filter(action="scope.denied", actor=actors.staff_b)
    assert [(d.kind, d.object_id) for d in denials] == [("refusal", str(batch.pk))] * 3


def test_cancel_drops_the_stored_file(client, actors):
    client.force_login(actors.staff_a)
    upload(client, xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, 2)))
    batch = ImportBatch.objects.get()
    assert client.post(reverse("ledgers:cancel", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.content) == ("cancelled", "")
    assert client.post(reverse("ledgers:confirm", args=[batch.pk])).status_code == 409


def test_export_download_has_an_rfc5987_chinese_filename(client, actors):
    client.force_login(actors.staff_a)
    response = client.get(reverse("ledgers:export", args=["residents"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%E5%B1%85%E6%B0%91")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    names = [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "王秀英" in names
    assert "李建国" not in names
    assert AuditEntry.objects.filter(action="ledger.export", actor=actors.staff_a).count() == 1


def test_template_download(client, actors):
    client.force_login(actors.staff_a)
    response = client.get(reverse("ledgers:template", args=["party_members"]))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]][:3] == ["姓名", "身份证号", "党员类别"]
    assert client.get(reverse("ledgers:template", args=["nonsense"])).status_code == 404
