"""Writes of the appeal taxonomy: categories created from paths, for an imported file
(`gongzhi import_taxonomy`) and for the built-in defaults (actions_defaults). Nothing is changed or
deleted: switching a category off is an explicit edit of `Category.active`."""

from collections.abc import Iterable

from django.db import transaction

from gongzhi.appeals.models import Category
from gongzhi.appeals.taxonomy import SEPARATOR, TaxonomyReport, decode, parse


def categories_add(paths: Iterable[tuple[str, ...]], *, dry_run: bool = False) -> TaxonomyReport:
    """Create the categories of `paths` (names from level 1 down, parents before children) that do
    not exist yet; `dry_run` counts and writes nothing."""
    wanted = list(paths)
    report = TaxonomyReport()
    with transaction.atomic():
        known = {
            c.path: c
            for c in Category.objects.filter(path__in=[SEPARATOR.join(p) for p in wanted]).select_for_update()
        }
        for names in wanted:
            path = SEPARATOR.join(names)
            if path in known:
                report.existing += 1
                continue
            parent = known.get(SEPARATOR.join(names[:-1])) if len(names) > 1 else None
            category = Category(name=names[-1], parent=parent, level=len(names), path=path)
            if not dry_run:
                category.save()
            known[path] = category
            report.created += 1
            report.created_paths.append(path)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_taxonomy(content: bytes | str, *, dry_run: bool = False) -> TaxonomyReport:
    """Create the categories of a taxonomy file that do not exist yet; nothing is changed or deleted.
    TaxonomyError (every row's problem) before anything is written."""
    text = decode(content) if isinstance(content, bytes) else content.removeprefix("\ufeff")
    paths, rows = parse(text)
    report = categories_add(paths, dry_run=dry_run)
    report.rows = rows
    return report
