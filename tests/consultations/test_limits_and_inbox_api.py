"""The comment form's rate limits (through the cache, failing open) and the sponsor's inbox over
the API and the page."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from consultations import services as public
from consultations import throttle
from consultations.models import Comment
from decisions.errors import DecisionError
from tests.consultations.conftest import record_of


@pytest.fixture(autouse=True)
def _fresh_budgets():
    cache.clear()


def test_one_address_is_limited_and_the_typed_text_kept(client, consulted):
    allowed, _seconds = throttle.PER_ADDRESS
    for i in range(allowed):
        public.comment_submit(record=record_of(consulted), text=f"意见{i}", ip="192.0.2.7")

    response = client.post(
        reverse("public:consultation", args=[consulted.pk]), {"text": "再提一条意见"}, REMOTE_ADDR="192.0.2.7"
    )

    assert response.status_code == 409  # refused by a rule (decisions.errors: rule → 409)
    assert "再提一条意见" in response.content.decode()
    assert Comment.objects.count() == allowed
    public.comment_submit(record=record_of(consulted), text="另一个地址", ip="192.0.2.8")  # others still comment


def test_comment_rate_limited_refusal_names_its_rule_and_stores_nothing(consulted):
    allowed, _seconds = throttle.PER_ADDRESS
    for i in range(allowed):
        public.comment_submit(record=record_of(consulted), text=f"意见{i}", ip="192.0.2.9")

    with pytest.raises(DecisionError) as refused:
        public.comment_submit(record=record_of(consulted), text="再提一条", ip="192.0.2.9")

    assert refused.value.rule == "comment_rate_limited"
    assert Comment.objects.count() == allowed


def test_limits_fail_open_when_the_cache_is_unreachable(settings, consulted):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }

    comment = public.comment_submit(record=record_of(consulted), text="缓存不可用时的意见", ip="192.0.2.9")

    assert comment.pk is not None


def test_sponsor_reads_and_answers_the_inbox_over_the_api(org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见", contact="13500000000")
    api = APIClient()
    base = f"/api/v1/decisions/{consulted.pk}/consultation/"

    api.force_authenticate(org.other_clerk)
    assert api.get(base + "comments/").status_code == 404
    api.force_authenticate(org.clerk)
    assert api.get(base + "comments/").json()[0]["contact"] == "13500000000"
    answered = api.post(
        base + f"comments/{comment.tracking_number}/answer/", {"handling": "adopted", "answer": "采纳。"}, format="json"
    )

    assert answered.status_code == 200
    assert record_of(consulted).comments_adopted == 1


def test_inbox_page_hides_groups_enters_and_sets_up(client, org, consulted):
    first = public.comment_submit(record=record_of(consulted), text="意见一")
    second = public.comment_submit(record=record_of(consulted), text="意见二")
    abusive = public.comment_submit(record=record_of(consulted), text="辱骂")
    url = reverse("consultations:inbox", args=[consulted.pk])
    client.force_login(org.clerk)

    assert client.post(url, {"action": "hide", "comment": abusive.pk, "reason": "辱骂"}).status_code == 302
    assert client.post(url, {"action": "group", "comment": second.pk, "lead": first.tracking_number}).status_code == 302
    refused = client.post(url, {"action": "group", "comment": first.pk, "lead": "YJNOSUCH0000"})
    settings = {
        "action": "settings",
        "name_required": "on",
        "draft_text": "第一条 目的。",
        "postal_address": "人民路1号",
    }
    assert client.post(url, settings).status_code == 302

    abusive.refresh_from_db()
    second.refresh_from_db()
    assert (abusive.hidden, abusive.hidden_reason, second.group_lead) == (True, "辱骂", first)
    assert refused.status_code == 400
    assert record_of(consulted).consultation.name_required is True


def test_a_grouped_comment_is_answered_only_with_its_group(org, consulted):
    first, second = (public.comment_submit(record=record_of(consulted), text=t) for t in ("意见一", "意见二"))
    public.comment_group(actor=org.clerk, comment=second, lead=first)

    with pytest.raises(DecisionError):
        public.comment_answer(actor=org.clerk, comment=second, handling="adopted", answer="采纳。")
    public.comment_answer(actor=org.clerk, comment=first, handling="adopted", answer="采纳。")

    second.refresh_from_db()
    assert second.is_answered
