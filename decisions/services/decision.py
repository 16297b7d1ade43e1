"""The decision's writes: registration (Art 10), its transitions (one service per transition of
``decisions.lifecycle``, named ``decision_<name>``) and the catalogue's upkeep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from decisions import changes, extensions, gates, lifecycle, permissions
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode, Refusal
from decisions.models import (
    Decision,
    DecisionState,
    Department,
    MatterType,
    Meeting,
    MeetingOutcome,
    MeetingPosition,
    MeetingRole,
    ParticipationRecord,
    ProcedureStep,
    Publication,
    Stance,
    StepKind,
    StepState,
    current_draft,
    goes_against_majority,
    latest_meeting_packet,
    meeting_majority,
)
from decisions.rules import rules_for
from decisions.services.base import (
    _check_arguments,
    _invalid,
    _require,
    _require_text,
    _transition,
    _validate,
    lock_decision,
    record_change,
    record_event,
)
from decisions.services.catalogue import catalogue_leave_published
from decisions.services.steps import step_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model


# --------------------------------------------------------------------------- registration


def _check_co_sponsors(co_sponsors: Iterable[Department], lead_sponsor: Department, government_id: int) -> None:
    """Co-sponsors are other departments of the decision's government (Art 11)."""
    for dept in co_sponsors:
        if dept.government_id != government_id or dept.pk == lead_sponsor.pk:
            raise _invalid(
                _("Co-sponsors must be other departments of the same government."),
                co_sponsors=_("Co-sponsors must be other departments of the same government."),
            )


@transaction.atomic
def decision_register(
    *,
    actor: User,
    lead_sponsor: Department,
    title: str,
    category: str,
    catalogue_year: int,
    decision_body: str,
    summary: str = "",
    legal_basis: str = "",
    co_sponsors: Iterable[Department] = (),
    matter_type: MatterType | None = None,
    ip: str | None = None,
) -> Decision:
    """Art 10: a sponsoring department registers a proposed decision; it gets the next code of the
    year (e.g. 2026-007) in its government and its three preparatory steps. Registering puts
    nothing in the public catalogue: the government office's published catalogue does (Art 3,
    ``services.catalogue``). Its matter type, if any, is one of its government's (one that requires
    a hearing holds the public participation until it is held, Art 16)."""
    if not permissions.may_register(actor, lead_sponsor):
        raise DecisionError(ErrorCode.FORBIDDEN, _("Only a sponsoring department's staff can register its decisions."))
    co_sponsors = list(co_sponsors)
    _check_co_sponsors(co_sponsors, lead_sponsor, lead_sponsor.government_id)
    government = type(lead_sponsor.government).objects.select_for_update().get(pk=lead_sponsor.government_id)
    decision = Decision(
        government=government,
        catalogue_year=catalogue_year,
        title=(title or "").strip(),
        summary=summary,
        category=category,
        lead_sponsor=lead_sponsor,
        decision_body=(decision_body or "").strip(),
        in_catalogue=False,
        legal_basis=legal_basis,
        matter_type=_matter_type(matter_type, lead_sponsor.government_id),
        registered_by=actor,
        sequence=0,
        code="-",
    )
    _validate(decision, exclude=["sequence", "code"])
    if not 2000 <= int(catalogue_year) <= 2100:
        raise _invalid(_("Give a real catalogue year."), catalogue_year=_("Give a real catalogue year."))
    # The government row is locked: sequences within a year are unique and gapless.
    last = Decision.objects.filter(government=government, catalogue_year=catalogue_year).aggregate(m=Max("sequence"))
    decision.sequence = (last["m"] or 0) + 1
    decision.code = f"{catalogue_year}-{decision.sequence:03d}"
    decision.save()
    decision.co_sponsors.set(co_sponsors)
    ProcedureStep.objects.bulk_create([ProcedureStep(decision=decision, kind=kind) for kind in StepKind.values])
    record_event(decision, actor=actor, transition=EventType.REGISTER, from_state="", to_state=decision.state, ip=ip)
    registered: Decision = decision
    return registered


