import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_accessibility_answers_and_withdrawn_changes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaceName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(db_index=True, max_length=100)),
                ("label", models.CharField(max_length=200, unique=True)),
                ("geonames_id", models.IntegerField(unique=True)),
                ("easting", models.IntegerField()),
                ("northing", models.IntegerField()),
                ("population", models.IntegerField(default=0)),
            ],
            options={
                "ordering": ["-population", "label"],
                "indexes": [
                    models.Index(django.db.models.functions.text.Lower("name"), name="placename_lower_name"),
                    models.Index(django.db.models.functions.text.Lower("label"), name="placename_lower_label"),
                ],
            },
        ),
    ]
