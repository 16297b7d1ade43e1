"""The review queue filtered (lead sponsor, catalogue year, overdue) and ordered like the decision
list, and exported to Excel as the page shows it."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reviews import selectors
from tests.reviews.flow import accepted, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(org, clock):
    """Three reviews on 2026-03-25: one overdue, one of last year's catalogue, one not yet accepted."""
    overdue = accepted(org, title="甲 逾期")
    clock.go(dt.date(2026, 3, 16))
    last_year = accepted(org, title="乙 上年度", catalogue_year=2025)
    clock.go(dt.date(2026, 3, 20))
    waiting = submitted(org, title="丙 待受理")
    clock.go(dt.date(2026, 3, 25))
    return overdue, last_year, waiting


def titles(rows):
    return [row.review.decision.title for row in rows]


def test_the_queue_filters_by_year_sponsor_and_overdue(org, queue):
    today = dt.date(2026, 3, 25)

    assert titles(selectors.review_queue(org.reviewer, today=today, year=2025)) == ["乙 上年度"]
    assert titles(selectors.review_queue(org.reviewer, today=today, overdue=True)) == ["甲 逾期"]
    assert selectors.review_queue(org.reviewer, today=today, department=org.other_sponsor.pk) == []
    assert len(selectors.review_queue(org.reviewer, today=today, department=org.sponsor.pk)) == 3


def test_the_queue_orders_by_code_or_by_deadline(org, queue):
    today = dt.date(2026, 3, 25)
    overdue, last_year, waiting = queue

    by_code = selectors.review_queue(org.reviewer, today=today, sort="code")
    by_deadline = selectors.review_queue(org.reviewer, today=today)

    assert [row.review.decision.code for row in by_code] == sorted(d.code for d in queue)
    assert titles(by_deadline) == ["甲 逾期", "乙 上年度", "丙 待受理"]


def test_the_page_offers_the_filters_and_keeps_them_in_the_export_link(org, queue, client):
    client.force_login(org.reviewer)

    page = client.get(reverse("reviews:queue"), {"year": 2025}).content.decode()

    assert "乙 上年度" in page and "甲 逾期" not in page
    assert f"{reverse('reports:reviews-xlsx')}?year=2025" in page


def test_the_export_holds_the_rows_the_page_shows_under_a_chinese_name(org, queue, client):
    client.force_login(org.reviewer)

    response = client.get(reverse("reports:reviews-xlsx"), {"overdue": "on"})

    assert response.status_code == 200
    assert "合法性审查队列" in unquote(response["Content-Disposition"])
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "决策事项名称", "承办单位")
    assert [row[1] for row in rows[1:]] == ["甲 逾期"]
    assert rows[1][-1] < 0  # working days left: negative when overdue


def test_the_export_is_the_legal_offices(org, client):
    client.force_login(org.clerk)

    assert client.get(reverse("reports:reviews-xlsx")).status_code == 403


def test_the_page_reads_a_fixed_number_of_queries(org, client, django_assert_max_num_queries):
    client.force_login(org.reviewer)
    accepted(org)
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("reviews:queue"), {"sort": "sponsor"})
    for _ in range(3):
        accepted(org)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("reviews:queue"), {"sort": "sponsor"})


def test_the_queue_pages_in_the_deadline_order_overdue_first(org, queue):
    today = dt.date(2026, 3, 25)

    first = selectors.review_queue_page(org.reviewer, today=today, number=1, per_page=2)
    second = selectors.review_queue_page(org.reviewer, today=today, number=2, per_page=2)

    assert first.paginator.count == 3
    assert titles(first.object_list) == ["甲 逾期", "乙 上年度"]
    assert titles(second.object_list) == ["丙 待受理"]
    assert first.object_list[0].clock.overdue and first.object_list[0].review.decision.lead_sponsor == org.sponsor


def test_a_page_in_a_column_order_holds_the_rows_of_the_whole_order(org, queue):
    today = dt.date(2026, 3, 25)
    by_code = [row.review.pk for row in selectors.review_queue(org.reviewer, today=today, sort="code")]

    pages = [selectors.review_queue_page(org.reviewer, today=today, number=n, sort="code", per_page=2) for n in (1, 2)]

    assert [row.review.pk for page in pages for row in page.object_list] == by_code
    assert all(row.clock is not None or row.stage == "submitted" for row in pages[0].object_list)


def test_the_overdue_filter_pages_in_a_column_order(org, queue):
    page = selectors.review_queue_page(
        org.reviewer, today=dt.date(2026, 3, 25), number=1, sort="sponsor", overdue=True, per_page=2
    )

    assert page.paginator.count == 1
    assert titles(page.object_list) == ["甲 逾期"]


def test_the_pager_keeps_the_filters_and_the_export_holds_every_page(org, queue, client, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    client.force_login(org.reviewer)

    page = client.get(reverse("reviews:queue"), {"department": org.sponsor.pk, "page": 2}).content.decode()
    export = client.get(reverse("reports:reviews-xlsx"), {"department": org.sponsor.pk, "page": 2})

    assert "丙 待受理" in page and "甲 逾期" not in page
    assert f"?department={org.sponsor.pk}&amp;page=1" in page
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["甲 逾期", "乙 上年度", "丙 待受理"]


@pytest.mark.parametrize("sort", ["", "sponsor"])
def test_a_page_of_the_queue_reads_a_fixed_number_of_queries_whatever_the_queue_holds(
    org, client, django_assert_max_num_queries, monkeypatch, sort
):
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    client.force_login(org.reviewer)
    accepted(org)
    with django_assert_max_num_queries(10) as one:
        assert client.get(reverse("reviews:queue"), {"sort": sort}).status_code == 200
    for _ in range(4):
        accepted(org)
    submitted(org)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("reviews:queue"), {"sort": sort})
    assert len(response.context["rows"]) == 2 and response.context["page"].paginator.count == 6
