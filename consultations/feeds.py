"""An Atom feed of the open consultations and the published decisions (Django's syndication
framework), for people and other sites that follow the government's decisions."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import selectors


class PublicFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Major administrative decisions: consultations and published decisions")
    link = reverse_lazy("public:index")
    subtitle = gettext_lazy("Open calls for comments and decisions made public")

    def items(self):
        records = [("consultation", r) for r in selectors.open_records()[:30]]
        decisions = [("decision", d) for d in selectors.published_decisions()[:30]]
        return records + decisions

    def item_title(self, item):
        kind, obj = item
        if kind == "consultation":
            return _("Call for comments: %(title)s") % {"title": obj.step.decision.title}
        return _("Published: %(title)s") % {"title": obj.title}

    def item_description(self, item):
        kind, obj = item
        if kind == "consultation":
            return _("Comments are taken from %(start)s to %(end)s.") % {
                "start": obj.period_start.isoformat(),
                "end": obj.period_end.isoformat(),
            }
        return obj.summary

    def item_link(self, item):
        kind, obj = item
        if kind == "consultation":
            return reverse("public:consultation", kwargs={"pk": obj.step.decision_id})
        return reverse("public:decision", kwargs={"pk": obj.pk})

    def item_updateddate(self, item):
        return item[1].updated_at
