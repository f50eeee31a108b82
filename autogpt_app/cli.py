"""Command line: ``python -m autogpt_app.cli COMMAND``.

Commands:
    migrate                 apply database migrations (alembic upgrade head)
    prestart                check settings, migrate, make ADMIN_EMAIL an admin, seed the marketplace
    seed                    add or update the built-in marketplace catalogue (idempotent)
    create-admin EMAIL      promote an account to admin, or create one (asks for a password)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from autogpt_app.errors import ServiceError
from autogpt_app.settings import PROJECT_ROOT, ConfigurationError, get_secret_key, get_settings


def run_migrations(database_url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database at ``database_url`` (default: settings) to ``revision``."""
    from alembic.config import Config

    from alembic import command

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        cfg.attributes["database_url"] = database_url
    command.upgrade(cfg, revision)


async def _ensure_admin(email: str, password: str | None, *, require_verified: bool = False) -> str:
    from autogpt_app.auth.admin import ensure_admin
    from autogpt_app.db import dispose_engine, session_scope

    try:
        async with session_scope() as session:
            _user, message = await ensure_admin(session, email, password, require_verified=require_verified)
        return message
    finally:
        await dispose_engine()


async def _seed_catalogue() -> str:
    """Seed the built-in marketplace catalogue in one transaction; return its one-line summary."""
    from sqlalchemy.exc import IntegrityError

    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.store.seed import seed_catalogue

    async def once() -> str:
        async with session_scope() as session:
            report = await seed_catalogue(session)
        return report.summary()

    try:
        try:
            return await once()
        except IntegrityError:
            # Another process seeded the same rows at the same moment (SQLite has no advisory lock):
            # its transaction won, and a second pass finds its rows and changes nothing.
            return await once()
    finally:
        await dispose_engine()


async def _backfill_vectors() -> str:
    """Compute the sentence vectors that visible listings and library agents lack (or that are stale)."""
    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.library.vectors import refresh_library_vectors
    from autogpt_app.store import semantic
    from autogpt_app.store.vectors import refresh_listing_vectors

    if not await asyncio.to_thread(semantic.load):
        return "Search by meaning is off (no embedding model): agent search uses full text."
    try:
        async with session_scope() as session:
            listings = await refresh_listing_vectors(session)
            agents = await refresh_library_vectors(session)
        return f"Search by meaning: {listings} listing and {agents} library vector(s) computed."
    finally:
        await dispose_engine()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise SystemExit("No account exists yet: pass --password-stdin and pipe a password in.")
    first = getpass.getpass("Password for the new admin: ")
    if first != getpass.getpass("Repeat the password: "):
        raise SystemExit("The passwords do not match.")
    return first


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m autogpt_app.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser(
        "prestart", help="check settings, migrate, bootstrap ADMIN_EMAIL, seed the marketplace, backfill vectors"
    )
    sub.add_parser("seed", help="add or update the built-in marketplace catalogue")
    admin = sub.add_parser("create-admin", help="promote or create an admin account")
    admin.add_argument("email")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    try:
        if args.command == "migrate":
            run_migrations()
        elif args.command == "prestart":
            get_secret_key()  # refuses to go on with a default secret in production
            run_migrations()
            settings = get_settings()
            if settings.admin_email:
                # A setting is not an operator at the keyboard: an existing account with that address is
                # promoted only once its owner has verified the address.
                print(
                    asyncio.run(
                        _ensure_admin(settings.admin_email, settings.admin_password or None, require_verified=True)
                    )
                )
                if not settings.admin_password:
                    print(
                        f"Sign up as {settings.admin_email} and follow the link in the verification e-mail to become "
                        "an admin, if that account does not exist yet."
                    )
            if settings.seed_catalogue:
                print(asyncio.run(_seed_catalogue()))
            print(asyncio.run(_backfill_vectors()))
        elif args.command == "seed":
            print(asyncio.run(_seed_catalogue()))
        elif args.command == "create-admin":
            message = asyncio.run(_ensure_admin(args.email, None))
            if message.startswith("No account"):
                password = _read_password(args.password_stdin)
                message = asyncio.run(_ensure_admin(args.email, password))
            print(message)
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
