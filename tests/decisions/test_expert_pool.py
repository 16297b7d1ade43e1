"""The expert argument's pool, selection and signatures (Art 19–21): who may argue, how they were
chosen, how many independent signed opinions an argument needs, and that the rule holds on every
road (services, the admin's validation, the database, the record's integrity check)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from decisions import integrity, selectors, services
from decisions.api.tokens import api_token_issue
from decisions.choices import RuleCode
from decisions.errors import DecisionError
from decisions.models import (
    DecisionState,
    Expert,
    ExpertOpinion,
    ExpertSelection,
    Role,
    RuleSettings,
    StepKind,
    StepState,
)
from decisions.rules import rules_for
from tests.factories import (
    GovernmentFactory,
    MembershipFactory,
    add_expert_opinion,
    complete,
    decision_in,
    make_org,
    pool_expert,
    select_experts,
    signed_scan,
    start_step,
    today,
)

EA = StepKind.EXPERT_ARGUMENT


@pytest.fixture
def preparing(org):
    decision = decision_in(org, DecisionState.PREPARING)
    start_step(decision, EA, org)
    return decision


def expert_with_login(org, name="周立"):
    user = MembershipFactory(department=org.sponsor, role=Role.EXPERT).user
    expert = pool_expert(org, name, "省交通规划设计院")
    expert.user = user
    expert.full_clean()
    expert.save()
    return expert


def step_of(decision):
    return decision.steps.get(kind=EA)


def require_experts(org, least: int) -> None:
    RuleSettings.objects.update_or_create(government=org.government, defaults={"min_independent_experts": least})


def test_expert_tied_to_sponsor_is_excluded_with_reason(org, preparing):
    tied = pool_expert(org, "赵敏", "市建筑设计院")
    tied.related_departments.add(org.sponsor)
    free = pool_expert(org, "钱进", "市社会科学院")

    chosen = select_experts(preparing, org, tied, free)

    by_expert = {s.expert_id: s for s in chosen}
    assert by_expert[tied.pk].excluded is True
    assert org.sponsor.name in by_expert[tied.pk].exclusion_reason
    assert by_expert[free.pk].excluded is False
    with pytest.raises(DecisionError) as exc:
        add_expert_opinion(preparing, org, expert_name="赵敏", organisation="市建筑设计院")
    assert exc.value.rule == RuleCode.EXPERT_SELECTED


def test_expert_tied_to_a_co_sponsor_is_excluded(org, preparing):
    services.decision_change_sponsors(
        decision=preparing,
        actor=org.secretary,
        lead_sponsor=org.sponsor,
        co_sponsors=[org.other_sponsor],
        reason="增加协办单位。",
    )
    tied = pool_expert(org, "孙力", "民政研究中心")
    tied.related_departments.add(org.other_sponsor)

    (selection,) = select_experts(preparing, org, tied)

    assert selection.excluded and org.other_sponsor.name in selection.exclusion_reason


def test_expert_declaring_an_interest_in_the_matter_is_excluded(org, preparing):
    expert = pool_expert(org, "李华", "某水务公司")

    (selection,) = select_experts(preparing, org, expert, interests={expert.pk: "系供水企业顾问。"})

    assert selection.excluded and "系供水企业顾问" in selection.exclusion_reason


def test_selection_records_method_who_and_when(org, preparing):
    experts = [pool_expert(org, f"专家{i}", "市社会科学院") for i in range(4)]

    drawn = services.expert_select(decision=preparing, actor=org.clerk, method="random", count=3)

    assert len(drawn) == 3 and {s.expert_id for s in drawn} <= {e.pk for e in experts}
    assert all(s.method == "random" and s.chosen_by == org.clerk and s.created_at for s in drawn)


def test_recommended_experts_name_the_recommending_body(org, preparing):
    expert = pool_expert(org)
    with pytest.raises(DecisionError) as exc:
        select_experts(preparing, org, expert, method="recommended")
    assert "recommended_by" in exc.value.fields
    assert not ExpertSelection.objects.exists()


def test_expert_of_another_government_cannot_be_chosen(org, preparing):
    stranger = Expert.objects.create(government=GovernmentFactory(), name="外地专家", field="法学")
    with pytest.raises(DecisionError):
        select_experts(preparing, org, stranger)
    assert not ExpertSelection.objects.exists()


def test_expert_step_needs_a_recorded_selection(org, preparing):
    services.expert_opinion_add(
        decision=preparing, actor=org.clerk, expert_name="王五", opinion="可行。", handling="adopted"
    )
    with pytest.raises(DecisionError) as exc:
        complete(preparing, EA, org)
    assert (exc.value.rule, exc.value.article) == (RuleCode.EXPERT_SELECTION_RECORDED, "Art 20")


def test_expert_step_needs_minimum_independent_signed_opinions(org, preparing):
    require_experts(org, 3)
    add_expert_opinion(preparing, org, expert_name="甲")
    add_expert_opinion(preparing, org, expert_name="乙")
    add_expert_opinion(preparing, org, expert_name="丙", declared_interest=True, interest_detail="亲属任职。")

    with pytest.raises(DecisionError) as exc:
        complete(preparing, EA, org)

    assert (exc.value.rule, exc.value.article) == (RuleCode.EXPERT_MINIMUM_INDEPENDENT, "Art 20")
    assert step_of(preparing).state == StepState.IN_PROGRESS
    add_expert_opinion(preparing, org, expert_name="丁")
    complete(preparing, EA, org)
    assert step_of(preparing).state == StepState.DONE


def test_excluded_expert_is_not_counted(org, preparing):
    require_experts(org, 2)
    add_expert_opinion(preparing, org, expert_name="甲")
    tied = pool_expert(org, "乙", "市社会科学院")
    tied.related_departments.add(org.sponsor)
    select_experts(preparing, org, tied)

    with pytest.raises(DecisionError) as exc:
        complete(preparing, EA, org)
    assert exc.value.rule == RuleCode.EXPERT_MINIMUM_INDEPENDENT


def test_higher_government_minimum_binds_lower(org):
    province = GovernmentFactory(level="province")
    org.government.parent = province
    org.government.save()
    RuleSettings.objects.create(government=province, min_independent_experts=5)
    own = RuleSettings(government=org.government, min_independent_experts=3)

    with pytest.raises(ValidationError) as exc:
        own.full_clean()
    assert "min_independent_experts" in exc.value.message_dict
    own.save()  # a row that got past the form (raw road): the stricter minimum still holds
    assert rules_for(org.government).min_independent_experts == 5


def test_minimum_cannot_go_below_one_in_the_database(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSettings.objects.create(government=org.government, min_independent_experts=0)


def test_expert_signs_own_opinion_in_own_login(org, preparing):
    expert = expert_with_login(org)
    select_experts(preparing, org, expert)

    opinion = services.expert_opinion_sign(
        decision=preparing, actor=expert.user, stance="supports_with_changes", opinion="建议增加过渡期。"
    )

    assert (opinion.expert, opinion.signed_by, opinion.signed_on) == (expert, expert.user, today())
    assert opinion.signed_scan is None
    with pytest.raises(DecisionError):  # another person's login cannot sign for the expert
        services.expert_opinion_sign(decision=preparing, actor=org.clerk, stance="supports", opinion="可行。")


def test_expert_signs_through_their_page(client, org, preparing):
    expert = expert_with_login(org)
    select_experts(preparing, org, expert)
    client.force_login(expert.user)

    response = client.post(
        reverse("decisions:expert_sign", kwargs={"pk": preparing.pk}),
        {"stance": "dissents", "opinion": "不同意收费标准。"},
    )

    assert response.status_code == 302
    assert ExpertOpinion.objects.get(expert=expert).stance == "dissents"


def test_expert_sees_only_arguments_asked(client, org, preparing):
    expert = expert_with_login(org)
    other = decision_in(org, DecisionState.PREPARING, title="另一事项")
    select_experts(preparing, org, expert)
    client.force_login(expert.user)

    assert [s.step.decision for s in selectors.arguments_asked_of(expert.user)] == [preparing]
    page = client.get(reverse("decisions:expert_arguments"))
    assert preparing.title in page.content.decode() and "另一事项" not in page.content.decode()
    assert client.get(reverse("decisions:expert_sign", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("decisions:detail", kwargs={"pk": preparing.pk})).status_code == 404


def test_excluded_expert_cannot_sign(org, preparing):
    expert = expert_with_login(org)
    expert.related_departments.add(org.sponsor)
    select_experts(preparing, org, expert)

    with pytest.raises(DecisionError):
        services.expert_opinion_sign(decision=preparing, actor=expert.user, stance="supports", opinion="可行。")
    assert not ExpertOpinion.objects.exists()


def test_clerk_records_paper_opinion_only_with_signed_scan(org, preparing):
    expert = pool_expert(org)
    select_experts(preparing, org, expert)
    values = {"decision": preparing, "actor": org.clerk, "expert": expert.pk, "stance": "supports", "opinion": "可行。"}

    with pytest.raises(DecisionError) as exc:
        services.expert_opinion_add(signed_on=today(), **values)
    assert exc.value.article == "Art 19" and "signed_scan" in exc.value.fields

    opinion = services.expert_opinion_add(signed_on=today(), signed_scan_id=signed_scan(preparing, org).pk, **values)
    assert opinion.signed_scan.kind == "opinion"


def test_signature_date_not_in_future(org, preparing):
    expert = pool_expert(org)
    select_experts(preparing, org, expert)

    with pytest.raises(DecisionError) as exc:
        services.expert_opinion_add(
            decision=preparing,
            actor=org.clerk,
            expert=expert.pk,
            stance="supports",
            opinion="可行。",
            signed_on=today() + dt.timedelta(days=1),
            signed_scan_id=signed_scan(preparing, org).pk,
        )
    assert (exc.value.rule, exc.value.article) == (RuleCode.EXPERT_OPINION_DATE, "Art 19")
    assert not ExpertOpinion.objects.exists()


def test_dissent_is_recorded(org, preparing):
    opinion = add_expert_opinion(preparing, org, stance="dissents", opinion="收费标准过高，不赞成。")

    assert ExpertOpinion.objects.get(pk=opinion.pk).dissents
    complete(preparing, EA, org)  # a dissent is an opinion like any other: it counts


def test_pool_opinion_states_its_stance(org, preparing):
    with pytest.raises(DecisionError) as exc:
        add_expert_opinion(preparing, org, stance="")
    assert "stance" in exc.value.fields


def test_integrity_flags_done_step_below_minimum(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    assert integrity.findings_for(decision) == []
    step = step_of(decision)
    with connection.cursor() as cursor:  # a road around the service
        cursor.execute("UPDATE decisions_expertopinion SET declared_interest = TRUE WHERE step_id = %s", [step.pk])

    rules = {f.rule for f in integrity.findings_for(decision)}

    assert RuleCode.EXPERT_MINIMUM_INDEPENDENT in rules


def test_integrity_reads_the_government_minimum(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    require_experts(org, 2)

    assert RuleCode.EXPERT_MINIMUM_INDEPENDENT in {f.rule for f in integrity.findings_for(decision)}


def test_database_refuses_exclusion_without_reason(org, preparing):
    (selection,) = select_experts(preparing, org, pool_expert(org))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_expertselection SET excluded = TRUE WHERE id = %s", [selection.pk])


def test_database_refuses_pool_opinion_signed_without_login_or_scan(org, preparing):
    opinion = add_expert_opinion(preparing, org)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_expertopinion SET signed_scan_id = NULL WHERE id = %s", [opinion.pk])


def test_pool_login_must_hold_the_expert_role_of_the_government(org):
    expert = pool_expert(org)
    expert.user = org.clerk
    with pytest.raises(ValidationError) as exc:
        expert.full_clean()
    assert "user" in exc.value.message_dict


def test_expert_of_another_org_sees_nothing(org, preparing):
    other = make_org()
    expert = expert_with_login(other, "吴刚")
    assert selectors.arguments_asked_of(expert.user) == []


def api_as(user, department):
    _token, key = api_token_issue(user=user, department=department, name="OA")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_api_records_selection_with_exclusions(org, preparing):
    cache.clear()  # the API's throttle counts in the cache
    tied = pool_expert(org, "赵敏", "市建筑设计院")
    tied.related_departments.add(org.sponsor)
    free = pool_expert(org, "钱进", "市社会科学院")
    url = f"/api/v1/decisions/{preparing.pk}/steps/expert_argument/selections/"

    response = api_as(org.clerk, org.sponsor).post(
        url, {"method": "chosen", "experts": [tied.pk, free.pk]}, format="json"
    )

    assert response.status_code == 201, response.content
    rows = {row["expert"]: row for row in response.json()}
    assert rows[tied.pk]["excluded"] and rows[tied.pk]["exclusion_reason"]
    assert not rows[free.pk]["excluded"]
    step = api_as(org.clerk, org.sponsor).get(f"/api/v1/decisions/{preparing.pk}/steps/expert_argument/").json()
    assert {row["expert"] for row in step["expert_selections"]} == {tied.pk, free.pk}


def test_expert_signs_own_opinion_through_the_api(org, preparing):
    cache.clear()
    expert = expert_with_login(org)
    select_experts(preparing, org, expert)
    other = decision_in(org, DecisionState.PREPARING, title="另一事项")
    client = api_as(expert.user, org.sponsor)

    listed = client.get("/api/v1/expert/arguments/").json()
    refused = client.post(f"/api/v1/expert/arguments/{other.pk}/opinion/", {"stance": "supports", "opinion": "可行。"})
    signed = client.post(
        f"/api/v1/expert/arguments/{preparing.pk}/opinion/",
        {"stance": "dissents", "opinion": "不赞成。"},
        format="json",
    )

    items = listed["results"] if isinstance(listed, dict) else listed
    assert [row["decision"] for row in items] == [preparing.pk]
    assert refused.status_code == 404
    assert signed.status_code == 201, signed.content
    assert (signed.json()["stance"], signed.json()["signed_by"]) == ("dissents", expert.user.pk)


def test_an_expert_counts_once_however_many_opinions(org, preparing):
    require_experts(org, 2)
    add_expert_opinion(preparing, org, expert_name="甲")
    add_expert_opinion(preparing, org, expert_name="甲", opinion="修改稿仍可行。")  # on a revised draft

    with pytest.raises(DecisionError) as exc:
        complete(preparing, EA, org)
    assert exc.value.rule == RuleCode.EXPERT_MINIMUM_INDEPENDENT


def test_decision_page_shows_exclusion_reason_and_dissent(client, org, preparing):
    tied = pool_expert(org, "赵敏", "市建筑设计院")
    tied.related_departments.add(org.sponsor)
    select_experts(preparing, org, tied)
    add_expert_opinion(preparing, org, stance="dissents", opinion="收费标准过高，不赞成。")
    client.force_login(org.clerk)

    page = client.get(reverse("decisions:detail", kwargs={"pk": preparing.pk})).content.decode()

    assert "赵敏" in page and org.sponsor.name in page
    assert "收费标准过高" in page and 'name="es-method"' in page
