"""Background work of the review app: rendering the opinion letters after an opinion is issued, and
a scan (Celery beat) that renders those a broker outage at issue time left unrendered."""

from __future__ import annotations

from celery import shared_task

from reviews.models import LegalityReview
from reviews.services import review_generate_letters, review_render_missing_letters


@shared_task(name="reviews.generate_opinion_letters")
def generate_opinion_letters(review_id: int) -> None:
    """Idempotent: the service keeps letters that are already stored intact."""

    review = LegalityReview.objects.filter(pk=review_id).first()
    if review is not None:
        review_generate_letters(review=review)


@shared_task(name="reviews.render_missing_letters", ignore_result=True)
def render_missing_letters() -> int:
    """Render the letters of every issued opinion that lacks one (the task at issue time may never
    have been published). Returns how many reviews were completed."""
    return review_render_missing_letters()
