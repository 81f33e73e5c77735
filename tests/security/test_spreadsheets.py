"""Issue 13 point 5: spreadsheets in (every upload path refuses hostile files with a clear message,
within 50 MB) and out (every export writes a resident's "=…" as text, not as a formula)."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.appeals.tests.conftest import world  # noqa: F401 - fixtures
from gongzhi.assemblies.tests.conftest import register  # noqa: F401 - fixture
from gongzhi.core.tests import crafted_sheets as crafted

pytestmark = pytest.mark.django_db

MEMORY_BUDGET_MIB = 50
RESIDENT_HEADERS = ["姓名", "身份证号", "手机号", "楼栋编码", "单元", "房号", "居住类型", "特殊群体"]
TOO_BIG = "Excel文件解压后过大或压缩比异常"
EVIL = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "\t=1+1"]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return crafted.overlapping_bomb()  # ~260 KB declaring 4 GiB


def _preview(client: Client, content: bytes, name: str = "居民台账.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/api/v1/ledgers/residents/preview", {"file": file})


# --- spreadsheets in -------------------------------------------------------------------------------


def test_ledger_preview_of_a_sheet_declaring_xfd1048576_stays_small(client, actors):
    from gongzhi.ledgers.tests.files import id_number

    building = actors.net.a.building.code
    rows = [RESIDENT_HEADERS] + [
        [f"住户{n}", id_number(n), f"139{n:08d}", building, 1, 101 + n, "户籍", ""] for n in range(1000)
    ]
    content = crafted.xlsx(rows, dimension="A1:XFD1048576")
    assert len(content) < 100_000
    client.force_login(actors.staff_a)
    peak, response = crafted.peak_mib(lambda: _preview(client, content))
    assert response.status_code == 201, response.content
    assert response.json()["new_rows"] + response.json()["error_rows"] == 1000
    assert peak < MEMORY_BUDGET_MIB  # before: every row padded to 16,384 cells (~128 MB per 1,000 rows)


def test_ledger_preview_of_a_zip_bomb_is_a_400_and_nothing_is_stored(client, actors, bomb):
    from gongzhi.ledgers.models import ImportBatch

    client.force_login(actors.staff_a)
    peak, response = crafted.peak_mib(lambda: _preview(client, bomb))
    assert response.status_code == 400
    assert TOO_BIG in response.json()["detail"]
    assert not ImportBatch.objects.exists()
    assert peak < MEMORY_BUDGET_MIB


def test_ledger_preview_of_very_many_rows_is_a_400(client, actors):
    client.force_login(actors.staff_a)
    content = ("姓名,身份证号\n" + "张三,1\n" * 70_000).encode()
    peak, response = crafted.peak_mib(lambda: _preview(client, content, name="居民台账.csv"))
    assert response.status_code == 400
    assert "行,请分批导入" in response.json()["detail"]
    assert peak < MEMORY_BUDGET_MIB


def test_ledger_upload_page_shows_the_refusal_as_a_form_error(client, actors, bomb):
    client.force_login(actors.staff_a)
    upload = SimpleUploadedFile("居民台账.xlsx", bomb)
    response = client.post(reverse("ledgers:preview"), {"kind": "residents", "file": upload})
    assert response.status_code == 400
    assert TOO_BIG in response.content.decode()


def test_hotline_import_refuses_a_bomb_and_a_line_of_a_million_commas(tmp_path, bomb):
    for name, content, message in [
        ("12345.xlsx", bomb, TOO_BIG),
        ("12345.csv", b"a" + b"," * 1_000_000 + b"\n", "个字符"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            call_command("import_hotline", str(path))


def test_resource_import_refuses_with_a_form_error(client, actors):
    client.force_login(actors.staff_a)
    content = ("名称,类别\n" + "x," * 300 + "\n").encode()
    response = client.post(reverse("circles:import"), {"file": SimpleUploadedFile("r.csv", content)})
    assert response.status_code == 422
    assert "表格超过64列" in response.content.decode()


def test_register_import_refuses_with_the_page_and_writes_nothing(client, register):  # noqa: F811
    from gongzhi.assemblies.models import ExclusivePart

    before = ExclusivePart.objects.count()
    client.force_login(register.committee_user)
    upload = SimpleUploadedFile("register.csv", b"a" + b"," * 1_000_000 + b"\n", content_type="text/csv")
    response = client.post(
        reverse("assemblies:register_import", args=[register.compound.pk]), {"file": upload}
    )
    assert response.status_code == 422
    assert "个字符" in response.content.decode()
    assert ExclusivePart.objects.count() == before


def test_territory_taxonomy_and_training_files_go_through_the_same_reader(tmp_path, bomb):
    from gongzhi.appeals.actions_taxonomy import import_taxonomy
    from gongzhi.appeals.taxonomy import TaxonomyError
    from gongzhi.dispatch.training import TrainingError, read_examples
    from gongzhi.territory.actions import import_csv

    commas = b"code,name" + b"," * 1_000_000 + b"\n"
    report = import_csv(actor=None, data=b"code,name,level,parent_code\n" + b"1,a,b,c\x00\n")
    assert report.errors
    assert "不是文本表格" in report.errors[0][2]
    assert (
        "列" in import_csv(actor=None, data=b"code,name,level,parent_code" + b",x" * 40 + b"\n").errors[0][2]
    )
    with pytest.raises(TaxonomyError, match="个字符"):
        import_taxonomy(commas)
    path = Path(tmp_path) / "labels.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(TrainingError, match=TOO_BIG):
        read_examples(path)


# --- spreadsheets out ------------------------------------------------------------------------------


def _assert_neutralised(cells, values=EVIL):
    found = {v: [c for c in cells if isinstance(c.value, str) and v.strip() in c.value] for v in values}
    for value, hits in found.items():
        assert hits, value
        for c in hits:
            assert c.data_type != "f"
            assert c.value.startswith("'"), c.value


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def test_ledger_export_writes_names_as_text(actors):
    from gongzhi.ledgers.exports import export_ledger
    from gongzhi.people.models import Person

    Person.objects.filter(pk=actors.person_a.pk).update(name=EVIL[0])
    _name, output = export_ledger(actor=actors.staff_a, kind="residents")  # streamed, write-only
    _assert_neutralised(_cells(output.read()), [EVIL[0]])


def test_hot_issue_export_writes_a_residents_title_as_text(client, actors, world):  # noqa: F811
    from gongzhi.appeals.tests.helpers import IN_A, submit

    for text in [
        "幸福路路灯坏了晚上很黑",
        "幸福路的路灯不亮,晚上太黑",
        "幸福路路灯坏了好几天",
        "幸福路路灯一直不亮",
    ]:
        submit(actors, world, title=EVIL[0], text=text, where=IN_A)
    client.force_login(actors.staff_a)
    month = timezone.localtime().strftime("%Y-%m")
    response = client.get(
        reverse("hotissues:hot"), {"node": actors.net.a.community.pk, "month": month, "format": "xlsx"}
    )
    assert response.status_code == 200
    _assert_neutralised(_cells(response.content), [EVIL[0]])


def test_points_statement_csv_and_xlsx_write_memos_as_text(actors):
    from gongzhi.accounts.models import User
    from gongzhi.points.actions import account_for, award_points

    staff = User.objects.get(username="staff_a")
    for n, memo in enumerate(EVIL):
        award_points(
            rule="manual",
            recipient=actors.person_a,
            source=f"evil-{n}",
            community=actors.net.a.community,
            points=5,
            awarded_by=staff,
            memo=memo,
        )
    account = account_for(actors.person_a)
    client = Client()
    client.force_login(actors.staff_a)
    url = reverse("points:statement", args=[account.pk])
    _assert_neutralised(_cells(client.get(url + "?format=xlsx").content))
    text = client.get(url + "?format=csv").content.decode("utf-8-sig")
    for memo in EVIL:
        assert re.search("(^|,)\"?'" + re.escape(memo.strip()[:6]), text.replace("'\t", "'"), re.M), memo


def test_street_ledger_export_writes_whistle_reasons_and_notes_as_text(actors):
    from gongzhi.appeals import rates
    from gongzhi.appeals.models import ConsultNote, Whistle
    from gongzhi.orgs.models import Organisation

    department = Organisation(name=EVIL[2])
    whistle = Whistle(kind=Whistle.Kind.choices[0][0], reason=EVIL[0], lead_department=department)
    whistle.created_at = timezone.now()
    note = ConsultNote(kind="consult", text=EVIL[1], author=actors.street_officer)
    ledger = rates.Ledger(actors.net.street, datetime.date(2026, 11, 27), 0, 0, 0, 0, 0, 0, [note], [whistle])
    _assert_neutralised(_cells(rates.ledger_xlsx(ledger)), [EVIL[2], EVIL[1]])
    reason = [c for c in _cells(rates.ledger_xlsx(ledger)) if "HYPERLINK" in str(c.value)]
    assert reason
    assert all(c.data_type == "s" for c in reason)


def test_service_record_export_writes_texts_as_text():
    from gongzhi.service.queries import RecordRow, record_xlsx

    rows = [
        RecordRow(datetime.date(2026, 1, 1), "服务单", v, Decimal(1), f"O{n}") for n, v in enumerate(EVIL)
    ]
    _assert_neutralised(_cells(record_xlsx(EVIL[3], rows, None)))


def test_no_module_reads_or_writes_spreadsheets_around_the_one_reader_and_writer():
    src = Path(__file__).resolve().parents[2] / "src/gongzhi"
    allowed = {
        "core/spreadsheets.py",
        "projects/counting/pabulib.py",  # the pabulib data format for counting tools, not a spreadsheet
        "dispatch/training.py",  # reads the board's taxonomy.csv shipped with the data, not an upload
        "dispatch/actions.py",  # the same taxonomy.csv
    }
    pattern = re.compile(r"load_workbook|Workbook\(|csv\.(reader|writer|DictReader|DictWriter)\(")
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "/tests/" not in str(path)
        and str(path.relative_to(src)) not in allowed
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
