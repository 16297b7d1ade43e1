"""Annual figures for the rule-of-law government report (法治政府建设情况报告).

For a government, a calendar year (Asia/Shanghai) and optionally one sponsoring department (the
decisions it leads). Every figure is the size of a queryset that ``AnnualFigures`` exposes by name,
so any number on the page, in the JSON or in the workbook can be checked against the records it
counts; counts of decisions also list the decisions' codes.

What "in the year" means, figure by figure, is said where the figure is defined: an act counts in
the year it happened (the transition's event, the step's settlement, the opinion's issue, the
meeting's date), not in the decision's catalogue year.

Why one module of ~750 lines: the report is one document, each table a method of
``AnnualFigures`` over the same scope and year; the page, the JSON and the workbook all read it.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import statistics
from dataclasses import dataclass, field
from functools import reduce
from io import BytesIO
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from decisions import visibility
from decisions.models import (
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    Evaluation,
    ExpertOpinion,
    Government,
    Hearing,
    Meeting,
    MeetingOutcome,
    ParticipationRecord,
    ProcedureStep,
    RiskAssessmentRecord,
    StepKind,
    StepState,
)
from decisions.selectors import waived_steps_of
from reviews.clock import WorkCalendar, review_clock
from reviews.models import AdviserOpinion, Conclusion, ItemResponse, LegalityReview, ReviewItem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise


@dataclass
class Figure:
    key: str
    label: StrOrPromise  # translatable, for the page and the API (lazy: translated when shown)
    label_zh: str  # the report's own term, for the workbook (its headers are Chinese whatever the UI language)
    value: int | float | None
    unit: str = ""  # a key of UNIT_LABELS, or "%"
    records: list[str] = field(default_factory=list)  # the decision codes counted, where it counts decisions

    @property
    def unit_label(self) -> StrOrPromise:
        return UNIT_LABELS.get(self.unit, self.unit)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "label_zh": self.label_zh,
            "value": self.value,
            "unit": self.unit,
            "unit_label": str(self.unit_label),
            "records": self.records,
        }


@dataclass
class Table:
    key: str
    title: StrOrPromise  # translatable (lazy: translated when shown)
    title_zh: str
    figures: list[Figure] = field(default_factory=list)
    # Tables of rows other than figures (waivers, per department) carry their own columns.
    columns: list[tuple[str, StrOrPromise, str]] = field(default_factory=list)  # (key, label, label_zh)
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        data: dict = {"key": self.key, "title": str(self.title), "title_zh": self.title_zh}
        if self.figures:
            data["figures"] = [f.as_dict() for f in self.figures]
        if self.columns:
            data["columns"] = [{"key": k, "label": str(lbl), "label_zh": zh} for k, lbl, zh in self.columns]
            data["rows"] = self.rows
        return data


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def nearest_rank(values: list[int], pct: int) -> int | None:
    """The nearest-rank percentile: the smallest value with at least pct % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(pct / 100 * len(ordered)) - 1, 0)]


# The decision's own acts the decision table counts: a transition of the decision (not of one of
# its steps) and, where the transition can end in more than one state, the state it reached. The one
# rule of each act, read by its queryset (``AnnualFigures.started``…) and by the year's single
# reading of the event log that the tables count from (``AnnualFigures.acts``).
ACTS: dict[str, dict[str, str]] = {
    "started": {"transition": "start"},
    "decided": {"transition": "record_outcome", "to_state": DecisionState.DECIDED},
    "rejected": {"transition": "record_outcome", "to_state": DecisionState.REJECTED},
    "published": {"transition": "publish"},
    "withdrawn": {"transition": "withdraw"},
}


@dataclass
class Tally:
    """The records one figure counts, read with the other figures of their kind in one grouped query:
    how many belong to each decision, by code (in code order) and lead sponsoring department."""

    per_decision: list[tuple[str, int, int]] = field(default_factory=list)  # (code, lead sponsor id, records)

    @property
    def count(self) -> int:
        return sum(n for _code, _sponsor, n in self.per_decision)

    @property
    def codes(self) -> list[str]:
        return [code for code, _sponsor, _n in self.per_decision]

    def by_lead_sponsor(self, *, decisions: bool = False) -> dict[int, int]:
        """The records (or, with ``decisions``, the decisions they belong to) per lead sponsor."""
        counts: dict[int, int] = {}
        for _code, sponsor, n in self.per_decision:
            counts[sponsor] = counts.get(sponsor, 0) + (1 if decisions else n)
        return counts