# --------------------------------------------------------------------------- amendments, with their reason


# What the sponsor may still correct in a decision's description before it is submitted for review.
AMENDABLE_FIELDS = ("title", "summary", "category", "decision_body", "legal_basis", "matter_type")


def _matter_type(matter_type: MatterType | None, government_id: int) -> MatterType | None:
    """A decision's matter type is one its own government named."""
    if matter_type is not None and matter_type.government_id != government_id:
        message = _("Choose a matter type of the decision's government.")
        raise DecisionError(
            ErrorCode.INVALID, message, rule=RuleCode.MATTER_TYPE_OF_GOVERNMENT, fields={"matter_type": [message]}
        )
    return matter_type


AMENDABLE_STATES = (DecisionState.PROPOSED, DecisionState.PREPARING)
# A decision that is over keeps the departments it had.
CLOSED_STATES = (DecisionState.ARCHIVED, DecisionState.WITHDRAWN, DecisionState.REJECTED)


def _hearing_held_if_required(decision: Decision, matter_type: MatterType | None) -> None:
    """Art 16: a matter type that requires a hearing does not arrive after the participation step
    was completed without one; the step is reopened and the hearing held first."""
    if matter_type is None or not matter_type.hearing_required:
        return
    step = decision.steps.filter(kind=StepKind.PUBLIC_PARTICIPATION, state=StepState.DONE).first()
    if step is None:
        return
    decision.matter_type = matter_type  # judged as it would be, on the locked row; saved only if held
    refusals = gates.hearing_refusals(step, ParticipationRecord.objects.filter(step=step).first())
    if refusals:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _(
                "A matter of this type requires a hearing, and the public participation was completed "
                "without one held: reopen the step and hold the hearing first."
            ),
            article="Art 16",
            rule=RuleCode.HEARING_REQUIRED,
            fields={"matter_type": [refusals[0].message]},
        )


