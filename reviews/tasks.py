"""Background work of the review app: rendering the opinion letters after an opinion is issued."""

from __future__ import annotations

from celery import shared_task

from reviews.models import LegalityReview
from reviews.services import review_generate_letters


@shared_task(name="reviews.generate_opinion_letters")
def generate_opinion_letters(review_id: int) -> None:
    """Idempotent: the service keeps letters that are already stored intact."""

    review = LegalityReview.objects.filter(pk=review_id).first()
    if review is not None:
        review_generate_letters(review=review)
