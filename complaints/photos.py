"""Checking and storing complaint photos.

A photo must be a real JPEG or PNG image: the first bytes must say so, and Pillow must be
able to read the whole picture (a renamed PDF or a truncated file is refused). The size is
checked before anything is read. Files go to ``MEDIA_ROOT/complaints/<year>/<random>.<ext>``,
which no URL serves; :func:`complaints.views.photo` hands them out after a scope check.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAGIC = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg", "JPEG"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png", "PNG"),
}
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckedPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    return getattr(settings, "COMPLAINTS_PHOTO_MAX_BYTES", settings.ATTACHMENT_MAX_BYTES)


def check_photo(upload) -> CheckedPhoto:
    """The upload as a checked image, or ``ValidationError`` naming the ``photo`` field."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {"photo": _("Foto terlalu besar (maksimal %(mb)d MB).") % {"mb": limit // 2**20}}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {"photo": _("Foto terlalu besar (maksimal %(mb)d MB).") % {"mb": limit // 2**20}}
        )
    kind = next((value for magic, value in MAGIC.items() if content.startswith(magic)), None)
    if kind is None:
        raise ValidationError({"photo": _("Berkas ini bukan foto. Kirim foto JPEG atau PNG.")})
    content_type, extension, pil_format = kind
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pil_format or image.width * image.height > MAX_PIXELS:
                raise UnidentifiedImageError
            width, height = image.size
            image.load()  # decodes every pixel: a truncated or forged file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            {"photo": _("Foto tidak dapat dibaca. Kirim foto JPEG atau PNG yang utuh.")}
        ) from None
    return CheckedPhoto(content, content_type, extension, width, height)


def store(photo: CheckedPhoto) -> str:
    """Write the photo under an unguessable name; the path relative to MEDIA_ROOT."""
    relative = Path("complaints") / f"{timezone.now():%Y}" / f"{secrets.token_hex(16)}"
    relative = relative.with_suffix(f".{photo.extension}")
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.content)
    return relative.as_posix()


def open_stored(path: str):
    return (Path(settings.MEDIA_ROOT) / path).open("rb")
