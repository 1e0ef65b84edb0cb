"""Checking and storing the files residents attach to applications.

Only PDF, JPEG and PNG are accepted, decided by the file's first bytes (its "magic number"),
never by its name or by the type the browser claims: a program renamed ``ktp.pdf`` is refused.
The size is checked from the upload's recorded size before anything is read, and counted
again while the file is copied, so a 50 MB upload is refused without being read into memory.

Files are written to ``MEDIA_ROOT/attachments/<year>/<random hex>.<ext>``: outside the static
and web roots, under a name nobody can guess or choose. Only
:func:`services.views.attachment_download` hands them out, after checking the reader's scope.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    magic: bytes


KINDS = (
    FileKind("application/pdf", "pdf", b"%PDF-"),
    FileKind("image/jpeg", "jpg", b"\xff\xd8\xff"),
    FileKind("image/png", "png", b"\x89PNG\r\n\x1a\n"),
)
_HEAD_BYTES = max(len(kind.magic) for kind in KINDS)


class AttachmentRefused(ValidationError):
    """The file cannot be accepted; the message tells the resident what to send instead."""


def attachments_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "attachments"


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes start, or None for anything else."""
    for kind in KINDS:
        if head.startswith(kind.magic):
            return kind
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _upload_size(upload) -> int | None:
    size = getattr(upload, "size", None)
    return int(size) if size is not None else None


def check_upload(upload) -> FileKind:
    """Refuse a file that is too large, empty, or not a PDF, JPEG or PNG; return its kind.

    Reads at most the first few bytes.
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    size = _upload_size(upload)
    if size is not None and size > limit:
        raise AttachmentRefused(
            _(
                "Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB per berkas: "
                "pindai dengan resolusi lebih rendah atau foto ulang dokumennya."
            )
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            code="too_large",
        )
    if size == 0:
        raise AttachmentRefused(_("Berkas kosong. Pilih berkas lain."), code="empty")

    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head or b"")
    if kind is None:
        raise AttachmentRefused(
            _(
                "Berkas “%(name)s” bukan PDF, JPEG atau PNG menurut isinya, apa pun nama "
                "akhirannya. Kirim hasil pindaian atau foto dokumen dalam format PDF, JPEG atau "
                "PNG."
            )
            % {"name": display_name(getattr(upload, "name", ""))},
            code="wrong_type",
        )
    return kind


def display_name(name: str) -> str:
    """The file's own name, without folders or control characters, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if unicodedata.category(char)[0] != "C").strip()
    return (cleaned or "berkas")[:200]


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def store(upload) -> StoredFile:
    """Check the upload and copy it under a random name; return what was stored.

    The copy counts bytes as it goes and gives up (removing the partial file) past the limit,
    in case the recorded size was wrong.
    """
    kind = check_upload(upload)
    limit = settings.ATTACHMENT_MAX_BYTES
    stored_name = f"{timezone.now():%Y}/{secrets.token_hex(16)}.{kind.extension}"
    path = attachments_root() / stored_name
    path.parent.mkdir(parents=True, exist_ok=True)

    digest = hashlib.sha256()
    written = 0
    upload.seek(0)
    try:
        with path.open("xb") as target:
            chunks = upload.chunks(CHUNK_SIZE) if hasattr(upload, "chunks") else _chunks(upload)
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise AttachmentRefused(
                        _("Berkas terlalu besar. Batasnya %(limit)s MB per berkas.")
                        % {"limit": _megabytes(limit)},
                        code="too_large",
                    )
                digest.update(chunk)
                target.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if written == 0:
        path.unlink(missing_ok=True)
        raise AttachmentRefused(_("Berkas kosong. Pilih berkas lain."), code="empty")
    return StoredFile(stored_name, kind.content_type, written, digest.hexdigest())


def _chunks(stream):
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            return
        yield chunk


def stored_path(stored_name: str) -> Path:
    """The file of an attachment; refuses names that would leave the attachments folder."""
    root = attachments_root().resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("stored name outside the attachments folder")
    return path


def remove(stored_name: str) -> None:
    try:
        stored_path(stored_name).unlink(missing_ok=True)
    except OSError:
        logger.warning("Could not remove attachment file %s", stored_name)
