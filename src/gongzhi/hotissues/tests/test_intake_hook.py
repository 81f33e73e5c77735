from gongzhi.appeals.intake import appeal_submit
from gongzhi.hotissues.models import AppealFingerprint


def test_pinned_and_address_matched_appeals_get_a_fingerprint_at_intake(actors):
    pinned = appeal_submit(
        actor=None, channel="resident_app", text="路灯不亮", lon=113.9012, lat=22.7012
    ).appeal
    addressed = appeal_submit(
        actor=None, channel="resident_app", text="路灯不亮", address_text="甲社区花园1栋"
    ).appeal
    nowhere = appeal_submit(
        actor=None,
        channel="resident_app",
        text="路灯不亮",
        address_text="某条路",
        fallback_territory=actors.net.a.community,
    ).appeal
    assert AppealFingerprint.objects.filter(appeal=pinned).exists()
    fp = AppealFingerprint.objects.get(appeal=addressed)  # at the matched building's point
    assert (fp.lon, fp.lat) == (actors.net.a.building.centroid_lon, actors.net.a.building.centroid_lat)
    assert not AppealFingerprint.objects.filter(appeal=nowhere).exists()  # a community is no "same place"
