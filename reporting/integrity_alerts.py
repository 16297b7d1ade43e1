"""The nightly check of the record (``decisions.integrity``), told to the administrators.

Why here: the check reads the whole record, the core's and the review's, and telling people is a
report about it; ``reporting`` sits on top of every app and nothing imports it, and Celery finds its
tasks by autodiscovery. Why by e-mail and not the bell: an in-app notification
(``deadlines.Notification``) belongs to a reminder of a deadline, and a broken rule of the record is
neither; the administrators (active superusers with an address, and ``settings.ADMINS``) are who can
look into the database.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.integrity import Finding, check_integrity

# Lines listed in one e-mail; the command (manage.py check_integrity) lists them all.
LISTED = 200


def administrators() -> list[str]:
    """The addresses of the active superusers and of ``settings.ADMINS``, each once."""
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    addresses = list(users.order_by("pk").values_list("email", flat=True))
    # ADMINS holds (name, address) pairs; the stubs (and Django 6) have plain addresses.
    addresses += [entry if isinstance(entry, str) else entry[1] for entry in settings.ADMINS]
    return list(dict.fromkeys(addresses))


def integrity_notify_admins() -> int:
    """Check every decision; with any finding, e-mail the administrators the list. Returns the
    number of findings. Run twice, it sends the same list twice and changes nothing else."""
    # In the site's language: a finding's message is made in the language active when it is found.
    with translation.override(settings.LANGUAGE_CODE):
        findings = list(check_integrity())
        if not findings:
            return 0
        subject, text = _message(findings)
    recipients = administrators()
    if recipients:
        send_mail(subject, text, None, recipients)
    return len(findings)


def _message(findings: list[Finding]) -> tuple[str, str]:
    count = len(findings)
    subject = ngettext(
        "The record check found %(count)s broken rule", "The record check found %(count)s broken rules", count
    ) % {"count": count}
    lines = [
        subject + ".",
        _("Each line: decision, rule, article, what is wrong. Run “manage.py check_integrity” for the full list."),
        "",
    ]
    lines += [f"{f.code}\t{f.rule}\t{f.article}\t{f.message}" for f in findings[:LISTED]]
    if count > LISTED:
        lines.append(_("… and %(more)s more.") % {"more": count - LISTED})
    return subject, "\n".join(lines)
