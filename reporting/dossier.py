"""One file per decision (一事一档, Art 33): the decision's whole record as a zip, and its restoration.

The zip holds
- ``manifest.json``: every row of the record (Django's serialization, primary keys kept), sorted, and
  every stored file with its path, size and SHA-256;
- ``files/<storage path>``: the attachments and opinion letters, byte for byte;
- ``index.pdf``: a printable index of the dossier (what it holds, the files and their checksums, the
  event log).

The record is found by walking from the decision down every relation of the decisions, reviews and
consultations apps (steps and their outputs, the consultation with its comments and answers, the
execution feedback, the catalogue entries and adjustments, review rounds with materials, items,
adviser opinions, letters, meetings, publication, execution, evaluations, attachments, deadlines,
the event log), then adding
what those rows refer to (departments, governments, the people who acted and their roles there).
Reminders and notifications are messages about the record, not the record, and stay out; so do the
commenters' personal data (``PERSONAL_FIELDS``), since whoever sees the decision reads its dossier.

``dossier_import`` restores a dossier with the same primary keys, in one transaction, checking every
file's checksum and every rule of the record (``decisions.integrity``); into an empty database it
gives back the same rows, which ``dossier_export`` then writes out identically but for the import's
own event (tests/reporting/test_dossier.py). A row that already exists must be identical, or
nothing is imported. The restored events enter this installation's audit chain at the head of their
government's chain (``_chain_in``), so ``manage.py verify_audit`` passes after an honest import; the
place and hash each had in the exporting installation's chain are kept in the import's own event.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import uuid
import zipfile
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from decisions import audit, integrity, services
from decisions.choices import EventType
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionEvent, Membership

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import User  # the project uses Django's user model
    from django.db.models.fields.files import FieldFile

FORMAT = "decision-dossier/1"
RECORD_APPS = ("decisions", "reviews", "consultations")
# Messages about the record and configuration, not the record itself.
NOT_RECORD = {
    "decisions.apitoken",
    "decisions.reminder",
    "decisions.notification",
    "decisions.delivery",
    "decisions.calendarday",
    "decisions.departmentnotificationsettings",
    "reviews.documentnumbersequence",
}
# No e-mail or password: who acted is on the record, how to reach or log in as them is not.
USER_FIELDS = ("username", "first_name", "last_name", "is_active")
# The people's personal data on the public side: only the lead sponsor's (or the executing unit's)
# staff read it, in their inbox, while whoever sees the decision downloads its dossier. So the
# dossier keeps what they said, its tracking number and how it was answered, never who they are.
PERSONAL_FIELDS = {
    "consultations.comment": ("name", "contact", "ip"),
    "consultations.executionfeedback": ("name", "contact", "ip"),
}


def _kept_fields(model: type[models.Model]) -> list[str] | None:
    """The fields of ``model`` the dossier holds (None: all)."""
    if model is get_user_model():
        return list(USER_FIELDS)
    personal = PERSONAL_FIELDS.get(_label(model))
    if personal is None:
        return None
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in personal]


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _in_record(model: type[models.Model]) -> bool:
    return model._meta.app_label in RECORD_APPS and _label(model) not in NOT_RECORD


def collect(decision: Decision) -> dict[type[models.Model], dict[int, models.Model]]:
    """Every row of ``decision``'s record and every row it refers to, by model and primary key."""
    found: dict[type[models.Model], dict] = {}

    def add(obj) -> bool:
        bucket = found.setdefault(type(obj), {})
        if obj.pk in bucket:
            return False
        bucket[obj.pk] = obj
        return True

    # Down: the decision and everything that hangs from it.
    queue: deque[models.Model] = deque([decision])
    add(decision)
    while queue:
        obj = queue.popleft()
        for relation in obj._meta.related_objects:
            if relation.many_to_many or not _in_record(relation.related_model):
                continue
            children = relation.related_model._base_manager.filter(**{relation.field.name: obj})
            for child in children:
                if add(child):
                    queue.append(child)

    # Across: what the record refers to (departments, governments, people, other rows).
    pending = deque(obj for bucket in list(found.values()) for obj in bucket.values())
    while pending:
        obj = pending.popleft()
        for field in obj._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            target_model = field.related_model
            pk = getattr(obj, field.attname)
            if pk is None or pk in found.get(target_model, {}):
                continue
            if not (_in_record(target_model) or target_model is get_user_model()):
                continue
            target = target_model._base_manager.get(pk=pk)
            if add(target):
                pending.append(target)
        for field in obj._meta.many_to_many:
            # A relation through a model of its own (a catalogue's decisions, by its entries) is
            # its rows, already collected where they touch this decision: followed, it would bring
            # in the other decisions of the same catalogue.
            if not _in_record(field.related_model) or not field.remote_field.through._meta.auto_created:
                continue
            for target in getattr(obj, field.name).all():
                if add(target):
                    pending.append(target)

    # The roles the people who acted held in the departments of the record.
    users = found.get(get_user_model(), {})
    departments = found.get(apps.get_model("decisions", "Department"), {})
    for membership in Membership.objects.filter(user_id__in=list(users), department_id__in=list(departments)):
        add(membership)
    return found


