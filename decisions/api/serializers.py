"""What the API reads and writes. Output serializers describe records; input serializers only parse
and type-check a request before a service (decisions.services) decides whether it is allowed.

Why one module of ~500 lines: one serializer per record of the core, and one input per
transition shape (``INPUT_SERIALIZERS``); the schema's component names come from these classes.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions import lifecycle, limits
from decisions.models import (
    Attachment,
    Category,
    Decision,
    DecisionEvent,
    DecisionState,
    Department,
    DraftingRecord,
    Evaluation,
    ExecutionProblem,
    ExecutionReport,
    Expert,
    ExpertOpinion,
    ExpertSelection,
    Government,
    Hearing,
    HearingParticipant,
    Meeting,
    MeetingCorrection,
    MeetingOutcome,
    MeetingPosition,
    Membership,
    ParticipationRecord,
    PartyCommitteeReport,
    ProcedureStep,
    Publication,
    RiskAssessmentRecord,
    Stance,
    StepKind,
    WaiverBasis,
    WaiverRequest,
)
from decisions.services.records import EVALUATION_FIELDS

User = get_user_model()

# Ids in paths, queries and bodies: within PostgreSQL's bigint, so no lookup can overflow.
MAX_ID = 999_999_999_999_999_999


def user_label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


# --------------------------------------------------------------------------- organisation


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user_label(user)


class GovernmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Government
        fields = ["id", "name", "short_name", "level", "parent"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "government", "name", "kind"]


class MembershipSerializer(serializers.ModelSerializer):
    department = DepartmentSerializer(read_only=True)
    government_name = serializers.CharField(source="department.government.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["department", "government_name", "role"]


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    key_prefix = serializers.CharField()
    department = serializers.IntegerField(source="department_id")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    token = TokenInfoSerializer(allow_null=True)


# --------------------------------------------------------------------------- steps


class ParticipationSerializer(serializers.ModelSerializer):
    methods = serializers.ListField(child=serializers.ChoiceField(choices=ParticipationRecord.Method.choices))
    period_days = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ParticipationRecord
        fields = [
            "methods",
            "call_published_on",
            "period_start",
            "period_end",
            "period_days",
            "shortened_period_reason",
            "affected_groups_heard",
            "comments_count",
            "comments_adopted",
            "comments_partly_adopted",
            "adoption_summary",
        ]


class ParticipationUpdateSerializer(ParticipationSerializer):
    """Partial update of the participation record: only the fields given change."""

    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipationRecord.Method.choices), required=False, max_length=10
    )

    class Meta(ParticipationSerializer.Meta):
        # The counts and the adoption summary are generated from the answers to the comments
        # (services.participation_record_adoption), never typed (Art 18).
        fields = [
            f
            for f in ParticipationSerializer.Meta.fields
            if f not in {"period_days", *ParticipationRecord.ADOPTION_FIELDS}
        ]
        extra_kwargs = {name: {"required": False} for name in fields}


class HearingParticipantSerializer(serializers.ModelSerializer):
    """A hearing participant (Art 16) and their answer to the record (Art 17)."""

    class Meta:
        model = HearingParticipant
        fields = ["id", "name", "represents", "selected_how", "confirmed_on", "objected_on", "objection"]
        read_only_fields = ["id", "confirmed_on", "objected_on", "objection"]


class HearingSerializer(serializers.ModelSerializer):
    """The hearing of the participation step (Art 16–17)."""

    participants = HearingParticipantSerializer(many=True, read_only=True)
    has_record = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hearing
        fields = [
            "draft",
            "hearing_on",
            "hearing_time",
            "place",
            "how_to_apply",
            "application_deadline",
            "notice_published_on",
            "selection_method",
            "selection_detail",
            "participants_published_on",
            "materials_sent_on",
            "record_text",
            "record_scan",
            "has_record",
            "participants",
        ]
        read_only_fields = ["record_scan", "has_record", "participants"]


class HearingUpdateSerializer(HearingSerializer):
    """Partial update of the hearing: only the fields given change (services.hearing_update)."""

    class Meta(HearingSerializer.Meta):
        fields = [f for f in HearingSerializer.Meta.fields if f not in {"record_scan", "has_record", "participants"}]
        extra_kwargs = {name: {"required": False} for name in fields}


class HearingAnswerSerializer(serializers.Serializer):
    """A participant's confirmation of the hearing record, or their objection (Art 17)."""

    confirmed_on = serializers.DateField(required=False, allow_null=True, default=None)
    objected_on = serializers.DateField(required=False, allow_null=True, default=None)
    objection = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


class RiskSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessmentRecord
        fields = [
            "assessor",
            "third_party",
            "risk_points",
            "measures",
            "contingency_plan",
            "level",
            "controllable",
        ]


class RiskUpdateSerializer(RiskSerializer):
    class Meta(RiskSerializer.Meta):
        extra_kwargs = {name: {"required": False} for name in RiskSerializer.Meta.fields}


class ExpertOpinionSerializer(serializers.ModelSerializer):
    counts = serializers.BooleanField(read_only=True)
    expert = serializers.PrimaryKeyRelatedField(
        queryset=Expert.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text=_("The expert of the pool chosen for the argument; empty only for an expert outside it."),
    )
    signed_scan_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The signed scan of an opinion signed on paper: a file of kind “Signed opinion” of this step."),
    )

    class Meta:
        model = ExpertOpinion
        fields = [
            "id",
            "expert",
            "expert_name",
            "organisation",
            "speciality",
            "stance",
            "opinion",
            "signed_on",
            "signed_by",
            "signed_scan_id",
            "declared_interest",
            "interest_detail",
            "handling",
            "handling_reason",
            "counts",
            "created_at",
        ]
        read_only_fields = ["id", "counts", "signed_by", "created_at"]
        extra_kwargs = {"expert_name": {"required": False}}


class ExpertSelectionSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    expert_organisation = serializers.CharField(source="expert.organisation", read_only=True)

    class Meta:
        model = ExpertSelection
        fields = [
            "id",
            "expert",
            "expert_name",
            "expert_organisation",
            "method",
            "recommended_by",
            "chosen_by",
            "created_at",
            "excluded",
            "exclusion_reason",
        ]
        read_only_fields = fields


class ExpertSelectInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ExpertSelection.Method.choices)
    experts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    count = serializers.IntegerField(required=False, default=0, min_value=0)
    recommended_by = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    interests = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        default=dict,
        help_text=_("Interests in the matter the experts declared, by pool id: each excludes its expert."),
    )


class ExpertSignSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=ExpertOpinion.Stance.choices)
    opinion = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    declared_interest = serializers.BooleanField(required=False, default=False)
    interest_detail = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=limits.TEXT_MAX_LENGTH
    )


class ExpertArgumentSerializer(serializers.ModelSerializer):
    """An argument asked of the expert calling: the decision, how they were chosen, their opinion."""

    decision = serializers.IntegerField(source="step.decision_id", read_only=True)
    code = serializers.CharField(source="step.decision.code", read_only=True)
    title = serializers.CharField(source="step.decision.title", read_only=True)
    lead_sponsor = serializers.CharField(source="step.decision.lead_sponsor.name", read_only=True)
    opinion = ExpertOpinionSerializer(source="signed_opinion", read_only=True, allow_null=True)

    class Meta:
        model = ExpertSelection
        fields = ["decision", "code", "title", "lead_sponsor", "method", "created_at", "opinion"]
        read_only_fields = fields


class ExpertOpinionHandlingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertOpinion
        fields = ["handling", "handling_reason"]
        extra_kwargs = {"handling": {"required": True, "allow_blank": False}}


class WaiverBasisSerializer(serializers.ModelSerializer):
    steps = serializers.ListField(child=serializers.ChoiceField(choices=StepKind.choices))

    class Meta:
        model = WaiverBasis
        fields = ["id", "citation", "title", "text", "steps", "government", "active"]


