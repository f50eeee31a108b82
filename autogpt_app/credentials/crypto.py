"""Encryption of stored credentials: MultiFernet over ``CREDENTIALS_KEYS`` (newest key first).

* Encryption always uses the first (newest) key; decryption tries every key, so adding a new key
  in front keeps old rows readable, and :func:`rotate` (or ``service.rotate_all``) re-encrypts
  them under the new key, after which the old key can be removed.
* Embedded mode without keys: one key is generated once into ``DATA_DIR/credentials_key`` (0600).
  If keys are configured later, that file's key stays accepted for decryption (as the oldest), so
  credentials saved before keep working until ``rotate_all`` has moved them to the new key.
* Production mode without keys, or any invalid key: :class:`ConfigurationError`.

Neither the keys nor the plaintext ever appear in an exception message or a log line.
"""

from __future__ import annotations

import binascii
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from autogpt_app.errors import ServiceError
from autogpt_app.settings import ConfigurationError, Settings, get_settings

KEY_FILE_NAME = "credentials_key"
_GENERATE_HINT = (
    'generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class CredentialDecryptionError(ServiceError):
    """A stored credential cannot be decrypted with the configured keys (a key was removed too early)."""

    status = 500
    code = "credential_unreadable"


def _fernet_for(key: str, where: str) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        # The message names the position, never the key itself.
        raise ConfigurationError(
            f"{where} is not a valid Fernet key (32 url-safe base64-encoded bytes); {_GENERATE_HINT}."
        ) from None


def _embedded_key(data_dir: Path) -> str:
    """Return the key kept in ``data_dir/credentials_key``, creating it once (0600, exclusively)."""
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode("ascii")
    # Write a private temporary file, then link it into place: the link fails if another process
    # got there first, and a reader never sees a half-written key.
    tmp = data_dir / f".{KEY_FILE_NAME}.{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def build_fernet(settings: Settings) -> MultiFernet:
    """Build the MultiFernet for ``settings`` (newest key first).

    Raises:
        ConfigurationError: no key in production mode, or a key that is not a Fernet key.
    """
    configured = [k.strip() for k in settings.credentials_keys.split(",") if k.strip()]
    fernets = [_fernet_for(k, f"CREDENTIALS_KEYS entry {i}") for i, k in enumerate(configured, start=1)]
    if settings.is_production:
        if not fernets:
            raise ConfigurationError(
                "CREDENTIALS_KEYS must be set in production mode: one or more comma-separated Fernet keys, "
                f"newest first; {_GENERATE_HINT}."
            )
        return MultiFernet(fernets)
    key_file = settings.data_dir / KEY_FILE_NAME
    if not fernets:
        fernets.append(_fernet_for(_embedded_key(settings.data_dir), str(key_file)))
    elif key_file.exists():
        file_key = key_file.read_text().strip()
        if file_key not in configured:
            fernets.append(_fernet_for(file_key, str(key_file)))
    return MultiFernet(fernets)


@lru_cache
def get_fernet() -> MultiFernet:
    """Return the process-wide MultiFernet (cached; tests call ``get_fernet.cache_clear()``)."""
    return build_fernet(get_settings())


def encrypt(payload: dict) -> str:
    """Encrypt a JSON-serialisable dict under the newest key and return the token as text."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return get_fernet().encrypt(data).decode("ascii")


def decrypt(token: str) -> dict:
    """Decrypt a token made by :func:`encrypt`.

    Raises:
        CredentialDecryptionError: no configured key opens it, or it was tampered with.
    """
    try:
        data = get_fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialDecryptionError(
            "A stored credential cannot be decrypted with the configured CREDENTIALS_KEYS. "
            "Restore the key it was saved with, or delete the credential and enter it again."
        ) from None
    payload = json.loads(data)
    if not isinstance(payload, dict):
        raise CredentialDecryptionError("A stored credential has an unexpected format.")
    return payload


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the newest key (decrypting with any configured key).

    Raises:
        CredentialDecryptionError: no configured key opens it.
    """
    try:
        return get_fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise CredentialDecryptionError(
            "A stored credential cannot be re-encrypted: none of the configured CREDENTIALS_KEYS opens it."
        ) from None
