"""Each service carries its enterprise's status and review date, kept by the database, so that the search can tell
what the public may see from the service's own row (no join to the enterprise for every service it looks at).

The triggers cover every way a row is written (the ORM's saves, QuerySet.update, bulk_create, COPY): a service
takes its enterprise's values whenever it is inserted or updated, whatever was sent, and a change to an
enterprise's status or review date is copied to its services in the same statement.
"""

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION enterprises_service_takes_listing_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT status, review_due_on INTO NEW.listing_status, NEW.listing_review_due_on
      FROM enterprises_enterprise WHERE id = NEW.enterprise_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER service_takes_listing_state BEFORE INSERT OR UPDATE ON enterprises_service
    FOR EACH ROW EXECUTE FUNCTION enterprises_service_takes_listing_state();

CREATE FUNCTION enterprises_enterprise_gives_listing_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enterprises_service SET listing_status = NEW.status, listing_review_due_on = NEW.review_due_on
     WHERE enterprise_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER enterprise_gives_listing_state AFTER UPDATE OF status, review_due_on ON enterprises_enterprise
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.review_due_on IS DISTINCT FROM NEW.review_due_on)
    EXECUTE FUNCTION enterprises_enterprise_gives_listing_state();

UPDATE enterprises_service AS s SET listing_status = e.status, listing_review_due_on = e.review_due_on
  FROM enterprises_enterprise AS e WHERE e.id = s.enterprise_id;
"""

DROP_TRIGGERS = """
DROP TRIGGER enterprise_gives_listing_state ON enterprises_enterprise;
DROP FUNCTION enterprises_enterprise_gives_listing_state();
DROP TRIGGER service_takes_listing_state ON enterprises_service;
DROP FUNCTION enterprises_service_takes_listing_state();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0008_pending_sign_up'),
    ]

    operations = [
        migrations.AddField(
            model_name='service',
            name='listing_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('changes_requested', 'Changes requested'), ('published', 'Published'), ('suspended', 'Suspended'), ('archived', 'Archived'), ('rejected', 'Rejected')], default='draft', editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='service',
            name='listing_review_due_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
