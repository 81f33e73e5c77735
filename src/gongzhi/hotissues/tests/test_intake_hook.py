from gongzhi.appeals.intake import appeal_submit
from gongzhi.hotissues.models import AppealFingerprint


def test_a_pinned_appeal_gets_a_fingerprint_at_intake_so_later_ones_find_it(actors):
    pinned = appeal_submit(actor=None, channel="resident_app", text="路灯不亮", lon=113.9012, lat=22.7012).appeal
    unpinned = appeal_submit(actor=None, channel="resident_app", text="路灯不亮", address_text="甲社区花园1栋").appeal
    assert AppealFingerprint.objects.filter(appeal=pinned).exists()
    assert not AppealFingerprint.objects.filter(appeal=unpinned).exists()