class AnnualFigures:
    def __init__(self, government: Government, year: int, department: Department | None = None) -> None:
        self.government = government
        self.year = year
        self.department = department
        zone = ZoneInfo(settings.TIME_ZONE)
        self.start = dt.datetime(year, 1, 1, tzinfo=zone)
        self.end = dt.datetime(year + 1, 1, 1, tzinfo=zone)
        self.first_day = dt.date(year, 1, 1)
        self.last_day = dt.date(year, 12, 31)
        self._review_times: list[tuple[LegalityReview, int, bool]] | None = None
        self._acts: dict[str, Tally] | None = None
        self._waived: list[ProcedureStep] | None = None

    # ----------------------------------------------------------------- the records behind the figures

    def decisions(self) -> QuerySet[Decision]:
        return Decision.objects.filter(**self._scope())

    def _scope(self, to_decision: str = "") -> dict:
        """The lookups that hold a decision, reached by the path ``to_decision``, to this scope."""
        prefix = f"{to_decision}__" if to_decision else ""
        lookups: dict = {f"{prefix}government": self.government}
        if self.department is not None:
            lookups[f"{prefix}lead_sponsor"] = self.department
        return lookups

    def _in_year(self, prefix: str) -> dict:
        return {f"{prefix}__gte": self.start, f"{prefix}__lt": self.end}

    def _events(self, act: str) -> QuerySet[DecisionEvent]:
        """The events of ``act`` (one of ``ACTS``) in the year. Read by the event's own government (each
        event carries its decision's: the audit chain it is linked into) as well as by its decision,
        so the government's index finds them without a pass over the decisions."""
        return self._year_of_events().filter(**ACTS[act])

    def _year_of_events(self) -> QuerySet[DecisionEvent]:
        return DecisionEvent.objects.filter(
            government=self.government, decision__in=self.decisions(), step_kind="", **self._in_year("created_at")
        )

    def _decisions_with(self, rows: QuerySet, to_decision: str = "decision_id") -> QuerySet[Decision]:
        """The decisions ``rows`` (events, records, opinions…) belong to, by the path ``to_decision``."""
        return self.decisions().filter(pk__in=rows.values(to_decision))

    def started(self) -> QuerySet[Decision]:
        """The decision body started the procedure in the year (Art 10–11): a ``start`` event."""
        return self._decisions_with(self._events("started"))

    def decided(self) -> QuerySet[Decision]:
        """Approved at a meeting in the year: a ``record_outcome`` event into ``decided``."""
        return self._decisions_with(self._events("decided"))

    def rejected(self) -> QuerySet[Decision]:
        return self._decisions_with(self._events("rejected"))

    def published(self) -> QuerySet[Decision]:
        return self._decisions_with(self._events("published"))

    def withdrawn(self) -> QuerySet[Decision]:
        return self._decisions_with(self._events("withdrawn"))

    def acts(self) -> dict[str, Tally]:
        """Each of ``ACTS`` in the year, the decisions it happened to: the year's events of the scope
        read once, for the decision table and the department table."""
        if self._acts is None:
            events = self._year_of_events().filter(reduce(operator.or_, (Q(**act) for act in ACTS.values())))
            self._acts = self._tally(events, "decision", **{key: Q(**act) for key, act in ACTS.items()})
        return self._acts

    def decided_with_all_steps(self) -> QuerySet[Decision]:
        """Decided in the year with all three preparatory steps done (with the review and the meeting,
        the full five-step procedure): none of its steps among ``waived_steps``."""
        return self.decided().exclude(pk__in=self.waived_steps().values("decision_id"))

    def decided_with_waivers(self) -> QuerySet[Decision]:
        return self.decided().filter(pk__in=self.waived_steps().values("decision_id"))

    def waived_steps(self) -> QuerySet[ProcedureStep]:
        """The waived steps of the decisions decided in the year, with reason, article and approver
        (the overview's reading, ``selectors.waived_steps_of``, of other decisions)."""
        return waived_steps_of(self.decided()).order_by("decision__code", "kind")

    def _waived_steps_read(self) -> list[ProcedureStep]:
        """``waived_steps``, read once for the decision, waiver and department tables."""
        if self._waived is None:
            self._waived = list(self.waived_steps())
        return self._waived

    def waived_steps_in_catalogue(self) -> QuerySet[ProcedureStep]:
        """The waived steps of every decision of the year's catalogue, whatever its state: what the
        overview lists for the year."""
        return waived_steps_of(self.decisions().filter(catalogue_year=self.year))

    def _steps_done(self, kind: str) -> QuerySet[ProcedureStep]:
        return ProcedureStep.objects.filter(
            decision__in=self.decisions(), kind=kind, state=StepState.DONE, **self._in_year("settled_at")
        )

    def consultations(self) -> QuerySet[ParticipationRecord]:
        """Public participation completed in the year (Art 14–18)."""
        return ParticipationRecord.objects.filter(step__in=self._steps_done(StepKind.PUBLIC_PARTICIPATION))

    def hearings(self) -> QuerySet[Hearing]:
        """Hearings held in the year (Art 16–17), by the hearing's date: those whose record is made."""
        return Hearing.objects.filter(
            step__decision__in=self.decisions(),
            hearing_on__gte=self.first_day,
            hearing_on__lte=self.last_day,
        ).exclude(Q(record_text="") & Q(record_scan__isnull=True))

    def expert_arguments(self) -> QuerySet[ProcedureStep]:
        return self._steps_done(StepKind.EXPERT_ARGUMENT)

    def expert_opinions(self) -> QuerySet[ExpertOpinion]:
        """Counted opinions (no declared interest, Art 20) of the expert arguments completed in the year."""
        return ExpertOpinion.objects.filter(step__in=self.expert_arguments(), declared_interest=False)

    def risk_assessments(self) -> QuerySet[RiskAssessmentRecord]:
        return RiskAssessmentRecord.objects.filter(step__in=self._steps_done(StepKind.RISK_ASSESSMENT))

    def _reviews(self) -> QuerySet[LegalityReview]:
        return LegalityReview.objects.filter(decision__in=self.decisions())

    def reviews_submitted(self) -> QuerySet[LegalityReview]:
        return self._reviews().filter(**self._in_year("submitted_at"))

    def reviews_accepted(self) -> QuerySet[LegalityReview]:
        """Submissions the legal office accepted in the year (their review clock started, Art 26)."""
        return self._reviews().filter(accepted_on__gte=self.first_day, accepted_on__lte=self.last_day)

    def reviews_returned(self) -> QuerySet[LegalityReview]:
        """Submissions returned to the sponsor in the year (incomplete material, Art 26)."""
        return self._reviews().filter(**self._in_year("returned_at"))

    def opinions_issued(self) -> QuerySet[LegalityReview]:
        """Opinion letters (法律审核意见书) issued in the year."""
        return self._reviews().filter(**self._in_year("issued_at"))

    def review_items(self) -> QuerySet[ReviewItem]:
        """Items (suggestions) raised by the opinions issued in the year."""

        return ReviewItem.objects.filter(review__in=self.opinions_issued())

    def adviser_opinions(self) -> QuerySet[AdviserOpinion]:
        """Legal advisers' and public lawyers' opinions signed in the year (Art 28)."""

        return AdviserOpinion.objects.filter(review__decision__in=self.decisions(), **self._in_year("signed_at"))

    def opinions_with_adviser(self) -> QuerySet[LegalityReview]:
        """Opinions issued in the year that heard at least one legal adviser or public lawyer, whose
        opinion is signed (Art 28; a withdrawn request does not count)."""
        return self.opinions_issued().filter(adviser_opinions__signed_at__isnull=False).distinct()

    def meetings(self) -> QuerySet[Meeting]:
        return Meeting.objects.filter(
            decision__in=self.decisions(), held_on__gte=self.first_day, held_on__lte=self.last_day
        )

    def evaluations(self) -> QuerySet[Evaluation]:
        """Post-decision evaluations completed in the year (Art 36)."""
        return Evaluation.objects.filter(
            decision__in=self.decisions(), completed_on__gte=self.first_day, completed_on__lte=self.last_day
        )

    def review_times(self) -> list[tuple[LegalityReview, int, bool]]:
        """(round, working days it took, within its limit) for the opinions issued in the year, from
        the review clock (acceptance to issue, time waiting for supplements not counted)."""

        if self._review_times is not None:  # the review table reads it twice
            return self._review_times
        out = []
        calendar = WorkCalendar()  # one calendar for every clock: the holiday table is read once a year
        for review in self.opinions_issued().prefetch_related("supplements").select_related("decision"):
            clock = review_clock(review, today=timezone.localdate(review.issued_at), calendar=calendar)
            if clock is None:
                continue
            on_time = clock.limit_days == 0 or clock.counted_days <= clock.limit_days
            out.append((review, clock.counted_days, on_time))
        self._review_times = out
        return out

    # ----------------------------------------------------------------- the tables

    @staticmethod
    def _decisions_figure(key, label, label_zh, codes: list[str]) -> Figure:
        """A count of decisions: the number of the codes it lists."""
        return Figure(key, label, label_zh, len(codes), "decisions", codes)

    @staticmethod
    def _records_figure(key, label, label_zh, counted: Tally, unit: str) -> Figure:
        """A count of records other than decisions (comments, opinions, meetings…), listing the
        decisions they belong to as a count of decisions lists its own."""
        return Figure(key, label, label_zh, counted.count, unit, counted.codes)

    def _tally(self, rows: QuerySet, to_decision: str, **facets: Q | None) -> dict[str, Tally]:
        """Count ``rows`` once for each facet (a condition on the rows, ``None`` for all of them), per
        decision they belong to by the path ``to_decision``: one grouped query for every figure of a kind
        of record, where counting each figure and listing its decisions took two queries a figure.

        The rows are counted distinct, as ``rows.count()`` counts a ``distinct()`` queryset (the others
        join nothing that repeats a row). A decision code is unique in its government, and every scope's
        decisions are of one government: a code is one decision."""
        counts = {key: Count("pk", distinct=True, filter=condition) for key, condition in facets.items()}
        # The rows are of the scope's decisions already; the scope said again of the decision joined
        # for its code lets the planner start from the scope's decisions (by their government's
        # index) rather than join every decision to them: a seq scan of 100,000 for 760.
        grouped = (
            rows.filter(**self._scope(to_decision))
            .order_by()
            .values(code=F(f"{to_decision}__code"), sponsor=F(f"{to_decision}__lead_sponsor_id"))
            .annotate(**counts)
            .order_by("code")
        )
        tallies = {key: Tally() for key in facets}
        for group in grouped:
            for key, one in tallies.items():
                if group[key]:
                    one.per_decision.append((group["code"], group["sponsor"], group[key]))
        return tallies

    def tables(self) -> list[Table]:
        return [
            self.decision_table(),
            self.waiver_table(),
            self.participation_table(),
            self.expert_table(),
            self.risk_table(),
            self.review_table(),
            self.meeting_table(),
            self.department_table(),
        ]

    def _with_waivers(self) -> set[str]:
        """The codes of the decisions decided in the year with a step among ``waived_steps``."""
        return {step.decision.code for step in self._waived_steps_read()}

    def decision_table(self) -> Table:
        acts = self.acts()
        decided_codes = acts["decided"].codes
        with_waivers = self._with_waivers()
        decided = self._decisions_figure("decided", _("Decided (approved at a meeting)"), "作出决策", decided_codes)
        full = self._decisions_figure(
            "full_procedure",
            _("Decided through every step"),
            "履行全部法定程序",
            [code for code in decided_codes if code not in with_waivers],
        )
        waived = self._decisions_figure(
            "with_waivers",
            _("Decided with a step not applicable"),
            "有程序不适用",
            [code for code in decided_codes if code in with_waivers],
        )
        return Table(
            "decisions",
            _("Decisions"),
            "重大行政决策",
            [
                self._decisions_figure("started", _("Procedure started"), "启动决策程序", acts["started"].codes),
                decided,
                self._decisions_figure("rejected", _("Rejected at a meeting"), "不予通过", acts["rejected"].codes),
                self._decisions_figure("published", _("Published"), "公开发布", acts["published"].codes),
                self._decisions_figure("withdrawn", _("Withdrawn"), "终止", acts["withdrawn"].codes),
                full,
                waived,
                Figure(
                    "full_procedure_rate",
                    _("Share decided through every step"),
                    "全程序履行率",
                    # The two counts, as ints: a count of decisions is the number of its records (its value).
                    percent(len(full.records), len(decided.records)),
                    "%",
                    decided.records,  # the decisions the share is of
                ),
            ],
        )

    def waiver_table(self) -> Table:
        steps = self._waived_steps_read()
        figures = [
            Figure(
                f"waived_{kind}",
                label,
                f"{zh}不适用",
                sum(1 for step in steps if step.kind == kind),
                "steps",
                sorted({step.decision.code for step in steps if step.kind == kind}),
            )
            for kind, label, zh in (
                (StepKind.PUBLIC_PARTICIPATION, _("Public participation not applicable"), "公众参与"),
                (StepKind.EXPERT_ARGUMENT, _("Expert argument not applicable"), "专家论证"),
                (StepKind.RISK_ASSESSMENT, _("Risk assessment not applicable"), "风险评估"),
            )
        ]
        # The overview lists the waived steps of every decision of the catalogue year, decided or
        # not; the figures above count the decisions decided in the year. Both, from one reading.
        in_catalogue = list(self.waived_steps_in_catalogue())
        figures.append(
            Figure(
                "waived_in_catalogue",
                _("Steps not applicable in all decisions of the year's catalogue (as the overview lists them)"),
                "本年度目录内全部决策事项中程序不适用",
                len(in_catalogue),
                "steps",
                sorted({step.decision.code for step in in_catalogue}),
            )
        )
        rows = [
            {
                "code": step.decision.code,
                "title": step.decision.title,
                "step": str(step.get_kind_display()),
                "reason": step.waiver_reason,
                # The citation of the listed basis the approved request relied on, and its note.
                "article": step.waiver_article,
                "basis_note": step.waiver_request.basis_note if step.waiver_request else "",
                "requested_by": _person(step.waiver_request.requested_by) if step.waiver_request else "",
                # Who approved the request, in their own login: set at approval, never at request.
                "approver": _person(step.waiver_approved_by) if step.waiver_approved_by else "",
            }
            for step in steps
        ]
        return Table(
            "waivers",
            _("Steps not applicable in the decisions decided in the year, with reasons"),
            "年度内作出决策事项的程序不适用情况",
            figures,
            columns=[
                ("code", _("Code"), "编号"),
                ("title", _("Title"), "决策事项"),
                ("step", _("Step"), "程序"),
                ("reason", _("Reason"), "不适用理由"),
                ("article", _("Article relied on"), "依据条款"),
                ("basis_note", _("Note on the legal basis"), "依据说明"),
                ("requested_by", _("Requested by"), "申请人"),
                ("approver", _("Approved by"), "批准人"),
            ],
            rows=rows,
        )

    def participation_table(self) -> Table:
        consultations = self.consultations()
        totals = consultations.aggregate(
            n=Sum("comments_count"), adopted=Sum("comments_adopted"), partly=Sum("comments_partly_adopted")
        )
        comments = totals["n"] or 0
        adopted = totals["adopted"] or 0
        partly = totals["partly"] or 0
        held = self._tally(
            consultations,
            "step__decision",
            all=None,
            commented=Q(comments_count__gt=0),
            adopted=Q(comments_adopted__gt=0),
            partly=Q(comments_partly_adopted__gt=0),
            shortened=~Q(shortened_period_reason=""),
        )
        hearings = self._tally(self.hearings(), "step__decision", all=None)["all"]
        commented = held["commented"].codes
        return Table(
            "participation",
            _("Public participation"),
            "公众参与",
            [
                self._records_figure(
                    "consultations", _("Consultations held"), "公开征求意见次数", held["all"], "times"
                ),
                Figure("comments", _("Comments received"), "收到意见建议", comments, "comments", commented),
                Figure(
                    "comments_adopted",
                    _("Comments adopted"),
                    "采纳意见建议",
                    adopted,
                    "comments",
                    held["adopted"].codes,
                ),
                Figure(
                    "comments_partly_adopted",
                    _("Comments partly adopted"),
                    "部分采纳意见建议",
                    partly,
                    "comments",
                    held["partly"].codes,
                ),
                Figure(
                    "comment_adoption_rate",
                    _("Comment adoption rate (adopted or partly)"),
                    "公众意见采纳率",
                    percent(adopted + partly, comments),
                    "%",
                    commented,
                ),
                self._records_figure(
                    "shortened_periods",
                    _("Consultations with a shortened comment period"),
                    "缩短征求意见期限",
                    held["shortened"],
                    "times",
                ),
                self._records_figure("hearings", _("Hearings held"), "举行听证会", hearings, "times"),
            ],
        )

    def expert_table(self) -> Table:
        opinions = self.expert_opinions()
        given = self._tally(
            opinions,
            "step__decision",
            all=None,
            adopted=Q(handling=ExpertOpinion.Handling.ADOPTED),
            partly=Q(handling=ExpertOpinion.Handling.PARTLY),
        )
        total, adopted, partly = given["all"].count, given["adopted"].count, given["partly"].count
        experts = opinions.values("expert_name", "organisation").distinct().count()
        argued = given["all"].codes
        return Table(
            "experts",
            _("Expert argument"),
            "专家论证",
            [
                self._records_figure(
                    "expert_arguments",
                    _("Expert arguments held"),
                    "组织专家论证",
                    self._tally(self.expert_arguments(), "decision", all=None)["all"],
                    "times",
                ),
                Figure("experts", _("Experts involved"), "参与论证专家", experts, "people", argued),
                Figure("expert_opinions", _("Opinions given"), "专家意见", total, "opinions", argued),
                self._records_figure("expert_adopted", _("Opinions adopted"), "采纳", given["adopted"], "opinions"),
                self._records_figure(
                    "expert_partly", _("Opinions partly adopted"), "部分采纳", given["partly"], "opinions"
                ),
                Figure(
                    "expert_adoption_rate",
                    _("Adoption rate (adopted or partly)"),
                    "专家意见采纳率",
                    percent(adopted + partly, total),
                    "%",
                    argued,
                ),
            ],
        )

    def risk_table(self) -> Table:
        levels = (
            ("risk_high", _("High risk"), "高风险", RiskAssessmentRecord.Level.HIGH),
            ("risk_medium", _("Medium risk"), "中风险", RiskAssessmentRecord.Level.MEDIUM),
            ("risk_low", _("Low risk"), "低风险", RiskAssessmentRecord.Level.LOW),
        )
        done = self._tally(
            self.risk_assessments(),
            "step__decision",
            all=None,
            third_party=Q(third_party=True),
            **{key: Q(level=level) for key, _label, _zh, level in levels},
        )
        return Table(
            "risk",
            _("Risk assessment"),
            "风险评估",
            [
                self._records_figure(
                    "risk_assessments", _("Risk assessments completed"), "开展风险评估", done["all"], "times"
                ),
                self._records_figure(
                    "risk_third_party", _("By a third party"), "委托第三方评估", done["third_party"], "times"
                ),
                *(
                    self._records_figure(key, label, label_zh, done[key], "times")
                    for key, label, label_zh, _l in levels
                ),
            ],
        )

    def review_table(self) -> Table:
        conclusions = (
            ("opinions_lawful", _("Lawful"), "合法", Conclusion.LAWFUL),
            ("opinions_lawful_with_changes", _("Lawful with changes"), "修改后合法", Conclusion.LAWFUL_WITH_CHANGES),
            ("opinions_unlawful", _("Unlawful"), "不合法", Conclusion.UNLAWFUL),
            (
                "opinions_exploratory",
                _("Exploratory, legal risk stated"),
                "探索性改革（提示法律风险）",
                Conclusion.EXPLORATORY_WITH_RISK,
            ),
        )
        issued = self._tally(
            self.opinions_issued(),
            "decision",
            all=None,
            **{key: Q(conclusion=conclusion) for key, _label, _zh, conclusion in conclusions},
        )
        items = self._tally(
            self.review_items(),
            "review__decision",
            all=None,
            adopted=Q(response=ItemResponse.ADOPTED),
            partly=Q(response=ItemResponse.PARTLY),
        )
        items_total, items_adopted, items_partly = items["all"].count, items["adopted"].count, items["partly"].count
        suggested = items["all"].codes
        timed = sorted({review.decision.code for review, _days, _on_time in self.review_times()})
        times = [days for _review, days, _on_time in self.review_times()]
        on_time = [ok for _review, _days, ok in self.review_times()]
        return Table(
            "review",
            _("Legality review"),
            "合法性审查",
            [
                self._records_figure(
                    "reviews_submitted",
                    _("Submissions received"),
                    "收到送审",
                    self._tally(self.reviews_submitted(), "decision", all=None)["all"],
                    "submissions",
                ),
                self._records_figure(
                    "reviews_accepted",
                    _("Submissions accepted"),
                    "受理审查",
                    self._tally(self.reviews_accepted(), "decision", all=None)["all"],
                    "submissions",
                ),
                self._records_figure(
                    "reviews_returned",
                    _("Submissions returned"),
                    "退回送审",
                    self._tally(self.reviews_returned(), "decision", all=None)["all"],
                    "submissions",
                ),
                self._records_figure(
                    "opinions_issued", _("Opinion letters issued"), "出具法律审核意见书", issued["all"], "letters"
                ),
                *(
                    self._records_figure(key, label, label_zh, issued[key], "letters")
                    for key, label, label_zh, _conclusion in conclusions
                ),
                Figure("review_items", _("Suggestions made"), "提出审查意见建议", items_total, "items", suggested),
                self._records_figure(
                    "review_items_adopted", _("Suggestions adopted"), "意见建议被采纳", items["adopted"], "items"
                ),
                self._records_figure(
                    "review_items_partly", _("Suggestions partly adopted"), "部分采纳", items["partly"], "items"
                ),
                Figure(
                    "review_items_adoption_rate",
                    _("Suggestion adoption rate"),
                    "意见建议采纳率",
                    percent(items_adopted + items_partly, items_total),
                    "%",
                    suggested,
                ),
                self._records_figure(
                    "opinions_with_adviser",
                    _("Opinions that heard a legal adviser"),
                    "听取法律顾问、公职律师意见的审查",
                    self._tally(self.opinions_with_adviser(), "decision", all=None)["all"],
                    "letters",
                ),
                self._records_figure(
                    "adviser_opinions",
                    _("Legal adviser opinions"),
                    "法律顾问、公职律师出具意见",
                    self._tally(self.adviser_opinions(), "review__decision", all=None)["all"],
                    "opinions",
                ),
                Figure(
                    "review_days_median",
                    _("Review time, median"),
                    "审查用时中位数",
                    statistics.median(times) if times else None,
                    "working days",
                    timed,
                ),
                Figure(
                    "review_days_p90",
                    _("Review time, 90th percentile"),
                    "审查用时90分位",
                    nearest_rank(times, 90),
                    "working days",
                    timed,
                ),
                Figure(
                    "review_days_max",
                    _("Review time, longest"),
                    "最长审查用时",
                    max(times) if times else None,
                    "working days",
                    timed,
                ),
                Figure(
                    "review_on_time_rate",
                    _("Issued within the time limit"),
                    "按期办结率",
                    percent(sum(on_time), len(on_time)),
                    "%",
                    timed,
                ),
            ],
        )

    def meeting_table(self) -> Table:
        labels_zh = {
            MeetingOutcome.APPROVED: "通过",
            MeetingOutcome.REJECTED: "不予通过",
            MeetingOutcome.REVISE: "修改后再审议",
            MeetingOutcome.DEFERRED: "暂缓",
            MeetingOutcome.DISCUSS_AGAIN: "再次讨论",
        }
        held = self._tally(
            self.meetings(),
            "decision",
            all=None,
            against_majority=Q(head_against_majority=True),
            **{outcome.value: Q(outcome=outcome) for outcome in MeetingOutcome},
        )
        figures = [
            self._records_figure(
                "meetings", _("Meetings that discussed a decision"), "集体讨论次数", held["all"], "meetings"
            )
        ]
        figures += [
            self._records_figure(
                f"meetings_{outcome.value}", outcome.label, labels_zh[outcome], held[outcome.value], "meetings"
            )
            for outcome in MeetingOutcome
        ]
        figures.append(
            self._records_figure(
                "meetings_head_against_majority",
                _("Head decided against the majority"),
                "主要负责人未采纳多数意见",
                held["against_majority"],
                "meetings",
            )
        )
        figures.append(
            self._records_figure(
                "evaluations",
                _("Post-decision evaluations completed"),
                "决策后评估",
                self._tally(self.evaluations(), "decision", all=None)["all"],
                "evaluations",
            )
        )
        return Table("meetings", _("Collective discussion and evaluation"), "集体讨论决定与决策后评估", figures)

    def department_table(self) -> Table:
        """The main counts per lead sponsoring department (each row is this report for that department)."""
        rows = []
        departments = Department.objects.filter(government=self.government, kind=Department.Kind.SPONSOR)
        if self.department is not None:
            departments = departments.filter(pk=self.department.pk)
        # Whatever the number of departments, each column counts the records the figures above
        # count, by the lead sponsor, as the department's own report would count them.
        acts = self.acts()
        with_waivers: dict[int, int] = {}
        for sponsor, _decision in {(s.decision.lead_sponsor_id, s.decision_id) for s in self._waived_steps_read()}:
            with_waivers[sponsor] = with_waivers.get(sponsor, 0) + 1
        columns = {
            "started": acts["started"].by_lead_sponsor(decisions=True),
            "decided": acts["decided"].by_lead_sponsor(decisions=True),
            "published": acts["published"].by_lead_sponsor(decisions=True),
            "withdrawn": acts["withdrawn"].by_lead_sponsor(decisions=True),
            "with_waivers": with_waivers,
            "opinions_issued": self._tally(self.opinions_issued(), "decision", all=None)["all"].by_lead_sponsor(),
        }
        for department in departments.order_by("name"):
            row: dict = {"department": department.name}
            row.update({key: counts.get(department.pk, 0) for key, counts in columns.items()})
            rows.append(row)
        return Table(
            "departments",
            _("By lead department"),
            "分部门情况",
            columns=[
                ("department", _("Department"), "承办单位"),
                ("started", _("Procedure started"), "启动决策程序"),
                ("decided", _("Decided"), "作出决策"),
                ("published", _("Published"), "公开发布"),
                ("withdrawn", _("Withdrawn"), "终止"),
                ("with_waivers", _("Decided with a step not applicable"), "有程序不适用"),
                ("opinions_issued", _("Opinion letters issued"), "出具法律审核意见书"),
            ],
            rows=rows,
        )

    def as_dict(self) -> dict:
        return {
            "government": {"id": self.government.pk, "name": self.government.name},
            "year": self.year,
            "department": {"id": self.department.pk, "name": self.department.name} if self.department else None,
            "tables": [table.as_dict() for table in self.tables()],
        }