class WaiverRequestSerializer(serializers.ModelSerializer):
    """A request to mark a step not applicable and its outcome (two acts by two people)."""

    step_kind = serializers.ChoiceField(source="step.kind", choices=StepKind.choices, read_only=True)
    basis = WaiverBasisSerializer(read_only=True)
    requested_by = UserBriefSerializer(read_only=True)
    approver = UserBriefSerializer(read_only=True)

    class Meta:
        model = WaiverRequest
        fields = [
            "id",
            "step_kind",
            "status",
            "reason",
            "basis",
            "basis_note",
            "requested_by",
            "approver",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class StepSerializer(serializers.ModelSerializer):
    waiver_approved_by = UserBriefSerializer(read_only=True, allow_null=True)
    waiver_request = serializers.SerializerMethodField(
        help_text=_(
            "The request the waiver stands on when the step is waived; otherwise the step's latest request "
            "(awaiting approval, refused or withdrawn), or null."
        )
    )
    participation = serializers.SerializerMethodField()
    hearing = serializers.SerializerMethodField()
    risk = serializers.SerializerMethodField()
    expert_opinions = ExpertOpinionSerializer(many=True, read_only=True)
    expert_selections = ExpertSelectionSerializer(many=True, read_only=True)

    class Meta:
        model = ProcedureStep
        fields = [
            "kind",
            "state",
            "started_at",
            "settled_at",
            "waiver_reason",
            "waiver_article",
            "waiver_approved_by",
            "waiver_request",
            "participation",
            "hearing",
            "risk",
            "expert_opinions",
            "expert_selections",
        ]

    @extend_schema_field(WaiverRequestSerializer(allow_null=True))
    def get_waiver_request(self, step):
        # The step's requests are prefetched in order (decisions.api.views.decision_queryset).
        requests = list(step.waiver_requests.all())
        if step.waiver_request_id is not None:
            current = next((r for r in requests if r.pk == step.waiver_request_id), None)
        else:
            current = requests[-1] if requests else None
        return WaiverRequestSerializer(current).data if current else None

    @extend_schema_field(ParticipationSerializer(allow_null=True))
    def get_participation(self, step):
        record = getattr(step, "participation", None) if step.kind == StepKind.PUBLIC_PARTICIPATION else None
        return ParticipationSerializer(record).data if record else None

    @extend_schema_field(HearingSerializer(allow_null=True))
    def get_hearing(self, step):
        hearing = getattr(step, "hearing", None) if step.kind == StepKind.PUBLIC_PARTICIPATION else None
        return HearingSerializer(hearing).data if hearing else None

    @extend_schema_field(RiskSerializer(allow_null=True))
    def get_risk(self, step):
        record = getattr(step, "risk", None) if step.kind == StepKind.RISK_ASSESSMENT else None
        return RiskSerializer(record).data if record else None


# --------------------------------------------------------------------------- the decision


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["published_on", "document_number", "in_gazette", "website_url"]


class DecisionListSerializer(serializers.ModelSerializer):
    lead_sponsor_name = serializers.CharField(source="lead_sponsor.name", read_only=True)
    government_name = serializers.CharField(source="government.name", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "code",
            "title",
            "government",
            "government_name",
            "catalogue_year",
            "category",
            "state",
            "lead_sponsor",
            "lead_sponsor_name",
            "in_catalogue",
            "created_at",
            "updated_at",
        ]


class DecisionSerializer(DecisionListSerializer):
    # The stubs' view of it: with many=True, DRF builds a ManyRelatedField around this field.
    co_sponsors: serializers.PrimaryKeyRelatedField[Department] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    registered_by = UserBriefSerializer(read_only=True, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)
    publication = serializers.SerializerMethodField()

    class Meta(DecisionListSerializer.Meta):
        fields = [
            *DecisionListSerializer.Meta.fields,
            "summary",
            "legal_basis",
            "matter_type",
            "decision_body",
            "co_sponsors",
            "executing_unit",
            "deferred_on",
            "registered_by",
            "steps",
            "publication",
        ]

    @extend_schema_field(PublicationSerializer(allow_null=True))
    def get_publication(self, decision):
        publication = getattr(decision, "publication", None)
        return PublicationSerializer(publication).data if publication else None


class DecisionCreateSerializer(serializers.Serializer):
    lead_sponsor = IdField(help_text=_("A sponsoring department you work in."))
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    catalogue_year = serializers.IntegerField(min_value=2000, max_value=2100)
    decision_body = serializers.CharField(max_length=100)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)
    co_sponsors = serializers.ListField(child=IdField(), required=False, default=list, max_length=50)
    matter_type = IdField(
        required=False, allow_null=True, default=None, help_text=_("A matter type of the decision's government.")
    )
    # ``in_catalogue`` is no longer taken here: the government office's published catalogue decides
    # it (Art 3). A client that still sends it is not refused; the value is ignored.


