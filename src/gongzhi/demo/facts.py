"""The few real-world facts the demo is built on (docs/decisions/0005-demo-data.md says which are
official and which are only plausible). Everything else in the demo is generated from a seed."""

import datetime

DISTRICT_CODE = "440311"
DISTRICT_NAME = "光明区"

# Official street codes (statistics office division codes, as in modood/Administrative-divisions-of-China).
STREETS: list[tuple[str, str]] = [
    ("440311001", "光明街道"),
    ("440311002", "公明街道"),
    ("440311003", "新湖街道"),
    ("440311004", "凤凰街道"),
    ("440311005", "玉塘街道"),
    ("440311006", "马田街道"),
]

# Real place names in Guangming; which street each is filed under, and the 3-digit suffixes, are
# the demo's own (plausible, not authoritative). Six in Guangming street, 31 in all.
COMMUNITIES: dict[str, list[str]] = {
    "440311001": ["光明社区", "东周社区", "碧眼社区", "白花社区", "新羌社区", "迳口社区"],
    "440311002": ["公明社区", "上村社区", "下村社区", "西田社区", "合水口社区", "马山头社区"],
    "440311003": ["楼村社区", "圳美社区", "新湖社区"],
    "440311004": ["凤凰社区", "东坑社区", "塘尾社区", "甲子塘社区", "塘家社区", "翠湖社区"],
    "440311005": ["玉律社区", "田寮社区", "长圳社区", "红星社区"],
    "440311006": ["马田社区", "将石社区", "石家社区", "新庄社区", "薯田埔社区", "根竹园社区"],
}

# Rough position of each street (lon, lat), only used to seed the Voronoi partition so the streets
# lie roughly where they are: Gongming in the west, Fenghuang in the east, Yutang in the south.
STREET_ANCHORS: dict[str, tuple[float, float]] = {
    "440311001": (113.955, 22.790),
    "440311002": (113.880, 22.780),
    "440311003": (113.915, 22.810),
    "440311004": (113.960, 22.735),
    "440311005": (113.915, 22.715),
    "440311006": (113.900, 22.750),
}

# Seed document 000: Guangming street has 150 governance grids and 48 grid party branches.
GUANGMING_STREET = "440311001"
GUANGMING_GRIDS_PER_COMMUNITY = 25
GUANGMING_BRANCHES_PER_COMMUNITY = 8
OTHER_GRIDS_PER_COMMUNITY = (4, 6)
OTHER_BRANCHES_PER_COMMUNITY = (2, 4)

# 常住人口 for the district (2020 census, about 1.1 million) split over the streets. The street
# figures are an illustrative split, not published statistics.
RESIDENT_POPULATION: dict[str, int] = {
    "440311": 1_095_289,
    "440311001": 152_000,
    "440311002": 312_000,
    "440311003": 98_000,
    "440311004": 186_000,
    "440311005": 154_000,
    "440311006": 193_289,
}

DEPARTMENTS = [
    "城市管理和综合执法局",
    "住房和建设局",
    "水务局",
    "公安分局",
    "生态环境分局",
    "市场监督管理局",
    "卫生健康局",
    "教育局",
    "交通运输局",
    "民政局",
    "人力资源局",
    "应急管理局",
]

# ID-number region codes (GB/T 2260) for people born elsewhere: Shenzhen's neighbours and the
# provinces most Shenzhen migrants come from. Weights are rough shares.
BIRTH_REGIONS: list[tuple[str, int]] = [
    ("440306", 10),  # 宝安区 (Guangming was part of Bao'an until 2018)
    ("440981", 8),  # 高州市
    ("440882", 6),  # 雷州市
    ("445281", 6),  # 普宁市
    ("441423", 3),  # 丰顺县
    ("441622", 3),  # 龙川县
    ("430521", 6),  # 邵东县
    ("431022", 4),  # 宜章县
    ("430124", 3),  # 宁乡县
    ("362101", 4),  # 赣州市 (pre-1999 code, still on older cards)
    ("360731", 4),  # 于都县
    ("450881", 4),  # 桂平市
    ("452501", 2),  # 玉林市 (older code)
    ("510722", 3),  # 三台县
    ("412724", 3),  # 太康县
    ("421087", 2),  # 松滋市
    ("350583", 2),  # 南安市
    ("460003", 1),  # 儋州市
]

# The demo's "today": ages, tags and dates are computed against it, so output does not depend on
# the day the command runs.
REFERENCE_DATE = datetime.date(2025, 6, 30)
GUANGMING_FOUNDED = datetime.date(2018, 9, 19)
