"""Issue 13: evidence is typed by its bytes and stored as <random>.<sniffed type>."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.councils import actions
from gongzhi.councils.tests.conftest import held, passed_decision
from gongzhi.councils.workflow import CouncilError

pytestmark = pytest.mark.django_db


def carried(world):
    held(world, 5)
    return passed_decision(world, "修好路灯", days=0, owner_name="居委会")


def test_html_sent_as_image_png_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", content_type="image/png")
    with pytest.raises(CouncilError, match="PDF"):
        actions.evidence_add(actor=None, decision=carried(world), upload=upload)


def test_a_pdf_named_evil_html_is_stored_as_pdf_and_its_name_kept_as_text(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../evil.html", b"%PDF-1.4 done", content_type="text/html")
    evidence = actions.evidence_add(actor=None, decision=carried(world), upload=upload)
    assert re.fullmatch(r"councils/evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert evidence.content_type == "application/pdf"
    assert evidence.name == "evil.html"
