"""Issue 13: evidence is typed by its bytes and stored as <random>.<sniffed type>."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.councils import actions
from gongzhi.councils.tests.test_actions import held
from gongzhi.councils.workflow import CouncilError

pytestmark = pytest.mark.django_db


def passed_decision(world):
    held(world, 5)
    return actions.decision_record(
        actor=None,
        meeting=world.meeting,
        text="修好路灯",
        rule="majority_present",
        yes=5,
        no=0,
        abstain=0,
        owner_name="居委会",
        deadline=timezone.localdate(),
    )


def test_html_sent_as_image_png_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", content_type="image/png")
    with pytest.raises(CouncilError, match="PDF"):
        actions.evidence_add(actor=None, decision=passed_decision(world), upload=upload)


def test_a_pdf_named_evil_html_is_stored_as_pdf_and_its_name_kept_as_text(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../evil.html", b"%PDF-1.4 done", content_type="text/html")
    evidence = actions.evidence_add(actor=None, decision=passed_decision(world), upload=upload)
    assert re.fullmatch(r"councils/evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert evidence.content_type == "application/pdf"
    assert evidence.name == "evil.html"
