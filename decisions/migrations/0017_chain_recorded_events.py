"""Chain the events recorded before the audit chain existed: per government, in the order they were
recorded (created_at, id), each linked to the one before it (decisions.audit)."""

from django.db import migrations


def chain(apps, schema_editor):
    from decisions.audit import GENESIS, compute_hash

    Government = apps.get_model("decisions", "Government")
    DecisionEvent = apps.get_model("decisions", "DecisionEvent")
    AuditChainHead = apps.get_model("decisions", "AuditChainHead")
    for government_id in Government.objects.order_by("id").values_list("id", flat=True):
        prev_hash, seq, batch = GENESIS, 0, []
        for event in DecisionEvent.objects.filter(decision__government_id=government_id).order_by("created_at", "id"):
            seq += 1
            event.government_id = government_id
            event.seq = seq
            event.prev_hash = prev_hash
            event.hash = compute_hash(event, prev_hash)
            prev_hash = event.hash
            batch.append(event)
        DecisionEvent.objects.bulk_update(batch, ["government", "seq", "prev_hash", "hash"], batch_size=1000)
        AuditChainHead.objects.create(government_id=government_id, seq=seq, hash=prev_hash)


def unchain(apps, schema_editor):
    apps.get_model("decisions", "AuditChainHead").objects.all().delete()
    apps.get_model("decisions", "DecisionEvent").objects.update(government=None, seq=None, prev_hash="", hash="")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0016_audit_chain")]

    operations = [migrations.RunPython(chain, unchain, elidable=False)]
