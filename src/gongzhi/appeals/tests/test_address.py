from dataclasses import dataclass

import pytest

from gongzhi.appeals.address import best_building, best_compound, building_number, chinese_to_int, normalise
from gongzhi.appeals.routing import match_address


@dataclass
class N:
    name: str


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("碧水龙庭三栋", 3),
        ("碧水龙庭3幢", 3),
        ("碧水龙庭 3号楼 2单元", 3),
        ("碧水龙庭３#", 3),
        ("碧水龙庭十二座", 12),
        ("碧水龙庭二十三栋楼下", 23),
        ("碧水龙庭门口", None),
    ],
)
def test_building_numbers_are_read_however_they_are_written(text, number):
    assert building_number(text) == number


def test_chinese_numerals_and_full_width_text_normalise():
    assert chinese_to_int("一百零五") == 105
    assert normalise("碧水龙庭（北区）　５栋 二单元") == "碧水龙庭北区5栋2单元"


def test_the_longest_compound_name_wins_and_the_building_is_matched_by_number_not_substring():
    compounds = [N("龙庭"), N("碧水龙庭小区")]
    assert best_compound(compounds, "碧水龙庭13栋电梯坏了").name == "碧水龙庭小区"
    buildings = [N("3栋"), N("13栋")]
    assert best_building(buildings, "碧水龙庭13栋电梯坏了").name == "13栋"
    assert best_building(buildings, "碧水龙庭三栋").name == "3栋"
    assert best_building(buildings, "碧水龙庭") is None


def test_match_address_places_a_free_text_address_in_the_net(actors):
    assert match_address("甲社区花园一栋 楼道灯不亮") == actors.net.a.building
    assert match_address("甲社区花园小区门口") == actors.net.a.compound
    assert match_address("火星基地") is None