def _serialize(found) -> list[dict]:
    rows: list[dict] = []
    for model in sorted(found, key=_label):
        objects = sorted(found[model].values(), key=lambda o: o.pk)
        rows.extend(serializers.serialize("python", objects, fields=_kept_fields(model)))
    for row in rows:
        # JSON-ready, and exact: Django's own JSON encoder cuts datetimes to milliseconds.
        row["fields"] = json.loads(json.dumps(row["fields"], cls=ExactEncoder))
    return rows


class ExactEncoder(json.JSONEncoder):
    """Dates and times as full ISO text (microseconds kept), decimals and UUIDs as text."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            return duration_iso_string(o)
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        return super().default(o)


def _file_fields(obj) -> Iterable[FieldFile]:
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.FileField):
            value = getattr(obj, field.attname)
            if value:
                yield value


def manifest(decision: Decision) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the files' contents by storage path."""
    found = collect(decision)
    files: dict[str, bytes] = {}
    for bucket in found.values():
        for obj in bucket.values():
            for stored in _file_fields(obj):
                assert stored.name is not None  # _file_fields yields only the files that are set
                with stored.open("rb") as handle:
                    files[stored.name] = handle.read()
    counts = {_label(model): len(bucket) for model, bucket in sorted(found.items(), key=lambda i: _label(i[0]))}
    return (
        {
            "format": FORMAT,
            "decision": {
                "id": decision.pk,
                "code": decision.code,
                "title": decision.title,
                "government": decision.government.name,
                "state": decision.state,
            },
            "counts": counts,
            "files": [
                {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                for path, content in sorted(files.items())
            ],
            "objects": _serialize(found),
        },
        files,
    )


def manifest_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode()


def dossier_filename(decision: Decision) -> str:
    """dossier-<government>-<code>.zip: the same name from the page and the API."""
    return f"dossier-{decision.government_id}-{decision.code}.zip"


def dossier_export(decision: Decision, *, with_index: bool = True) -> bytes:
    """The decision's dossier as a zip (see the module docstring)."""
    data, files = manifest(decision)
    data["exported_at"] = timezone.now().isoformat()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest_bytes(data))
        for path, content in sorted(files.items()):
            archive.writestr(f"files/{path}", content)
        if with_index:
            archive.writestr("index.pdf", index_pdf(decision, data))
    return out.getvalue()


def index_pdf(decision: Decision, data: dict) -> bytes:
    """The printable index: what the dossier holds, its files with checksums, and the event log."""
    from weasyprint import HTML  # heavy: loaded by the processes that build a dossier, not by every import

    events = decision.events.select_related("actor").order_by("created_at", "id")
    html = render_to_string(
        "reports/dossier_index.html",
        {"decision": decision, "data": data, "events": events, "models": _model_names(data["counts"])},
    )
    return HTML(string=html).write_pdf()


def _model_names(counts: dict[str, int]) -> list[tuple[str, int]]:
    out = []
    for label, count in counts.items():
        model = apps.get_model(label)
        out.append((str(model._meta.verbose_name_plural), count))
    return out


# --------------------------------------------------------------------------- import


def _refuse(message: str) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message)