@transaction.atomic
def decision_amend(*, decision: Decision, actor: User, reason: str, ip: str | None = None, **values: Any) -> Decision:
    """The sponsor corrects the decision's description (title, summary, category, decision body,
    legal basis) while it is being prepared, with a reason; the event keeps before and after.
    After submission the legal office reviews what was submitted: the text changes only through
    the review (a revised draft) or a major adjustment (Art 37)."""
    decision = lock_decision(decision)
    _require(actor, "amend", decision)
    reason = _require_text(reason, "reason", _("Say why the description is amended."))
    unknown = set(values) - set(AMENDABLE_FIELDS)
    if unknown:
        raise _invalid(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            **{name: _("Unknown field.") for name in unknown},
        )
    if decision.state not in AMENDABLE_STATES:
        raise DecisionError(
            ErrorCode.WRONG_STATE,
            _("The description can be amended only until the draft is submitted for legality review."),
        )
    if "matter_type" in values:
        _matter_type(values["matter_type"], decision.government_id)
        _hearing_held_if_required(decision, values["matter_type"])
    before = changes.snapshot(decision, AMENDABLE_FIELDS)
    for name, value in values.items():
        setattr(decision, name, value.strip() if isinstance(value, str) else value)
    _validate(decision, exclude=["sequence", "code"])
    decision.save(update_fields=[*values, "updated_at"])
    record_change(decision, decision, before, actor=actor, transition=EventType.AMEND, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_change_sponsors(
    *,
    decision: Decision,
    actor: User,
    lead_sponsor: Department,
    reason: str,
    co_sponsors: Iterable[Department] = (),
    ip: str | None = None,
) -> Decision:
    """Moving a decision to another sponsoring department of its government (a reorganisation, a
    reassignment by the government): the government office or a leader does it with the reason,
    and the event keeps the departments before and after. The database refuses sponsors of another
    government whatever road a write takes (migration 0008)."""
    decision = lock_decision(decision)
    _require(actor, "change_sponsors", decision)
    reason = _require_text(reason, "reason", _("Say why the sponsoring departments change."))
    if decision.state in CLOSED_STATES:
        raise DecisionError(ErrorCode.WRONG_STATE, _("A closed decision keeps the departments it had."))
    co_sponsors = list(dict.fromkeys(co_sponsors))
    if (
        lead_sponsor is None
        or lead_sponsor.government_id != decision.government_id
        or lead_sponsor.kind != Department.Kind.SPONSOR
    ):
        raise _invalid(
            _("The lead sponsor must be a sponsoring department of this government."),
            lead_sponsor=_("The lead sponsor must be a sponsoring department of this government."),
        )
    _check_co_sponsors(co_sponsors, lead_sponsor, decision.government_id)
    before = changes.snapshot(decision, ("lead_sponsor", "co_sponsors"))
    decision.lead_sponsor = lead_sponsor
    decision.save(update_fields=["lead_sponsor", "updated_at"])
    decision.co_sponsors.set(co_sponsors)
    record_change(decision, decision, before, actor=actor, transition=EventType.CHANGE_SPONSORS, comment=reason, ip=ip)
    return decision


# --------------------------------------------------------------------------- decision transitions


@transaction.atomic
def decision_start(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """Art 10–11: the decision body starts the procedure; the preparatory steps may begin."""
    decision = lock_decision(decision)
    _transition(decision, "start", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_submit_for_review(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 25–26: the sponsor's head submits the draft; only with all three preparatory steps settled
    and no risk judged uncontrollable. Each submission opens a new review round."""
    decision = lock_decision(decision)
    # The submission binds the draft by its SHA-256: the text the legal office reviews.
    draft = current_draft(decision)
    bound = {"draft": {"id": draft.pk, "name": draft.original_name, "sha256": draft.sha256}} if draft else {}
    # The review app opens the round from this event (decisions.extensions.on_event).
    _transition(decision, "submit_for_review", actor=actor, comment=comment, ip=ip, details=bound)
    return decision


@transaction.atomic
def decision_return_for_revision(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 26: the legal office returns incomplete material, or an unlawful draft, to the sponsor."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why the submission is returned."))
    _transition(decision, "return_for_revision", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_clear_for_meeting(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 25: only with an issued legality opinion that allows it (and, with changes asked for, the
    sponsor's answer confirmed, Art 28)."""
    decision = lock_decision(decision)
    _transition(decision, "clear_for_meeting", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_record_outcome(
    *,
    decision: Decision,
    actor: User,
    outcome: str,
    meeting_type: str,
    held_on: dt.date,
    positions: Sequence[Mapping[str, Any]],
    head_final_statement: str,
    head_reasons: str = "",
    attendees: str = "",
    legal_office_attendee: str = "",
    legal_advisers_present: str = "",
    dissent: str = "",
    comment: str = "",
    ip: str | None = None,
) -> Decision:
    """Art 29–30: the meeting's outcome, from its record: each member's position as said, the head
    (行政首长) speaking last, who attended for the legal office and the legal advisers present (the
    former required where the government's practice has the legal office attend,
    ``legal_office_attends_meeting``). Whether the head decided against the members' majority is computed from
    the positions (``models.goes_against_majority``), never typed; then the head's reasons are
    required. The record is final once written: a correction is appended (``meeting_correct``).

    ``positions``: one mapping per member, ``name``, ``position`` (for / against / abstain),
    ``reasons``, ``is_head`` and optionally ``user`` (the id of the member's account); at least one
    member and exactly one head."""
    decision = lock_decision(decision)
    _require(actor, "record_outcome", decision)
    if outcome not in MeetingOutcome.values:
        raise _invalid(_("Unknown meeting outcome."), outcome=_("Unknown meeting outcome."))
    rows = _meeting_positions(decision, positions)
    against = goes_against_majority(outcome, meeting_majority(r.position for r in rows if r.role == MeetingRole.MEMBER))
    meeting = Meeting(
        decision=decision,
        meeting_type=meeting_type,
        held_on=held_on,
        attendees=attendees,
        legal_office_attendee=(legal_office_attendee or "").strip(),
        legal_advisers_present=(legal_advisers_present or "").strip(),
        outcome=outcome,
        head_final_statement=head_final_statement,
        head_against_majority=against,
        head_reasons=head_reasons,
        dissent=dissent,
        recorded_by=actor,
        # The packet the members had before them (Art 29): the newest one, if one was assembled.
        packet=latest_meeting_packet(decision),
    )
    if against and not (head_reasons or "").strip():
        raise DecisionError(
            ErrorCode.INVALID,
            _("The head decided against the majority of the members: record the reasons."),
            article="Art 30",
            rule=RuleCode.HEAD_REASONS,
            fields={"head_reasons": [_("The head decided against the majority of the members: record the reasons.")]},
        )
    if rules_for(decision.government).legal_office_attends_meeting and not meeting.legal_office_attendee:
        message = _("This government's practice has the legal office attend the meeting: record who attended for it.")
        raise DecisionError(
            ErrorCode.INVALID,
            message,
            article="Art 30",
            rule=RuleCode.LEGAL_OFFICE_ATTENDED,
            fields={"legal_office_attendee": [message]},
        )
    _validate(meeting, exclude=["decision"])
    date_refusal = _meeting_date_refusal(decision, meeting.held_on)
    if date_refusal is not None:
        raise date_refusal.as_error(ErrorCode.INVALID)
    meeting.save()
    for row in rows:
        row.meeting = meeting
    MeetingPosition.objects.bulk_create(rows)
    extra = []
    if outcome == MeetingOutcome.DEFERRED:
        decision.deferred_on = held_on
        extra.append("deferred_on")
    _transition(decision, "record_outcome", actor=actor, comment=comment, ip=ip, args=(outcome,), extra_fields=extra)
    return decision


def _meeting_date_refusal(decision: Decision, held_on: dt.date) -> Refusal | None:
    """The meeting's date against the record: held already (Art 30), not before the legality review
    cleared the draft for it (Art 25; the clearance's day in local time), nor before the minimum
    review time was over (Art 26; measured on the meeting's own date, not only on the day of the
    clearance, through decisions.extensions.earliest_meeting_day)."""
    if held_on > timezone.localdate():
        return Refusal(
            RuleCode.MEETING_HELD, _("A meeting cannot be recorded before it is held."), "Art 30", field="held_on"
        )
    clearance = decision.events.filter(transition=EventType.CLEAR_FOR_MEETING).order_by("-created_at", "-id").first()
    cleared_on = timezone.localdate(clearance.created_at) if clearance is not None else None
    if cleared_on is not None and held_on < cleared_on:
        return Refusal(
            RuleCode.MEETING_AFTER_CLEARANCE,
            _("The meeting cannot have been held before the legality review cleared the draft for it (%(date)s).")
            % {"date": formats.date_format(cleared_on)},
            "Art 25",
            field="held_on",
        )
    earliest = extensions.earliest_meeting_day(decision)
    if earliest is not None and held_on < earliest:
        return Refusal(
            RuleCode.MEETING_AFTER_MINIMUM_REVIEW,
            _("The legal office must be given its minimum review time: the meeting can be held from %(date)s.")
            % {"date": formats.date_format(earliest)},
            "Art 26",
            field="held_on",
        )
    return None


# A meeting of the government's leaders: more than this is not a meeting record but bad input.
MAX_POSITIONS = 100


def _meeting_positions(decision: Decision, positions: Sequence[Mapping[str, Any]]) -> list[MeetingPosition]:
    """Art 30: the members' positions, parsed and checked, unsaved: at least one member and exactly
    one head; each named once; an account, where given, of someone of the decision's government.
    The members keep the order given and the head speaks last."""

    def refuse(message: str) -> DecisionError:
        return DecisionError(ErrorCode.INVALID, message, article="Art 30", fields={"positions": [message]})

    if isinstance(positions, str | bytes | Mapping) or not isinstance(positions, Sequence):
        raise refuse(_("Give the members' positions as a list."))
    if len(positions) > MAX_POSITIONS:
        raise refuse(_("Too many positions for one meeting."))
    members: list[MeetingPosition] = []
    heads: list[MeetingPosition] = []
    names: set[str] = set()
    user_ids: set[int] = set()
    for number, entry in enumerate(positions, start=1):
        if not isinstance(entry, Mapping):
            raise refuse(_("Position %(number)s is not a member's position.") % {"number": number})
        name = str(entry.get("name") or "").strip()
        stance = entry.get("position")
        user_id = entry.get("user")
        user = None
        if user_id not in (None, ""):
            if isinstance(user_id, bool) or not isinstance(user_id, int | str) or not str(user_id).isdigit():
                raise refuse(_("Position %(number)s names an unknown account.") % {"number": number})
            user = (
                get_user_model()
                .objects.filter(pk=int(user_id), memberships__department__government_id=decision.government_id)
                .first()
            )
            if user is None or user.pk in user_ids:
                raise refuse(
                    _("Position %(number)s names an unknown account, or one already named.") % {"number": number}
                )
            user_ids.add(user.pk)
            name = name or (user.get_full_name() or user.get_username())
        if not name:
            raise refuse(_("Position %(number)s: name the member.") % {"number": number})
        if name in names:
            raise refuse(_("%(name)s is named twice.") % {"name": name})
        names.add(name)
        if stance not in Stance.values:
            raise refuse(_("%(name)s: record the position (for, against or abstains).") % {"name": name})
        row = MeetingPosition(
            member_name=name,
            user=user,
            role=MeetingRole.HEAD if entry.get("is_head") is True else MeetingRole.MEMBER,
            position=stance,
            reasons=str(entry.get("reasons") or "").strip(),
        )
        _validate(row, exclude=["meeting", "order"])
        (heads if row.role == MeetingRole.HEAD else members).append(row)
    if len(heads) != 1:
        raise refuse(_("Mark exactly one attendee as the head, who speaks last."))
    if not members:
        raise refuse(_("Record the position of at least one member besides the head."))
    _head_is_the_governments(decision, heads[0], members, refuse)
    rows = [*members, *heads]
    for order, row in enumerate(rows, start=1):
        row.order = order
    return rows


def _head_is_the_governments(
    decision: Decision,
    head: MeetingPosition,
    members: list[MeetingPosition],
    refuse: Callable[[str], DecisionError],
) -> None:
    """Art 30 and 37: where the government's head is named, the meeting's head is that person: a
    head's position given by name only is theirs, one naming another account is refused, and the
    head does not also speak as a member. Without a named head the record keeps what was given."""
    government_head = decision.government.head
    if government_head is None:
        return
    if head.user_id is None:
        head.user = government_head
    elif head.user_id != government_head.pk:
        raise refuse(
            _("The head at the meeting is the government head, %(name)s.")
            % {"name": government_head.get_full_name() or government_head.get_username()}
        )
    if any(member.user_id == government_head.pk for member in members):
        raise refuse(_("The government head speaks last, as the head, not among the members."))


@transaction.atomic
def decision_resume(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """A deferred decision goes back on the agenda."""
    decision = lock_decision(decision)
    decision.deferred_on = None
    _transition(decision, "resume", actor=actor, comment=comment, ip=ip, extra_fields=["deferred_on"])
    return decision


@transaction.atomic
def decision_publish(
    *,
    decision: Decision,
    actor: User,
    published_on: dt.date,
    document_number: str,
    in_gazette: bool = False,
    website_url: str = "",
    comment: str = "",
    ip: str | None = None,
) -> Decision:
    """Art 32: publication through the gazette and/or the government website."""
    decision = lock_decision(decision)
    _require(actor, "publish", decision)
    if decision.state != DecisionState.DECIDED:
        raise DecisionError(ErrorCode.WRONG_STATE, _("Only a decided decision can be published."))
    publication = Publication(
        decision=decision,
        published_on=published_on,
        document_number=(document_number or "").strip(),
        in_gazette=in_gazette,
        website_url=website_url,
    )
    _validate(publication, exclude=["decision"])
    publication.save()
    _transition(decision, "publish", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_begin_implementation(
    *, decision: Decision, actor: User, executing_unit: Department, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 34: an executing unit of the same government is named."""
    decision = lock_decision(decision)
    if executing_unit is None or executing_unit.government_id != decision.government_id:
        raise _invalid(
            _("Name an executing unit of this government."),
            executing_unit=_("Name an executing unit of this government."),
        )
    decision.executing_unit = executing_unit
    _transition(decision, "begin_implementation", actor=actor, comment=comment, ip=ip, extra_fields=["executing_unit"])
    return decision


@transaction.atomic
def decision_suspend(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 37: urgent suspension by the government's head (``Government.head``, checked with the
    role: ``permissions.BY_HEAD``), with the reason on the record; refused, naming the rule, to any
    other leader, and to everyone while no head is named."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why implementation is suspended."))
    _transition(decision, "suspend", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_resume_implementation(
    *, decision: Decision, actor: User, comment: str = "", ip: str | None = None
) -> Decision:
    """Art 37: what the head suspended, the head resumes."""
    decision = lock_decision(decision)
    _transition(decision, "resume_implementation", actor=actor, comment=comment, ip=ip)
    return decision


@transaction.atomic
def decision_adjust(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Art 37: a major adjustment repeats the procedure: back to preparing, every settled step reopened."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Describe the major adjustment."))
    _transition(decision, "adjust", actor=actor, comment=reason, ip=ip)
    for step in decision.steps.select_for_update():
        if step.state in (StepState.DONE, StepState.WAIVED):
            step_transition(step, "reopen", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, actor: User, reason: str, ip: str | None = None) -> Decision:
    """Stopping a decision before it is decided, with the reason on the record."""
    decision = lock_decision(decision)
    reason = _require_text(reason, "reason", _("Say why the decision is withdrawn."))
    _transition(decision, "withdraw", actor=actor, comment=reason, ip=ip)
    return decision


@transaction.atomic
def decision_archive(*, decision: Decision, actor: User, comment: str = "", ip: str | None = None) -> Decision:
    """Art 33: the one-file-per-decision record is closed."""
    decision = lock_decision(decision)
    _transition(decision, "archive", actor=actor, comment=comment, ip=ip)
    return decision


# Each transition of the spec (decisions.lifecycle) is run by the service named after it.
TRANSITION_SERVICES: dict[str, Callable[..., Decision]] = {
    name: globals()[f"decision_{name}"] for name in lifecycle.TRANSITION_NAMES
}


def decision_transition(*, decision: Decision, name: str, actor: User, **payload: Any) -> Decision:
    """Run a transition by its contract name (UI and API entry points)."""
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise _invalid(_("Unknown transition “%(name)s”.") % {"name": name}, transition=_("Unknown transition."))
    _check_arguments(service, name, decision=decision, actor=actor, **payload)
    moved: Decision = service(decision=decision, actor=actor, **payload)
    return moved


# --------------------------------------------------------------------------- catalogue upkeep


@transaction.atomic
def decisions_drop_long_deferred(*, today: dt.date | None = None) -> int:
    """Local practice: a decision deferred longer than the government's deferral limit leaves the
    yearly catalogue (Art 3). It stays deferred and on record; the event says why it left."""

    today = today or timezone.localdate()
    dropped = 0
    candidates = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("government")
        .filter(state=DecisionState.DEFERRED, in_catalogue=True, deferred_on__isnull=False)
    )
    for decision in candidates:
        limit = rules_for(decision.government).deferral_limit_days
        if (today - decision.deferred_on).days < limit:
            continue
        decision.in_catalogue = False
        decision.save(update_fields=["in_catalogue", "updated_at"])
        reason = _("Deferred for more than %(days)s days: removed from the catalogue.") % {"days": limit}
        catalogue_leave_published(decision, reason=reason, made_on=today)
        record_event(
            decision,
            actor=None,
            transition=EventType.LEAVE_CATALOGUE,
            from_state=decision.state,
            to_state=decision.state,
            comment=reason,
        )
        dropped += 1
    return dropped
