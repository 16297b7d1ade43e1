"""The rule the reports add to the record's vocabulary (``decisions.extensions.provide_vocabulary``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingRule(models.TextChoices):
    GATE_RECORD_CURRENT = "gate_record_current", _("The overview's gate record matches the decision's record")


# A rule of the product, not of an article: it keeps the overview's count true to the records.
REPORTING_RULE_ARTICLES: dict[str, str] = {ReportingRule.GATE_RECORD_CURRENT: ""}
