"""Names that read as real ones: people, compounds, companies, shops. All drawn from a caller's
random.Random, so the same seed gives the same names."""

import random

# Roughly in order of frequency; weight falls off with rank (weights below).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = [1.0 / (rank + 3) ** 0.9 for rank in range(len(SURNAMES))]

# Given-name characters by generation and gender: names follow fashions, so a 1950s 秀英 and a
# 2015 梓涵 are both plausible in their cohort.
GIVEN: dict[tuple[str, bool], str] = {
    ("old", True): "国建军明华文德志永伟平海忠祥福荣林庆春贵成金学东生勇光辉",
    ("old", False): "秀英兰珍芳玉梅凤桂霞琴华淑云丽红金莲翠素美娟英萍花",
    ("mid", True): "伟强磊军勇杰涛斌超波辉鹏刚峰亮浩健宇俊飞明林华平志坤龙",
    ("mid", False): "丽娟敏静艳芳燕玲婷霞红梅颖琳雪慧晶洁倩莉萍丹英娜媛蓉",
    ("young", True): "子轩浩宇梓豪俊熙宇航睿泽铭哲一鸣博文思远皓轩嘉懿奕辰晨阳天佑",
    ("young", False): "梓涵子涵欣怡诗琪雨桐可馨思彤语嫣若曦佳怡一诺梦瑶紫萱雨萱欣妍",
}


def _cohort(birth_year: int) -> str:
    if birth_year < 1965:
        return "old"
    if birth_year < 2000:
        return "mid"
    return "young"


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, *, male: bool, birth_year: int) -> str:
    pool = GIVEN[(_cohort(birth_year), male)]
    if rng.random() < 0.18:
        return rng.choice(pool)
    return rng.choice(pool) + rng.choice(pool)


def person_name(rng: random.Random, *, male: bool, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, male=male, birth_year=birth_year)


COMPOUND_HEADS = [
    "碧水",
    "龙庭",
    "华夏",
    "金茂",
    "锦绣",
    "御景",
    "尚城",
    "君悦",
    "万丰",
    "星河",
    "紫荆",
    "丽景",
    "怡景",
    "宏发",
    "美丽",
    "和园",
    "东湖",
    "光明",
    "时代",
    "天安",
    "新城",
    "嘉华",
    "润城",
    "中海",
    "阳光",
    "翠林",
    "凤凰",
    "玉湖",
    "长兴",
    "观澜",
]
COMPOUND_TAILS = [
    "花园",
    "家园",
    "名苑",
    "雅居",
    "公寓",
    "豪庭",
    "华府",
    "新村",
    "雅苑",
    "嘉园",
    "城",
    "广场",
]


def compound_name(rng: random.Random, *, community: str, taken: set[str]) -> str:
    """A residential estate name, or an urban-village block named after the community (城中村)."""
    base = community.removesuffix("社区")
    for _ in range(50):
        if rng.random() < 0.25:
            name = f"{base}{rng.choice(['旧村', '新村', '东村', '西村', '南区', '北区', '工业区宿舍'])}"
        else:
            name = rng.choice(COMPOUND_HEADS) + rng.choice(COMPOUND_TAILS)
        if name not in taken:
            taken.add(name)
            return name
    name = f"{base}{len(taken)}号小区"
    taken.add(name)
    return name


FIRM_WORDS = [
    "华信",
    "恒达",
    "鹏程",
    "安居",
    "宏远",
    "金盾",
    "嘉信",
    "锦程",
    "德润",
    "祥和",
    "万家",
    "明德",
    "卓越",
    "信达",
    "东升",
    "汇丰",
    "新安",
    "利民",
]


def firm_word(rng: random.Random, taken: set[str]) -> str:
    """A trade name not used yet (the tuple is walked in order: sets of str iterate by hash)."""
    free = [w for w in FIRM_WORDS if w not in taken]
    word = rng.choice(free) if free else f"{rng.choice(FIRM_WORDS)}{len(taken)}"
    taken.add(word)
    return word


SHOP_KINDS = [
    "便利店",
    "粮油店",
    "五金店",
    "理发店",
    "水果店",
    "早餐店",
    "药店",
    "菜馆",
    "汤粉店",
    "干洗店",
    "文具店",
    "快餐店",
]


def shop_name(rng: random.Random) -> str:
    owner = surname(rng)
    style = rng.random()
    if style < 0.4:
        return f"{owner}记{rng.choice(SHOP_KINDS)}"
    if style < 0.7:
        return f"老{owner}{rng.choice(SHOP_KINDS)}"
    return f"{rng.choice(['湘味', '客家', '潮汕', '川香', '好邻居', '惠民', '鲜丰'])}{rng.choice(SHOP_KINDS)}"
