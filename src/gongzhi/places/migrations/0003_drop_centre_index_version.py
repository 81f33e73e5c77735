# The nearest-centre index is versioned through core.cache now (decision 0046), like the territory
# point index (territory 0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_booking_no_overlap"),
    ]

    operations = [
        migrations.DeleteModel(
            name="CentreIndexVersion",
        ),
    ]