class DecisionAmendSerializer(serializers.Serializer):
    """A correction of the description before submission; only the fields given change."""

    title = serializers.CharField(max_length=200, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    decision_body = serializers.CharField(max_length=100, required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT_MAX_LENGTH)
    matter_type = IdField(
        required=False, allow_null=True, help_text=_("A matter type of the decision's government, or null.")
    )
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH, help_text=_("Why the description is amended (kept in the history).")
    )


class ChangeSponsorsSerializer(serializers.Serializer):
    lead_sponsor = IdField(help_text=_("A sponsoring department of the decision's government."))
    co_sponsors = serializers.ListField(child=IdField(), required=False, default=list, max_length=50)
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        help_text=_("Why the sponsoring departments change (kept in the history)."),
    )


class DecisionFilterSerializer(serializers.Serializer):
    """The list's query parameters."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    state = serializers.ChoiceField(required=False, choices=DecisionState.choices)
    department = IdField(required=False, help_text=_("Lead sponsor or co-sponsor."))
    catalogue = serializers.BooleanField(required=False, allow_null=True, default=None)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    search = serializers.CharField(required=False, max_length=100, help_text=_("Part of the title or the code."))


# --------------------------------------------------------------------------- transitions


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class MeetingPositionInput(serializers.Serializer):
    """Art 30: one member's position, as said."""

    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text=_("The member's name.")
    )
    position = serializers.ChoiceField(choices=Stance.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)
    is_head = serializers.BooleanField(
        required=False, default=False, help_text=_("The head, who speaks last and decides: exactly one.")
    )
    user = IdField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The member's account, if any: a user of the decision's government."),
    )


class RecordOutcomeInput(CommentInput):
    outcome = serializers.ChoiceField(choices=MeetingOutcome.choices)
    meeting_type = serializers.ChoiceField(choices=Meeting.Type.choices)
    held_on = serializers.DateField()
    positions = MeetingPositionInput(  # type: ignore[call-arg]  # many=True builds a ListSerializer, which takes it
        many=True,
        max_length=100,
        help_text=_(
            "Each member's position; at least one member and exactly one head. Whether the head "
            "decided against the majority is computed from them (Art 30)."
        ),
    )
    head_final_statement = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    head_reasons = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.TEXT_MAX_LENGTH,
        help_text=_("Required when the head decides against the majority of the members (Art 30)."),
    )
    attendees = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.REASON_MAX_LENGTH,
        help_text=_("Others present (sitting in)."),
    )
    legal_office_attendee = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text=_("Required where the government's practice has the legal office attend the meeting (Art 30)."),
    )
    legal_advisers_present = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH
    )
    dissent = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.TEXT_MAX_LENGTH)


class PublishInput(CommentInput):
    published_on = serializers.DateField()
    document_number = serializers.CharField(max_length=100)
    in_gazette = serializers.BooleanField(required=False, default=False)
    website_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)


class BeginImplementationInput(CommentInput):
    executing_unit = IdField(help_text=_("A department of the decision's government."))


# Each transition's input: the names are the lifecycle contract's (DESIGN.md).
# One serializer per input shape of the lifecycle spec (decisions.lifecycle.Inputs).
INPUT_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    lifecycle.Inputs.COMMENT: CommentInput,
    lifecycle.Inputs.REASON: ReasonInput,
    lifecycle.Inputs.RECORD_OUTCOME: RecordOutcomeInput,
    lifecycle.Inputs.PUBLISH: PublishInput,
    lifecycle.Inputs.BEGIN_IMPLEMENTATION: BeginImplementationInput,
}
assert set(INPUT_SERIALIZERS) == set(lifecycle.Inputs.ALL)
TRANSITION_INPUTS: dict[str, type[serializers.Serializer]] = {
    name: INPUT_SERIALIZERS[spec.inputs] for name, spec in lifecycle.TRANSITIONS.items()
}


