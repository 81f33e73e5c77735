"""Organisations in the district: departments, residents' committees, property companies,
owners' committees, social organisations, resident and partner units, merchants."""

import random

from gongzhi.demo import facts, names
from gongzhi.demo.specs import NodeSpec, OrgSpec
from gongzhi.orgs.models import OrgKind

# GB 32100-2015 unified social credit code: 31 characters (no I, O, S, V, Z).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (positions 9–17 of the credit code).
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code_check(body: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(rng: random.Random, *, prefix: str, region: str = facts.DISTRICT_CODE) -> str:
    """A well-formed credit code. prefix: registering body + type, e.g. 11 (government office),
    52 (private non-enterprise unit), 91 (company), 92 (sole trader)."""
    body = "MA5" + "".join(rng.choice(USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
    first17 = prefix + region + body + _org_code_check(body)
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(ch not in USCC_CHARS for ch in code):
        return False
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


# Main roads of Guangming, for addresses.
ROADS = [
    "光明大道",
    "华夏路",
    "光侨路",
    "观光路",
    "松白路",
    "东长路",
    "公常路",
    "龙大高速辅路",
    "创维路",
    "南明路",
    "同观路",
    "塘明路",
]


def office_phone(rng: random.Random) -> str:
    return f"0755-{rng.choice(['23', '26', '27', '29'])}{rng.randrange(10**6):06d}"


def plan_organisations(nodes: list[NodeSpec], rng: random.Random) -> list[OrgSpec]:
    streets = [n for n in nodes if n.level == "street"]
    communities = [n for n in nodes if n.level == "community"]
    compounds = [n for n in nodes if n.level == "compound"]
    name_of = {n.code: n.name for n in nodes if n.level in {"street", "community"}}
    codes: set[str] = set()
    words: set[str] = set()

    def unique_code(prefix: str) -> str:
        while (code := credit_code(rng, prefix=prefix)) in codes:
            pass
        codes.add(code)
        return code

    def road(code: str) -> str:
        street = name_of.get(code[:9], "")
        return f"{facts.DISTRICT_NAME}{street}{rng.choice(ROADS)}{rng.randint(1, 300)}号"

    orgs: list[OrgSpec] = []
    for dept in facts.DEPARTMENTS:
        orgs.append(
            OrgSpec(
                f"dept:{dept}",
                f"{facts.DISTRICT_NAME}{dept}",
                OrgKind.DEPARTMENT,
                facts.DISTRICT_CODE,
                unique_code("11"),
                office_phone(rng),
                road(facts.DISTRICT_CODE),
            )
        )
    for street in streets:
        street_compounds = [c for c in compounds if c.code.startswith(street.code) and "村" not in c.name]
        # Two or three property companies per street share its estates.
        companies = []
        for _ in range(rng.randint(2, 3)):
            word = names.firm_word(rng, words)
            companies.append(
                (
                    f"prop:{street.code}:{word}",
                    f"深圳市{word}物业管理有限公司{street.name.removesuffix('街道')}分公司",
                )
            )
        served: dict[str, list[str]] = {key: [] for key, _ in companies}
        for compound in street_compounds:
            served[rng.choice(companies)[0]].append(compound.code)
        for key, name in companies:
            orgs.append(
                OrgSpec(
                    key,
                    name,
                    OrgKind.PROPERTY_COMPANY,
                    street.code,
                    unique_code("91"),
                    office_phone(rng),
                    road(street.code),
                    tuple(served[key]),
                )
            )
        word = names.firm_word(rng, words)
        orgs.append(
            OrgSpec(
                f"social:{street.code}",
                f"光明区{word}社会工作服务中心",
                OrgKind.SOCIAL_ORG,
                street.code,
                unique_code("52"),
                office_phone(rng),
                road(street.code),
            )
        )
    for compound in compounds:
        if "村" not in compound.name and rng.random() < 0.2:
            orgs.append(
                OrgSpec(
                    f"owners:{compound.code}",
                    f"{compound.name}业主委员会",
                    OrgKind.OWNERS_COMMITTEE,
                    compound.code,
                    serves=(compound.code,),
                )
            )
    for community in communities:
        base = community.name.removesuffix("社区")
        orgs.append(
            OrgSpec(
                f"rc:{community.code}",
                f"{community.name}居民委员会",
                OrgKind.RESIDENTS_COMMITTEE,
                community.code,
                "",
                office_phone(rng),
                road(community.code),
            )
        )
        unit_name = rng.choice(
            [
                f"{base}小学",
                f"{base}社康中心",
                f"{base}幼儿园",
                f"深圳市{names.firm_word(rng, words)}科技有限公司",
            ]
        )
        orgs.append(
            OrgSpec(
                f"resident_unit:{community.code}",
                unit_name,
                OrgKind.RESIDENT_UNIT,
                community.code,
                unique_code("12" if "公司" not in unit_name else "91"),
                office_phone(rng),
                road(community.code),
            )
        )
        partner = f"深圳市{names.firm_word(rng, words)}{rng.choice(['电子', '精密', '新材料', '智能制造', '物流'])}有限公司"
        orgs.append(
            OrgSpec(
                f"partner:{community.code}",
                partner,
                OrgKind.PARTNER_UNIT,
                community.code,
                unique_code("91"),
                office_phone(rng),
                road(community.code),
            )
        )
        shops: set[str] = set()
        for index in range(rng.randint(2, 4)):
            shop = names.shop_name(rng)
            if shop in shops:
                continue
            shops.add(shop)
            orgs.append(
                OrgSpec(
                    f"shop:{community.code}:{index}",
                    shop,
                    OrgKind.MERCHANT,
                    community.code,
                    unique_code("92"),
                    "",
                    road(community.code),
                )
            )
    return orgs
