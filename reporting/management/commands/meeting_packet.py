"""Assemble a decision's meeting packet (Art 29) as the government office would from its page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decisions.errors import DecisionError
from decisions.models import Decision
from reporting.packet import meeting_packet_generate


class Command(BaseCommand):
    help = "Generate the meeting packet of a decision awaiting the meeting, as a government office user."

    def add_arguments(self, parser):
        parser.add_argument("decision", type=int, help="the decision's id")
        parser.add_argument("--as", dest="username", required=True, help="a government office user's login")

    def handle(self, *args, decision, username, **options):
        found = Decision.objects.select_related("government", "lead_sponsor").filter(pk=decision).first()
        user = get_user_model().objects.filter(username=username).first()
        if found is None or user is None:
            raise CommandError("No such decision or user.")
        try:
            packet = meeting_packet_generate(decision=found, actor=user)
        except DecisionError as err:
            raise CommandError(str(err.message)) from err
        self.stdout.write(packet.sha256)
