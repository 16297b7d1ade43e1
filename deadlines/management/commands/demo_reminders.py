from django.core.management.base import BaseCommand

from deadlines import demo


class Command(BaseCommand):
    help = "Demo deadlines and reminders on top of seed_demo (assigned dates, e-mail addresses, webhook)."

    def add_arguments(self, parser):
        parser.add_argument("--webhook-url", default="", help="e.g. http://127.0.0.1:8765/robot")
        parser.add_argument("--scan", action="store_true", help="Run the reminder scan now (else the worker does).")

    def handle(self, *args, webhook_url: str = "", scan: bool = False, **options):
        result = demo.seed(webhook_url=webhook_url, scan=scan)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in result.items()))
