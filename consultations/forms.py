"""The public side's forms: they parse; ``consultations.services`` decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.articles import Article
from consultations.choices import Channel, Handling
from decisions import limits

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _article_choices(articles: list[Article]) -> list[tuple[str, StrOrPromise]]:
    return [("", _("The whole draft")), *[(str(a.number), a.heading) for a in articles]]


class _ArticleMixin:
    def clean_article(self) -> int | None:
        value = self.cleaned_data.get("article")  # type: ignore[attr-defined]
        return int(value) if value else None


class CommentForm(_ArticleMixin, forms.Form):
    article = forms.ChoiceField(label=_("Comment on"), required=False)
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 8}), max_length=limits.REASON_MAX_LENGTH
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=limits.LINE_MAX_LENGTH)
    contact = forms.CharField(
        label=_("Contact (telephone or e-mail; never published)"), required=False, max_length=limits.LINE_MAX_LENGTH
    )
    # A honeypot: hidden from people by the page's style sheet; a form that fills it is a robot's.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, articles: list[Article], name_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = _article_choices(articles)  # type: ignore[attr-defined]
        self.fields["name"].required = name_required
        self.fields["name"].label = _("Name") if name_required else _("Name (optional)")

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your comment could not be accepted. Please send it again."))
        return ""


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)


class AnswerForm(forms.Form):
    handling = forms.ChoiceField(label=_("Handling"), choices=Handling.choices)
    answer = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.REASON_MAX_LENGTH
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=limits.REASON_MAX_LENGTH)


class GroupForm(forms.Form):
    lead = forms.CharField(label=_("Group under (tracking number; empty to ungroup)"), required=False, max_length=20)


class EntryForm(_ArticleMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Received by"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
    article = forms.ChoiceField(label=_("Comment on"), required=False)
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=limits.REASON_MAX_LENGTH
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=limits.LINE_MAX_LENGTH)
    contact = forms.CharField(label=_("Contact"), required=False, max_length=limits.LINE_MAX_LENGTH)

    def __init__(self, *args, articles: list[Article], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = _article_choices(articles)  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    name_required = forms.BooleanField(label=_("Commenters must give their name"), required=False)
    draft_text = forms.CharField(
        label=_("Text of the draft (articles 第X条 become commentable)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=limits.TEXT_MAX_LENGTH * 5,
    )
    postal_address = forms.CharField(
        label=_("Address for comments by letter"), required=False, max_length=limits.LINE_MAX_LENGTH
    )
    email = forms.EmailField(label=_("E-mail for comments"), required=False, max_length=limits.LINE_MAX_LENGTH)
    symposium_note = forms.CharField(
        label=_("Symposiums (dates and places)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.REASON_MAX_LENGTH,
    )


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your feedback on how it is carried out"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.REASON_MAX_LENGTH,
    )
    name = forms.CharField(label=_("Name (optional)"), required=False, max_length=limits.LINE_MAX_LENGTH)
    contact = forms.CharField(
        label=_("Contact (telephone or e-mail; never published)"), required=False, max_length=limits.LINE_MAX_LENGTH
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your comment could not be accepted. Please send it again."))
        return ""


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.REASON_MAX_LENGTH
    )
