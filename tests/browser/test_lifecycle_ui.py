"""The decision lifecycle in a real browser: what each role sees and does, the refusals with their
articles, the leader's overview, the language switch, and pages that load nothing from outside."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services
from decisions.models import Decision, DecisionEvent, DecisionState, StepKind, StepState
from demo import builder as demo
from tests.factories import national_basis


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def _preparing_with_participation_done(org, **overrides):
    decision = services.decision_start(decision=_register(org, **overrides), actor=org.secretary)
    demo.complete_participation(decision, org)
    return decision


def _step(page, kind):
    return page.locator(f"#step-{kind}")


def _detail(decision) -> str:
    return reverse("decisions:detail", kwargs={"pk": decision.pk})


def test_a_sponsor_clerk_registers_a_decision_and_completes_public_participation(org, log_in):
    page = log_in(org.clerk)
    page.get_by_role("link", name="Register a decision").click()
    page.get_by_label("Title").fill("城市居民生活用水阶梯价格调整")
    page.get_by_label("Category (Art 3)").select_option("public_policy")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("城市居民生活用水阶梯价格调整")
    decision = Decision.objects.get()
    assert (decision.state, decision.registered_by, decision.lead_sponsor) == (
        DecisionState.PROPOSED,
        org.clerk,
        org.sponsor,
    )
    # The government office starts the procedure (Art 10–11); the clerk records the steps.
    services.decision_start(decision=decision, actor=org.secretary)
    page.reload()

    participation = _step(page, StepKind.PUBLIC_PARTICIPATION)
    participation.get_by_text("Edit the record").click()
    start = timezone.localdate() - dt.timedelta(days=40)
    participation.get_by_label("Online call for comments").check()
    participation.get_by_label("Call for comments published on").fill(start.isoformat())
    participation.get_by_label("Comment period starts").fill(start.isoformat())
    participation.get_by_label("Comment period ends").fill((start + dt.timedelta(days=29)).isoformat())
    participation.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Public participation record saved.")).to_be_visible()

    _step(page, StepKind.PUBLIC_PARTICIPATION).get_by_text("Start", exact=True).click()
    _step(page, StepKind.PUBLIC_PARTICIPATION).get_by_role("button", name="Confirm: Start").click()
    # The counts are not typed: the comment inbox writes the summary from the answers (none came in).
    page.get_by_role("link", name="Comment inbox").click()
    page.get_by_role("button", name="Record the summary as the step's record").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.goto(_detail(decision))
    _step(page, StepKind.PUBLIC_PARTICIPATION).get_by_text("Mark done", exact=True).click()
    _step(page, StepKind.PUBLIC_PARTICIPATION).get_by_role("button", name="Confirm: Mark done").click()

    expect(_step(page, StepKind.PUBLIC_PARTICIPATION).locator(".pill")).to_have_text("Done")
    step = decision.steps.get(kind=StepKind.PUBLIC_PARTICIPATION)
    assert step.state == StepState.DONE
    assert (step.participation.comments_count, step.participation.adoption_summary[:2]) == (0, "0 ")


def test_submission_with_unsettled_steps_is_refused_naming_the_article(org, log_in):
    decision = _preparing_with_participation_done(org)
    page = log_in(org.sponsor_head)
    page.goto(_detail(decision))

    # The page says why the action is closed, with the article of each missing step...
    submit = page.locator("#actions .action").filter(has_text="Submit for legality review")
    expect(submit.get_by_role("button", name="Submit for legality review")).to_be_disabled()
    expect(submit).to_contain_text("Expert argument is neither done nor marked not applicable. (Art 19)")
    expect(submit).to_contain_text("Risk assessment is neither done nor marked not applicable. (Art 22)")

    # ...and the server refuses the request even when it is sent anyway.
    with page.expect_navigation() as navigation:
        page.evaluate(
            """url => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = url;
                form.appendChild(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
                document.body.appendChild(form);
                form.submit();
            }""",
            reverse("decisions:transition", kwargs={"pk": decision.pk, "name": "submit_for_review"}),
        )
    assert navigation.value.status == 409  # wrong state for the transition: refused, nothing changed
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Not done:")
    expect(alert).to_contain_text(re.compile(r"\(Art (19|22)\)"))
    decision.refresh_from_db()
    assert decision.state == DecisionState.PREPARING
    assert not DecisionEvent.objects.filter(decision=decision, transition="submit_for_review").exists()


def test_the_clerk_requests_a_waiver_the_head_approves_and_the_leader_sees_why_on_the_overview(org, log_in):
    decision = _preparing_with_participation_done(org, title="中心城区通信基站布局规划")
    basis = national_basis(StepKind.EXPERT_ARGUMENT)
    page = log_in(org.clerk)
    page.goto(_detail(decision))

    # The clerk asks, on a listed legal basis, naming the head who is to approve.
    expert = _step(page, StepKind.EXPERT_ARGUMENT)
    expert.get_by_text("Request not applicable", exact=True).click()
    expert.get_by_label("Reason it does not apply").fill("不涉及专业性、技术性问题，无需专家论证")
    expert.get_by_label(re.compile(r"^Legal basis")).select_option(str(basis.pk))
    expert.get_by_label("To be approved by").select_option(str(org.sponsor_head.pk))
    expert.get_by_role("button", name="Confirm: Request not applicable").click()
    expect(_step(page, StepKind.EXPERT_ARGUMENT).locator(".waiver-request")).to_be_visible()
    assert decision.steps.get(kind=StepKind.EXPERT_ARGUMENT).state != StepState.WAIVED  # nobody approved yet

    # The head approves in their own login; only then is the step not applicable.
    head = log_in(org.sponsor_head)
    head.goto(_detail(decision))
    expert = _step(head, StepKind.EXPERT_ARGUMENT)
    expert.get_by_text("Approve the waiver", exact=True).click()
    expert.get_by_role("button", name="Confirm: Approve the waiver").click()

    expert = _step(head, StepKind.EXPERT_ARGUMENT)
    expect(expert.locator(".pill")).to_have_text("Not applicable")
    expect(expert.locator(".waiver-box")).to_contain_text("不涉及专业性、技术性问题，无需专家论证")
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    assert (step.state, step.waiver_article, step.waiver_approved_by) == (StepState.WAIVED, "Art 19", org.sponsor_head)

    leader = log_in(org.leader)
    leader.get_by_role("link", name="Overview").click()
    waived = leader.locator("#waived + .card table tbody tr")
    expect(waived).to_have_count(1)
    expect(waived).to_contain_text("中心城区通信基站布局规划")
    expect(waived).to_contain_text("Expert argument")
    expect(waived).to_contain_text("不涉及专业性、技术性问题，无需专家论证")
    expect(waived).to_contain_text("Art 19")
    expect(waived).to_contain_text(org.sponsor_head.get_username())
    # The decision's own row carries the same reason behind its "Not applicable" cell.
    row = leader.locator("table.overview tbody tr").filter(has_text="中心城区通信基站布局规划")
    row.locator("summary.cell-waived").click()
    expect(row.locator(".waiver-body")).to_contain_text("不涉及专业性、技术性问题，无需专家论证")


def test_the_language_switch_flips_between_chinese_and_english(org, log_in):
    decision = _preparing_with_participation_done(org)
    page = log_in(org.clerk)
    page.goto(_detail(decision))
    participation = page.locator(f"#step-{StepKind.PUBLIC_PARTICIPATION} h3 .article")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(participation).to_have_text("Art 14")

    # The switch is found by its name: its label is translated too.
    switch = page.locator("select[name=language]")
    expect(switch.locator("option:checked")).to_have_text("English")
    switch.select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(switch.locator("option:checked")).to_have_text("简体中文")
    expect(participation).to_have_text("第十四条")
    assert page.url.endswith(_detail(decision))  # back on the page it was switched from

    switch.select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switch.locator("option:checked")).to_have_text("English")
    expect(participation).to_have_text("Art 14")


def test_pages_load_nothing_from_outside_the_host(org, log_in, watch, live_server):
    decision = _preparing_with_participation_done(org)
    demo.waive(decision, StepKind.RISK_ASSESSMENT, org, reason="不涉及社会稳定风险", article="Art 22")
    page = log_in(org.leader)
    for url in (
        reverse("decisions:list"),
        reverse("decisions:overview"),
        _detail(decision),
        reverse("deadlines:list"),
    ):
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
    # The watch saw the pages and their stylesheet, all from the live server (the fixture fails the
    # test on any other origin).
    stylesheet = f"{live_server.url}/static/css/app.css"
    assert stylesheet in watch.requests
    assert all(url.startswith(live_server.url + "/") for url in watch.requests)
    assert len(watch.requests) >= 6
