import datetime as dt

import pytest
from django.utils import timezone

from consultations import services as public
from decisions import services
from decisions.models import DecisionState, ParticipationRecord, StepKind
from tests.factories import decision_in, start_step

DRAFT = "某市生活垃圾分类管理办法（征求意见稿）\n第一条 为了推进生活垃圾分类，制定本办法。\n第二条 本办法适用于本市行政区域。\n第十条 违反本办法的，依法处理。"


def open_consultation(org, *, days_before: int = 5, days_after: int = 25, **settings):
    """A preparing decision whose call for comments runs today (published, period around today)."""
    decision = decision_in(org, DecisionState.PREPARING)
    start_step(decision, StepKind.PUBLIC_PARTICIPATION, org)
    today = timezone.localdate()
    services.participation_update(
        decision=decision,
        actor=org.clerk,
        methods=[ParticipationRecord.Method.ONLINE_CALL],
        call_published_on=today - dt.timedelta(days=days_before),
        period_start=today - dt.timedelta(days=days_before),
        period_end=today + dt.timedelta(days=days_after),
    )
    public.consultation_configure(actor=org.clerk, decision=decision, draft_text=DRAFT, **settings)
    return decision


@pytest.fixture
def consulted(org):
    return open_consultation(org)


def record_of(decision) -> ParticipationRecord:
    return ParticipationRecord.objects.get(step__decision=decision)
