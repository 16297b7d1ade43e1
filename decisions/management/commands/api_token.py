"""Issue, list, rotate and revoke API tokens from the command line (the admin does the same)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decisions.api.tokens import api_token_issue, api_token_revoke, api_token_rotate
from decisions.errors import DecisionError
from decisions.models import ApiToken, Department


class Command(BaseCommand):
    help = "Issue (key shown once), list, rotate (new key shown once) or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--user", required=True, help="username of the department's service account")
        issue.add_argument("--department", required=True, type=int, help="department id")
        issue.add_argument("--name", required=True, help="which system uses it")
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix", help="the key prefix shown by list")
        rotate = sub.add_parser("rotate")
        rotate.add_argument("prefix", help="the key prefix shown by list")

    def handle(self, *args, action, **options):
        if action == "issue":
            user = get_user_model().objects.filter(username=options["user"]).first()
            department = Department.objects.filter(pk=options["department"]).first()
            if user is None or department is None:
                raise CommandError("Unknown user or department.")
            try:
                token, key = api_token_issue(user=user, department=department, name=options["name"])
            except DecisionError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{token.name}: {key}")
        elif action == "list":
            for token in ApiToken.objects.select_related("user", "department"):
                if token.revoked_at:
                    state = f"revoked {token.revoked_at:%Y-%m-%d}"
                elif token.is_expired:
                    state = "expired"
                else:
                    state = f"active until {token.expires_at:%Y-%m-%d}" if token.expires_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.key_prefix}  {token.name}  {token.user}  {token.department}  last used {used}  {state}"
                )
        else:
            tokens = ApiToken.objects.filter(key_prefix=options["prefix"])
            if tokens.count() != 1:
                raise CommandError("Give the prefix of exactly one token.")
            if action == "rotate":
                try:
                    new_token, key = api_token_rotate(token=tokens.get())
                except DecisionError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"{new_token.name}: {key}")
                return
            api_token_revoke(token=tokens.get())
            self.stdout.write("revoked")
