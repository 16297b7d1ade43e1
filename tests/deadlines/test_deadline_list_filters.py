"""The deadline list filtered by year and responsible department, ordered, and exported to Excel as
the page shows it (the same filter form as every list of decisions)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from decisions import services
from decisions.models import Department, StepKind
from tests.deadlines.test_deadlines import at, under_accepted_review
from tests.factories import participation_values, start_step

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def two_reviews(org):
    first = under_accepted_review(org, D(2026, 9, 28))
    second = under_accepted_review(org, D(2026, 9, 29))
    return first, second


def last_years(org):
    """A decision of the 2025 catalogue, its comment period running."""
    with at(D(2026, 9, 28)):
        decision = services.decision_register(**org.decision_kwargs(catalogue_year=2025, title="上年度事项"))
        decision = services.decision_start(decision=decision, actor=org.secretary)
        start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
        period = {"call_published_on": D(2026, 9, 28), "period_start": D(2026, 9, 28), "period_end": D(2026, 10, 27)}
        services.participation_update(decision=decision, actor=org.clerk, **participation_values(**period))
    return decision


def legal_office(org) -> Department:
    return Department.objects.get(government=org.government, kind=Department.Kind.LEGAL_OFFICE)


def test_the_list_filters_by_responsible_department_and_year(org, client, two_reviews):
    first, second = two_reviews
    earlier = last_years(org)
    client.force_login(org.sponsor_head)
    url = reverse("deadlines:list")
    with at(D(2026, 10, 9)):
        office = client.get(url, {"department": legal_office(org).pk}).content.decode()
        sponsor = client.get(url, {"department": org.sponsor.pk}).content.decode()
        last_year = client.get(url, {"year": 2025}).content.decode()

    assert first.code in office and second.code in office and earlier.code not in office
    assert first.code not in sponsor and earlier.code in sponsor  # the review's clocks are the legal office's
    assert earlier.code in last_year and first.code not in last_year and second.code not in last_year


def test_the_list_orders_by_decision_code(org, client, two_reviews):
    first, second = two_reviews
    client.force_login(org.reviewer)
    with at(D(2026, 10, 9)):
        page = client.get(reverse("deadlines:list"), {"sort": "code"}).content.decode()

    assert page.index(min(first.code, second.code)) < page.index(max(first.code, second.code))


def test_the_export_holds_the_filtered_rows_under_a_chinese_name(org, client, two_reviews):
    client.force_login(org.reviewer)
    with at(D(2026, 10, 9)):
        page = client.get(reverse("deadlines:list"), {"department": legal_office(org).pk}).content.decode()
        response = client.get(reverse("reports:deadlines-xlsx"), {"department": legal_office(org).pk})

    assert f"{reverse('reports:deadlines-xlsx')}?department={legal_office(org).pk}" in page
    assert response.status_code == 200
    assert "法定期限" in unquote(response["Content-Disposition"])
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "决策事项名称", "期限", "责任单位")
    assert len(rows) > 2 and {row[3] for row in rows[1:]} == {legal_office(org).name}
    assert {row[0] for row in rows[1:]} == {decision.code for decision in two_reviews}


def test_the_filtered_page_reads_a_fixed_number_of_queries(org, client, django_assert_max_num_queries):
    client.force_login(org.reviewer)
    under_accepted_review(org, D(2026, 9, 28))
    query = {"department": legal_office(org).pk, "year": 2026, "sort": "department"}
    with at(D(2026, 10, 9)), django_assert_max_num_queries(12) as one:
        client.get(reverse("deadlines:list"), query)
    for day in (29, 30):
        under_accepted_review(org, D(2026, 9, day))
    with at(D(2026, 10, 9)), django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("deadlines:list"), query)


def test_the_department_filter_offers_the_departments_chased_by_visible_clocks_only(org, two_reviews):
    from deadlines.clocks import chased_departments
    from tests.factories import make_org

    # Given review clocks (the legal office's) and a comment period (the sponsor's) in one government,
    # and a decision of another government
    last_years(org)
    other = make_org("邻市人民政府")
    services.decision_register(**other.decision_kwargs())

    # Then a leader is offered the departments chased in their government, never the other's
    assert set(chased_departments(org.leader)) == {legal_office(org), org.sponsor}
    # and the sponsor's head those chased on the decisions their department leads
    assert set(chased_departments(org.sponsor_head)) == {legal_office(org), org.sponsor}
    assert not set(chased_departments(other.clerk)) & {legal_office(org), org.sponsor}