class WaiveInput(serializers.Serializer):
    """A request to mark the step not applicable: the step is waived only when the approver approves."""

    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)
    basis = IdField(help_text=_("A legal basis from the list for this step (GET …/waiver-bases/)."))
    basis_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.REASON_MAX_LENGTH,
        help_text=_("An addition to the basis."),
    )
    approver = IdField(
        help_text=_("The sponsor's head or a government leader, as the rule settings say, who is to approve it.")
    )


class WaiverApproveInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


class WaiverWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.REASON_MAX_LENGTH)


# The answers to an open waiver request: the approver's and the requester's.
WAIVER_DECISION_INPUTS: dict[str, type[serializers.Serializer]] = {
    "approve": WaiverApproveInput,
    "refuse": ReasonInput,
    "withdraw": WaiverWithdrawInput,
}


STEP_INPUTS: dict[str, type[serializers.Serializer]] = {
    "start": CommentInput,
    "complete": CommentInput,
    "waive": WaiveInput,
    "reopen": ReasonInput,
}


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("forbidden (role), wrong_state or rule."))
    detail = serializers.CharField()
    rule = serializers.CharField(required=False)
    article = serializers.CharField(required=False)
    article_label = serializers.CharField(required=False)


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class StepOptionSerializer(TransitionOptionSerializer):
    kind = serializers.ChoiceField(choices=StepKind.choices)


class TaskSerializer(serializers.Serializer):
    """One task of the caller's to-do list: the act's machine name (a transition, ``step_<action>``,
    ``approve_waiver`` or an act of the legality review), what it is and the page where it is done."""

    decision = serializers.IntegerField(source="decision.pk")
    code = serializers.CharField(source="decision.code")
    title = serializers.CharField(source="decision.title")
    state = serializers.ChoiceField(source="decision.state", choices=DecisionState.choices)
    action = serializers.CharField()
    description = serializers.CharField(source="label")
    url = serializers.CharField()


class TransitionsSerializer(serializers.Serializer):
    decision = serializers.IntegerField()
    state = serializers.ChoiceField(choices=DecisionState.choices)
    transitions = TransitionOptionSerializer(many=True)
    step_actions = StepOptionSerializer(many=True)


# --------------------------------------------------------------------------- after the review, files, history


class MeetingPositionSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MeetingPosition
        fields = ["order", "member_name", "user", "role", "position", "reasons"]


class MeetingCorrectionSerializer(serializers.ModelSerializer):
    corrected_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MeetingCorrection
        fields = ["id", "field", "text", "reason", "corrected_by", "created_at"]
        read_only_fields = ["id", "corrected_by", "created_at"]


class MeetingCorrectionInput(serializers.Serializer):
    field = serializers.ChoiceField(choices=MeetingCorrection.Field.choices)
    text = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    reason = serializers.CharField(max_length=limits.REASON_MAX_LENGTH)


class MeetingSerializer(serializers.ModelSerializer):
    recorded_by = UserBriefSerializer(read_only=True, allow_null=True)
    positions = MeetingPositionSerializer(many=True, read_only=True)
    majority = serializers.ChoiceField(
        choices=Stance.choices,
        read_only=True,
        allow_null=True,
        help_text=_("The members' majority position, computed; null without one (Art 30)."),
    )
    corrections = MeetingCorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "meeting_type",
            "held_on",
            "attendees",
            "legal_office_attendee",
            "legal_advisers_present",
            "outcome",
            "positions",
            "majority",
            "head_final_statement",
            "head_against_majority",
            "head_reasons",
            "dissent",
            "corrections",
            "recorded_by",
            "created_at",
        ]


class DraftingRecordSerializer(serializers.ModelSerializer):
    recorded_by = UserBriefSerializer(read_only=True, allow_null=True)
    # Only a proposal names its proposer; the other entries answer "".
    proposer = serializers.ChoiceField(choices=DraftingRecord.Proposer.choices, allow_blank=True, read_only=True)

    class Meta:
        model = DraftingRecord
        fields = ["id", "kind", "proposer", "text", "attachment", "recorded_by", "created_at"]
        read_only_fields = fields


class DraftingRecordInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DraftingRecord.Kind.choices)
    proposer = serializers.ChoiceField(choices=DraftingRecord.Proposer.choices, required=False, allow_blank=True)
    text = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    file = serializers.FileField(required=False, help_text=_("A document of the entry (multipart only)."))


