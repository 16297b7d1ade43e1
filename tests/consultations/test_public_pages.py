import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from consultations import services as public
from consultations.models import Comment
from decisions import services
from decisions.models import Attachment
from tests.consultations.conftest import record_of

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, decision, **data):
    return client.post(reverse("public:consultation", args=[decision.pk]), data)


def test_consultation_page_shows_the_period_and_the_articles_without_login(client, consulted):
    response = client.get(reverse("public:consultation", args=[consulted.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "第十条 违反本办法的，依法处理。" in page
    assert 'name="website"' in page  # the honeypot is there, out of sight
    assert response.context["page"].days_left == 26


def test_a_person_comments_and_gets_a_tracking_number(client, consulted):
    response = _post(client, consulted, article="2", text="建议明确适用范围。", contact="13800000000")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[comment.tracking_number])
    receipt = client.get(response["Location"]).content.decode()
    assert comment.tracking_number in receipt
    assert "13800000000" not in receipt  # the contact is never shown publicly
    assert comment.article == 2


def test_honeypot_refuses_and_keeps_the_typed_text(client, consulted):
    response = _post(client, consulted, text="我的意见全文", website="http://spam.example")

    assert response.status_code == 400
    assert not Comment.objects.exists()
    assert "我的意见全文" in response.content.decode()


def test_comment_after_the_period_refused_with_the_text_kept(client, org):
    from tests.consultations.conftest import open_consultation

    closed = open_consultation(org, days_before=40, days_after=-10)

    response = _post(client, closed, text="迟到的意见")

    assert response.status_code == 409
    assert not Comment.objects.exists()


def test_lookup_shows_status_and_answer_but_no_personal_data(client, org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见", name="李四", contact="lisi@example.com")
    public.comment_answer(actor=org.clerk, comment=comment, handling="adopted", answer="已采纳并修改第一条。")

    page = client.get(reverse("public:track"), {"number": comment.tracking_number.lower()}).content.decode()

    assert "已采纳并修改第一条。" in page
    assert "李四" not in page and "lisi@example.com" not in page


def test_unknown_tracking_number_is_not_found(client, db):
    assert client.get(reverse("public:track"), {"number": "YJNOSUCH0000"}).status_code == 404


def test_inbox_shows_personal_data_to_the_lead_sponsor_only(client, org, consulted):
    public.comment_submit(record=record_of(consulted), text="意见", contact="lisi@example.com")
    url = reverse("consultations:inbox", args=[consulted.pk])

    client.force_login(org.other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(org.reviewer)  # the legal office sees the decision, not the people who commented
    assert client.get(url).status_code == 404
    client.force_login(org.clerk)
    assert "lisi@example.com" in client.get(url).content.decode()


def test_sponsor_answers_in_the_inbox(client, org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    client.force_login(org.clerk)

    response = client.post(
        reverse("consultations:inbox", args=[consulted.pk]),
        {"action": "answer", "comment": comment.pk, "handling": "not_adopted", "answer": "与上位法不符。"},
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.handling, comment.answer) == ("not_adopted", "与上位法不符。")


def test_public_download_serves_only_the_draft_and_explanation(client, org, consulted):
    draft = services.attachment_upload(
        decision=consulted,
        actor=org.clerk,
        uploaded_file=SimpleUploadedFile("草案.pdf", PDF),
        kind=Attachment.Kind.DRAFT,
    )
    internal = services.attachment_upload(
        decision=consulted,
        actor=org.clerk,
        uploaded_file=SimpleUploadedFile("内部.pdf", PDF),
        kind=Attachment.Kind.OTHER,
    )

    assert client.get(reverse("public:download", args=[draft.pk])).status_code == 200
    assert client.get(reverse("public:download", args=[internal.pk])).status_code == 404


def test_feed_lists_the_open_consultation(client, consulted):
    response = client.get(reverse("public:feed"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert consulted.title in response.content.decode()


def test_catalogue_page_shows_a_published_catalogue_and_its_adjustments(client, org):
    decision = services.decision_register(**org.decision_kwargs())
    catalogue = services.catalogue_draft(actor=org.secretary, government=org.government, year=decision.catalogue_year)
    services.catalogue_include(actor=org.secretary, catalogue=catalogue, decision=decision)
    url = reverse("public:catalogue", args=[org.government.pk, catalogue.year])
    assert client.get(url).status_code == 404  # a draft is not public

    services.catalogue_approve(
        actor=org.secretary, catalogue=catalogue, approved_on=dt.date(2026, 1, 5), approval_reference="市委批复"
    )
    assert client.get(url).status_code == 404  # nor an approved one not yet published
    services.catalogue_publish(actor=org.secretary, catalogue=catalogue)
    services.catalogue_adjust(
        actor=org.secretary, catalogue=catalogue, decision=decision, kind="defer", reason="待上级政策明确后推进。"
    )

    page = client.get(url).content.decode()
    assert decision.title in page
    assert "待上级政策明确后推进。" in page


@override_settings(LANGUAGE_CODE="zh-hans")
def test_public_pages_speak_chinese(client, org, consulted):
    comment = public.comment_submit(record=record_of(consulted), text="意见")
    public.comment_answer(actor=org.clerk, comment=comment, handling="adopted", answer="采纳。")
    pages = [
        reverse("public:index"),
        reverse("public:consultation", args=[consulted.pk]),
        reverse("public:receipt", args=[comment.tracking_number]),
        reverse("public:track") + f"?number={comment.tracking_number}",
    ]
    for url in pages:
        text = re.sub(r"<[^>]+>|&\w+;", " ", client.get(url).content.decode().split("<main", 1)[1].split(">", 1)[1])
        english = set(re.findall(r"\b[a-z]{3,}\b", text, flags=re.IGNORECASE)) - {"YJ", "Art"}
        assert not english, (url, english)
    assert "提交意见" in client.get(pages[1]).content.decode()


def test_hearing_notice_names_time_place_selection_and_participants(client, org, consulted):
    day = timezone.localdate() + dt.timedelta(days=30)
    services.hearing_update(
        decision=consulted,
        actor=org.clerk,
        hearing_on=day,
        hearing_time=dt.time(9, 30),
        place="市政府第一会议室",
        how_to_apply="登录市政府网站报名。",
        notice_published_on=timezone.localdate(),
    )
    services.hearing_participant_add(
        decision=consulted, actor=org.clerk, name="张某", represents="居民代表", selected_how="drawn"
    )
    url = reverse("public:consultation", args=[consulted.pk])
    assert "Not chosen yet." in client.get(url).content.decode()

    services.hearing_update(
        decision=consulted,
        actor=org.clerk,
        selection_method="other",
        selection_detail="自愿报名、随机抽取，兼顾各方代表。",
        participants_published_on=timezone.localdate(),
    )

    page = client.get(url).content.decode()
    assert "市政府第一会议室" in page and "张某" in page and "居民代表" in page
    assert "自愿报名、随机抽取，兼顾各方代表。" in page


def test_admin_shows_comments_read_only_without_personal_data(admin_client, consulted):
    comment = public.comment_submit(
        record=record_of(consulted), text="意见", name="赵六", contact="zhaoliu@example.com"
    )

    page = admin_client.get(reverse("admin:consultations_comment_change", args=[comment.pk])).content.decode()

    assert comment.tracking_number in page
    assert "赵六" not in page and "zhaoliu@example.com" not in page
    assert admin_client.get(reverse("admin:consultations_comment_add")).status_code == 403
