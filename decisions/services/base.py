"""The machinery every write shares: the row lock, the role check, validation as a domain error,
the event and the guarded transition.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from decisions import audit, changes, extensions, gates, permissions
from decisions.choices import EventType
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionEvent,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


# --------------------------------------------------------------------------- shared machinery


def _invalid(message: str, **fields: str) -> DecisionError:
    return DecisionError(ErrorCode.INVALID, message, fields={k: [v] for k, v in fields.items()})


def _validate(instance: Model, *, exclude: Iterable[str] = ()) -> None:
    """Model validation as a domain error: bad input changes nothing."""
    try:
        # The state is protected (FSMField): only transitions set it, so it is never "cleaned".
        instance.full_clean(exclude=[*exclude, "state"], validate_unique=False, validate_constraints=True)
    except ValidationError as exc:
        fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        raise DecisionError(ErrorCode.INVALID, _("Some fields are not valid."), fields=fields) from exc


def _require_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(message, **{field: message})
    return text


def lock_decision(decision: Decision | int) -> Decision:
    """Re-read the decision under a row lock: concurrent changes to one decision queue up here."""
    pk = decision.pk if isinstance(decision, Decision) else decision
    try:
        # Lock the decision row only: writes to other decisions of the government go on in parallel.
        # Its government and lead sponsor come with it: the checks, the hooks and the answers read both.
        locked: Decision = (
            Decision.objects.select_for_update(of=("self",)).select_related("government", "lead_sponsor").get(pk=pk)
        )
    except Decision.DoesNotExist:
        raise DecisionError(ErrorCode.NOT_FOUND, _("No such decision.")) from None
    return locked


def _require(user: User, action: str, decision: Decision) -> None:
    if not permissions.may(user, action, decision):
        # A leader who is not the government's head: refused with the rule (Art 37).
        refusal = permissions.head_refusal(user, action, decision)
        if refusal is not None and permissions.may(user, action, decision, ignore_head=True):
            raise refusal.as_error(ErrorCode.FORBIDDEN)
        raise DecisionError(ErrorCode.FORBIDDEN, _("Your role does not allow this action on this decision."))


@contextmanager
def record_language() -> Iterator[None]:
    """Within it, translated words (a choice's label in an event's comment) come out in the record's
    language (``DT_RECORD_LANGUAGE``, Chinese): the record says the same to every reader, whichever
    language the page of the one who wrote it used."""
    with translation.override(settings.DT_RECORD_LANGUAGE):
        yield


def record_event(
    decision: Decision,
    *,
    actor: User | None,
    transition: str,
    from_state: str,
    to_state: str,
    comment: str = "",
    ip: str | None = None,
    step_kind: str = "",
    details: dict[str, Any] | None = None,
) -> DecisionEvent:
    if transition not in extensions.event_labels():
        # A programming error, not bad input: every event type is named in the vocabulary.
        raise ValueError(f"Unknown event type {transition!r}: add it to the record's vocabulary.")
    event = DecisionEvent(
        decision=decision,
        actor=actor if actor is not None and actor.is_authenticated else None,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip_address=_valid_ip(ip),
        step_kind=step_kind,
        details=details or {},
    )
    # The event's place in its government's audit chain, under the lock of the chain's head: the
    # last thing before the insert, so the lock is taken as late as it can be (decisions.audit).
    audit.link(event, decision.government_id)
    event.save(force_insert=True)
    # The apps built on the core follow the record here (the review opens its round, the clocks
    # move), inside this transaction: decisions.extensions.
    extensions.event_recorded(event)
    return event


def record_change(
    decision: Decision,
    instance: Model,
    before: dict[str, Any],
    *,
    actor: User | None,
    transition: str = EventType.RECORD_CHANGE,
    state: str | None = None,
    step_kind: str = "",
    comment: str = "",
    ip: str | None = None,
) -> DecisionEvent | None:
    """The event of a change to the record that is not a transition: the fields of ``before`` (a
    ``decisions.changes.snapshot`` taken before the change) whose value changed, before and after,
    and who changed them. Nothing changed, no event. ``state`` is the state on both sides (the
    step's for a step's record, the decision's otherwise)."""
    changed = changes.diff(before, changes.snapshot(instance, list(before)))
    if not changed:
        return None
    state = decision.state if state is None else state
    return record_event(
        decision,
        actor=actor,
        transition=transition,
        from_state=state,
        to_state=state,
        comment=comment,
        ip=ip,
        step_kind=step_kind,
        details=changes.details(type(instance), changed, id=instance.pk),
    )


def _valid_ip(ip: str | None) -> str | None:
    """The client's address as reported by the server; anything that is not an address is dropped
    rather than failing the whole change."""
    if not ip:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return ip


def _save_transition(obj: Model, fields: Iterable[str] = ()) -> None:
    try:
        obj.save(update_fields=["state", "updated_at", *fields])
    except ConcurrentTransition:
        raise DecisionError(
            ErrorCode.CONFLICT, _("Someone else changed this at the same time. Reload and try again.")
        ) from None


def _transition(
    decision: Decision,
    name: str,
    *,
    actor: User,
    comment: str = "",
    ip: str | None = None,
    args: tuple[Any, ...] = (),
    extra_fields: Iterable[str] = (),
    details: dict[str, Any] | None = None,
) -> DecisionEvent:
    """Role, state and gates checked in that order; then the transition, the save and its event."""
    _require(actor, name, decision)
    method = getattr(decision, name)
    if not can_proceed(method, check_conditions=False):
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("“%(transition)s” is not possible while the decision is “%(state)s”.")
            % {"transition": name, "state": decision.get_state_display()},
        )
    refusals = gates.refusals(name, decision)
    if refusals:
        raise refusals[0].as_error()
    from_state = decision.state
    try:
        method(*args)
    except TransitionNotAllowed as exc:  # a condition changed between the check and the call
        raise DecisionError(ErrorCode.WRONG_STATE, _("Not possible in the decision's current state.")) from exc
    _save_transition(decision, extra_fields)
    return record_event(
        decision,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=decision.state,
        comment=comment,
        ip=ip,
        details=details,
    )


def _check_arguments(service: Callable[..., Any], name: str, **arguments: Any) -> None:
    """A missing or unexpected argument is bad input, not a server error; checked against the
    service's signature before the call, so a TypeError inside a service is never mistaken for it."""
    try:
        inspect.signature(service).bind(**arguments)
    except TypeError as exc:
        raise _invalid(_("Missing or unexpected input for “%(name)s”.") % {"name": name}) from exc
