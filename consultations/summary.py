"""The adoption summary (Art 18, 29, 32), generated from the answers to the comments: the counts,
the reasons grouped by how the comments were taken up, and the same by article. It becomes the
participation step's record (``services.participation_record_adoption``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from consultations.choices import Handling
from consultations.models import Comment


@dataclass
class ArticleCount:
    article: int | None
    received: int = 0
    handled: Counter[str] = field(default_factory=Counter)


@dataclass
class Summary:
    received: int
    hidden: int
    handled: Counter[str]
    unanswered: int
    # handling -> [(answer, how many comments it answers)], most frequent first
    reasons: dict[str, list[tuple[str, int]]]
    by_article: list[ArticleCount]

    @property
    def adopted(self) -> int:
        return self.handled[Handling.ADOPTED]

    @property
    def partly(self) -> int:
        return self.handled[Handling.PARTLY]

    @property
    def not_adopted(self) -> int:
        return self.handled[Handling.NOT_ADOPTED]

    def text(self) -> str:
        """The summary as the record, the meeting materials and the publication read it."""
        lines = [
            _(
                "%(received)d comments received: %(adopted)d adopted, %(partly)d partly adopted, "
                "%(not_adopted)d not adopted, each with its reason."
            )
            % {
                "received": self.received,
                "adopted": self.adopted,
                "partly": self.partly,
                "not_adopted": self.not_adopted,
            }
        ]
        if self.unanswered:
            lines.append(_("%(count)d comments not answered yet.") % {"count": self.unanswered})
        if self.hidden:
            lines.append(
                _("%(count)d comments withheld for abusive content (kept on record).") % {"count": self.hidden}
            )
        for handling in Handling:
            for answer, count in self.reasons.get(handling.value, []):
                lines.append(f"{handling.label}（{count}）：{answer}")
        for row in self.by_article:
            where = _("Article %(number)d") % {"number": row.article} if row.article else _("The whole draft")
            lines.append(
                _("%(where)s: %(received)d comments, %(adopted)d adopted, %(partly)d partly adopted")
                % {
                    "where": where,
                    "received": row.received,
                    "adopted": row.handled[Handling.ADOPTED],
                    "partly": row.handled[Handling.PARTLY],
                }
            )
        return "\n".join(lines)


def summarise(comments: Iterable[Comment]) -> Summary:
    """Hidden comments are counted apart; a grouped comment takes its group's answer."""
    handled: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    articles: dict[int | None, ArticleCount] = {}
    received = hidden = waiting = 0
    for comment in comments:
        if comment.hidden:
            hidden += 1
            continue
        received += 1
        answer = comment.effective
        row = articles.setdefault(comment.article, ArticleCount(comment.article))
        row.received += 1
        if not answer.handling:
            waiting += 1
            continue
        handled[answer.handling] += 1
        row.handled[answer.handling] += 1
        reasons[answer.handling][answer.answer.strip()] += 1
    return Summary(
        received=received,
        hidden=hidden,
        handled=handled,
        unanswered=waiting,
        reasons={key: counter.most_common() for key, counter in reasons.items()},
        by_article=sorted(articles.values(), key=lambda row: (row.article is not None, row.article or 0)),
    )
