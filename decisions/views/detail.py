"""The decision's page: its whole record, and the actions the user's role may take now, with the
rule and article when a gate is closed (``selectors.available_transitions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from decisions import changes, extensions, forms, permissions, selectors, services
from decisions.choices import STEP_ARTICLE, EventType
from decisions.http import AuthenticatedRequest
from decisions.models import (
    Decision,
    DecisionState,
    Meeting,
    ParticipationRecord,
    Role,
    StepKind,
    StepState,
    WaiverRequestStatus,
)
from decisions.presentation import (
    STEP_ACTION_LABELS,
    STEP_EVENT_LABELS,
    TRANSITION_LABELS,
    Reason,
    article_label,
    join_names,
    reasons,
    sorted_steps,
    step_marks,
    waiver_basis_label,
    waiver_requester,
)
from decisions.rules import rules_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    from decisions.selectors import MeetingColumns


# Who does a transition reserved to the government's head (Art 37).
HEAD_LABEL = _lazy("Government head")

WAIVER_ACT_LABELS = {
    "approve": _lazy("Approve the waiver"),
    "refuse": EventType.REFUSE_WAIVER.label,
    "withdraw": EventType.WITHDRAW_WAIVER_REQUEST.label,
}


@dataclass
class Action:
    name: str
    label: StrOrPromise  # kept lazy: translated when the page renders
    url: str
    form: django_forms.Form | None = None
    refusals: list[Reason] = field(default_factory=list)
    grave: bool = False
    open: bool = False


@dataclass
class StepPanel:
    step: Any
    article: str
    record_form: django_forms.Form | None = None
    record_url: str = ""
    record_open: bool = False
    actions: list[Action] = field(default_factory=list)
    opinions: list = field(default_factory=list)
    # Art 20: the experts chosen for the argument (the excluded with their reasons), the form that
    # records a choice, and how many independent signed opinions the government requires.
    selections: list = field(default_factory=list)
    selection_form: django_forms.Form | None = None
    selection_url: str = ""
    selection_open: bool = False
    min_independent_experts: int = 0
    methods_text: str = ""
    waiver_article: str = ""
    waiver_approver: str = ""
    waiver_requester: str = ""
    # The step's latest waiver request (awaiting approval, refused or withdrawn) while it is open,
    # with what the approver (approve, refuse) or the requester (withdraw) may do with it.
    waiver_request: Any = None
    waiver_request_basis: str = ""
    waiver_actions: list[Action] = field(default_factory=list)
    # The participation step's hearing (Art 16–17), its participants and the sponsor's forms.
    hearing: Any = None
    hearing_participants: list = field(default_factory=list)
    hearing_forms: list[HearingAct] = field(default_factory=list)


@dataclass
class HearingAct:
    """One of the sponsor's forms on the hearing: the hearing itself, a participant, the scan, or
    one participant's answer to the record."""

    slot: str
    label: str
    form: django_forms.Form
    url: str
    open: bool = False
    multipart: bool = False


@dataclass
class MeetingPanel:
    meeting: Meeting
    correction_form: django_forms.Form | None = None
    correction_url: str = ""
    correction_open: bool = False


