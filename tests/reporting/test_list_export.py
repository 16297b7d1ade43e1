"""The decision list: filtered (overdue too) and ordered, and exported to Excel as the page shows it,
in a fixed number of queries."""

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from decisions import services
from decisions.models import DecisionState
from demo import builder as demo
from reviews import services as review_services
from reviews.demo import complete_materials

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:decisions-xlsx")


def _register(org, title):
    return services.decision_register(**org.decision_kwargs(title=title))


def _rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_export_holds_the_filtered_rows_in_the_pages_order_under_a_chinese_name(client, org):
    _register(org, "乙事项")
    _register(org, "甲事项")
    started = services.decision_start(decision=_register(org, "丙事项"), actor=org.secretary)
    client.force_login(org.leader)
    response = client.get(EXPORT, {"sort": "title"})
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert [row[1] for row in _rows(response)] == sorted(["乙事项", "甲事项", "丙事项"])
    only = _rows(client.get(EXPORT, {"state": DecisionState.PREPARING}))
    assert [row[0] for row in only] == [started.code]


def test_the_overdue_filter_keeps_the_decisions_with_a_clock_past_due(client, org):
    with time_machine.travel(dt.datetime(2026, 10, 9, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        late = services.decision_start(decision=_register(org, "逾期事项"), actor=org.secretary)
        demo.settle_steps(late, org)
        late = services.decision_submit_for_review(decision=late, actor=org.sponsor_head)
        complete_materials(late, org)
        review_services.review_accept(decision=late, actor=org.reviewer)
    _register(org, "未逾期事项")
    client.force_login(org.leader)
    with time_machine.travel(dt.datetime(2027, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        page = client.get(reverse("decisions:list"), {"overdue": "on"}).content.decode()
        rows = _rows(client.get(EXPORT, {"overdue": "on"}))
    assert "逾期事项" in page and "未逾期事项" not in page
    assert [row[1] for row in rows] == ["逾期事项"]


def test_the_export_costs_the_same_queries_whatever_its_length(client, org):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(EXPORT).status_code == 200
        return len(ctx.captured_queries)

    _register(org, "第一个事项")
    client.force_login(org.leader)
    few = queries()
    for i in range(15):
        decision = _register(org, f"第{i}号事项")
        if i % 3 == 0:
            services.decision_start(decision=decision, actor=org.secretary)
    assert queries() == few <= 10, few
