"""Credentials service: masked records, validation, owner isolation, secrets never leaking."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text

from autogpt_app.auth.models import User
from autogpt_app.credentials import crypto, service
from autogpt_app.credentials.models import Credential, CredentialType
from autogpt_app.errors import Conflict, InvalidInput, NotFound
from autogpt_app.settings import get_settings


def canary() -> str:
    return f"canary-{uuid.uuid4()}"


async def make_user(session, email: str = "ada@example.com") -> User:
    user = User(email=email, display_name=email.split("@")[0], password_hash="not-a-real-hash")
    session.add(user)
    await session.flush()
    return user


async def count_rows(session) -> int:
    return (await session.execute(select(func.count()).select_from(Credential))).scalar_one()


async def add_api_key(session, user, secret: str, **kwargs):
    args = {"provider": "openai", "type": "api_key", "title": "Work key", "api_key": secret, **kwargs}
    return await service.create_credential(session, user, **args)


async def test_create_and_list_are_masked(session):
    user = await make_user(session)
    secret = "sk-" + canary()
    created = await add_api_key(
        session, user, secret, title="  Work   key ", meta={"base_url": "https://llm.example.com/v1", "model": "m1"}
    )
    assert created.type is CredentialType.API_KEY
    assert created.title == "Work key" and created.provider == "openai" and created.host is None
    assert created.meta == {"base_url": "https://llm.example.com/v1", "model": "m1"}
    assert created.hint == f"sk-…{secret[-4:]}"
    assert created.created_at.tzinfo is not None
    listed = await service.list_credentials(session, user)
    assert [c.id for c in listed] == [created.id]
    fetched = await service.get_credential(session, user, created.id)
    for record in (created, listed[0], fetched):
        assert secret not in record.model_dump_json() and secret not in repr(record)
        assert secret[:-4] not in str(record.model_dump())
        assert set(record.model_dump()) == {"id", "provider", "type", "title", "host", "meta", "hint", "created_at"}


@pytest.mark.parametrize(
    ("secret", "hint"),
    [
        ("short", ""),
        ("abcdefghijk", ""),  # 11 characters: no hint at all
        ("abcdefghijkl", "…ijkl"),  # 12: only the last four
        ("sk-abcdefghijklmnop", "…mnop"),  # 19: too short to show a prefix too
        ("sk-abcdefghijklmnopq", "sk-…nopq"),  # 20: a public-looking prefix is kept
        ("ghp_" + "x" * 30 + "7f3a", "ghp_…7f3a"),
        ("x" * 40 + "7f3a", "…7f3a"),
        ("secret-value-long-enough", "…ough"),  # "secret-" is not a key-type prefix
    ],
)
def test_hint_rules(secret, hint):
    assert service.make_hint(secret) == hint
    if hint:  # at most a short public prefix and the last four characters
        prefix, _, tail = hint.partition("…")
        assert tail == secret[-4:] and secret.startswith(prefix) and len(prefix) <= 5


async def test_user_password_and_host_scoped(session):
    user = await make_user(session)
    password, token = canary(), canary()
    smtp = await service.create_credential(
        session,
        user,
        provider="SMTP",
        type="user_password",
        title="Mail",
        username="ada@example.com",
        password=password,
        meta={"host": "Smtp.Example.com", "port": "587", "tls": True},
    )
    assert smtp.provider == "smtp" and smtp.hint == ""  # no character of a password is ever shown
    assert smtp.meta == {"host": "smtp.example.com", "port": 587, "tls": True}
    scoped = await service.create_credential(
        session,
        user,
        provider="http",
        type="host_scoped",
        title="Internal API",
        host="API.Example.com.",
        headers={"Authorization": f"Bearer {token}", "X-Org": "acme"},
    )
    assert scoped.host == "api.example.com" and scoped.hint == "Authorization, X-Org"
    for record in (smtp, scoped):
        dumped = record.model_dump_json()
        assert password not in dumped and token not in dumped and "acme" not in dumped

    secret = await service.get_secret(session, user.id, smtp.id)
    assert secret.username == "ada@example.com" and secret.password.get_secret_value() == password
    secret = await service.get_secret(session, user.id, scoped.id)
    assert secret.host == "api.example.com"
    assert secret.header_values() == {"Authorization": f"Bearer {token}", "X-Org": "acme"}


BAD_INPUTS = [
    ({"type": "oauth1"}, "invalid_type"),
    ({"provider": ""}, "invalid_provider"),
    ({"provider": "open ai"}, "invalid_provider"),
    ({"provider": "p" * 65}, "invalid_provider"),
    ({"title": "   "}, "invalid_title"),
    ({"title": "t" * 121}, "invalid_title"),
    ({"api_key": ""}, "invalid_api_key"),
    ({"api_key": "   "}, "invalid_api_key"),
    ({"api_key": "k" * 4097}, "invalid_api_key"),
    ({"api_key": "sk-abc\r\nX-Evil: 1"}, "invalid_api_key"),
    ({"password": "SECRET"}, "invalid_fields"),  # belongs to another type
    ({"headers": {"A": "SECRET"}}, "invalid_fields"),
    ({"host": "example.com"}, "invalid_host"),  # only host-scoped credentials have a host
    ({"meta": {"base_url": "ftp://example.com"}}, "invalid_meta"),
    ({"meta": {"base_url": "https://user:pw@example.com"}}, "invalid_meta"),
    ({"meta": {"api_key": "SECRET"}}, "invalid_meta"),  # meta is stored in clear
    ({"meta": {"client_secret": "SECRET"}}, "invalid_meta"),
    ({"meta": {"bad key": 1}}, "invalid_meta"),
    ({"meta": {"nested": {"a": 1}}}, "invalid_meta"),
    ({"meta": {"port": 70000}}, "invalid_meta"),
    ({"meta": {"tls": "yes"}}, "invalid_meta"),
    ({"meta": {f"k{i}": i for i in range(21)}}, "invalid_meta"),
    ({"type": "user_password", "api_key": None, "username": "", "password": "SECRET"}, "invalid_username"),
    ({"type": "user_password", "api_key": None, "username": "ada", "password": ""}, "invalid_password"),
    ({"type": "user_password", "api_key": None, "username": "ada", "password": "p" * 1025}, "invalid_password"),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {}}, "invalid_headers"),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": None}, "invalid_headers"),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"Bad Name": "SECRET"}}, "invalid_headers"),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"Host": "SECRET"}}, "invalid_headers"),
    (
        {"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"Transfer-Encoding": "chunked"}},
        "invalid_headers",
    ),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"A": "SECRET\nB: 1"}}, "invalid_headers"),
    ({"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"A": "  "}}, "invalid_headers"),
    (
        {"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {"X-A": "SECRET", "x-a": "SECRET"}},
        "invalid_headers",
    ),
    (
        {"type": "host_scoped", "api_key": None, "host": "x.com", "headers": {f"H{i}": "SECRET" for i in range(21)}},
        "invalid_headers",
    ),
    ({"type": "host_scoped", "api_key": None, "host": "", "headers": {"A": "SECRET"}}, "invalid_host"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_INPUTS)
async def test_validation_errors_write_nothing(session, overrides, code):
    user = await make_user(session)
    secret = canary()
    args = {"provider": "openai", "type": "api_key", "title": "T", "api_key": "sk-" + secret, **overrides}
    args = {k: (v.replace("SECRET", secret) if isinstance(v, str) else v) for k, v in args.items()}
    if isinstance(args.get("headers"), dict):
        args["headers"] = {k: v.replace("SECRET", secret) for k, v in args["headers"].items()}
    if isinstance(args.get("meta"), dict):
        args["meta"] = {k: (v.replace("SECRET", secret) if isinstance(v, str) else v) for k, v in args["meta"].items()}
    with pytest.raises(InvalidInput) as info:
        await service.create_credential(session, user, **args)
    assert info.value.code == code
    assert info.value.message and secret not in info.value.message
    assert await count_rows(session) == 0


@pytest.mark.parametrize(
    "host",
    [
        "https://api.example.com",
        "api.example.com/path",
        "api.example.com:8443",
        "user@api.example.com",
        "*.example.com",
        "-bad.example.com",
        "a..b",
        "exa mple.com",
        "0x7f.1",
        "2130706433",
        "127.1",
        "010.0.0.1",
        "[::1]",
        "api.example.com?x",
        "a" * 64 + ".com",
    ],
)
def test_bad_hosts(host):
    with pytest.raises(InvalidInput) as info:
        service.clean_host(host)
    assert info.value.code == "invalid_host"


@pytest.mark.parametrize(
    ("host", "clean"),
    [
        ("api.example.com", "api.example.com"),
        (" API.Example.COM. ", "api.example.com"),
        ("localhost", "localhost"),
        ("10.0.0.1", "10.0.0.1"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_good_hosts(host, clean):
    assert service.clean_host(host) == clean


async def test_owner_isolation(session):
    ada = await make_user(session)
    bob = await make_user(session, "bob@example.com")
    secret = canary()
    created = await add_api_key(session, ada, secret)
    assert await service.list_credentials(session, bob) == []
    assert await service.find_for_provider(session, bob, "openai") == []
    with pytest.raises(NotFound):
        await service.get_credential(session, bob, created.id)
    with pytest.raises(NotFound) as info:
        await service.get_secret(session, bob.id, created.id)
    assert info.value.status == 404
    with pytest.raises(NotFound):
        await service.delete_credential(session, bob, created.id)
    # Still there for its owner.
    assert (await service.get_secret(session, ada.id, created.id)).api_key.get_secret_value() == secret
    for missing in ("", "nope", str(uuid.uuid4()), "x" * 500):
        with pytest.raises(NotFound):
            await service.get_secret(session, ada.id, missing)


async def test_delete(session):
    user = await make_user(session)
    keep = await add_api_key(session, user, canary(), title="Keep")
    gone = await add_api_key(session, user, canary(), title="Gone")
    await service.delete_credential(session, user, gone.id)
    assert [c.title for c in await service.list_credentials(session, user)] == ["Keep"]
    with pytest.raises(NotFound):
        await service.delete_credential(session, user, gone.id)
    with pytest.raises(NotFound):
        await service.get_secret(session, user.id, gone.id)
    assert (await service.get_credential(session, user, keep.id)).title == "Keep"


async def test_deleting_the_user_deletes_the_credentials(session):
    user = await make_user(session)
    await add_api_key(session, user, canary())
    await session.delete(user)
    await session.flush()
    assert await count_rows(session) == 0


async def test_list_filter_and_find_for_provider(session):
    user = await make_user(session)
    openai = await add_api_key(session, user, canary())
    await service.create_credential(
        session, user, provider="smtp", type="user_password", title="Mail", username="u", password=canary()
    )
    assert [c.id for c in await service.list_credentials(session, user, provider="OpenAI")] == [openai.id]
    assert [c.id for c in await service.find_for_provider(session, user, "openai", "api_key")] == [openai.id]
    assert await service.find_for_provider(session, user, "openai", "user_password") == []
    assert len(await service.list_credentials(session, user)) == 2
    with pytest.raises(InvalidInput):
        await service.find_for_provider(session, user, "openai", "bogus")


async def test_get_secret_values_and_repr_hides_them(session):
    user = await make_user(session)
    secret = "sk-" + canary()
    created = await add_api_key(session, user, secret, meta={"model": "m1"})
    value = await service.get_secret(session, user.id, created.id)
    assert value.api_key.get_secret_value() == secret
    assert value.meta == {"model": "m1"} and value.user_id == user.id and value.provider == "openai"
    for shown in (repr(value), str(value), f"{value}", value.model_dump_json(), str(value.model_dump())):
        assert secret not in shown
    assert "**********" in repr(value)

    password, header = canary(), canary()
    up = await service.create_credential(
        session, user, provider="smtp", type="user_password", title="M", username="u", password=password
    )
    hs = await service.create_credential(
        session, user, provider="http", type="host_scoped", title="H", host="h.example", headers={"X-Key": header}
    )
    for cred_id, hidden in ((up.id, password), (hs.id, header)):
        value = await service.get_secret(session, user.id, cred_id)
        for shown in (repr(value), str(value), value.model_dump_json()):
            assert hidden not in shown


async def test_canary_only_in_ciphertext_and_never_logged(session, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # SQL statements and their parameters too
    user = await make_user(session)
    api_secret, password, header = canary(), canary(), canary()
    ids = [
        (await add_api_key(session, user, api_secret)).id,
        (
            await service.create_credential(
                session, user, provider="smtp", type="user_password", title="Mail", username="ada", password=password
            )
        ).id,
        (
            await service.create_credential(
                session,
                user,
                provider="http",
                type="host_scoped",
                title="API",
                host="api.example.com",
                headers={"Authorization": header},
            )
        ).id,
    ]
    await service.list_credentials(session, user)
    for cred_id in ids:
        await service.get_secret(session, user.id, cred_id)
    with pytest.raises(InvalidInput):
        await add_api_key(session, user, api_secret + "\x07bell")
    await session.commit()

    rows = (await session.execute(text("SELECT * FROM credentials"))).mappings().all()
    assert len(rows) == 3
    for row in rows:
        for column, value in row.items():
            for secret in (api_secret, password, header):
                assert secret not in str(value), f"secret found in column {column}"
        assert row["ciphertext"]
    assert caplog.records, "expected some log records (e.g. SQL statements)"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (api_secret, password, header):
        assert secret not in logged
    assert any(cred_id in caplog.text for cred_id in ids)  # ids are logged, secrets are not


async def test_limit_per_user(session, monkeypatch):
    monkeypatch.setattr(service, "MAX_CREDENTIALS_PER_USER", 2)
    user = await make_user(session)
    await add_api_key(session, user, canary())
    await add_api_key(session, user, canary())
    with pytest.raises(Conflict):
        await add_api_key(session, user, canary())
    other = await make_user(session, "bob@example.com")
    await add_api_key(session, other, canary())


async def test_rotate_all(session, monkeypatch, tmp_path: Path):
    def configure(keys: str) -> None:
        monkeypatch.setenv("CREDENTIALS_KEYS", keys)
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        get_settings.cache_clear()
        crypto.get_fernet.cache_clear()

    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    try:
        configure(key_a)
        user = await make_user(session)
        secrets_by_id = {}
        for _ in range(3):
            secret = canary()
            secrets_by_id[(await add_api_key(session, user, secret)).id] = secret
        configure(f"{key_b},{key_a}")
        assert await service.rotate_all(session) == 3
        configure(key_b)
        for cred_id, secret in secrets_by_id.items():
            assert (await service.get_secret(session, user.id, cred_id)).api_key.get_secret_value() == secret
        row = await session.get(Credential, next(iter(secrets_by_id)))
        row.ciphertext = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()
        await session.flush()
        with pytest.raises(crypto.CredentialDecryptionError) as info:
            await service.rotate_all(session)
        assert row.id in info.value.message
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        crypto.get_fernet.cache_clear()


async def test_empty_or_null_meta_values_mean_not_set(session):
    user = await make_user(session)
    created = await add_api_key(session, user, canary(), meta={"base_url": " ", "model": None, "org": "acme"})
    assert created.meta == {"org": "acme"}
