"""Encryption of small stored secrets (TOTP seeds) with a key kept outside the database.

The key comes from ``FIELD_ENCRYPTION_KEY`` (a Fernet key) in the environment, or is generated
once into the ignored ``var/`` folder beside the Django secret key, like the other secrets.
"""

import functools
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from smartkampung.env import env_str


@functools.cache
def _fernet() -> Fernet:
    key = env_str("FIELD_ENCRYPTION_KEY")
    if not key:
        path = Path(settings.VAR_DIR) / "field_encryption_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(Fernet.generate_key())
            path.chmod(0o600)
        key = path.read_text().strip()
    return Fernet(key.encode())


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("The stored secret cannot be decrypted with this key.") from error
