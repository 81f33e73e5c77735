import pytest

from gongzhi.core import crypto
from gongzhi.core.models import AuditEntry
from gongzhi.ledgers.actions import ImportHasErrors, batch_confirm, batch_preview, ledger_import
from gongzhi.ledgers.models import ImportBatch, Status
from gongzhi.ledgers.tests.files import (
    RESIDENT_HEADERS,
    bad_checksum,
    csv_bytes,
    id_number,
    resident_rows,
    xlsx,
)
from gongzhi.people.models import Person, PersonTag
from gongzhi.territory.models import TerritoryNode


def preview(actor, content, kind="residents", filename="居民台账.xlsx"):
    return batch_preview(actor=actor, kind=kind, filename=filename, content=content)


def test_happy_path_creates_persons_and_households_with_encrypted_id_numbers(actors):
    building = actors.net.a.building
    rows = resident_rows(building.code, 6)
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    assert (batch.new_rows, batch.updated_rows, batch.unchanged_rows, batch.error_rows) == (6, 0, 0, 0)
    assert not Person.objects.filter(name__startswith="住户").exists()  # preview writes nothing

    batch = batch_confirm(actor=actors.staff_a, batch_id=batch.pk)
    assert batch.status == Status.IMPORTED
    assert batch.result["created"] == 6
    assert batch.content == ""  # the stored file is dropped once imported

    person = Person.objects.select_related("household").get(name="住户4")
    number = id_number(4)
    assert number not in person.id_number_cipher
    assert person.decrypt_id_number() == number
    assert person.id_number_index == crypto.blind_index(number)
    assert person.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert person.phone_masked == "139****0004"
    # row 4: unit 2, room 100*5+1 = 501 -> household node under a new unit node
    assert person.household.code == f"{building.code}020501"
    assert person.household.name == "501"
    assert person.household.parent.code == f"{building.code}02"
    assert person.household.parent.name == "2单元"
    assert person.household.path == f"{building.path}{building.code}02/{building.code}020501/"
    tagged = Person.objects.get(name="住户0")
    assert set(PersonTag.objects.filter(person=tagged).values_list("tag", flat=True)) == {
        "elderly_alone",
        "low_income",
    }

    entry = AuditEntry.objects.get(action="ledger.import")
    assert entry.actor_id == actors.staff_a.pk
    assert entry.detail["created"] == 6
    assert entry.scope_path == actors.net.a.community.path


def test_reimporting_the_same_file_changes_nothing(actors):
    content = xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, 12))
    ledger_import(actor=actors.staff_a, kind="residents", filename="a.xlsx", content=content)
    persons, nodes, tags = Person.objects.count(), TerritoryNode.objects.count(), PersonTag.objects.count()
    stamps = dict(Person.objects.values_list("pk", "updated_at"))

    again = preview(actors.staff_a, content)
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 12)
    again = batch_confirm(actor=actors.staff_a, batch_id=again.pk)
    assert again.result["created"] == 0
    assert again.result["updated"] == 0
    assert again.result["unchanged"] == 12
    assert (Person.objects.count(), TerritoryNode.objects.count(), PersonTag.objects.count()) == (
        persons,
        nodes,
        tags,
    )
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps


def test_changed_rows_are_counted_as_updated_and_blank_cells_keep_stored_values(actors):
    code = actors.net.a.building.code
    rows = resident_rows(code, 3)
    ledger_import(
        actor=actors.staff_a, kind="residents", filename="a.xlsx", content=xlsx(RESIDENT_HEADERS, rows)
    )
    rows[0][0] = "住户零"  # renamed
    rows[1][2] = ""  # phone left blank: keeps the stored phone
    rows[2][7] = "残疾人"  # a new tag
    batch = ledger_import(
        actor=actors.staff_a, kind="residents", filename="b.xlsx", content=xlsx(RESIDENT_HEADERS, rows)
    )
    assert batch.result["created"] == 0
    assert batch.result["updated"] == 2
    assert batch.result["unchanged"] == 1
    assert Person.objects.get(id_number_index=crypto.blind_index(id_number(0))).name == "住户零"
    assert Person.objects.get(name="住户1").phone_masked == "139****0001"
    assert PersonTag.objects.filter(person__name="住户2", tag="disability").exists()


