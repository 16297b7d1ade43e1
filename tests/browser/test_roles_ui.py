"""One journey per role in a real browser, through the UI only: each starts from the user's to-do list
(我的待办), does the task it finds there, and checks the record. On the way, every main page is
checked to speak Chinese only (the journeys run in zh-hans; no English word outside a small
allow-list of file types, codes, numbers and test user names), with axe-core (no serious or critical violation), screenshotted into ``var/screenshots/``
(test artifacts, not committed), and shown 390 px wide (a phone) without widening the page, with
the menu folded behind its button.

The data each journey starts from is made by the services, as the previous role would have left it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from decisions import services
from decisions.models import Decision, DecisionState, StepKind, StepState
from demo import builder as demo
from reviews import demo as review_demo
from reviews import services as review_services
from tests.browser.conftest import translated
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


# The pages are read in Chinese, as the officials read them.
LANGUAGE = "zh-hans"

# Latin-script words a Chinese page may show: file types and digests, the decision-code and
# number formats, a file's name extension and digest, the top bar's language switch, and the test
# data's user names (user12…).
ALLOWED_WORDS = {"PDF", "Word", "Excel", "SHA", "English"}
ALLOWED_PATTERN = re.compile(
    r"user\d+|[A-Z]{1,4}-?\d[A-Za-z0-9-]*|\d[A-Za-z0-9.:-]*|\.(?:docx|pdf|xlsx|zip)\b|\b[0-9a-f]{12,64}\b"
)
# The visible text of the page (what a reader sees), plus the words shown in form controls.
VISIBLE_TEXT = """(() => [document.body.innerText,
  ...[...document.querySelectorAll('input[placeholder], textarea[placeholder]')].map(e => e.placeholder),
  ...[...document.querySelectorAll('input[type=submit], input[type=button]')].map(e => e.value),
].join('\\n'))()"""


@pytest.fixture
def language() -> str:
    return LANGUAGE


def t(msgid: str) -> str:
    """``msgid`` as the Chinese pages show it."""
    return translated(LANGUAGE, msgid)


def confirm(action: str) -> str:
    """The label of the button that confirms ``action`` (decisions/_action.html)."""
    return f"{t('Confirm')}: {t(action)}"


def english_words(text: str) -> list[str]:
    """The Latin-script words of ``text`` that are not on the allow-list."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9.:_-]*", ALLOWED_PATTERN.sub(" ", text))
    return sorted({w.strip(".:-") for w in words} - ALLOWED_WORDS - {""})


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def check_page(page, name: str) -> None:
    """The page as it is now: all in Chinese (no English word outside the allow-list), accessible
    (axe-core), screenshotted, and usable 390 px wide."""
    lines = page.evaluate(VISIBLE_TEXT).splitlines()
    english = [line for line in lines if english_words(line)]
    assert not english, f"{name} shows English words: {english_words(chr(10).join(english))} in {english[:8]}"
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
    page.get_by_role("link", name=t("My to-do list")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("My to-do list"))
    task = page.locator(f'[data-task="{action}"]')
    expect(task).to_have_count(1)
    return task


def test_the_clerk_starts_a_step_from_the_to_do_list(org, log_in):
    decision = services.decision_start(
        decision=_register(org, title="城市居民生活用水阶梯价格调整"), actor=org.secretary
    )
    page = log_in(org.clerk)
    check_page(page, "decision-list")
    page.get_by_role("link", name=t("My to-do list")).click()
    expect(page.locator("[data-task=step_start]")).to_have_count(3)
    expect(page.locator("[data-todo-count]")).to_have_text("3")  # the navigation's count
    check_page(page, "todo")
    page.locator("[data-task=step_start]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(decision.title)
    check_page(page, "decision")
    step = page.locator(f"#step-{StepKind.PUBLIC_PARTICIPATION}")
    step.get_by_text(t("Start"), exact=True).click()
    step.get_by_role("button", name=confirm("Start")).click()
    expect(page.locator(f"#step-{StepKind.PUBLIC_PARTICIPATION} .pill")).to_have_text(t("In progress"))
    assert decision.steps.get(kind=StepKind.PUBLIC_PARTICIPATION).state == StepState.IN_PROGRESS


def test_the_sponsor_head_submits_the_prepared_draft_for_review(org, log_in):
    decision = demo.walk(_register(org), DecisionState.PREPARING, org)
    demo.settle_steps(decision, org)
    page = log_in(org.sponsor_head)
    open_task(page, "submit_for_review").click()
    page.get_by_text(t("Submit for legality review"), exact=True).click()
    page.get_by_role("button", name=confirm("Submit for legality review")).click()
    expect(page.locator(".page-head .badge")).to_have_text(t("Under legality review"))
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.LEGALITY_REVIEW
    page.get_by_role("link", name=t("My to-do list")).click()
    expect(page.locator("[data-task]")).to_have_count(0)


def test_the_reviewer_accepts_a_new_submission(org, log_in):
    decision = flow.submitted(org)
    review_demo.complete_materials(decision, org)
    page = log_in(org.reviewer)
    page.get_by_role("link", name=t("Legality reviews")).click()
    check_page(page, "review-queue")
    open_task(page, "review_accept").click()
    check_page(page, "review")
    page.get_by_role("button", name=t("Accept the submission (starts the review clock)")).click()
    expect(page.get_by_text(t("Submission accepted."))).to_be_visible()
    assert flow.review_of(decision).accepted_on is not None


def test_the_legal_head_finds_the_opinion_to_issue(org, log_in):
    decision = flow.accepted(org)
    review_services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")
    page = log_in(org.legal_head)
    open_task(page, "review_issue").click()
    expect(page).to_have_url(re.compile(reverse("reviews:decision", args=[decision.pk]) + "$"))
    expect(page.get_by_text(decision.title).first).to_be_visible()
    page.get_by_role("link", name=t("Deadlines")).click()
    check_page(page, "deadlines")


def test_the_government_office_starts_the_procedure(org, log_in):
    decision = _register(org, title="中心城区停车收费标准调整")
    page = log_in(org.secretary)
    open_task(page, "start").click()
    page.get_by_text(t("Start the procedure"), exact=True).click()
    page.get_by_role("button", name=confirm("Start the procedure")).click()
    expect(page.locator(".page-head .badge")).to_have_text(t("Preparing the draft"))
    assert Decision.objects.get(pk=decision.pk).state == DecisionState.PREPARING


def test_the_leader_reads_the_overview_and_the_figures_on_a_phone(org, log_in):
    demo.walk(_register(org, title="城市居民生活用水阶梯价格调整"), DecisionState.DECIDED, org)
    services.decision_start(decision=_register(org, title="中心城区通信基站布局规划"), actor=org.secretary)
    page = log_in(org.leader)
    page.get_by_role("link", name=t("Overview")).click()
    check_page(page, "overview")
    page.get_by_role("link", name=t("Annual figures")).click()
    check_page(page, "figures")
    page.get_by_role("link", name=t("My to-do list")).click()
    expect(page.get_by_text(t("Nothing is waiting on you."))).to_be_visible()

    # On a phone the menu folds behind its button, and opens without any script.
    page.set_viewport_size(PHONE)
    page.goto(reverse("decisions:list"))
    overview_link = page.get_by_role("link", name=t("Overview"))
    expect(overview_link).to_be_hidden()
    page.locator("label.menu-button").click()
    expect(overview_link).to_be_visible()
    overview_link.click()
    expect(page).to_have_url(re.compile(reverse("decisions:overview") + "$"))
