"""Records kept for good: assessments, evidence and its reviews, countersignatures, certificates
and their checks are never deleted, and what they recorded is never rewritten.

Two guards. In the ORM, a kept model refuses `delete()`, queryset deletes and a `save()` of an
existing row that could change more than its `changeable_fields`. In PostgreSQL, triggers
(`triggers_sql`) refuse DELETE, and UPDATE of any other column, from any client, the Django
shell and hand-written SQL included. Their one way round is the database owner's own, the
session setting `lwa.rewrite_kept` (as the owner could drop the trigger); the application never
sets it, and `tests/security/test_append_only.py` checks that no application module does.
"""

from collections.abc import Iterable
from typing import ClassVar

from django.db import models

REWRITE_SETTING = "lwa.rewrite_kept"


class KeptRecordError(Exception):
    """A kept record was about to be deleted or rewritten."""


def _refusal(model: type[models.Model], what: str) -> KeptRecordError:
    name = model._meta.verbose_name_plural
    return KeptRecordError(
        f"{name[:1].upper()}{name[1:]} are kept for good: {what} is refused. Record a "
        "correction, a revocation or a new record instead."
    )


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset whose rows cannot be deleted."""

    def delete(self):
        raise _refusal(self.model, "deleting them")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise _refusal(self.model, "deleting them")


class AppendOnlyModel(models.Model):
    """A model whose rows are kept: inserted once, changed only in `changeable_fields`."""

    # The fields a kept record may still change, e.g. a certificate's revocation.
    changeable_fields: ClassVar[frozenset[str]] = frozenset()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A row read back and given no primary key is saved as a new row: an insert.
        if not self._state.adding and self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None:
                raise _refusal(type(self), "saving one again")
            # update_fields may name a foreign key by its column ("revoked_by_id") too.
            named = {self._meta.get_field(field).name for field in fields}
            if rewritten := named - self.changeable_fields:
                raise _refusal(type(self), "changing " + ", ".join(sorted(rewritten)))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refusal(type(self), "deleting one")


_FUNCTION = f"""
CREATE OR REPLACE FUNCTION lwa_refuse_kept_change() RETURNS trigger AS $$
BEGIN
    IF current_setting('{REWRITE_SETTING}', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'Rows of % are kept for good: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
"""


def triggers_sql(
    table: str, *, kept_columns: Iterable[str] | None = None, when_also: str = ""
) -> tuple[str, str]:
    """(forward, backward) SQL for PostgreSQL triggers keeping `table`'s rows.

    DELETE is always refused. Every UPDATE is refused unless `kept_columns` names the columns
    that must not change, in which case an UPDATE is refused when one of them changes, or when
    the extra condition `when_also` (on OLD and NEW) holds.
    """
    if kept_columns is None:
        update_when = ""
    else:
        changes = [f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in kept_columns]
        if when_also:
            changes.append(f"({when_also})")
        update_when = "WHEN (" + " OR ".join(changes) + ")"
    forward = f"""
{_FUNCTION}
CREATE TRIGGER {table}_kept_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION lwa_refuse_kept_change();
CREATE TRIGGER {table}_kept_update BEFORE UPDATE ON {table}
    FOR EACH ROW {update_when} EXECUTE FUNCTION lwa_refuse_kept_change();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {table}_kept_delete ON {table};
DROP TRIGGER IF EXISTS {table}_kept_update ON {table};
"""
    return forward, backward


def postgresql_only(forward: str, backward: str):
    """A migration operation running `forward`/`backward` on PostgreSQL and nothing elsewhere.

    SQLite, the demo's database, gets the ORM guard only: Django's test flush empties its
    tables with DELETE, which a trigger there would refuse.
    """
    from django.db import migrations

    def run(sql: str):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)  # the SQL holds %, not placeholders

        return apply

    return migrations.RunPython(run(forward), run(backward))
