import io

from openpyxl import load_workbook

from gongzhi.ledgers.models import ImportBatch
from gongzhi.ledgers.tests.files import RESIDENT_HEADERS, bad_checksum, resident_rows, xlsx
from gongzhi.people.models import Person

BASE = "/api/v1/ledgers"


def post_file(client, content, kind="residents", name="居民台账.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(f"{BASE}/{kind}/preview", {"file": file})


def test_preview_returns_counts_and_row_errors_then_confirm(client, actors):
    client.force_login(actors.staff_a)
    rows = resident_rows(actors.net.a.building.code, 3)
    rows[1][4] = "二"
    response = post_file(client, xlsx(RESIDENT_HEADERS, rows))
    assert response.status_code == 201
    body = response.json()
    assert (body["new_rows"], body["error_rows"], body["status"]) == (2, 1, "previewed")
    assert body["errors"] == [{"row": 3, "column": "单元", "reason": "“单元”应为整数,实际是“二”"}]

    refused = client.post(
        f"{BASE}/batches/{body['id']}/confirm", {"valid_rows_only": False}, content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["row"] == 3
    assert not Person.objects.filter(name__startswith="住户").exists()

    done = client.post(
        f"{BASE}/batches/{body['id']}/confirm", {"valid_rows_only": True}, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["result"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "tags_added": 2,
        "skipped_error_rows": 1,
    }
    assert done.json()["status"] == "imported"
    again = client.post(
        f"{BASE}/batches/{body['id']}/confirm", {"valid_rows_only": True}, content_type="application/json"
    )
    assert again.status_code == 409


def test_bad_upload_is_a_400_with_a_chinese_message(client, actors):
    client.force_login(actors.staff_a)
    response = post_file(client, b"PK\x03\x04broken", name="x.xlsx")
    assert response.status_code == 400
    assert response.json() == {"detail": "无法读取Excel文件,请在Excel中另存为.xlsx后重试", "errors": []}
    assert not ImportBatch.objects.exists()


def test_other_staff_and_outsiders_get_404_and_nothing_changes(client, actors):
    client.force_login(actors.staff_a)
    rows = resident_rows(actors.net.a.building.code, 2)
    rows[0][1] = bad_checksum(rows[0][1])
    batch_id = post_file(client, xlsx(RESIDENT_HEADERS, rows)).json()["id"]

    client.force_login(actors.staff_b)
    assert client.get(f"{BASE}/batches/{batch_id}").status_code == 404
    confirm = client.post(
        f"{BASE}/batches/{batch_id}/confirm", {"valid_rows_only": True}, content_type="application/json"
    )
    assert confirm.status_code == 404
    assert client.post(f"{BASE}/batches/{batch_id}/cancel").status_code == 404

    client.force_login(actors.department_handler)
    assert post_file(client, xlsx(RESIDENT_HEADERS, rows)).status_code == 404
    assert client.get(f"{BASE}/residents/export").status_code == 404

    client.logout()
    assert client.get(f"{BASE}/batches/{batch_id}").status_code == 401

    assert ImportBatch.objects.get().status == "previewed"
    assert ImportBatch.objects.count() == 1
    assert not Person.objects.filter(name__startswith="住户").exists()


def test_unknown_kind_is_404(client, actors):
    client.force_login(actors.staff_a)
    assert post_file(client, xlsx(RESIDENT_HEADERS, []), kind="cats").status_code == 404
    assert client.get(f"{BASE}/cats/export").status_code == 404


def test_export_through_the_api(client, actors):
    client.force_login(actors.staff_a)
    response = client.get(f"{BASE}/residents/export")
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert ("王秀英", "4403**********0020") in {r[:2] for r in rows}
