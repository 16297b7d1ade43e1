from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Legality review")

    def ready(self) -> None:
        # Imported here, as Django asks: the models and services load once the app registry is ready.
        from decisions import extensions
        from reviews import access, gates, selectors, services
        from reviews.choices import REVIEW_RULE_ARTICLES, ReviewEvent, ReviewRule

        extensions.provide_vocabulary(events=ReviewEvent, rules=ReviewRule, articles=REVIEW_RULE_ARTICLES)
        # Art 25: the meeting gate and the publication gate are the legal office's to decide.
        extensions.provide_gate(extensions.REVIEW_ALLOWS, gates.clearance_refusals)
        extensions.provide_gate(extensions.FINAL_TEXT_REVIEWED, gates.publication_refusals)
        # Art 26: the meeting's own date is measured against the minimum review time too.
        extensions.provide_earliest_meeting_day(gates.earliest_meeting_day)
        # The same two gates as they must still hold afterwards (decisions.integrity).
        extensions.provide_invariant(extensions.REVIEW_ALLOWS.name, gates.clearance_held)
        extensions.provide_invariant(extensions.FINAL_TEXT_REVIEWED.name, gates.final_text_held)
        # Art 28: every issued opinion heard an adviser, where the government's rules require it.
        extensions.provide_invariant(ReviewRule.ADVISER_OPINION_SIGNED.value, gates.advisers_heard)
        # Art 26: each submission opens a round; it runs before the clocks read the record.
        extensions.on_event(services.open_round_on_submission, order=10)
        # Art 28: a legal adviser sees the decisions they were asked about, and no other.
        extensions.provide_audience(access.decisions_asked_of)
        # The review's column of the five-step marks and the overview's gate check.
        # The columns are Subqueries, which Django derives from BaseExpression, not Expression, the
        # narrower type extensions.AnnotationProvider names; annotate() takes either.
        extensions.provide_annotations(selectors.decision_review_columns)
        extensions.provide_mark("legality_review", selectors.review_mark)
        extensions.provide_detail_section(selectors.decision_section)
        # The review's turns on every user's to-do list.
        extensions.provide_tasks(selectors.review_tasks)
