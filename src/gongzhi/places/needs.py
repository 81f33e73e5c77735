"""What residents search for → the service tags centres publish. English and everyday words map to
the Chinese tag used in Centre.services."""

NEED_TAGS: dict[str, tuple[str, ...]] = {
    "课后托管": ("课后托管", "四点半课堂", "四点半学校"),
    "法律援助": ("法律援助", "法律咨询", "律师"),
    "日间照料": ("日间照料", "长者饭堂", "养老"),
    "党员活动": ("党员活动", "党建"),
    "政务服务": ("政务服务", "证照办理", "社保"),
    "心理咨询": ("心理咨询", "心理"),
    "图书阅览": ("图书阅览", "阅览", "图书"),
    "健康义诊": ("健康义诊", "义诊", "健康"),
    "就业服务": ("就业服务", "就业"),
    "母婴室": ("母婴室",),
}
ALIASES: dict[str, str] = {
    "after-school class": "课后托管",
    "after school": "课后托管",
    "after-school": "课后托管",
    "legal aid": "法律援助",
    "lawyer": "法律援助",
    "day care": "日间照料",
    "daycare": "日间照料",
    "elderly care": "日间照料",
    "托管": "课后托管",
    "四点半课堂": "课后托管",
    "法律": "法律援助",
    "养老": "日间照料",
    "心理": "心理咨询",
    "图书": "图书阅览",
    "就业": "就业服务",
}


def tags_for(need: str | None) -> tuple[str, ...] | None:
    """The tags a need matches, or None for "any centre". Unknown words match as themselves."""
    if need is None:
        return None
    key = need.strip().lower()
    if not key:
        return None
    canonical = ALIASES.get(key, need.strip())
    return NEED_TAGS.get(canonical, (canonical,))
