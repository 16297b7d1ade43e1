import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from consultations import periods
from consultations.articles import chinese_number, split_articles
from consultations.services import comment_submit
from decisions.errors import DecisionError
from tests.consultations.conftest import DRAFT, record_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _last_second(record):
    end = record.period_end
    return dt.datetime(end.year, end.month, end.day, 23, 59, 59, tzinfo=SHANGHAI)


def test_comment_taken_in_the_last_second_of_the_period(consulted):
    record = record_of(consulted)

    comment = comment_submit(record=record, text="建议延长过渡期。", now=_last_second(record))

    assert comment.tracking_number.startswith("YJ")


def test_comment_refused_one_second_after_the_period_ends(consulted):
    record = record_of(consulted)
    one_second_late = _last_second(record) + dt.timedelta(seconds=1)

    with pytest.raises(DecisionError) as refused:
        comment_submit(record=record, text="建议延长过渡期。", now=one_second_late)

    assert refused.value.rule == "consultation_open"
    assert refused.value.article == "Art 15"
    assert not record.consultation.comments.exists()


def test_comment_refused_before_the_period_starts(consulted):
    record = record_of(consulted)
    start = record.period_start
    just_before = dt.datetime(start.year, start.month, start.day, tzinfo=SHANGHAI) - dt.timedelta(seconds=1)

    assert periods.is_open(record, just_before) is False
    assert periods.is_open(record, just_before + dt.timedelta(seconds=1)) is True


def test_period_end_is_judged_in_shanghai_time_not_utc(consulted):
    record = record_of(consulted)
    # 16:00:00 UTC on the last day is midnight in Shanghai: already closed.
    end = record.period_end
    midnight_utc_of_shanghai = dt.datetime(end.year, end.month, end.day, 16, 0, 0, tzinfo=dt.UTC)

    assert periods.is_open(record, midnight_utc_of_shanghai - dt.timedelta(seconds=1)) is True
    assert periods.is_open(record, midnight_utc_of_shanghai) is False


def test_days_left_counts_the_last_day():
    class Record:
        period_end = dt.date(2026, 3, 31)

    assert periods.days_left(Record(), dt.datetime(2026, 3, 31, 12, tzinfo=SHANGHAI)) == 1
    assert periods.days_left(Record(), dt.datetime(2026, 3, 29, 12, tzinfo=SHANGHAI)) == 3
    assert periods.days_left(Record(), dt.datetime(2026, 4, 1, 0, tzinfo=SHANGHAI)) == 0


def test_draft_split_into_its_articles():
    articles = split_articles(DRAFT)

    assert [(a.number, a.heading) for a in articles] == [(1, "第一条"), (2, "第二条"), (10, "第十条")]
    assert articles[1].text == "第二条 本办法适用于本市行政区域。"


@pytest.mark.parametrize(
    ("text", "number"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("7", 7)]
)
def test_article_numbers_read_in_chinese(text, number):
    assert chinese_number(text) == number
