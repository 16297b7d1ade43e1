"""``makemessages`` that also reads ``_lazy(...)``: the modules that need both the eager and the lazy
gettext import the lazy one under that name (``from django.utils.translation import gettext_lazy
as _lazy``), which xgettext does not know by itself."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