class ExecutionReportSerializer(serializers.ModelSerializer):
    reported_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExecutionReport
        fields = ["id", "reported_on", "progress", "public_feedback", "reported_by", "created_at"]
        read_only_fields = ["id", "reported_by", "created_at"]


class PartyCommitteeReportSerializer(serializers.ModelSerializer):
    """Art 31: the report of the decision to the Party committee."""

    reported_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PartyCommitteeReport
        fields = ["id", "meeting", "reported_on", "document_number", "reported_by", "attachment", "created_at"]
        read_only_fields = fields


class PartyCommitteeReportInput(serializers.Serializer):
    reported_on = serializers.DateField()
    document_number = serializers.CharField(max_length=100)


class ExecutionProblemSerializer(serializers.ModelSerializer):
    """Art 35: a problem found in execution, and its answer once given."""

    reported_by = UserBriefSerializer(read_only=True, allow_null=True)
    answered_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExecutionProblem
        fields = [
            "id",
            "source",
            "execution_report",
            "source_reference",
            "description",
            "reported_on",
            "reported_by",
            "answer",
            "answer_text",
            "answered_by",
            "answered_on",
            "created_at",
        ]
        read_only_fields = fields


class ExecutionProblemInput(serializers.Serializer):
    # The model's name for it; DRF takes declared fields out of the class, so no clash with Field.source.
    source = serializers.ChoiceField(choices=ExecutionProblem.Source.choices)  # type: ignore[assignment]
    description = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    reported_on = serializers.DateField()
    execution_report = IdField(required=False, allow_null=True, default=None)
    source_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ExecutionProblemAnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=ExecutionProblem.Answer.choices)
    answer_text = serializers.CharField(max_length=limits.TEXT_MAX_LENGTH)
    answered_on = serializers.DateField(required=False, allow_null=True, default=None)


class EvaluationSerializer(serializers.ModelSerializer):
    evaluator_department: serializers.PrimaryKeyRelatedField[Department] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Evaluation
        fields = ["id", *EVALUATION_FIELDS, "created_at"]


class EvaluationInput(serializers.ModelSerializer):
    evaluator_department = IdField(required=False, allow_null=True)

    class Meta:
        model = Evaluation
        fields = list(EVALUATION_FIELDS)


class AttachmentSerializer(serializers.ModelSerializer):
    step_kind = serializers.CharField(source="step.kind", read_only=True, allow_null=True, default=None)
    uploaded_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "step_kind",
            "original_name",
            "extension",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
        ]


class AttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, max_length=255)
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices, required=False, default=Attachment.Kind.OTHER)
    step_kind = serializers.ChoiceField(choices=StepKind.choices, required=False, allow_blank=True, default="")


class EventSerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DecisionEvent
        fields = [
            "id",
            "decision",
            "step_kind",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "comment",
            "created_at",
        ]


# --------------------------------------------------------------------------- public


class CatalogueEntrySerializer(serializers.ModelSerializer):
    government_name = serializers.CharField(source="government.name", read_only=True)
    lead_sponsor_name = serializers.CharField(source="lead_sponsor.name", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "code",
            "title",
            "government",
            "government_name",
            "catalogue_year",
            "category",
            "lead_sponsor_name",
            "state",
            "created_at",
        ]


class ConsultationSerializer(serializers.Serializer):
    decision = serializers.IntegerField(source="step.decision_id")
    code = serializers.CharField(source="step.decision.code")
    title = serializers.CharField(source="step.decision.title")
    summary = serializers.CharField(source="step.decision.summary")
    government_name = serializers.CharField(source="step.decision.government.name")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=ParticipationRecord.Method.choices))
    call_published_on = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    shortened_period_reason = serializers.CharField()
    hearing_date = serializers.SerializerMethodField(
        help_text=_("The hearing's date, once its notice is published (Art 16); otherwise null.")
    )

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_hearing_date(self, record) -> dt.date | None:
        hearing = getattr(record.step, "hearing", None)
        if hearing is None or hearing.notice_published_on is None:
            return None
        return hearing.hearing_on if hearing.notice_published_on <= timezone.localdate() else None


class CatalogueFilterSerializer(serializers.Serializer):
    government = IdField(required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
