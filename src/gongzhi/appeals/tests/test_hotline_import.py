import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from gongzhi.appeals.hotline_import import BadFile, HotlineRow, import_file, import_rows, read_table
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Appeal, AppealEvent, DailyStat, Notification

HEADER = "工单编号,来电时间,来电人,联系电话,诉求内容,诉求地址,诉求分类,经度,纬度\n"
NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=datetime.UTC)  # a Wednesday


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("utf-8-sig")


def cases(world):
    """(category, lon, lat, address): each way of placing and routing a call."""
    return [
        (world.cat_urban, 113.9012, 22.7012, ""),  # pin in community A's grid → 城管
        (world.cat_other, 113.9212, 22.7012, ""),  # pin in community B → 住建 (catch-all)
        (None, None, None, "乙社区花园1栋3单元"),  # address only → B's building
        (world.cat_urban, None, None, "某某路100号"),  # unmatched address → district, triage
        (world.cat_urban, 113.945, 22.72, ""),  # in the street, outside every community → triage
        (None, 100.0, 10.0, "甲社区花园"),  # pin outside everything, address rescues it
    ]


def test_the_batch_path_equals_row_by_row_intake(actors, world):
    called = timezone.make_aware(datetime.datetime(2026, 11, 20, 8, 15))  # noqa: DTZ001
    with time_machine.travel(NOW, tick=False):
        singles = [
            appeal_submit(
                actor=None,
                channel="hotline",
                text=f"第{n}件 热线反映",
                external_id=f"S-{n}",
                created_at=called,
                category=cat,
                lon=lon,
                lat=lat,
                address_text=addr,
                contact_phone="13800138000",
            ).appeal
            for n, (cat, lon, lat, addr) in enumerate(cases(world))
        ]
        rows = [
            HotlineRow(
                n,
                f"B-{n}",
                f"第{n}件 热线反映",
                f"第{n}件 热线反映",
                called,
                "",
                "13800138000",
                addr,
                cat,
                "normal",
                lon,
                lat,
            )
            for n, (cat, lon, lat, addr) in enumerate(cases(world))
        ]
        report = import_rows(rows)
    assert (report.created, report.existing) == (6, 0)
    fields = [
        "status",
        "channel",
        "territory_id",
        "path",
        "community_id",
        "street_id",
        "department_id",
        "routed_by_ruleset",
        "dispatched_at",
        "sign_due_at",
        "contact_due_at",
        "resolve_due_at",
        "created_at",
        "title",
        "contact_phone_masked",
        "category_id",
    ]
    for n, single in enumerate(singles):
        single = Appeal.objects.get(pk=single.pk)
        batch = Appeal.objects.get(external_id=f"B-{n}")
        assert {f: getattr(batch, f) for f in fields} == {f: getattr(single, f) for f in fields}, n
        assert batch.number == f"GZ{timezone.localdate(NOW):%Y%m%d}{batch.pk:07d}"
        steps = ["action", "from_status", "to_status", "note", "actor_label", "data"]
        assert list(batch.events.values_list(*steps)) == list(single.events.values_list(*steps))
        assert (
            Notification.objects.filter(appeal=batch).count()
            == Notification.objects.filter(appeal=single).count()
        )
    statuses = [Appeal.objects.get(external_id=f"B-{n}").status for n in range(6)]
    assert statuses == ["dispatched", "dispatched", "dispatched", "submitted", "submitted", "dispatched"]
    assert {(s.department_id, s.community_id, s.dispatched) for s in DailyStat.objects.all()} == {
        (world.urban.pk, actors.net.a.community.pk, 2),
        (world.housing.pk, actors.net.b.community.pk, 4),
        (world.housing.pk, actors.net.a.community.pk, 2),
    }


