"""Short messages to residents (and staff) through a pluggable channel.

``settings.NOTIFICATION_CHANNEL`` names a class by dotted path; it is built with no arguments
and has one method, ``send(phone, text)``. The default :class:`ConsoleChannel` writes to the
log, which is what a demo or a laptop wants. An SMS or WhatsApp gateway is a class of the same
shape, for example::

    class WhatsAppGateway:
        def send(self, phone: str, text: str) -> None:
            requests.post(GATEWAY_URL, json={"to": phone, "text": text}, timeout=10)

and ``NOTIFICATION_CHANNEL=myproject.gateways.WhatsAppGateway`` in the environment. Tests use
:class:`MemoryChannel`.

A failing channel never undoes the step that caused the message: :func:`notify` logs the
failure and returns ``False``. Sixteen-digit numbers (a NIK or No. KK) are masked in every
message and log line, because gateways keep copies of what they send.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


class Channel(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def scrub(text: str) -> str:
    """Mask every 16-digit number (NIK, No. KK) as ``3510********0001``."""
    return _SIXTEEN_DIGITS.sub(r"\1********\2", text)


def mask_phone(phone: str) -> str:
    """Only the last three digits, enough to tell two numbers apart in a log."""
    digits = "".join(char for char in phone if char.isdigit())
    return f"***{digits[-3:]}" if len(digits) > 3 else "***"


class ConsoleChannel:
    """Writes each message to the log instead of sending it (the default)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("Message to %s: %s", mask_phone(phone), scrub(text).replace("\n", " | "))


@dataclass(frozen=True)
class SentMessage:
    phone: str
    text: str


class MemoryChannel:
    """Keeps messages in a list, for tests. Clear ``MemoryChannel.outbox`` between tests."""

    outbox: ClassVar[list[SentMessage]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append(SentMessage(phone=phone, text=text))


def get_channel() -> Channel:
    return import_string(settings.NOTIFICATION_CHANNEL)()


def _phone_of(recipient) -> str:
    """The phone number of a user account or of a resident in the register, or ""."""
    phone = getattr(recipient, "phone", "") or ""
    if phone:
        return phone
    # A user whose own record has no number: the linked resident's, and the other way round.
    linked = None
    if hasattr(recipient, "resident_id") and getattr(recipient, "resident_id", None):
        linked = recipient.resident
    elif hasattr(recipient, "full_name"):
        try:
            linked = recipient.account
        except (AttributeError, ObjectDoesNotExist):
            linked = None
    return (getattr(linked, "phone", "") or "") if linked is not None else ""


def notify(recipient, subject: str, body: str, *, event: str) -> bool:
    """Send ``subject`` and ``body`` to a user's or a resident's phone; True when handed over.

    ``event`` is a dotted code (``services.application.approved``) kept in the log line.
    """
    phone = _phone_of(recipient)
    if not phone:
        logger.info("Notification %s not sent: recipient has no phone number", event)
        return False

    text = scrub(f"{subject}\n{body}".strip())
    channel = get_channel()
    try:
        channel.send(phone, text)
    except Exception:
        logger.exception(
            "Notification %s to %s failed via %s",
            event,
            mask_phone(phone),
            type(channel).__name__,
        )
        return False
    logger.info(
        "Notification %s sent to %s via %s", event, mask_phone(phone), type(channel).__name__
    )
    return True
