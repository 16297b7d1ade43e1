"""The legality-review gates (Art 25–28), each a pure check that names its rule and article.

``clearance_refusals`` is the review's part of the lifecycle gate ``clear_for_meeting`` (and of
``record_outcome``), and ``publication_refusals`` of ``publish``: this app fills the core's gate
slots with them (``decisions.extensions``, in ``ReviewsConfig.ready()``), so no code path reaches
the meeting past them.
The other checks here are used by the review services before they write, and by the review page
to show what is still missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from decisions.choices import RuleCode
from decisions.errors import Refusal
from decisions.integrity import Finding, finding
from decisions.models import Attachment, Decision, StepKind, current_draft
from decisions.rules import rules_for
from reviews.choices import ReviewRule
from reviews.clock import review_clock
from reviews.models import (
    CLEARING_CONCLUSIONS,
    CONCLUSIONS_WITH_ITEMS,
    REQUIRED_MATERIALS,
    Conclusion,
    FinalTextResult,
    FinalTextReview,
    LegalityReview,
    MaterialKind,
    WaiverVerdict,
)


def current_review(decision: Decision) -> LegalityReview | None:
    return LegalityReview.objects.filter(decision=decision).order_by("-round").first()


def materials_missing(review: LegalityReview) -> list[str]:
    """The required kinds of material (Art 26) the submission does not hold yet."""

    materials = list(review.materials.all())
    missing: list[str] = [kind for kind in REQUIRED_MATERIALS if not any(m.kind == kind for m in materials)]
    accounted = {
        m.step.kind for m in materials if m.kind == MaterialKind.PROCEDURE and m.step_id and m.step is not None
    }
    if MaterialKind.PROCEDURE not in missing and set(StepKind.values) - accounted:
        missing.append(MaterialKind.PROCEDURE)
    return missing


def acceptance_refusals(review: LegalityReview) -> list[Refusal]:
    """Art 26: the legal office accepts a submission only with its materials complete."""

    out = []
    missing = materials_missing(review)
    if missing:
        out.append(
            Refusal(
                ReviewRule.MATERIALS_COMPLETE,
                _("The submission lacks: %(missing)s. Ask for supplements or return it.")
                % {"missing": ", ".join(str(MaterialKind(kind).label) for kind in missing)},
                "Art 26",
            )
        )
    if review.open_supplement() is not None:
        out.append(
            Refusal(
                ReviewRule.SUPPLEMENT_ANSWERED,
                _("The sponsor has not yet answered the request for supplements."),
                "Art 26",
            )
        )
    return out


def issue_refusals(review: LegalityReview) -> list[Refusal]:
    """What an opinion needs before the office head can issue it (Art 27–28)."""

    out = []
    if not review.is_accepted:
        out.append(Refusal(ReviewRule.REVIEW_ACCEPTED, _("The submission has not been accepted."), "Art 26"))
    if not review.conclusion:
        out.append(Refusal(ReviewRule.OPINION_WRITTEN, _("Write the opinion before issuing it."), "Art 28"))
    elif review.conclusion in CONCLUSIONS_WITH_ITEMS and not review.items.exists():
        out.append(
            Refusal(
                ReviewRule.OPINION_ITEMS,
                _("An opinion that asks for changes or finds the draft unlawful says what is wrong, item by item."),
                "Art 28",
            )
        )
    if any(check.verdict != WaiverVerdict.CONFIRMED for check in review.waiver_checks.all()):
        out.append(
            Refusal(
                ReviewRule.WAIVERS_CHECKED,
                _("Confirm or reject every preparatory step the sponsor marked not applicable."),
                "Art 25",
            )
        )
    opinions = list(review.adviser_opinions.all())
    if any(opinion.is_open for opinion in opinions):
        out.append(
            Refusal(
                ReviewRule.ADVISER_OPINIONS_GIVEN,
                _("A legal adviser's opinion that was asked for has not been given (or the request withdrawn)."),
                "Art 28",
            )
        )
    elif not any(opinion.signed_at for opinion in opinions) and adviser_opinion_required(review.decision):
        out.append(
            Refusal(
                ReviewRule.ADVISER_OPINION_SIGNED,
                _(
                    "Ask a legal adviser or public lawyer of the pool for an opinion and have it signed before "
                    "the opinion is issued: a withdrawn request does not count."
                ),
                "Art 28",
            )
        )
    return out


def adviser_opinion_required(decision: Decision) -> bool:
    """Art 28 (应当): whether the government's rules ask an issued opinion to have heard an adviser."""
    return rules_for(decision.government).adviser_opinion_required