# --------------------------------------------------------------------------- the workbook


def workbook_filename(figures: AnnualFigures) -> str:
    """The workbook's name in the report's own terms, the same from the page and the API:
    <government><year>年重大行政决策统计[-<department>].xlsx (sent with RFC 5987's ``filename*``)."""
    name = f"{figures.government.name}{figures.year}年重大行政决策统计"
    if figures.department is not None:
        name += f"-{figures.department.name}"
    return f"{name}.xlsx"


def workbook(figures: AnnualFigures) -> bytes:
    """The figures as an Excel workbook: one sheet per table, Chinese headers (the report's terms)."""

    from openpyxl import Workbook  # loaded only when a workbook is asked for
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    scope = figures.government.name + (f" · {figures.department.name}" if figures.department else "")
    for table in figures.tables():
        sheet = book.create_sheet(title=table.title_zh[:31])
        sheet.append([f"{scope} {figures.year}年 {table.title_zh}"])
        sheet["A1"].font = bold
        if table.figures:
            sheet.append(["指标", "数值", "单位", "涉及决策事项编号"])
            for cell in sheet[2]:
                cell.font = bold
            for figure in table.figures:
                unit = UNIT_ZH.get(figure.unit, figure.unit)
                sheet.append([figure.label_zh, figure.value, unit, "、".join(figure.records)])
        if table.columns:
            if table.figures:
                sheet.append([])
            sheet.append([zh for _key, _label, zh in table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append([row[key] for key, _label, _zh in table.columns])
        sheet.column_dimensions["A"].width = 36
        for letter in "BCDEF":
            sheet.column_dimensions[letter].width = 18
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# The units as the page shows them after each number (件, 次, 个工作日…); "unit" is the context, as a
# bare "decisions" is also a noun elsewhere.
UNIT_LABELS: dict[str, StrOrPromise] = {
    "decisions": pgettext_lazy("unit", "decisions"),
    "steps": pgettext_lazy("unit", "steps"),
    "times": pgettext_lazy("unit", "times"),
    "comments": pgettext_lazy("unit", "comments"),
    "people": pgettext_lazy("unit", "people"),
    "opinions": pgettext_lazy("unit", "opinions"),
    "submissions": pgettext_lazy("unit", "submissions"),
    "letters": pgettext_lazy("unit", "letters"),
    "items": pgettext_lazy("unit", "items"),
    "working days": pgettext_lazy("unit", "working days"),
    "meetings": pgettext_lazy("unit", "meetings"),
    "evaluations": pgettext_lazy("unit", "evaluations"),
    "%": "%",
}

UNIT_ZH = {
    "decisions": "件",
    "steps": "项",
    "times": "次",
    "comments": "条",
    "people": "人",
    "opinions": "条",
    "submissions": "件",
    "letters": "份",
    "items": "条",
    "working days": "个工作日",
    "meetings": "次",
    "evaluations": "次",
}


# --------------------------------------------------------------------------- who sees which figures


def figures_scope(
    user: User | AnonymousUser | None, *, government_id: int | None = None, department_id: int | None = None
) -> tuple[Government, Department | None]:
    """(government, department or None) whose figures ``user`` may see, as asked for.

    The legal office, the government office and leaders see their whole government and any of its
    departments; a sponsoring department's staff see their own department only (its decisions are
    what they may see: ``decisions.visibility``). Anything else is "not found", as for decisions.
    """
    scope = visibility.reach(user)
    governments = scope.governments
    if not governments:
        raise Http404
    if government_id is None:
        government_id = sorted(governments)[0]
    government = governments.get(government_id)
    if government is None:
        raise Http404
    if government_id in scope.whole:
        if department_id is None:
            return government, None
        department = Department.objects.filter(pk=department_id, government=government).first()
        if department is None:
            raise Http404
        return government, department
    departments = {d.pk: d for d in scope.own[government_id]}
    if department_id is None:
        department_id = sorted(departments)[0]
    if department_id not in departments:
        raise Http404
    return government, departments[department_id]


def scope_choices(user: User | AnonymousUser | None) -> tuple[list[Government], list[Department]]:
    """The governments and departments ``user`` may choose on the figures page."""
    scope = visibility.reach(user)
    departments = {d.pk: d for own in scope.own.values() for d in own}
    for department in Department.objects.filter(government_id__in=scope.whole, kind=Department.Kind.SPONSOR):
        departments[department.pk] = department
    return (
        sorted(scope.governments.values(), key=lambda g: g.name),
        sorted(departments.values(), key=lambda d: (d.government_id, d.name)),
    )
