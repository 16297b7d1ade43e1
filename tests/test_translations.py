"""The Chinese catalogue is complete: no entry untranslated or fuzzy, and no string marked for
translation in the code (or the templates) that the catalogue lacks. The second is found the way
`make messages` would find it: ``makemessages`` over the project, into a copy of the catalogue."""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What `make messages` ignores (the Makefile's --ignore list) and what is not the project's code.
NOT_SCANNED = {"locale", "var", "bench", "tests", "node_modules"}


def _incomplete(catalogue: polib.POFile) -> list[str]:
    return [
        entry.msgid for entry in catalogue if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy():
    assert _incomplete(polib.pofile(str(CATALOGUE))) == []


def test_every_string_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    # makemessages writes into the catalogue beside the files it scans: it scans a tree of links to
    # the project's folders here, with a copy of the catalogue, so the project's own is never touched.
    root = Path(settings.BASE_DIR)
    for child in root.iterdir():
        if child.name not in NOT_SCANNED and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    shutil.copytree(root / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    before = CATALOGUE.read_bytes()

    call_command("makemessages", locale=["zh_Hans"], symlinks=True, ignore_patterns=sorted(NOT_SCANNED), verbosity=0)

    refreshed = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert _incomplete(refreshed) == []
    assert CATALOGUE.read_bytes() == before
