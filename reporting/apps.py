from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Imported here, as Django asks: the views load the models.
        from decisions import extensions
        from reporting import gate_records, views
        from reporting.choices import REPORTING_RULE_ARTICLES, ReportingRule

        extensions.provide_vocabulary(rules=ReportingRule, articles=REPORTING_RULE_ARTICLES)
        # The overview's gate records still match the records they stand for (decisions.integrity).
        extensions.provide_invariant(ReportingRule.GATE_RECORD_CURRENT, gate_records.gate_records_current)
        # The decision's page offers its dossier (一事一档) for download.
        extensions.provide_detail_section(views.dossier_section)
        # The government office assembles the meeting packet from the decision's page (Art 29).
        extensions.provide_detail_section(views.meeting_packet_section)
