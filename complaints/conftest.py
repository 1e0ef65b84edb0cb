"""Fixtures of the complaint tests: a complaint factory, photos, an Open311 key, messages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints import services
from complaints.models import Category, Channel
from core.notifications import MemoryChannel


@pytest.fixture(autouse=True)
def _memory_messages(settings):
    settings.NOTIFICATION_CHANNEL = "core.notifications.MemoryChannel"
    MemoryChannel.outbox.clear()
    yield MemoryChannel.outbox
    MemoryChannel.outbox.clear()


@pytest.fixture
def outbox(_memory_messages):
    return _memory_messages


def png_bytes(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def png_upload():
    def make(name="foto.png"):
        return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

    return make


@pytest.fixture
def make_complaint(db, village):
    """A complaint through the real intake; keyword arguments go to ``services.Intake``."""

    def make(*, channel=Channel.WEB, user=None, **fields):
        fields.setdefault("category", Category.INFRASTRUCTURE)
        fields.setdefault("description", "Jalan desa berlubang besar di depan balai desa.")
        fields.setdefault("village", village)
        if user is None and channel == Channel.WEB and not fields.get("anonymous"):
            fields.setdefault("reporter_name", "Warga Pelapor")
            fields.setdefault("reporter_phone", "081200000001")
        return services.submit_complaint(services.Intake(**fields), channel=channel, user=user)

    return make


@pytest.fixture
def open311_key(db):
    _key, raw = services.issue_open311_key("Aplikasi uji")
    return raw
