"""Exact citations: every rule cites one article, every refusal naming the rule cites that article,
and docs/lifecycle.md's table "article → rule → where enforced → tests" is the code's."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from decisions import extensions, ruledoc
from decisions.choices import RULE_ARTICLES, RuleCode


def test_every_rule_of_the_vocabulary_has_its_article():
    assert set(extensions.rule_articles()) == set(extensions.rule_labels())
    assert set(RULE_ARTICLES) == set(RuleCode.values)
    assert all(article == "" or ruledoc.ARTICLE.match(article) for article in extensions.rule_articles().values())


def test_every_refusal_cites_the_article_of_its_rule():
    cited = ruledoc.citations()
    articles = extensions.rule_articles()

    wrong = [(rule, article, where) for rule, article, where in cited if article != articles[rule]]

    assert len(cited) > 60  # the scan reads the refusals of every app
    assert wrong == []


def test_expert_handling_cites_art_29_and_the_risk_report_art_23():
    """Art 21 is the provincial expert pool; the handling of expert opinions goes to the meeting
    (Art 29 (3)). The risk report's content (points, measures, plan) is Art 23, not Art 22."""
    articles = extensions.rule_articles()

    assert articles[RuleCode.EXPERT_OPINION_HANDLED] == "Art 29"
    assert {articles[r] for r in (RuleCode.RISK_POINTS, RuleCode.RISK_MEASURES, RuleCode.RISK_RECORDED)} == {"Art 23"}
    assert articles["opinion_items"] == "Art 28"


def test_the_lifecycle_document_holds_the_table_the_code_generates():
    text = (Path(settings.BASE_DIR) / ruledoc.DOCUMENT).read_text(encoding="utf-8")

    assert ruledoc.document_with_table(text, ruledoc.table()) == text, "run `manage.py rules_table --write`"


def test_every_rule_is_enforced_somewhere_and_has_a_test():
    rows = ruledoc.collect()

    assert ruledoc.rules_without("enforced_in", rows) == []
    assert ruledoc.rules_without("tests", rows) == []


def test_rules_table_check_fails_on_a_stale_document(tmp_path, settings):
    (tmp_path / "docs").mkdir()
    stale = f"# Lifecycle\n\n{ruledoc.BEGIN}\n| old |\n{ruledoc.END}\n"
    (tmp_path / ruledoc.DOCUMENT).write_text(stale, encoding="utf-8")
    settings.BASE_DIR = tmp_path

    with pytest.raises(CommandError):
        call_command("rules_table", "--check")
    call_command("rules_table", "--write")
    call_command("rules_table", "--check")

    assert "| Art 30 | `meeting_recorded` |" in (tmp_path / ruledoc.DOCUMENT).read_text(encoding="utf-8")


def test_an_app_cannot_declare_a_rule_without_its_article():
    class Unsourced(models.TextChoices):
        SOMETHING = "something_unsourced", "Something"

    with pytest.raises(ImproperlyConfigured):
        extensions.provide_vocabulary(rules=Unsourced, articles={})

    assert "something_unsourced" not in extensions.rule_labels()
