from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Public side")

    def ready(self) -> None:
        # Imported here, as Django asks: the models and services load once the app registry is ready.
        from consultations import gates, selectors
        from consultations.choices import CONSULTATION_RULE_ARTICLES, ConsultationEvent, ConsultationRule
        from decisions import extensions
        from decisions.choices import StepKind

        extensions.provide_vocabulary(
            events=ConsultationEvent, rules=ConsultationRule, articles=CONSULTATION_RULE_ARTICLES
        )
        # Art 18: the participation step is done only when every comment is answered.
        extensions.provide_step_check(StepKind.PUBLIC_PARTICIPATION, gates.unanswered_refusals)
        # ... and it stays so once done (decisions.integrity).
        extensions.provide_invariant(ConsultationRule.COMMENTS_ALL_ANSWERED, gates.answered_held)
        # The way to the comment inbox and the public page, on the decision's page.
        extensions.provide_detail_section(selectors.decision_section)
