"""Whatever sequence of service calls, by whoever, with whatever input, and whatever the other roads
try (a superuser's admin forms, uploads of any kind in any state): no decision reaches the meeting
without the five steps settled, a refused call changes nothing, and the log replays to the state.

How it runs with Django: the machine is driven by ``run_state_machine_as_test`` inside one ordinary
pytest-django test (``django_db``: one transaction around the whole run, rolled back at the end).
- Hypothesis' ``hypothesis.extra.django.TestCase`` would not isolate the examples either: it does so
  through its ``setup_example``/``teardown_example`` hooks, and the state machine's inner ``@given``
  is a plain function with no test-case instance, so the hooks never run per example. Instead each
  example builds its own government (``make_org``) and looks only at its own decision.
- Not ``transaction=True``: the services' ``transaction.atomic`` blocks are then savepoints, which
  roll back a refused call exactly as a transaction would, so the property is the same; but real
  commits would also run every after-commit side effect (opinion letters rendered to PDF and Word
  through Celery's eager mode, deadline notices), which makes 40 examples take minutes. The
  concurrency tests (test_concurrency.py) are the ones that need real transactions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from decisions import integrity, services
from decisions.errors import DecisionError
from decisions.models import (
    DECISION_TRANSITIONS,
    Attachment,
    Decision,
    DecisionState,
    Meeting,
    MeetingOutcome,
    ProcedureStep,
    RiskAssessmentRecord,
    StepKind,
    StepState,
)
from reviews import demo as review_demo
from reviews import services as review_services
from reviews.gates import current_review
from reviews.models import Conclusion
from tests.factories import (
    ADOPTION,
    answer_changes,
    decision_in,
    expert_values,
    hearing_day,
    hold_hearing,
    make_org,
    meeting_positions,
    meeting_values,
    national_basis,
    participation_values,
    report_progress,
    risk_values,
    snapshot,
    today,
    transition_payload,
    write_opinion,
)

PEOPLE = ("clerk", "sponsor_head", "other_clerk", "reviewer", "legal_head", "secretary", "leader")
STEP_ACTIONS = ("start", "complete", "waive", "reopen")
STARTS = (DecisionState.PROPOSED, DecisionState.PREPARING, DecisionState.LEGALITY_REVIEW)


def atomically(*calls):
    """Several service calls as one move: all of them, or (refused) none."""

    def run() -> None:
        with transaction.atomic():
            for call in calls:
                call()

    return run


def broken_payload(org, name: str, variant: int) -> dict:
    """A payload for ``name`` that the service must refuse as bad input."""
    payload = dict(transition_payload(org, name))
    if "reason" in payload:
        return payload | {"reason": " "} if variant % 2 else {k: v for k, v in payload.items() if k != "reason"}
    if name == "record_outcome":
        return [
            payload | {"outcome": "postponed"},
            payload | {"positions": meeting_positions("against", "against", "for"), "head_reasons": ""},
            payload | {"positions": []},
            payload | {"held_on": today() + dt.timedelta(days=3)},
        ][variant % 4]
    if name == "publish":
        return payload | {"in_gazette": False, "website_url": ""}
    if name == "begin_implementation":
        return payload | {"executing_unit": None}
    return payload | {"state": DecisionState.DECIDED}


class LifecycleMachine(RuleBasedStateMachine):
    """One decision per example. ``advance`` is the people doing their work: the next move along the
    contract from the current state, with the records it needs, by (mostly) the right person. The
    ``any_*`` rules are everything else: any call, in any state, by anyone, with any input, so that
    what ``advance`` relies on is spoiled between its moves (steps reopened, records left incomplete,
    a different opinion written, ...), and every gate has to hold on its own."""

    def __init__(self) -> None:
        super().__init__()
        self.org = make_org()
        self.admin = get_user_model().objects.create_superuser(f"admin-{self.org.government.pk}", password=None)

    @initialize(start=st.sampled_from(STARTS))
    def bring_a_decision(self, start) -> None:
        self.decision = decision_in(self.org, start)
        self.current = self.decision.state
        # The records as the last call left them: the "before" of the next call.
        self.records = snapshot(self.decision)

    # ----------------------------------------------------------------- the harness

    def everyone(self) -> list:
        return [getattr(self.org, name) for name in PEOPLE]

    def person(self, data, right: str):
        """Mostly the right person for the call, otherwise anyone (wrong roles included)."""
        if data.draw(st.integers(0, 5), label="anyone") == 5:
            return data.draw(st.sampled_from(self.everyone()), label="actor")
        return getattr(self.org, right)

    def decision_events(self) -> int:
        return sum(1 for _pk, _step, transition in self.records["events"] if transition in DECISION_TRANSITIONS)

    def attempt(self, label: str, call) -> bool:
        """Run one service call; a refused call must leave every record as it was."""
        before = self.records
        try:
            call()
        except DecisionError as exc:
            self.records = snapshot(self.decision)
            changed = sorted(key for key in before if before[key] != self.records[key])
            assert not changed, f"{label} was refused ({exc.code}: {exc}) but changed {changed}"
            return False
        else:
            self.records = snapshot(self.decision)
            return True
        finally:
            self.current = dict(self.records["decision"][0])["state"]

    def fire(self, data, name: str, *, broken: bool = False, **extra) -> bool:
        """A decision transition by name; exactly one decision event if it went through, none if not."""
        if name not in DECISION_TRANSITIONS:
            payload = {"actor": self.org.leader}
        elif broken:
            payload = broken_payload(self.org, name, data.draw(st.integers(0, 3), label="variant"))
        else:
            payload = dict(transition_payload(self.org, name)) | extra
        payload["actor"] = self.person(data, PEOPLE[self.everyone().index(payload["actor"])])
        events = self.decision_events()

        moved = self.attempt(
            f"transition {name}",
            lambda: services.decision_transition(decision=self.decision, name=name, **payload),
        )

        assert self.decision_events() == events + (1 if moved else 0)
        return moved

    # ----------------------------------------------------------------- people doing their work

    @rule(data=st.data())
    def advance(self, data) -> None:
        state = self.current
        if state == DecisionState.PREPARING:
            self.prepare(data)
            self.fire(data, "submit_for_review")
        elif state == DecisionState.LEGALITY_REVIEW:
            # Returning the draft is left to any_transition (and to an unlawful opinion).
            self.review(data)
            self.fire(data, "clear_for_meeting")
        elif state == DecisionState.AWAITING_DECISION:
            outcome = data.draw(st.sampled_from(MeetingOutcome.values), label="outcome")
            # The members' positions agree with the outcome: the head needs no reasons (Art 30).
            self.fire(data, "record_outcome", outcome=outcome, positions=meeting_values(outcome)["positions"])
        elif state == DecisionState.IMPLEMENTING:
            name = data.draw(st.sampled_from(["suspend", "adjust", "archive"]), label="then")
            if name == "archive" and data.draw(st.booleans(), label="report first"):
                self.attempt("execution report", lambda: report_progress(self.decision, self.org))
            self.fire(data, name)
        else:
            forward = {
                DecisionState.PROPOSED: "start",
                DecisionState.DEFERRED: "resume",
                DecisionState.DECIDED: "publish",
                DecisionState.PUBLISHED: "begin_implementation",
                DecisionState.SUSPENDED: "resume_implementation",
            }
            # From rejected, withdrawn and archived: archiving (refused once archived).
            self.fire(data, forward.get(state, "archive"))

    def prepare(self, data) -> None:
        """The sponsor settles the steps: a pending step is started, recorded in full and completed,
        or marked not applicable; a step already in progress is completed as its record stands.
        Now and then a step is left alone, and the draft is submitted all the same."""
        clerk = self.org.clerk
        for step in self.decision.steps.all():
            kind = step.kind
            if data.draw(st.integers(0, 5), label=f"leave {kind} alone") == 5:
                continue
            if step.state == StepState.PENDING:
                self.attempt(
                    "step start", lambda k=kind: services.step_start(decision=self.decision, kind=k, actor=clerk)
                )
                if data.draw(st.integers(0, 3), label=f"waive {kind}") == 3:
                    # Requested by the clerk, then approved by someone: the named approver, mostly.
                    approver = data.draw(st.sampled_from([self.org.sponsor_head, self.org.leader, clerk]))
                    self.attempt(
                        "waiver request",
                        lambda k=kind, a=approver: services.waiver_request(
                            decision=self.decision,
                            kind=k,
                            actor=clerk,
                            reason="不适用。",
                            basis=national_basis(k),
                            approver=a,
                        ),
                    )
                    by = self.person(data, "sponsor_head") if approver == clerk else approver
                    self.attempt(
                        "waiver approve",
                        lambda k=kind, b=by: services.waiver_approve(decision=self.decision, kind=k, actor=b),
                    )
                    continue
                self.attempt(f"{kind} record", lambda k=kind: self.full_record(k))
            if step.state in (StepState.PENDING, StepState.IN_PROGRESS):
                self.attempt(
                    "step complete", lambda k=kind: services.step_complete(decision=self.decision, kind=k, actor=clerk)
                )

    def full_record(self, kind: str) -> None:
        clerk = self.org.clerk
        if kind == StepKind.PUBLIC_PARTICIPATION:
            services.participation_update(decision=self.decision, actor=clerk, **participation_values())
            services.participation_record_adoption(decision=self.decision, actor=clerk, **ADOPTION)
        elif kind == StepKind.RISK_ASSESSMENT:
            services.risk_update(decision=self.decision, actor=clerk, **risk_values())
        else:
            services.expert_opinion_add(decision=self.decision, actor=clerk, **expert_values())

    def review(self, data) -> None:
        """The legal office's next moves on the current round (one to three of: opinion written,
        issued, changes answered); each several review calls made as one atomic move, so a refused
        move, too, must change nothing."""
        for _move in range(3 - data.draw(st.integers(0, 2), label="moves left out")):
            review = current_review(self.decision)
            if self.current != DecisionState.LEGALITY_REVIEW or review is None:
                return
            if not review.is_accepted:
                conclusion = data.draw(st.sampled_from(Conclusion.values), label="conclusion")
                move = atomically(lambda c=conclusion: write_opinion(self.decision, self.org, c))
            elif not review.is_issued:
                head = self.person(data, "legal_head")
                move = atomically(
                    lambda: review_demo.shorten_minimum_for_demo(self.decision, self.org),
                    lambda h=head: review_services.review_issue_opinion(decision=self.decision, actor=h),
                )
            elif review.conclusion == Conclusion.LAWFUL_WITH_CHANGES and review.changes_confirmed_at is None:
                answer = review_demo.answer_and_confirm if data.draw(st.booleans(), label="confirm") else answer_changes
                move = atomically(lambda a=answer: a(self.decision, self.org))
            else:
                return
            self.attempt("review move", move)

    # ----------------------------------------------------------------- anything else

    @rule(data=st.data(), name=st.sampled_from([*DECISION_TRANSITIONS, "approve"]), broken=st.booleans())
    def any_transition(self, data, name, broken) -> None:
        """Any transition name (or none of the contract), from any state, by anyone, any input."""
        if name == "record_outcome" and not broken:
            self.fire(data, name, outcome=data.draw(st.sampled_from(MeetingOutcome.values), label="outcome"))
        else:
            self.fire(data, name, broken=broken)

    @rule(
        data=st.data(),
        kind=st.sampled_from([*StepKind.values, "legality_review"]),
        action=st.sampled_from([*STEP_ACTIONS, "finish"]),
    )
    def any_step_action(self, data, kind, action) -> None:
        """Any step action, in any state, by anyone, with complete or incomplete waiver input."""
        actor = self.person(data, "clerk")
        payload: dict = {}
        if action == "waive":
            bases = [None, *(national_basis(k) for k in StepKind.values)]
            payload = {
                "reason": data.draw(st.sampled_from(["不涉及。", " ", ""]), label="reason"),
                "basis": data.draw(st.sampled_from(bases), label="basis"),
                "approver": data.draw(st.sampled_from([None, *self.everyone()]), label="approver"),
            }
        elif action == "reopen":
            payload = {"reason": data.draw(st.sampled_from(["草案重大修改。", ""]), label="reason")}
        self.attempt(
            f"step {action}",
            lambda: services.step_action(decision=self.decision, kind=kind, action=action, actor=actor, **payload),
        )

    @rule(data=st.data(), kind=st.sampled_from(StepKind.values), act=st.sampled_from(["approve", "refuse", "withdraw"]))
    def any_waiver_answer(self, data, kind, act) -> None:
        """Any answer to a step's waiver request, by anyone, in any state."""
        actor = data.draw(st.sampled_from(self.everyone()), label="actor")
        payload = {"reason": data.draw(st.sampled_from(["理由。", ""]), label="reason")} if act != "approve" else {}
        self.attempt(
            f"waiver {act}",
            lambda: services.WAIVER_DECISIONS[act](decision=self.decision, kind=kind, actor=actor, **payload),
        )

    @rule(data=st.data(), record=st.sampled_from(["participation", "risk", "expert"]))
    def any_step_record(self, data, record) -> None:
        """A step record written in any state, by anyone, complete or not (e.g. a short period without
        its reason, an unsigned or interested expert, a high risk without measures or judgement)."""
        actor = self.person(data, "clerk")
        if record == "participation":
            days = data.draw(st.sampled_from([10, 29, 30, 45]), label="days")
            hearing = data.draw(st.booleans(), label="hearing")
            values = participation_values(days=days, hearing=hearing)
            if data.draw(st.booleans(), label="shortened reason"):
                values["shortened_period_reason"] = "情况紧急，理由已公布。"
            adoption = (
                {**ADOPTION, "adoption_summary": ""} if data.draw(st.booleans(), label="no summary") else ADOPTION
            )
            if data.draw(st.booleans(), label="still open"):
                values["period_end"] = today() + dt.timedelta(days=5)
                values["period_start"] = values["period_end"] - dt.timedelta(days=days - 1)
            late = (
                {"materials_sent_on": hearing_day() - dt.timedelta(days=2)}
                if hearing and data.draw(st.booleans(), label="late materials")
                else {}
            )

            def call():
                # One act of the sponsor's: a refusal of any of its writes leaves the record as it was.
                with transaction.atomic():
                    services.participation_update(decision=self.decision, actor=actor, **values)
                    services.participation_record_adoption(decision=self.decision, actor=actor, **adoption)
                    if hearing:
                        hold_hearing(self.decision, self.org, **late)

        elif record == "risk":
            values = risk_values(
                level=data.draw(st.sampled_from(["low", "medium", "high", ""]), label="level"),
                controllable=data.draw(st.sampled_from([True, False, None]), label="controllable"),
            )
            if data.draw(st.booleans(), label="no measures"):
                values.update(measures="", contingency_plan="")
            call = lambda: services.risk_update(decision=self.decision, actor=actor, **values)  # noqa: E731
        else:
            interest = data.draw(st.booleans(), label="interest")
            handling = data.draw(st.sampled_from(["adopted", "partly", "", "ignored"]), label="handling")
            values = expert_values(
                signed_on=today() if data.draw(st.booleans(), label="signed") else None,
                declared_interest=interest,
                interest_detail="系利害关系人。" if interest and data.draw(st.booleans(), label="detail") else "",
                handling=handling,
                handling_reason="超出范围。" if data.draw(st.booleans(), label="handling reason") else "",
            )
            call = lambda: services.expert_opinion_add(decision=self.decision, actor=actor, **values)  # noqa: E731
        self.attempt(f"{record} record", call)

    @rule(data=st.data(), call=st.sampled_from(["write", "issue", "confirm", "return"]))
    def any_review_call(self, data, call) -> None:
        """A single review call in any state, by anyone."""
        actor = data.draw(st.sampled_from(self.everyone()), label="actor")
        calls = {
            "write": lambda: review_services.review_record_opinion(
                decision=self.decision,
                actor=actor,
                conclusion=data.draw(st.sampled_from([*Conclusion.values, "ok"]), label="conclusion"),
                reasons=data.draw(st.sampled_from(["符合规定。", ""]), label="reasons"),
                legal_risk=data.draw(st.sampled_from(["存在法律风险。", ""]), label="legal risk"),
            ),
            "issue": lambda: review_services.review_issue_opinion(decision=self.decision, actor=actor),
            "confirm": lambda: review_services.review_confirm_changes(decision=self.decision, actor=actor),
            "return": lambda: review_services.review_return(decision=self.decision, actor=actor, reason="退回。"),
        }
        self.attempt(f"review {call}", calls[call])

    # ----------------------------------------------------------------- the other roads

    @rule(data=st.data(), part=st.sampled_from(["decision", "step", "risk", "meeting"]))
    def admin_edit(self, data, part) -> None:
        """A superuser posts the admin's change form of a part of the record: always refused (the
        procedural record is read-only there), nothing changes."""
        rows = {
            "decision": Decision.objects.filter(pk=self.decision.pk),
            "step": ProcedureStep.objects.filter(decision=self.decision),
            "risk": RiskAssessmentRecord.objects.filter(step__decision=self.decision),
            "meeting": Meeting.objects.filter(decision=self.decision),
        }[part]
        row = rows.order_by("pk").first()
        if row is None:
            return
        meta = row._meta
        values = {"state": "decided", "controllable": "2", "lead_sponsor": self.org.other_sponsor.pk, "dissent": ""}
        client = Client()
        client.force_login(self.admin)
        before = self.records
        response = client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]), values)
        assert response.status_code == 403, f"the admin accepted a change to {meta.label}"
        assert snapshot(self.decision) == before

    @rule(data=st.data(), kind=st.sampled_from(Attachment.Kind.values))
    def upload(self, data, kind) -> None:
        """Any file of any kind, by anyone: accepted only where the state takes that kind."""
        allowed = services.upload_kinds(Decision.objects.get(pk=self.decision.pk))
        actor = self.person(data, "clerk")
        accepted = self.attempt(
            f"upload {kind}",
            lambda: services.attachment_upload(
                decision=self.decision,
                actor=actor,
                uploaded_file=SimpleUploadedFile("文件.pdf", b"%PDF-1.7\n" + kind.encode()),
                kind=kind,
            ),
        )
        assert not accepted or kind in allowed, f"a {kind} file was filed in a decision that is {self.current}"

    # ----------------------------------------------------------------- invariants

    @invariant()
    def every_rule_of_the_record_holds(self) -> None:
        """The production statement of the invariants (decisions.integrity), in place of this test's
        own: the log replays to the decision's and each step's state, every event is allowed by the
        contract, every gate on the road to the state still holds (no decision past the review
        without its three steps settled, no uncontrollable risk, an issued opinion of its latest
        submission that allows the meeting with its changes confirmed, a meeting per outcome, ...),
        the sponsors belong to the government. tests/decisions/test_integrity.py shows each rule
        finds the damage it names, so this invariant is not vacuous."""
        findings = integrity.findings_for(self.decision)
        assert findings == [], [(f.rule, f.message) for f in findings]


@pytest.mark.django_db
def test_lifecycle_invariants_hold_for_any_sequence_of_service_calls():
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            database=None,  # a shared checkout: keep no example database in .hypothesis/
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