def test_the_command_imports_a_csv_once_and_a_second_run_creates_nothing(actors, world, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(
        csv_bytes(
            "12345-001,2026-11-20 08:15:00,张先生,13800138000,小区门口占道经营,,城乡建设/城市管理/占道经营,113.9012,22.7012",
            "12345-002,2026/11/20 09:00,李女士,13900139000,物业不作为,乙社区花园1栋,物业管理,,",
        )
    )
    call_command("import_hotline", str(path))
    assert "新建2件(自动派单2件)" in capsys.readouterr().out
    first = Appeal.objects.get(external_id="12345-001")
    assert (first.channel, first.department, first.community) == (
        "hotline",
        world.urban,
        actors.net.a.community,
    )
    assert timezone.localtime(first.created_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 08:15"
    assert first.contact_phone_masked == "138****8000"
    assert Appeal.objects.get(external_id="12345-002").category == world.cat_other
    call_command("import_hotline", str(path))
    assert "新建0件" in capsys.readouterr().out
    assert Appeal.objects.count() == 2
    assert AppealEvent.objects.filter(action="submit").count() == 2


BROKEN = (
    "H-1,2026-11-20 08:15:00,张先生,13800138000,正确的一行,,,113.9012,22.7012",
    "H-2,昨天下午,李女士,123,,,不存在的分类,abc,22.7",
    "H-1,,,,重复的编号,甲社区花园,,,",
    "H-4,,,,没有位置,,,,",
    "H-5,,,,界外的点,,,100.0,10.0",
)


def test_broken_rows_are_reported_by_row_and_column_and_nothing_is_written(actors, world, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes(*BROKEN))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_hotline", str(path))
    errors = capsys.readouterr().err
    for expected in (
        "第3行 来电时间",
        "第3行 联系电话",
        "第3行 诉求内容",
        "第3行 诉求分类:未知的诉求分类“不存在的分类”",
        "第3行 经度/纬度",
        "第4行 工单编号:与第2行工单编号重复",
        "第5行 诉求地址:经纬度和诉求地址至少填写一项",
        "第6行 经度/纬度:位置不在本平台的服务范围内",
    ):
        assert expected in errors
    assert Appeal.objects.count() == 0


def test_valid_rows_only_imports_the_good_rows_and_dry_run_writes_nothing(actors, world, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes(*BROKEN))
    call_command("import_hotline", str(path), "--dry-run", "--valid-rows-only")
    assert Appeal.objects.count() == 0
    call_command("import_hotline", str(path), "--valid-rows-only")
    assert list(Appeal.objects.values_list("external_id", flat=True)) == ["H-1"]


def test_a_custom_mapping_and_an_xlsx_with_numbers_and_dates(actors, world):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["12345热线工单导出"])
    sheet.append(["单号", "受理时间", "内容", "纬度", "经度", "电话"])
    naive = datetime.datetime(2026, 11, 20, 8, 15)  # noqa: DTZ001 - Excel cells carry no time zone
    sheet.append([20261120001, naive, "井盖丢失", 22.7012, 113.9012, 13800138000])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = {"单号": "external_id", "受理时间": "created_at", "内容": "text", "电话": "contact_phone"}
    report = import_file("export.xlsx", buffer.getvalue(), mapping=mapping)
    assert (report.created, report.errors) == (1, [])
    appeal = Appeal.objects.get()
    assert appeal.external_id == "20261120001"
    assert appeal.community == actors.net.a.community
    assert appeal.contact_phone_masked == "138****8000"


def test_a_file_without_the_required_headers_is_refused(world):
    with pytest.raises(BadFile, match="工单编号"):
        read_table("x.csv", "编号,内容\n1,2\n".encode())
    with pytest.raises(BadFile):
        read_table("x.xls", b"\xd0\xcf\x11\xe0rest")
    with pytest.raises(BadFile, match="未知字段"):
        read_table("x.csv", csv_bytes(), {"工单编号": "nonsense"})


def test_a_rule_naming_an_organisation_that_cannot_handle_appeals_stops_the_import(actors, world):
    from gongzhi.orgs.models import OrgKind

    world.urban.kind = OrgKind.SOCIAL_ORG
    world.urban.save()
    content = csv_bytes("H-9,,,,占道经营,,城乡建设/城市管理/占道经营,113.9012,22.7012")
    with pytest.raises(BadFile, match="第2行"):
        import_file("x.csv", content)
    assert Appeal.objects.count() == 0
