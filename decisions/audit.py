"""The audit chain: every event of a government's record linked to the one before it by a hash
(Art 38–41: lifelong accountability; 等保 2.0 level 3 asks for protected audit records).

Each ``DecisionEvent`` carries its place in its government's chain (``seq``), the hash of the event
before it (``prev_hash``) and its own ``hash``: SHA-256 over ``prev_hash`` and the event's content
in canonical form (``content``). An event altered behind the database's guards no longer matches its
hash; one deleted, inserted or moved breaks the link of the next; one deleted from the end leaves the
chain's head (``AuditChainHead``) ahead of the last event. ``verify`` names the first broken link of
each chain (``manage.py verify_audit``); ``heads_at`` gives the head hash at the end of a day, to be
kept elsewhere (``manage.py audit_heads``): a chain rewritten from the start is told by its head.

The database refuses the alterations themselves (migration 0016's triggers); the chain is what
still tells, on a copy restored without them or after a superuser disabled them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from decisions.models import AuditChainHead, DecisionEvent

GENESIS = ""  # the prev_hash of a chain's first event


def _ip(value: str | None) -> str | None:
    # As the database stores it (IPv6 normalised), so the hash is the same before and after the insert.
    return DecisionEvent._meta.get_field("ip_address").get_prep_value(value) or None


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def content(event: DecisionEvent) -> dict[str, Any]:
    """What the hash covers: everything the event says, in a form that reads the same from any
    database. The place in the chain is covered too, so a swap of two events is told."""
    return {
        "government": event.government_id,
        "seq": event.seq,
        "decision": event.decision_id,
        "actor": event.actor_id,
        "step_kind": event.step_kind,
        "transition": event.transition,
        "from": event.from_state,
        "to": event.to_state,
        "comment": event.comment,
        "details": event.details,
        "ip": _ip(event.ip_address),
        "created_at": _time(event.created_at),
    }


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(event: DecisionEvent, prev_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(content(event))}".encode()).hexdigest()


def link(event: DecisionEvent, government_id: int) -> AuditChainHead:
    """Give an unsaved event its place at the head of its government's chain, under a lock of the
    head: concurrent writers of one government queue up here (inside their transaction, so the lock
    is held until it commits: keep the work after the event short). The caller saves the event."""
    head = AuditChainHead.objects.select_for_update().filter(government_id=government_id).first()
    if head is None:  # the government's first event: its head is made (a racing writer waits on it)
        AuditChainHead.objects.get_or_create(government_id=government_id)
        head = AuditChainHead.objects.select_for_update().get(government_id=government_id)
    event.government_id = government_id
    event.seq = head.seq + 1
    event.prev_hash = head.hash
    event.hash = compute_hash(event, head.hash)
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash", "updated_at"])
    return head


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Break:
    """The first broken link of a government's chain."""

    government_id: int
    event_id: int | None
    decision_code: str
    problem: str

    def __str__(self) -> str:
        return _("government %(government)s, event %(event)s, decision %(code)s: %(problem)s") % {
            "government": self.government_id,
            "event": self.event_id if self.event_id is not None else "—",
            "code": self.decision_code or "—",
            "problem": self.problem,
        }


@dataclass(frozen=True)
class ChainSummary:
    government_id: int
    events: int
    head: str


def _chain(government_id: int) -> Iterator[DecisionEvent]:
    return (
        DecisionEvent._base_manager.filter(government_id=government_id)
        .select_related("decision")
        .order_by("seq", "id")
        .iterator(chunk_size=2000)
    )


def verify_chain(government_id: int) -> Break | ChainSummary:
    """Walk one government's chain from its start; the first link that does not hold, or a summary."""
    expected_seq = 1
    prev_hash = GENESIS
    count = 0

    def broken(event: DecisionEvent | None, problem: str) -> Break:
        return Break(government_id, event.pk if event else None, event.decision.code if event else "", problem)

    for event in _chain(government_id):
        count += 1
        if event.decision.government_id != government_id:
            return broken(event, _("the event's decision belongs to another government: content altered"))
        if event.seq != expected_seq:
            if event.seq is not None and event.seq > expected_seq:
                return broken(
                    event, _("missing predecessor: no event at place %(place)s of the chain") % {"place": expected_seq}
                )
            return broken(event, _("link broken: the event is out of its place in the chain"))
        if event.prev_hash != prev_hash:
            return broken(event, _("link broken: it does not follow the event before it"))
        if compute_hash(event, event.prev_hash) != event.hash:
            return broken(event, _("content altered: the event no longer matches its hash"))
        prev_hash = event.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(government_id=government_id).first()
    if head is not None and (head.seq, head.hash) != (count, prev_hash):
        return Break(
            government_id,
            None,
            "",
            _("missing events at the end: the chain's head is at place %(head)s, the last event at %(last)s")
            % {"head": head.seq, "last": count},
        )
    return ChainSummary(government_id, count, prev_hash)


def governments(government_id: int | None = None) -> list[int]:
    """Every government with a chain: a head, or an event (an event without a government is told
    by ``unchained``)."""
    ids = set(AuditChainHead.objects.values_list("government_id", flat=True))
    ids |= set(DecisionEvent._base_manager.exclude(government=None).values_list("government_id", flat=True).distinct())
    if government_id is not None:
        ids = {government_id} & ids
    return sorted(ids)


def unchained(government_id: int | None = None) -> Break | None:
    """An event outside every chain (inserted behind the database's guards without a place)."""
    events = DecisionEvent._base_manager.filter(government=None).select_related("decision")
    if government_id is not None:
        events = events.filter(decision__government_id=government_id)
    event = events.order_by("id").first()
    if event is None:
        return None
    return Break(
        event.decision.government_id, event.pk, event.decision.code, _("missing predecessor: the event is in no chain")
    )


def verify(government_id: int | None = None) -> list[Break | ChainSummary]:
    results: list[Break | ChainSummary] = []
    stray = unchained(government_id)
    for gid in governments(government_id):
        if stray is not None and stray.government_id == gid:
            results.append(stray)
            stray = None
            continue
        results.append(verify_chain(gid))
    if stray is not None:
        results.append(stray)
    return results


def heads_at(day: dt.date, government_ids: Iterable[int]) -> list[tuple[int, int, str]]:
    """(government, place, hash) of each chain's last event created on or before ``day`` (the
    project's time zone): what a copy kept elsewhere must match."""
    from django.utils import timezone

    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    rows = []
    for gid in government_ids:
        last = (
            DecisionEvent._base_manager.filter(government_id=gid, created_at__lt=end)
            .aggregate(seq=Max("seq"))
            .get("seq")
        )
        if last is None:
            rows.append((gid, 0, GENESIS))
            continue
        hash_ = DecisionEvent._base_manager.filter(government_id=gid, seq=last).values_list("hash", flat=True).first()
        rows.append((gid, last, hash_ or ""))
    return rows
