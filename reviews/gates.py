"""The legality-review gate of the decision lifecycle (Art 25, 28)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from decisions.errors import Refusal

if TYPE_CHECKING:
    from decisions.models import Decision


def current_review(decision: Decision):
    from reviews.models import LegalityReview

    return LegalityReview.objects.filter(decision=decision).order_by("-round").first()


def clearance_refusals(decision: Decision) -> list[Refusal]:
    """Art 25: no meeting without an issued review of the current submission that allows it;
    Art 28: with changes asked for, the sponsor's answer is confirmed first."""
    from reviews.models import Conclusion

    review = current_review(decision)
    if review is None or not review.is_issued:
        return [
            Refusal(
                "review_issued",
                _("No legality review opinion has been issued for the current submission."),
                "Art 25",
            )
        ]
    if review.conclusion == Conclusion.UNLAWFUL:
        return [Refusal("review_not_unlawful", _("The legality review found the draft unlawful."), "Art 25")]
    if review.conclusion == Conclusion.LAWFUL_WITH_CHANGES and review.changes_confirmed_at is None:
        return [
            Refusal(
                "review_changes_confirmed",
                _("The reviewer has not yet confirmed the sponsor's answer to the changes asked for."),
                "Art 28",
            )
        ]
    return []
