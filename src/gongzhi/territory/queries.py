def home_summary(actor):  # type: ignore[no-untyped-def]
    return {}
