"""One journey per role in a real browser, through the UI only: each starts from the user's to-do list
(我的待办), does the task it finds there, and checks the record. On the way, every main page is
checked with axe-core (no serious or critical violation), screenshotted into ``var/screenshots/``
(test artifacts, not committed), and shown 390 px wide (a phone) without widening the page, with
the menu folded behind its button.

The data each journey starts from is made by the services, as the previous role would have left it.
"""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from decisions import services
from decisions.models import Decision, DecisionState, StepKind, StepState
from demo import builder as demo
from reviews import demo as review_demo
from reviews import services as review_services
from tests.reviews import flow

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
AXE = Axe()
# What axe must never find: the impacts that keep someone from using the page.
BLOCKING = {"serious", "critical"}


# The outermost elements that reach past the right edge (what to fix when the page is too wide).
WIDE = """(() => { const w = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w && e.parentElement.getBoundingClientRect().right <= w)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); })()"""


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def check_page(page, name: str) -> None:
    """The page as it is now: accessible (axe-core), screenshotted, and usable 390 px wide."""
    results = AXE.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{name}: {blocking}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a 390px phone: {page.evaluate(WIDE)}"
        page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    finally:
        page.set_viewport_size(size)


def open_task(page, action: str):
    """From the to-do list, the task named ``action`` (its machine name)."""
    page.get_by_role("link", name="My to-do list").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My to-do list")
    task = page.locator(f'[data-task="{action}"]')
    expect(task).to_have_count(1)
    return task


def test_the_clerk_starts_a_step_from_the_to_do_list(org, log_in):
    decision = services.decision_start(
        decision=_register(org, title="城市居民生活用水阶梯价格调整"), actor=org.secretary
    )
    page = log_in(org.clerk)
    check_page(page, "decision-list")
    page.get_by_role("link", name="My to-do list").click()
    expect(page.locator("[data-task=step_start]")).to_have_count(3)
    expect(page.locator("[data-todo-count]")).to_have_text("3")  # the navigation's count
    check_page(page, "todo")
    page.locator("[data-task=step_start]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(decision.title)
    check_page(page, "decision")
    step = page.locator(f"#step-{StepKind.PUBLIC_PARTICIPATION}")
    step.get_by_text("Start", exact=True).click()
    step.get_by_role("button", name="Confirm: Start").click()
    expect(page.locator(f"#step-{StepKind.PUBLIC_PARTICIPATION} .pill")).to_have_text("In progress")
    assert decision.steps.get(kind=StepKind.PUBLIC_PARTICIPATION).state == StepState.IN_PROGRESS


def test_the_sponsor_head_submits_the_prepared_draft_for_review(org, log_in):
    decision = demo.walk(_register(org), DecisionState.PREPARING, org)
    demo.settle_steps(decision, org)
    page = log_in(org.sponsor_head)
    open_task(page, "submit_for_review").click()
    page.get_by_text("Submit for legality review", exact=True).click()
    page.get_by_role("button", name="Confirm: Submit for legality review").click()
    expect(page.locator(".page-head .badge")).to_have_text("Under legality review")
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.LEGALITY_REVIEW
    page.get_by_role("link", name="My to-do list").click()
    expect(page.locator("[data-task]")).to_have_count(0)


def test_the_reviewer_accepts_a_new_submission(org, log_in):
    decision = flow.submitted(org)
    review_demo.complete_materials(decision, org)
    page = log_in(org.reviewer)
    page.get_by_role("link", name="Legality reviews").click()
    check_page(page, "review-queue")
    open_task(page, "review_accept").click()
    check_page(page, "review")
    page.get_by_role("button", name=re.compile("Accept the submission")).click()
    expect(page.get_by_text("Submission accepted.")).to_be_visible()
    assert flow.review_of(decision).accepted_on is not None


def test_the_legal_head_finds_the_opinion_to_issue(org, log_in):
    decision = flow.accepted(org)
    review_services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")
    page = log_in(org.legal_head)
    open_task(page, "review_issue").click()
    expect(page).to_have_url(re.compile(reverse("reviews:decision", args=[decision.pk]) + "$"))
    expect(page.get_by_text(decision.title).first).to_be_visible()
    page.get_by_role("link", name="Deadlines").click()
    check_page(page, "deadlines")


def test_the_government_office_starts_the_procedure(org, log_in):
    decision = _register(org, title="中心城区停车收费标准调整")
    page = log_in(org.secretary)
    open_task(page, "start").click()
    page.get_by_text("Start the procedure", exact=True).click()
    page.get_by_role("button", name="Confirm: Start the procedure").click()
    expect(page.locator(".page-head .badge")).to_have_text("Preparing the draft")
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.PREPARING


def test_the_leader_reads_the_overview_and_the_figures_on_a_phone(org, log_in):
    demo.walk(_register(org, title="城市居民生活用水阶梯价格调整"), DecisionState.DECIDED, org)
    services.decision_start(decision=_register(org, title="中心城区通信基站布局规划"), actor=org.secretary)
    page = log_in(org.leader)
    page.get_by_role("link", name="Overview").click()
    check_page(page, "overview")
    page.get_by_role("link", name="Annual figures").click()
    check_page(page, "figures")
    page.get_by_role("link", name="My to-do list").click()
    expect(page.get_by_text("Nothing is waiting on you.")).to_be_visible()

    # On a phone the menu folds behind its button, and opens without any script.
    page.set_viewport_size(PHONE)
    page.goto(reverse("decisions:list"))
    overview_link = page.get_by_role("link", name="Overview")
    expect(overview_link).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(overview_link).to_be_visible()
    overview_link.click()
    expect(page).to_have_url(re.compile(reverse("decisions:overview") + "$"))