def read_dossier(payload: bytes) -> tuple[dict, dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        data = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _refuse(_("This is not a decision dossier.")) from exc
    if data.get("format") != FORMAT:
        raise _refuse(_("Unknown dossier format."))
    files = {}
    for entry in data["files"]:
        try:
            content = archive.read(f"files/{entry['path']}")
        except KeyError as exc:
            raise _refuse(_("The dossier lacks the file %(path)s.") % {"path": entry["path"]}) from exc
        if hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise _refuse(_("The file %(path)s does not match its checksum.") % {"path": entry["path"]})
        files[entry["path"]] = content
    return data, files


def _same(existing: models.Model, incoming: models.Model) -> bool:
    fields = [f for f in type(existing)._meta.concrete_fields if not f.primary_key]
    kept = _kept_fields(type(existing))
    if kept is not None:
        fields = [f for f in fields if f.name in kept]
    return all(f.value_from_object(existing) == f.value_from_object(incoming) for f in fields)


@transaction.atomic
def dossier_import(payload: bytes, *, actor: User | None = None) -> Decision:
    """Restore a dossier: every row with its primary key, every file checked against its checksum.

    A dossier is evidence, not an authority: the restored decision must replay from its own event
    log to the states it claims and keep every rule of the record (``decisions.integrity``), or the
    whole import is refused, naming the first rule it breaks, before any file is stored. The import
    is itself an event on the decision (``EventType.IMPORT``, the state unchanged)."""
    data, files = read_dossier(payload)
    user_model = get_user_model()
    decision_pk = data["decision"]["id"]
    if Decision.objects.filter(pk=decision_pk).exists():
        raise DecisionError(ErrorCode.CONFLICT, _("This decision is already in the database."))
    touched: set[type[models.Model]] = set()
    events = []
    with connection.constraint_checks_disabled():
        for item in serializers.deserialize("python", data["objects"], ignorenonexistent=True):
            obj = item.object
            model = type(obj)
            if model is DecisionEvent:
                events.append(item)  # new rows of this installation's audit chain, below
                touched.add(model)
                continue
            existing = model._base_manager.filter(pk=obj.pk).first()
            if existing is not None:
                if not _same(existing, obj):
                    raise DecisionError(
                        ErrorCode.CONFLICT,
                        _("%(model)s %(pk)s already exists with other content.")
                        % {"model": model._meta.verbose_name, "pk": obj.pk},
                    )
                continue
            if model is user_model:
                cast("AbstractBaseUser", obj).set_unusable_password()  # a row of the user model
            item.save()
            touched.add(model)
        restored_chain = _chain_in(events, decision_pk)
    connection.check_constraints(table_names=[m._meta.db_table for m in touched])
    # New rows kept their keys: move the sequences past them (as loaddata does).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(touched)):
            cursor.execute(sql)
    decision = Decision.objects.filter(pk=decision_pk).first()
    if decision is None or decision.state != data["decision"].get("state"):
        raise _refuse(_("The dossier's summary does not match the decision it holds."))
    findings = integrity.findings_for(decision)
    if findings:
        raise findings[0].as_error()
    # Checked, then stored: a refused dossier leaves no file behind (the rows roll back with the
    # transaction; the storage would not).
    for path, content in files.items():
        if default_storage.exists(path):
            with default_storage.open(path, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(content).hexdigest():
                    continue
            raise DecisionError(ErrorCode.CONFLICT, _("A different file is stored at %(path)s.") % {"path": path})
    for path, content in files.items():
        if default_storage.exists(path):
            continue
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:
            raise DecisionError(
                ErrorCode.CONFLICT, _("The file %(path)s could not be stored in place.") % {"path": path}
            )
    services.record_event(
        decision,
        actor=actor,
        transition=EventType.IMPORT,
        from_state=decision.state,
        to_state=decision.state,
        comment=_("Restored from a dossier exported at %(time)s.") % {"time": data.get("exported_at", "—")},
        details={"restored_chain": restored_chain},
    )
    return decision


def _chain_in(events: list, decision_pk: int) -> list[dict]:
    """The restored events enter this installation's audit chain of the decision's government at its
    head, in the order they were recorded (``decisions.audit``): their place and hashes in the
    exporting installation's chain mean nothing here. Their content is kept as it was; the old place
    and hash of each are returned for the import's own event, which is itself chained, so what the
    other installation's chain said of them stays on the record."""
    government_id = Decision._base_manager.filter(pk=decision_pk).values_list("government_id", flat=True).first()
    if government_id is None:
        raise _refuse(_("The dossier's summary does not match the decision it holds."))
    restored = []
    for item in sorted(events, key=lambda i: (i.object.created_at, i.object.pk)):
        event = item.object
        if event.decision_id != decision_pk:
            raise _refuse(_("The dossier's summary does not match the decision it holds."))
        restored.append({"event": event.pk, "seq": event.seq, "hash": event.hash})
        audit.link(event, government_id)
        item.save()
    return restored
