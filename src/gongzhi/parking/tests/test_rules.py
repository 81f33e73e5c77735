"""Plates, windows and the draw as pure rules."""

from datetime import time

import pytest

from gongzhi.parking.lottery import draw_order, lottery_key, winners
from gongzhi.parking.plates import PlateError, validate_plate
from gongzhi.parking.windows import outside_reason, window_intervals


@pytest.mark.parametrize(
    ("raw", "plate"),
    [
        ("粤B12345", "粤B12345"),
        ("粤b·123a5", "粤B123A5"),
        (" 京A 8888学", "京A8888学"),
        ("粤BD12345", "粤BD12345"),  # small new-energy, pure electric
        ("粤BFA1234", "粤BFA1234"),  # small new-energy, hybrid, letter in the 4th place
        ("沪A12345D", "沪A12345D"),  # large new-energy
    ],
)
def test_valid_plates_are_normalised(raw, plate):
    assert validate_plate(raw) == plate


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "请填写"),
        ("B12345", "省份简称"),
        ("粤B1234", "7位"),
        ("粤B123456789", "7位"),
        ("粤BO1234", "I 和 O"),
        ("粤B12345X", "新能源"),  # 8 characters that are neither small nor large new-energy
        ("粤112345", "格式不正确"),  # second character must be a letter
    ],
)
def test_wrong_plates_get_a_message_saying_what_is_wrong(raw, fragment):
    with pytest.raises(PlateError) as info:
        validate_plate(raw)
    assert fragment in str(info.value)


def test_overnight_window_runs_into_the_next_morning_and_sunday_wraps_to_monday():
    assert window_intervals("5", time(19), time(8)) == [(4 * 1440 + 19 * 60, 5 * 1440 + 8 * 60)]
    assert window_intervals("7", time(22), time(6)) == [(0, 6 * 60), (6 * 1440 + 22 * 60, 7 * 1440)]
    assert window_intervals("67", time(0), time(0)) == [(5 * 1440, 7 * 1440)]  # weekend, all day


def _reason(days, start, end):
    return outside_reason(
        offer_days="12345",
        offer_start=time(19),
        offer_end=time(8),
        days=days,
        start=start,
        end=end,
        offer_label="工作日",
    )


def test_a_request_inside_the_offered_night_window_is_accepted():
    assert _reason("135", time(20), time(7)) is None
    assert _reason("12345", time(19), time(8)) is None


def test_a_request_outside_the_offered_window_is_refused_with_the_day_and_hours():
    reason = _reason("6", time(20), time(7))
    assert reason is not None
    assert "周六" in reason
    assert "20:00" in reason
    assert "周一" in _reason("1", time(18), time(8))  # starts an hour before the window
    assert _reason("5", time(19), time(9)) is not None  # runs an hour into Saturday morning


def test_draw_order_puts_need_first_then_sorts_by_hash_of_seed_and_number():
    entries = [("TC01", 2), ("TC02", 1), ("TC03", 0), ("TC04", 2), ("TC05", 1)]
    order = draw_order("20261127", entries)
    assert [t for _n, t in order] == [0, 1, 1, 2, 2]
    assert order[0][0] == "TC03"
    tier1 = sorted(["TC02", "TC05"], key=lambda n: lottery_key("20261127", n))
    assert [n for n, t in order if t == 1] == tier1


def test_the_draw_is_reproducible_from_the_seed_and_differs_with_another_seed():
    entries = [(f"TC{i:08d}", 2) for i in range(40)]
    assert winners("seed-A", entries, 5) == winners("seed-A", list(reversed(entries)), 5)
    assert winners("seed-A", entries, 5) != winners("seed-B", entries, 5)
    # anyone can recompute it with hashlib alone
    import hashlib

    by_hand = sorted(entries, key=lambda e: (e[1], hashlib.sha256(f"seed-A|{e[0]}".encode()).hexdigest()))
    assert winners("seed-A", entries, 5) == [n for n, _t in by_hand[:5]]
