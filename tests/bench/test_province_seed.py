"""The province benchmark's bulk copy (bench/province.py), at a tiny scale so it cannot rot: the
copies keep every reference, count and sponsor right, and the pages read them like walked ones."""

import pytest
from django.db.models import Count

from bench import province
from deadlines.models import Deadline
from decisions.models import Decision, DecisionEvent, ProcedureStep
from decisions.selectors import decision_list
from reviews.models import LegalityReview
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_the_bulk_copy_fills_the_catalogue_with_sound_copies_of_walked_decisions():
    template, other = make_org("模板市人民政府"), make_org("副本县人民政府")
    templates = province.walk_templates(template, ("implementing", "legality_review", "proposed"))
    per_template = {
        label: dict(model.objects.filter(decision__in=templates).values_list("decision").annotate(n=Count("pk")))
        for label, model in (("events", DecisionEvent), ("reviews", LegalityReview), ("deadlines", Deadline))
    }

    governments = [template.government.pk, other.government.pk]
    province.clone(templates, governments, 50)

    # The plan is round-robin: copy n is of template n mod 3, in government (n div 3) mod 2.
    picks = [(templates[n % 3], governments[(n // 3) % 2]) for n in range(50)]
    assert Decision.objects.count() == 53
    assert province.integrity() == []
    copies = Decision.objects.exclude(pk__in=templates)
    by_government = dict(copies.values_list("government").annotate(n=Count("pk")))
    assert by_government == {g: sum(1 for _t, pg in picks if pg == g) for g in governments}
    assert set(copies.filter(government=other.government).values_list("lead_sponsor", flat=True)) == {other.sponsor.pk}
    assert ProcedureStep.objects.filter(decision__in=copies).count() == 150
    # Each copy carries its template's event log, review rounds and deadlines, row for row.
    for label, model in (("events", DecisionEvent), ("reviews", LegalityReview), ("deadlines", Deadline)):
        expected = sum(per_template[label].get(t, 0) for t, _g in picks)
        assert model.objects.filter(decision__in=copies).count() == expected, label
    # Copied events stand outside the audit chain (no place, no hash); the walked ones keep theirs.
    assert not DecisionEvent.objects.filter(decision__in=copies).exclude(hash="").exists()
    assert not DecisionEvent.objects.filter(decision__in=templates, hash="").exists()
    # The other government's staff see exactly their copies through the ordinary selectors.
    assert decision_list(other.clerk).count() == by_government[other.government.pk]
