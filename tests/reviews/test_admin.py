"""The admin shows the review records read-only, every page of them."""

import pytest
from django.urls import reverse

from decisions.models import DecisionState
from reviews.models import LegalityReview
from tests.factories import decision_in, issue_opinion

pytestmark = pytest.mark.django_db


def test_an_administrator_opens_an_issued_reviews_page_with_its_letters_read_only(org, admin_client):
    # Given a review with an issued opinion and its letters
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_opinion(decision, org)
    review = LegalityReview.objects.get(decision=decision)

    # When an administrator opens it in the admin
    response = admin_client.get(reverse("admin:reviews_legalityreview_change", args=[review.pk]))

    # Then the page shows it, and offers no way to save a change
    assert response.status_code == 200
    assert review.document_number in response.content.decode()
    assert b'name="_save"' not in response.content
