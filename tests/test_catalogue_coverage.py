"""Every message the source marks for translation is in the English catalogue, and nothing else is.

test_i18n.py checks the catalogue's entries; this checks it against the source, by running
makemessages over a copy of the tree, so a string added without its translation shows in Chinese on
English pages and fails here instead."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .test_i18n import read_po

ROOT = Path(settings.BASE_DIR)
SOURCES = ("config", "heating", "subsidy", "supervision", "templates", "static", "locale", "manage.py")


def _messages(po: Path) -> set[tuple[str | None, str]]:
    return {(e["msgctxt"], e["msgid"]) for e in read_po(po) if e["msgid"] and not e["obsolete"]}


@pytest.mark.gettext
def test_the_catalogue_holds_exactly_the_messages_of_the_source(tmp_path):
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=tmp_path, check=True, capture_output=True, env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    extracted = _messages(tmp_path / "locale/en/LC_MESSAGES/django.po")
    catalogue = _messages(ROOT / "locale/en/LC_MESSAGES/django.po")

    assert sorted(extracted - catalogue, key=str) == [], "marked in the source, missing from the catalogue"
    assert sorted(catalogue - extracted, key=str) == [], "in the catalogue, no longer in the source"