def response_refusals(review: LegalityReview) -> list[Refusal]:
    """Art 28: for an opinion asking for changes, the sponsor answers every item and hands in the
    revised draft before the reviewer can confirm."""
    out = []
    unanswered = [item.number for item in review.items.all() if not item.response]
    if unanswered:
        out.append(
            Refusal(
                ReviewRule.ITEMS_ANSWERED,
                _("The sponsor has not answered item(s) %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in unanswered)},
                "Art 28",
            )
        )
    if review.revised_draft_id is None:
        out.append(Refusal(ReviewRule.REVISED_DRAFT, _("The sponsor has not handed in the revised draft."), "Art 28"))
    return out


def minimum_time_refusals(review: LegalityReview) -> list[Refusal]:
    """Art 26: the legal office is given at least the minimum review time (7 working days unless the
    government sets otherwise, or the office head shortened it with a reason)."""

    clock = review_clock(review, today=timezone.localdate())
    if clock is None:
        return [Refusal(ReviewRule.REVIEW_ACCEPTED, _("The submission has not been accepted."), "Art 26")]
    if not clock.minimum_reached:
        return [
            Refusal(
                ReviewRule.REVIEW_MINIMUM_TIME,
                _(
                    "The legal office must be given at least %(days)s working days from acceptance; "
                    "the meeting can be scheduled from %(date)s."
                )
                % {"days": clock.minimum_days, "date": formats.date_format(clock.earliest_meeting_on)},
                "Art 26",
            )
        ]
    return []


def reviewed_draft(review: LegalityReview) -> Attachment | None:
    """The text the round's opinion covers: the revised draft the sponsor handed in where the
    opinion asked for changes (confirmed by the reviewer), otherwise the round's draft."""
    if review.conclusion == Conclusion.LAWFUL_WITH_CHANGES and review.revised_draft_id:
        return review.revised_draft
    material = (
        review.materials.filter(kind=MaterialKind.DRAFT, attachment__isnull=False)
        .select_related("attachment")
        .order_by("-created_at", "-id")
        .first()
    )
    return material.attachment if material else None


def reviewed_text_refusals(decision: Decision, review: LegalityReview) -> list[Refusal]:
    """Art 25: the meeting discusses the text the legal office reviewed. The draft on file must be
    the one the issued opinion covers, byte for byte (compared by SHA-256)."""
    reviewed, current = reviewed_draft(review), current_draft(decision)
    if (reviewed.sha256 if reviewed else None) != (current.sha256 if current else None):
        return [
            Refusal(
                ReviewRule.REVIEWED_TEXT,
                _(
                    "The draft on file is not the text the legality opinion covers: "
                    "only the reviewed text goes to the meeting."
                ),
                "Art 25",
            )
        ]
    return []


def earliest_meeting_day(decision: Decision) -> dt.date | None:
    """Art 26: the first day the meeting may be held, once the legal office has had its minimum
    review time in the current round (as the office head may have shortened it, with a reason).
    The clearance measures the minimum against today; the meeting's record is measured against its
    own date with this (decisions.extensions.earliest_meeting_day)."""
    review = current_review(decision)
    clock = review_clock(review, today=timezone.localdate()) if review is not None else None
    return clock.earliest_meeting_on if clock is not None else None


def clearance_refusals(decision: Decision) -> list[Refusal]:
    """Art 25: no meeting without an issued review of the current submission that allows it, and not
    before the minimum review time (Art 26); Art 28: with changes asked for, every item answered by
    the sponsor and the answer confirmed by the reviewer."""

    review = current_review(decision)
    if review is None or not review.is_issued:
        return [
            Refusal(
                ReviewRule.REVIEW_ISSUED,
                _("No legality review opinion has been issued for the current submission."),
                "Art 25",
            )
        ]
    if review.conclusion == Conclusion.UNLAWFUL:
        return [Refusal(ReviewRule.REVIEW_NOT_UNLAWFUL, _("The legality review found the draft unlawful."), "Art 25")]
    out = minimum_time_refusals(review)
    # Confirmation itself requires every item answered and the revised draft (review_confirm_changes),
    # and answers cannot change afterwards, so a confirmed answer needs no second look.
    if review.conclusion == Conclusion.LAWFUL_WITH_CHANGES and review.changes_confirmed_at is None:
        out.extend(response_refusals(review))
        out.append(
            Refusal(
                ReviewRule.REVIEW_CHANGES_CONFIRMED,
                _("The reviewer has not yet confirmed the sponsor's answer to the changes asked for."),
                "Art 28",
            )
        )
    else:
        out.extend(reviewed_text_refusals(decision, review))
    return out


def publication_refusals(decision: Decision) -> list[Refusal]:
    """Second review (local practice, a per-government setting): where it is required, the text to be
    issued passes the legal office's check of wording and consistency before publication."""

    if not rules_for(decision.government).second_review_enabled:
        return []
    latest = decision.final_text_reviews.order_by("-created_at", "-id").first()
    if latest is None or latest.result != FinalTextResult.CONSISTENT:
        return [
            Refusal(
                RuleCode.FINAL_TEXT_REVIEWED,
                _("The final text has not passed the legal office's second review."),
                _("local rule"),
            )
        ]
    return []


# --------------------------------------------------------------------------- the gates once passed


def clearance_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """The clearance in the form it keeps once the decision went past it (``decisions.integrity``):
    the round of its latest submission (one round per ``submit_for_review`` in the log) has an
    issued opinion that allows the meeting, with the changes it asked for confirmed (Art 25, 28) and
    an exploratory reform's legal risk stated openly. One query per batch of decisions."""
    latest: dict[int, LegalityReview] = {}
    for round_ in LegalityReview.objects.filter(decision__in=[d.pk for d in decisions]).order_by("decision", "round"):
        latest[round_.decision_id] = round_
    for decision in decisions:
        review = latest.get(decision.pk)
        submissions = sum(1 for e in decision.events.all() if e.transition == "submit_for_review" and not e.step_kind)
        if review is None or review.round != submissions or not review.is_issued:
            problem = _("No issued legality review opinion of its latest submission is on the record.")
        elif review.conclusion not in CLEARING_CONCLUSIONS:
            problem = _("The legality review opinion of its latest submission does not allow the meeting.")
        elif review.conclusion == Conclusion.LAWFUL_WITH_CHANGES and review.changes_confirmed_at is None:
            problem = _("The changes the legality review asked for were never confirmed.")
        elif review.conclusion == Conclusion.EXPLORATORY_WITH_RISK and not review.legal_risk.strip():
            problem = _("The exploratory reform went to the meeting without its legal risk stated.")
        else:
            continue
        yield finding(decision, RuleCode.REVIEW_ALLOWS, problem, "Art 25")


def advisers_heard(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """Art 28 as it must hold of the record: every issued opinion of a government that requires it
    heard at least one adviser, whose opinion is signed (a withdrawn request does not count). The
    setting's history is not kept, so it is read as it stands now, and only for the governments
    with a round lacking it. One query per batch, then the rules of each such government once."""
    lacking: dict[int, LegalityReview] = {}
    rounds = (
        LegalityReview.objects.filter(decision__in=[d.pk for d in decisions], issued_at__isnull=False)
        .annotate(signed=Count("adviser_opinions", filter=Q(adviser_opinions__signed_at__isnull=False)))
        .filter(signed=0)
        .order_by("decision", "round")
    )
    for round_ in rounds:
        lacking.setdefault(round_.decision_id, round_)
    required: dict[int, bool] = {}
    for decision in decisions:
        review = lacking.get(decision.pk)
        if review is None:
            continue
        if decision.government_id not in required:
            required[decision.government_id] = adviser_opinion_required(decision)
        if required[decision.government_id]:
            yield finding(
                decision,
                ReviewRule.ADVISER_OPINION_SIGNED,
                _("The legality opinion %(number)s was issued without a legal adviser's signed opinion.")
                % {"number": review.document_number},
                "Art 28",
            )


def final_text_held(decisions: Sequence[Decision]) -> Iterator[Finding]:
    """The second review in the form it keeps once published: where the government requires it, the
    latest check of the final text made before each publication found it consistent. The switch's
    history is not kept, so it is read as it stands now. One query per batch, and the rules of each
    government once."""
    required: dict[int, bool] = {}
    checks: dict[int, list[FinalTextReview]] = {}
    for check in FinalTextReview.objects.filter(decision__in=[d.pk for d in decisions]).order_by("created_at", "id"):
        checks.setdefault(check.decision_id, []).append(check)
    for decision in decisions:
        if decision.government_id not in required:
            required[decision.government_id] = rules_for(decision.government).second_review_enabled
        if not required[decision.government_id]:
            continue
        for event in decision.events.all():
            if event.transition != "publish" or event.step_kind:
                continue
            before = [c for c in checks.get(decision.pk, []) if c.created_at <= event.created_at]
            if not before or before[-1].result != FinalTextResult.CONSISTENT:
                yield finding(
                    decision,
                    RuleCode.FINAL_TEXT_REVIEWED,
                    _("The decision was published without the final text passing the second review."),
                    _("local rule"),
                )
                break
