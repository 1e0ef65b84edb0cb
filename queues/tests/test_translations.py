"""The queues catalogue: complete in English, and used by the pages."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_every_english_msgid_of_the_app_is_translated():
    catalogue = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))

    assert len(catalogue) > 100
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.django_db
def test_the_display_board_speaks_english_when_asked(client, point):
    page = client.get(
        reverse("queues:display_board", args=[point.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Now calling" in page and "Sedang dipanggil" not in page