def test_bad_rows_give_a_precise_error_list_and_nothing_is_written(actors):
    code = actors.net.a.building.code
    rows = resident_rows(code, 6)
    rows[0][1] = bad_checksum(rows[0][1])  # file row 2
    rows[3][1] = rows[2][1]  # rows 4 and 5 share an ID number
    rows[4][3] = "44031100100100199999"  # row 6: no such building
    rows[5][4] = "二"  # row 7: text in 单元
    rows[1][0] = ""  # row 3: name missing
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    assert [tuple(e) for e in batch.errors] == [
        (2, "身份证号", "身份证号校验码错误"),
        (3, "姓名", "必填"),
        (7, "单元", "“单元”应为整数,实际是“二”"),
        (4, "身份证号", "与第5行重复"),
        (5, "身份证号", "与第4行重复"),
        (6, "楼栋编码", "楼栋编码“44031100100100199999”不存在或不在您的管辖范围内"),
    ]
    assert batch.error_rows == 6
    assert batch.new_rows == 0
    with pytest.raises(ImportHasErrors, match="6行错误"):
        batch_confirm(actor=actors.staff_a, batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED
    assert not Person.objects.filter(name__startswith="住户").exists()
    assert not AuditEntry.objects.filter(action="ledger.import").exists()


def test_valid_rows_only_imports_just_the_good_rows(actors):
    rows = resident_rows(actors.net.a.building.code, 5)
    rows[1][1] = bad_checksum(rows[1][1])
    rows[2][5] = "12A"
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    assert (batch.new_rows, batch.error_rows) == (3, 2)
    batch = batch_confirm(actor=actors.staff_a, batch_id=batch.pk, valid_rows_only=True)
    assert batch.result == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "tags_added": 2,
        "skipped_error_rows": 2,
    }
    assert set(Person.objects.filter(name__startswith="住户").values_list("name", flat=True)) == {
        "住户0",
        "住户3",
        "住户4",
    }


def test_a_building_of_another_community_reads_like_a_missing_one(actors):
    rows = resident_rows(actors.net.b.building.code, 1) + resident_rows("44031100100100199999", 1, start=1)
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    reasons = [e[2] for e in batch.errors]
    assert reasons == [
        f"楼栋编码“{actors.net.b.building.code}”不存在或不在您的管辖范围内",
        "楼栋编码“44031100100100199999”不存在或不在您的管辖范围内",
    ]
    assert not any(actors.net.b.community.name in r or actors.net.b.building.name in r for r in reasons)
    assert batch.new_rows == 0


def test_a_person_registered_in_another_community_is_not_moved(actors):
    person_b = actors.person_b
    rows = [["李建国", person_b.decrypt_id_number(), "", actors.net.a.building.code, 1, 101, "", ""]]
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    assert batch.errors == [[2, "身份证号", "本行不能由您导入,请核对身份证号;号码无误的,请联系上级办理"]]
    person_b.refresh_from_db()
    assert person_b.household == actors.net.b.household


def test_gbk_csv_from_chinese_excel_is_read(actors):
    rows = resident_rows(actors.net.a.building.code, 3)
    content = csv_bytes(RESIDENT_HEADERS, rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    batch = ledger_import(actor=actors.staff_a, kind="residents", filename="居民.csv", content=content)
    assert batch.file_format == "csv"
    assert batch.result["created"] == 3
    assert Person.objects.filter(
        name="住户2", household__code__startswith=actors.net.a.building.code
    ).exists()


def test_utf8_csv_with_english_headers_and_a_title_row_is_read(actors):
    headers = ["name", "id_number", "phone", "building_code", "unit", "room"]
    rows = [r[:6] for r in resident_rows(actors.net.a.building.code, 2)]
    content = ("光明社区居民台账\n" + csv_bytes(headers, rows, encoding="utf-8").decode()).encode()
    batch = preview(actors.staff_a, content, filename="r.csv")
    assert (batch.new_rows, batch.error_rows) == (2, 0)


def test_a_person_can_live_directly_in_a_building(actors):
    rows = [["平房户", id_number(5000), "", actors.net.a.building.code, "", "", "", ""]]
    ledger_import(
        actor=actors.staff_a, kind="residents", filename="a.xlsx", content=xlsx(RESIDENT_HEADERS, rows)
    )
    assert Person.objects.get(name="平房户").household == actors.net.a.building


def test_id_number_stored_by_excel_as_a_number_is_explained(actors):
    rows = [["甲", 4.40306195003070e17, "", actors.net.a.building.code, 1, 101, "", ""]]
    batch = preview(actors.staff_a, xlsx(RESIDENT_HEADERS, rows))
    assert "被Excel存成了数字" in batch.errors[0][2]


def test_batches_are_kept_encrypted_until_confirmed(actors):
    content = xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, 1))
    batch = preview(actors.staff_a, content)
    stored = ImportBatch.objects.get(pk=batch.pk).content
    assert id_number(0) not in stored
    assert stored.startswith("gAAAA")


def test_stale_previews_are_cancelled_and_their_files_dropped(actors):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    content = xlsx(RESIDENT_HEADERS, resident_rows(actors.net.a.building.code, 1))
    old = preview(actors.staff_a, content)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    fresh = preview(actors.staff_a, content)
    call_command("ledgers_purge", "--days", "7")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.content) == (Status.CANCELLED, "")
    assert fresh.status == Status.PREVIEWED
    assert AuditEntry.objects.filter(action="ledger.expire", object_id=str(old.pk)).count() == 1


def test_full_width_digits_typed_with_a_chinese_ime_are_accepted(actors):
    rows = [
        [
            "全角",
            id_number(7000),
            "１３９００００７０００",
            actors.net.a.building.code,
            "２单元",
            "１２０１室",
            "",
            "",
        ]
    ]
    batch = ledger_import(
        actor=actors.staff_a, kind="residents", filename="a.xlsx", content=xlsx(RESIDENT_HEADERS, rows)
    )
    assert batch.result["created"] == 1
    assert Person.objects.get(name="全角").household.code == f"{actors.net.a.building.code}021201"
