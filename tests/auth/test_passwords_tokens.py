"""Password policy, argon2 hashing and JWT access tokens."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from autogpt_app.auth import passwords, tokens
from autogpt_app.errors import InvalidInput, Unauthorized
from autogpt_app.settings import get_secret_key
from autogpt_app.timeutil import utcnow


def test_hash_verifies_only_the_right_password():
    h = passwords.hash_password_sync("a long passphrase here")
    assert h.startswith("$argon2id$")
    assert "a long passphrase here" not in h
    assert passwords.verify_password_sync(h, "a long passphrase here")
    assert not passwords.verify_password_sync(h, "a long passphrase herE")
    assert not passwords.verify_password_sync("not-a-hash", "whatever")


def test_same_password_hashes_differently():
    assert passwords.hash_password_sync("same password 1") != passwords.hash_password_sync("same password 1")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 8"),
        ("x" * 300, "at most"),
        ("password123", "too common"),
        ("PassWord123", "too common"),
        ("qwertyuiop", "too common"),
        ("aaaaaaaaaaaa", "too common"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, fragment):
    with pytest.raises(InvalidInput) as err:
        passwords.check_password_policy(password)
    assert fragment in err.value.message
    assert err.value.code == "weak_password"


def test_password_equal_to_email_is_refused():
    with pytest.raises(InvalidInput, match="e-mail"):
        passwords.check_password_policy("ada.lovelace", email="ada.lovelace@example.com")


def test_good_password_passes():
    passwords.check_password_policy("violet-harbour-42", email="a@example.com", display_name="Ada")


def test_common_password_list_is_loaded():
    assert len(passwords.common_passwords()) > 200
    assert "12345678" in passwords.common_passwords()


def test_token_round_trip():
    token = tokens.create_access_token("user-1", 3)
    claims = tokens.decode_access_token(token)
    assert claims.user_id == "user-1"
    assert claims.version == 3
    payload = jwt.decode(token, get_secret_key(), algorithms=["HS256"])
    assert {"sub", "exp", "iat", "ver"} <= payload.keys()
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_expired_token_is_refused():
    token = tokens.create_access_token("user-1", 1, minutes=-1)
    with pytest.raises(Unauthorized) as err:
        tokens.decode_access_token(token)
    assert err.value.code == "token_expired"


def test_a_token_accepted_before_is_refused_once_it_expires():
    """Verified tokens are remembered (one signature check per process); their expiry never is."""
    import time

    now = utcnow()
    payload = {"sub": "user-1", "ver": 1, "typ": "access", "iat": now, "exp": now + timedelta(seconds=1)}
    token = jwt.encode(payload, get_secret_key(), algorithm="HS256")
    assert tokens.decode_access_token(token).user_id == "user-1"
    time.sleep(1.1)
    with pytest.raises(Unauthorized) as err:
        tokens.decode_access_token(token)
    assert err.value.code == "token_expired"


def test_tampered_token_is_refused():
    token = tokens.create_access_token("user-1", 1)
    header, payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"admin","ver":1,"typ":"access","iat":1,"exp":9999999999}')
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(f"{header}.{forged_payload.decode()}.{signature}")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(f"{header}.{payload}.{flipped}")


def test_token_signed_with_another_key_or_alg_none_is_refused():
    now = utcnow()
    claims = {"sub": "u", "ver": 1, "typ": "access", "iat": now, "exp": now + timedelta(minutes=5)}
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(jwt.encode(claims, "another-key-of-enough-length-0123456789", algorithm="HS256"))
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(unsigned)


def test_token_without_version_is_refused():
    now = utcnow()
    token = jwt.encode({"sub": "u", "iat": now, "exp": now + timedelta(minutes=5)}, get_secret_key(), "HS256")
    with pytest.raises(Unauthorized):
        tokens.decode_access_token(token)
