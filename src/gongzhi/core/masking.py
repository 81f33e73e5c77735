"""How personal data looks when it is not revealed (the default everywhere)."""


def mask_id_number(value: str) -> str:
    """4403**********123X: region prefix and last four, the birth date hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
