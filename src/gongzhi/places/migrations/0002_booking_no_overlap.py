"""PostgreSQL only: no two slot-holding bookings of one venue overlap (btree_gist exclusion).

SQLite has no exclusion constraints; there every booking transaction starts with BEGIN IMMEDIATE
(settings) and actions.booking_request re-checks overlaps inside it, so writers are serialised.
A plain RunPython (not an ExclusionConstraint in Meta) keeps `makemigrations --check` identical on
both databases."""

from django.db import migrations

ADD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE places_booking ADD CONSTRAINT places_booking_no_overlap
    EXCLUDE USING gist (venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('requested', 'confirmed', 'used'));
"""
DROP = "ALTER TABLE places_booking DROP CONSTRAINT IF EXISTS places_booking_no_overlap;"


def add(apps, schema_editor):  # noqa: ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop(apps, schema_editor):  # noqa: ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(add, drop)]
