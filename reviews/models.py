"""Legality review records (Art 25–28): one review round per submission of a decision.

A round's stage is not stored: it is read from the facts each service records once (accepted,
supplement asked and answered, issued, returned), and from the decision's state, because the
decisions app can also send a decision back (``return_for_revision``) without this app's help.

Why one module of ~550 lines: the round and everything hung on it (materials, supplements,
waiver checks, adviser opinions, items, letters, document-number sequences, the second review)
form one aggregate whose constraints refer to each other.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from decisions import limits
from decisions.models import (
    Attachment,
    Decision,
    DecisionState,
    Department,
    Government,
    Membership,
    ProcedureStep,
    Role,
    TimeStamped,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Conclusion(models.TextChoices):
    LAWFUL = "lawful", _("Lawful")
    LAWFUL_WITH_CHANGES = "lawful_with_changes", _("Lawful with changes")
    UNLAWFUL = "unlawful", _("Unlawful")
    # Art 25 proviso: an exploratory reform may go to the meeting with its legal risk stated openly.
    EXPLORATORY_WITH_RISK = "exploratory_with_risk", _("Exploratory, legal risk stated")


CLEARING_CONCLUSIONS = (Conclusion.LAWFUL, Conclusion.LAWFUL_WITH_CHANGES, Conclusion.EXPLORATORY_WITH_RISK)
# Conclusions that must say what is wrong, item by item.
CONCLUSIONS_WITH_ITEMS = (Conclusion.LAWFUL_WITH_CHANGES, Conclusion.UNLAWFUL)


class ProblemType(models.TextChoices):
    """What an item of the opinion finds wrong (Art 27)."""

    AUTHORITY = "authority", _("Authority")
    PROCEDURE = "procedure", _("Procedure")
    CONTENT = "content", _("Content")


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")  # materials being checked (Art 26)
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Waiting for supplementary materials")  # clock paused
    IN_REVIEW = "in_review", _("Under review")  # accepted: the review clock runs
    AWAITING_RESPONSE = "awaiting_response", _("Issued, waiting for the sponsor's answer")  # changes asked
    ISSUED = "issued", _("Opinion issued")
    RETURNED = "returned", _("Returned to the sponsor")  # this round ended without a clearing opinion


class LegalityReview(TimeStamped):
    """The legal office's review of one submission (round) of a decision."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Acceptance fixes the start of the review clock and the numbers in force for this round.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_working_days = models.PositiveSmallIntegerField(_("minimum review time (working days)"), null=True, blank=True)
    max_working_days = models.PositiveSmallIntegerField(_("maximum review time (working days)"), null=True, blank=True)
    supplement_time_counts = models.BooleanField(_("time waiting for supplements counts"), null=True, blank=True)
    minimum_shortened_reason = models.TextField(
        _("reason the minimum review time was shortened"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )
    minimum_shortened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minimum shortened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extension_working_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.CharField(_("conclusion"), max_length=30, choices=Conclusion.choices, blank=True)
    reasons = models.TextField(_("reasons and legal basis"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    legal_risk = models.TextField(_("legal risk stated openly"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    # What the letter says, fixed when it is issued: the letter is regenerated from this alone, so a
    # later rename of an office or a decision never changes an issued document.
    letter_content = models.JSONField(_("letter content"), null=True, blank=True, editable=False)
    revised_draft = models.ForeignKey(
        Attachment, verbose_name=_("revised draft"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes_confirmed_at = models.DateTimeField(_("changes confirmed at"), null=True, blank=True)
    changes_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changes confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True, max_length=limits.REASON_MAX_LENGTH)

    class Meta:
        ordering = ["decision", "round"]
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "round"],
                name="review_unique_round",
                violation_error_message=_("This round of the review already exists."),
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | (~Q(conclusion="") & ~Q(document_number="")),
                name="review_issued_has_conclusion_and_number",
                violation_error_message=_("An issued opinion has a conclusion and a document number."),
            ),
            models.CheckConstraint(
                condition=~Q(conclusion="exploratory_with_risk") | Q(legal_risk__gt=""),
                name="review_exploratory_states_risk",
                violation_error_message=_("An exploratory reform must state its legal risk openly."),
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(accepted_on__isnull=False),
                name="review_issued_only_after_acceptance",
                violation_error_message=_("An opinion is issued only on an accepted submission."),
            ),
            models.CheckConstraint(
                condition=Q(extension_working_days=0)
                | (Q(extension_reason__gt="") & Q(extension_approved_by__isnull=False)),
                name="review_extension_has_reason_and_head",
                violation_error_message=_(
                    "An extension of the review time states its reason and the head who approved it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minimum_shortened_by__isnull=True) | Q(minimum_shortened_reason__gt=""),
                name="review_shortened_minimum_has_reason",
                violation_error_message=_("Shortening the minimum review time states its reason."),
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(return_reason__gt=""),
                name="review_return_has_reason",
                violation_error_message=_("A returned submission states the reason."),
            ),
            # No document number twice (the sequence makes them gapless, this makes them unique).
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~Q(document_number=""),
                name="review_unique_document_number",
                violation_error_message=_("This document number is already used."),
            ),
        ]
        indexes = [models.Index(fields=["issued_at"], name="review_issued_at")]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.round}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_accepted(self) -> bool:
        return self.accepted_on is not None

    @property
    def asks_for_changes(self) -> bool:
        return self.conclusion == Conclusion.LAWFUL_WITH_CHANGES

    def open_supplement(self) -> SupplementRequest | None:
        # Works from a prefetch of ``supplements`` as well as from the database.
        return next((s for s in self.supplements.all() if s.answered_at is None), None)

    def stage(self, *, latest: bool) -> Stage:
        """Where this round stands. ``latest``: it is the decision's newest round (older rounds
        were superseded by a resubmission)."""
        if self.is_issued:
            if (
                self.asks_for_changes
                and self.changes_confirmed_at is None
                and latest
                and (self.decision.state == DecisionState.LEGALITY_REVIEW)
            ):
                return Stage.AWAITING_RESPONSE
            return Stage.ISSUED
        if self.returned_at is not None or not latest or self.decision.state != DecisionState.LEGALITY_REVIEW:
            return Stage.RETURNED
        if self.open_supplement() is not None:
            return Stage.AWAITING_SUPPLEMENT
        if self.is_accepted:
            return Stage.IN_REVIEW
        return Stage.SUBMITTED


class MaterialKind(models.TextChoices):
    """The materials a submission holds (Art 26)."""

    DRAFT = "draft", _("Draft")
    EXPLANATION = "explanation", _("Drafting explanation")
    LEGAL_BASIS = "legal_basis", _("Legal basis")
    PROCEDURE = "procedure", _("How the statutory procedures were carried out")
    OTHER = "other", _("Other material")


# Every one of these must be present before the legal office can accept the submission.
REQUIRED_MATERIALS = (MaterialKind.DRAFT, MaterialKind.EXPLANATION, MaterialKind.LEGAL_BASIS, MaterialKind.PROCEDURE)
# Attachment kinds a material of each kind is filed under in the decision's record.
MATERIAL_ATTACHMENT_KIND: dict[str, str] = {
    MaterialKind.DRAFT: Attachment.Kind.DRAFT,
    MaterialKind.EXPLANATION: Attachment.Kind.EXPLANATION,
    MaterialKind.LEGAL_BASIS: Attachment.Kind.LEGAL_BASIS,
    MaterialKind.PROCEDURE: Attachment.Kind.STEP_RECORD,
    MaterialKind.OTHER: Attachment.Kind.OTHER,
}


class SubmissionMaterial(TimeStamped):
    """One entry of a round's materials checklist: a file, a text, or a preparatory step's record."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    step = models.ForeignKey(
        ProcedureStep, verbose_name=_("step"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("file"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    # Attached automatically at submission from the decision's record (not typed in by anyone).
    automatic = models.BooleanField(_("attached automatically"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["review", "kind", "created_at", "id"]
        verbose_name = _("submission material")
        verbose_name_plural = _("submission materials")
        constraints = [
            models.CheckConstraint(
                condition=Q(attachment__isnull=False) | Q(text__gt="") | Q(step__isnull=False),
                name="material_has_content",
                violation_error_message=_("A material is a file, a text or a step's record."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.get_kind_display()}"


class SupplementRequest(TimeStamped):
    """The legal office asks for missing material; the review clock waits meanwhile (local rule)."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="supplements"
    )
    missing = models.TextField(_("what is missing"), max_length=limits.REASON_MAX_LENGTH)
    requested_on = models.DateField(_("requested on"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("sponsor's answer"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["review", "requested_at", "id"]
        verbose_name = _("request for supplementary materials")
        verbose_name_plural = _("requests for supplementary materials")
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(answered_at__isnull=True),
                name="supplement_one_open_per_round",
                violation_error_message=_("A request for supplements is already open."),
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("requested_on")),
                name="supplement_answered_after_request",
                violation_error_message=_("Supplements cannot be handed in before they were asked for."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.requested_on}"


class WaiverVerdict(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class WaiverCheck(TimeStamped):
    """The legal office's check of a preparatory step the sponsor marked not applicable: a waiver is
    never final on the sponsor's word alone. The waiver is copied as it stood when submitted."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="waiver_checks"
    )
    step = models.ForeignKey(ProcedureStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+")
    waiver_reason = models.TextField(_("reason it does not apply"), max_length=limits.REASON_MAX_LENGTH)
    waiver_article = models.CharField(_("article relied on"), max_length=100)
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waiver approved by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=WaiverVerdict.choices, default=WaiverVerdict.PENDING
    )
    verdict_reason = models.TextField(_("reason for the verdict"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        ordering = ["review", "step__kind"]
        verbose_name = _("waiver check")
        verbose_name_plural = _("waiver checks")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "step"],
                name="waiver_check_once_per_round",
                violation_error_message=_("This waiver is already checked in this round."),
            ),
            models.CheckConstraint(
                condition=~Q(verdict="rejected") | Q(verdict_reason__gt=""),
                name="waiver_rejection_has_reason",
                violation_error_message=_("Rejecting a waiver states the reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.step.get_kind_display()}"


class AdviserKind(models.TextChoices):
    """In which capacity a lawyer takes part in the legality review (Art 28)."""

    LEGAL_ADVISER = "legal_adviser", _("Legal adviser")
    PUBLIC_LAWYER = "public_lawyer", _("Public lawyer")


class LegalAdviserQuerySet(models.QuerySet):
    def serving(self, government_id: int, day: dt.date) -> LegalAdviserQuerySet:
        """The government's advisers in the pool on ``day``: active, their term covering it."""
        return self.filter(government_id=government_id, active=True, term_start__lte=day, term_end__gte=day)


class LegalAdviser(TimeStamped):
    """A government's pool of legal advisers and public lawyers (Art 28): who the legal office may
    ask for an opinion, in which capacity, from which firm or unit, for which term. Organisation
    data, kept by the administrators; a request names someone serving on the day it is made."""

    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="legal_advisers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user login"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("capacity"), max_length=20, choices=AdviserKind.choices)
    firm = models.CharField(_("law firm or unit"), max_length=200)
    fields_of_practice = models.CharField(_("fields of practice"), max_length=200, blank=True)
    term_start = models.DateField(_("term starts on"))
    term_end = models.DateField(_("term ends on"))
    active = models.BooleanField(_("active"), default=True)

    objects = LegalAdviserQuerySet.as_manager()

    class Meta:
        ordering = ["government", "user"]
        verbose_name = _("legal adviser in the pool")
        verbose_name_plural = _("pool of legal advisers")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "user"],
                name="legal_adviser_once_per_government",
                violation_error_message=_("This person is already in this government's pool of advisers."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")),
                name="legal_adviser_term_end_after_start",
                violation_error_message=_("The term ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} · {self.firm}"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = _("The term ends after it starts.")
        if self.government_id and self.user_id:
            holds_role = Membership.objects.filter(
                user_id=self.user_id,
                role=Role.LEGAL_ADVISER,
                department__government_id=self.government_id,
                department__kind=Department.Kind.LEGAL_OFFICE,
            ).exists()
            if not holds_role:
                errors["user"] = _(
                    "This person holds no legal adviser role in this government's legal office: "
                    "give them that role first."
                )
        if errors:
            raise ValidationError(errors)

    def covers(self, day: dt.date) -> bool:
        return self.active and self.term_start <= day <= self.term_end


class AdviserOpinion(TimeStamped):
    """A legal adviser's or public lawyer's opinion inside the review (Art 28), signed by its author:
    only the adviser asked can write it, and once signed it cannot change."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="adviser_opinions"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adviser"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question put to the adviser"), max_length=limits.REASON_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    opinion = models.TextField(_("opinion"), blank=True, max_length=limits.TEXT_MAX_LENGTH)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # SHA-256 of the adviser, the time and the text as signed: shows the text was not altered since.
    signature = models.CharField(_("signature checksum"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("request withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["review", "requested_at", "id"]
        verbose_name = _("legal adviser opinion")
        verbose_name_plural = _("legal adviser opinions")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (Q(opinion__gt="") & Q(signature__gt="")),
                name="adviser_opinion_signed_has_text",
                violation_error_message=_("A signed opinion has its text and signature."),
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="adviser_opinion_signed_or_withdrawn",
                violation_error_message=_("An opinion cannot be both signed and withdrawn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.adviser}"

    @property
    def is_open(self) -> bool:
        return self.signed_at is None and self.withdrawn_at is None


class ItemResponse(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ReviewItem(TimeStamped):
    """One numbered item of the opinion: a clause, what is wrong with it (Art 27), the legal basis and
    the change suggested; then the sponsor's answer to it."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    clause = models.CharField(_("clause concerned"), max_length=200)
    problem_type = models.CharField(_("problem type (Art 27)"), max_length=20, choices=ProblemType.choices)
    problem = models.TextField(_("problem found"), max_length=limits.TEXT_MAX_LENGTH)
    legal_basis = models.TextField(_("legal basis cited"), max_length=limits.TEXT_MAX_LENGTH)
    suggested_change = models.TextField(_("suggested change"), max_length=limits.TEXT_MAX_LENGTH)
    response = models.CharField(_("sponsor's answer"), max_length=20, choices=ItemResponse.choices, blank=True)
    response_reason = models.TextField(
        _("reason given by the sponsor"), blank=True, max_length=limits.REASON_MAX_LENGTH
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["review", "number"]
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                name="review_item_unique_number",
                violation_error_message=_("Two items share one number."),
            ),
            models.CheckConstraint(
                condition=Q(response="") | Q(response="adopted") | Q(response_reason__gt=""),
                name="review_item_partial_answer_has_reason",
                violation_error_message=_("An item not fully adopted states the reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.number}"


class LetterFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"


def letter_path(instance: OpinionLetter, filename: str) -> str:
    return f"reviews/letters/{instance.review_id}/{instance.sha256}.{instance.format}"


class OpinionLetter(TimeStamped):
    """The issued opinion letter (合法性审查意见书) as a file, with its checksum."""

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review round"), on_delete=models.PROTECT, related_name="letters"
    )
    format = models.CharField(_("format"), max_length=5, choices=LetterFormat.choices)
    file = models.FileField(_("file"), upload_to=letter_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)

    class Meta:
        ordering = ["review", "format"]
        verbose_name = _("opinion letter")
        verbose_name_plural = _("opinion letters")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "format"],
                name="letter_one_per_format",
                violation_error_message=_("The letter is already stored in this format."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.format}"


class FinalTextKind(models.TextChoices):
    DOCUMENT = "document", _("Document to be issued")
    MINUTES = "minutes", _("Meeting minutes")
    AGREEMENT = "agreement", _("Agreement")


class FinalTextResult(models.TextChoices):
    CONSISTENT = "consistent", _("Consistent with the decision, wording checked")
    CHANGES_NEEDED = "changes_needed", _("Changes needed")


class FinalTextReview(TimeStamped):
    """Second review (二次审查, a local practice, a per-government setting): after the meeting the text
    to be issued comes back to the legal office for wording and consistency, before publication."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="final_text_reviews"
    )
    text_kind = models.CharField(_("text"), max_length=20, choices=FinalTextKind.choices)
    attachment = models.ForeignKey(Attachment, verbose_name=_("file"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=FinalTextResult.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=limits.REASON_MAX_LENGTH)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        ordering = ["decision", "created_at", "id"]
        verbose_name = _("second review of the final text")
        verbose_name_plural = _("second reviews of the final text")
        constraints = [
            models.CheckConstraint(
                condition=~Q(result="changes_needed") | Q(notes__gt=""),
                name="final_text_changes_have_notes",
                violation_error_message=_("Changes needed are described in the notes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.code} · {self.get_text_kind_display()}"


class DocumentNumberSequence(TimeStamped):
    """The gapless yearly sequence of a legal office's opinion letters (X司法审〔2026〕17号)."""

    office = models.ForeignKey(Department, verbose_name=_("legal office"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        ordering = ["office", "year"]
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"],
                name="docnumber_one_per_office_year",
                violation_error_message=_("The office already numbers documents this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}: {self.last_number}"