class DetailPage:
    """Everything the detail page shows, built from one read of the decision. ``bound`` replaces the
    blank form of one slot with the submitted one (after a refusal), ``error`` is the refusal."""

    def __init__(
        self, request: AuthenticatedRequest, pk: int, *, bound: dict | None = None, error: Reason | None = None
    ):
        self.request = request
        self.user = request.user
        self.decision = selectors.decision_detail(request.user, pk)
        self.bound = bound or {}
        self.error = error

    def _form(self, slot: str, factory):
        return self.bound.get(slot) or factory()

    def _url(self, view: str, **kwargs) -> str:
        return reverse(f"decisions:{view}", kwargs={"pk": self.decision.pk, **kwargs})

    def transitions(self) -> tuple[list[Action], list[dict]]:
        """The transitions open in this state: those the user may do, with their form or, when a
        gate is closed, why; and the others, with who does them (selectors.available_transitions)."""
        decision = self.decision
        mine, others = [], []
        for option in selectors.available_transitions(self.user, decision):
            if not option.state_ok:
                continue
            spec = option.spec
            if not option.role_ok:
                # Art 37: the head's transitions name the head, not every leader.
                roles = [HEAD_LABEL] if spec.by_head else [Role(role).label for role in sorted(spec.roles)]
                others.append({"label": spec.label, "roles": roles})
                continue
            slot = f"transition:{spec.name}"
            mine.append(
                Action(
                    name=spec.name,
                    label=spec.label,
                    url=self._url("transition", name=spec.name),
                    form=self._form(slot, lambda n=spec.name: forms.transition_form(n, decision)),
                    refusals=reasons(option.refusals),
                    grave=spec.grave,
                    open=slot in self.bound,
                )
            )
        return mine, others

    def steps(self) -> list[StepPanel]:
        decision = self.decision
        # Steps change only while the draft is being prepared: only then is the role asked.
        options = (
            selectors.available_step_actions(self.user, decision) if decision.state == DecisionState.PREPARING else []
        )
        may_step = bool(options) and options[0].role_ok
        approvers = selectors.waiver_approvers(decision, excluding=self.user) if may_step else []
        requests = selectors.latest_waiver_requests(decision)
        step_actions: dict[int, list[selectors.StepActionOption]] = {}
        for option in options if may_step else []:
            if option.state_ok:
                step_actions.setdefault(option.step.pk, []).append(option)
        panels = []
        for step in sorted_steps(decision):
            panel = StepPanel(step=step, article=article_label(STEP_ARTICLE[step.kind]))
            if step.state == StepState.WAIVED:
                panel.waiver_article = waiver_basis_label(step)
                panel.waiver_approver = forms.user_label(step.waiver_approved_by) if step.waiver_approved_by else ""
                panel.waiver_requester = waiver_requester(step)
            else:
                self._waiver_request(step, panel, requests.get(step.pk))
            if step.kind == StepKind.EXPERT_ARGUMENT:
                panel.opinions = list(step.expert_opinions.all())
                panel.selections = list(step.expert_selections.all())
                panel.min_independent_experts = rules_for(self.decision.government).min_independent_experts
            record = getattr(step, "participation", None) if step.kind == StepKind.PUBLIC_PARTICIPATION else None
            if step.kind == StepKind.PUBLIC_PARTICIPATION:
                panel.hearing = getattr(step, "hearing", None)
                panel.hearing_participants = list(panel.hearing.participants.all()) if panel.hearing else []
            if record is not None:
                labels = dict(ParticipationRecord.Method.choices)
                panel.methods_text = join_names(str(labels.get(method, method)) for method in record.methods)
            editable = may_step and step.state in (StepState.PENDING, StepState.IN_PROGRESS)
            if editable:
                self._record_form(step, panel)
            for option in step_actions.get(step.pk, []):
                slot = f"step:{step.kind}:{option.name}"
                panel.actions.append(
                    Action(
                        name=option.name,
                        label=STEP_ACTION_LABELS[option.name],
                        url=self._url("step_action", kind=step.kind, action=option.name),
                        form=self._form(
                            slot,
                            lambda k=step.kind, a=option.name: forms.step_action_form(
                                k,
                                a,
                                approvers=approvers,
                                bases=selectors.waiver_bases(decision, k) if a == "waive" else (),
                            ),
                        ),
                        refusals=reasons(option.refusals),
                        grave=option.name == "waive",
                        open=slot in self.bound,
                    )
                )
            panels.append(panel)
        return panels

    def _waiver_request(self, step, panel: StepPanel, request) -> None:
        """The request shown on an open step's panel, and the answers open to the user: the named
        approver approves or refuses, the requester withdraws (decisions.services.waivers)."""
        if request is None or request.status == WaiverRequestStatus.APPROVED:
            # An approved request belongs to a waiver since withdrawn by reopening: the history has it.
            return
        panel.waiver_request = request
        label = article_label(request.basis.citation)
        panel.waiver_request_basis = (
            _("%(article)s; note: %(note)s") % {"article": label, "note": request.basis_note}
            if request.basis_note
            else label
        )
        if not request.is_open:
            return
        acts = []
        if self.user.pk == request.approver_id:
            acts += ["approve", "refuse"]
        if self.user.pk == request.requested_by_id:
            acts.append("withdraw")
        for act in acts:
            slot = f"waiver:{step.kind}:{act}"
            panel.waiver_actions.append(
                Action(
                    name=act,
                    label=WAIVER_ACT_LABELS[act],
                    url=self._url("waiver_decide", kind=step.kind, act=act),
                    form=self._form(slot, lambda k=step.kind, a=act: forms.waiver_decision_form(k, a)),
                    grave=act == "approve",
                    open=slot in self.bound,
                )
            )

    def _record_form(self, step, panel: StepPanel) -> None:
        kind = step.kind
        if kind == StepKind.PUBLIC_PARTICIPATION:
            record = getattr(step, "participation", None)
            panel.record_form = self._form(
                "participation", lambda: forms.ParticipationForm(instance=record, prefix="pp")
            )
            panel.record_url = self._url("participation")
            panel.record_open = "participation" in self.bound
            self._hearing_forms(panel)
        elif kind == StepKind.RISK_ASSESSMENT:
            record = getattr(step, "risk", None)
            panel.record_form = self._form("risk", lambda: forms.RiskForm(instance=record, prefix="ra"))
            panel.record_url = self._url("risk")
            panel.record_open = "risk" in self.bound
        else:
            government_id = self.decision.government_id
            panel.record_form = self._form(
                "expert", lambda: forms.ExpertOpinionForm(prefix="ea", government_id=government_id)
            )
            panel.record_url = self._url("expert_opinion_add")
            panel.record_open = "expert" in self.bound
            panel.selection_form = self._form(
                "select", lambda: forms.ExpertSelectionForm(prefix="es", government_id=government_id)
            )
            panel.selection_url = self._url("expert_select")
            panel.selection_open = "select" in self.bound
            for opinion in panel.opinions:
                slot = f"handle:{opinion.pk}"
                opinion.handling_form = self._form(
                    slot,
                    lambda o=opinion: forms.ExpertHandlingForm(
                        initial={"handling": o.handling, "handling_reason": o.handling_reason}, prefix=f"h{o.pk}"
                    ),
                )
                opinion.handling_url = self._url("expert_opinion_handle", opinion_id=opinion.pk)
                opinion.handling_open = slot in self.bound

    def _hearing_forms(self, panel: StepPanel) -> None:
        """The sponsor's forms on the hearing (Art 16–17): the notice, publication, materials and
        record; a participant, while the list is not published; the signed scan, once held; each
        participant's answer to the record, while it is not recorded."""
        hearing = panel.hearing
        decision = self.decision

        def add(slot: str, label: StrOrPromise, build, url: str, multipart: bool = False) -> None:
            form = self._form(slot, build)
            panel.hearing_forms.append(
                HearingAct(slot, str(label), form, url, open=slot in self.bound, multipart=multipart)
            )

        add(
            "hearing",
            _("Hearing: notice, participants' publication, materials, record"),
            lambda: forms.HearingForm(instance=hearing, decision=decision, prefix="hr"),
            self._url("hearing"),
        )
        if hearing is None:
            return
        if hearing.participants_published_on is None or not panel.hearing_participants:
            add(
                "hearing_participant",
                _("Add a hearing participant"),
                lambda: forms.HearingParticipantForm(prefix="hp"),
                self._url("hearing_participant_add"),
            )
        if hearing.hearing_on is not None and not any(p.answered for p in panel.hearing_participants):
            add(
                "hearing_scan",
                _("File the signed record (scan)"),
                lambda: forms.HearingScanForm(prefix="hs"),
                self._url("hearing_scan"),
                multipart=True,
            )
        if hearing.has_record:
            for participant in panel.hearing_participants:
                if participant.answered:
                    continue
                add(
                    f"hearing_answer:{participant.pk}",
                    _("Record %(name)s's confirmation or objection") % {"name": participant.name},
                    lambda p=participant: forms.HearingAnswerForm(initial={"participant_id": p.pk}, prefix=f"ha{p.pk}"),
                    self._url("hearing_answer", participant_id=participant.pk),
                )

    def meetings(self) -> list[MeetingPanel]:
        """The meeting records (final, Art 30), each with its positions, the computed majority, its
        corrections and, for who records meetings, the form that appends a correction."""
        meetings = list(self.decision.meetings.all())
        may_correct = bool(meetings) and permissions.may(self.user, "correct_meeting", self.decision)
        panels = []
        for meeting in meetings:
            panel = MeetingPanel(meeting=meeting)
            if may_correct:
                slot = f"correct:{meeting.pk}"
                panel.correction_form = self._form(
                    slot, lambda m=meeting: forms.MeetingCorrectionForm(prefix=f"mc{m.pk}")
                )
                panel.correction_url = self._url("meeting_correct", meeting_id=meeting.pk)
                panel.correction_open = slot in self.bound
            panels.append(panel)
        return panels

    def events(self) -> list[dict]:
        rows = []
        # Every app's events are in the record's vocabulary (decisions.extensions.provide_vocabulary).
        labels = {**extensions.event_labels(), **TRANSITION_LABELS}
        for event in self.decision.events.all():
            what: StrOrPromise
            if event.step_kind:
                states = dict(StepState.choices)
                what = f"{StepKind(event.step_kind).label}: {STEP_EVENT_LABELS.get(event.transition, event.transition)}"
            else:
                states = dict(DecisionState.choices)
                what = labels.get(event.transition, event.transition)
            rows.append(
                {
                    "event": event,
                    "what": what,
                    "from": states.get(event.from_state, event.from_state),
                    "to": states.get(event.to_state, event.to_state),
                    "actor": forms.user_label(event.actor) if event.actor else _("system"),
                    "changes": changes.describe(event.details) if event.details.get("changes") else [],
                }
            )
        return rows

    def context(self) -> dict:
        decision = self.decision
        user = self.user
        actions, others = self.transitions()
        upload_kinds = services.upload_kinds(decision)
        can_attach = bool(upload_kinds) and permissions.may(user, "attach", decision)
        can_report = decision.state in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED) and permissions.may(
            user, "report_execution", decision
        )
        can_evaluate = decision.state in (
            DecisionState.IMPLEMENTING,
            DecisionState.SUSPENDED,
            DecisionState.ARCHIVED,
        ) and permissions.may(user, "evaluate", decision)
        executing = decision.state in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED)
        can_report_to_party = decision.state == DecisionState.DECIDED and permissions.may(
            user, "report_to_party_committee", decision
        )
        can_report_problem = executing and permissions.may(user, "report_execution_problem", decision)
        open_problems = [p for p in decision.execution_problems.all() if not p.is_answered]
        can_answer_problem = bool(open_problems) and permissions.may_answer_execution_problem(user, decision)
        can_amend = decision.state in services.AMENDABLE_STATES and permissions.may(user, "amend", decision)
        can_move = decision.state not in services.CLOSED_STATES and permissions.may(user, "change_sponsors", decision)
        can_draft = decision.state in services.DRAFTING_STATES and permissions.may(user, "drafting", decision)
        return {
            "decision": decision,
            "amend_form": self._form(
                "amend",
                lambda: forms.DecisionAmendForm(
                    decision=decision,
                    prefix="am",
                    initial={name: getattr(decision, name) for name in services.AMENDABLE_FIELDS},
                ),
            )
            if can_amend
            else None,
            "sponsors_form": self._form(
                "sponsors",
                lambda: forms.ChangeSponsorsForm(
                    decision=decision,
                    prefix="sp",
                    initial={
                        "lead_sponsor": decision.lead_sponsor_id,
                        "co_sponsors": [d.pk for d in decision.co_sponsors.all()],
                    },
                ),
            )
            if can_move
            else None,
            "summary_open": next((slot for slot in ("amend", "sponsors") if slot in self.bound), ""),
            "co_sponsors_text": join_names(d.name for d in decision.co_sponsors.all()),
            "sponsors_text": join_names([decision.lead_sponsor.name, *(d.name for d in decision.co_sponsors.all())]),
            "marks": step_marks(_annotate_from_record(decision)),
            "error": self.error,
            "actions": actions,
            "other_actions": others,
            "steps": self.steps(),
            "steps_editable_now": decision.state == DecisionState.PREPARING,
            "sections": extensions.detail_sections(decision, user),
            "meetings": self.meetings(),
            "publication": getattr(decision, "publication", None),
            "drafting_records": list(decision.drafting_records.all()),
            "drafting_form": self._form("drafting", lambda: forms.DraftingRecordForm(prefix="dr"))
            if can_draft
            else None,
            "drafting_url": self._url("drafting_record_add"),
            "drafting_open": "drafting" in self.bound,
            "drafting_article": article_label("Art 12"),
            # The newest packet (the record's order is by creation): the one the next meeting is held on.
            "packet": packets[-1] if (packets := list(decision.meeting_packets.all())) else None,
            "reports": list(decision.execution_reports.all()),
            "evaluations": list(decision.evaluations.all()),
            "party_committee_reports": list(decision.party_committee_reports.all()),
            "party_committee_form": self._form(
                "party_committee_report", lambda: forms.PartyCommitteeReportForm(prefix="pcr")
            )
            if can_report_to_party
            else None,
            "party_committee_open": "party_committee_report" in self.bound,
            "problem_form": self._form("execution_problem", lambda: forms.ExecutionProblemForm(prefix="prob"))
            if can_report_problem
            else None,
            "problem_open": "execution_problem" in self.bound,
            "answer_form": self._form(
                "execution_problem_answer",
                lambda: forms.ExecutionProblemAnswerForm(prefix="ans", problems=open_problems),
            )
            if can_answer_problem
            else None,
            "answer_open": "execution_problem_answer" in self.bound,
            # Art 35: the open problems first, then the answered ones.
            "execution_problems": list(decision.execution_problems.all()),
            "attachments": list(decision.attachments.all()),
            "events": self.events(),
            "can_attach": can_attach,
            "attachment_form": self._form(
                "attachment",
                lambda: forms.AttachmentForm(
                    prefix="att", kinds=upload_kinds, with_steps=decision.state == DecisionState.PREPARING
                ),
            )
            if can_attach
            else None,
            "attachment_open": "attachment" in self.bound,
            "report_form": self._form("report", lambda: forms.ExecutionReportForm(prefix="rep"))
            if can_report
            else None,
            "report_open": "report" in self.bound,
            "evaluation_form": self._form("evaluation", lambda: forms.EvaluationForm(decision=decision, prefix="ev"))
            if can_evaluate
            else None,
            "evaluation_open": "evaluation" in self.bound,
            "meeting_article": article_label("Art 29"),
            "publication_article": article_label("Art 32"),
            "execution_article": article_label("Art 34"),
            "evaluation_article": article_label("Art 36"),
            "party_committee_article": article_label("Art 31"),
            "execution_problem_article": article_label("Art 35"),
        }

    def render(self, status: int = 200) -> HttpResponse:
        return render(self.request, "decisions/detail.html", self.context(), status=status)


def _annotate_from_record(decision: Decision) -> Decision:
    """Give the detail page's decision the meeting attributes the five-step marks read (the list
    page gets them as annotations; here the record is already prefetched). The other apps' columns
    are annotated by ``selectors.decision_detail``."""
    decision = cast("WithAnnotations[Decision, MeetingColumns]", decision)  # given those columns here
    meetings = list(decision.meetings.all())
    last = max(meetings, key=lambda m: (m.held_on, m.pk)) if meetings else None
    decision.meeting_outcome = last.outcome if last else None
    decision.meeting_held_on = last.held_on if last else None
    return decision


@login_required
@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return DetailPage(request, pk).render()
