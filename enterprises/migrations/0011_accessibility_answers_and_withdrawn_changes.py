"""A service's accessibility answers become yes (True), no (False) or not known (None), and a provider may withdraw
changes they sent (Revision.Status.WITHDRAWN).

Until now an unticked box was stored as False, which meant "no" and "nobody said" alike: the public page showed it as
"No step-free access, or not confirmed". So every False becomes not known, in the services and in the revisions'
copies of them; only a True, which a provider ticked, stays a yes. Going back, not known becomes False again.
"""

from django.db import migrations, models

QUESTIONS = ("step_free_access", "hearing_loop", "accessible_toilet")


def _revision_answers(apps, old, new):
    Revision = apps.get_model("enterprises", "Revision")
    for revision in Revision.objects.all().only("data").iterator():
        changed = False
        for values in (revision.data or {}).get("services", {}).values():
            for name in QUESTIONS:
                if name in values and values[name] is old:
                    values[name] = new
                    changed = True
        if changed:
            revision.save(update_fields=["data"])


def false_becomes_not_known(apps, schema_editor):
    Service = apps.get_model("enterprises", "Service")
    for name in QUESTIONS:
        Service.objects.filter(**{name: False}).update(**{name: None})
    _revision_answers(apps, False, None)


def not_known_becomes_false(apps, schema_editor):
    # The columns become NOT NULL again straight after, in this transaction: PostgreSQL refuses to alter a table
    # whose updated rows still have deferred foreign key checks waiting, so they are made now.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Service = apps.get_model("enterprises", "Service")
    for name in QUESTIONS:
        Service.objects.filter(**{f"{name}__isnull": True}).update(**{name: False})
    _revision_answers(apps, None, False)
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0010_council_safeguarding_contacts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="revision",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for approval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="step_free_access",
            field=models.BooleanField(blank=True, default=None, null=True, verbose_name="step-free access"),
        ),
        migrations.AlterField(
            model_name="service",
            name="hearing_loop",
            field=models.BooleanField(blank=True, default=None, null=True),
        ),
        migrations.AlterField(
            model_name="service",
            name="accessible_toilet",
            field=models.BooleanField(blank=True, default=None, null=True),
        ),
        migrations.RunPython(false_becomes_not_known, not_known_becomes_false),
    ]
