"""Notification e-mails: a durable outbox, rendered by Jinja2 templates, sent over SMTP with retries.

Writing: :func:`queue_notification` (one notification) and :func:`queue_digests` (the daily list of
finished runs) only insert ``email_outbox`` rows, in the caller's transaction, so an execution or a
request never waits for a mail server.

Sending: :func:`send_due`, run every ``EMAIL_SEND_INTERVAL_SECONDS`` by the scheduler leader (and in
embedded mode inside the web process), claims due rows one at a time (a conditional UPDATE that
pushes ``next_attempt_at`` forward, so two senders never send the same row and a sender that dies
mid-send leaves the row to be retried later), sends it with :mod:`smtplib` in a worker thread, and
records the outcome: ``sent``; queued again after 1, 5, 30 and 120 minutes; ``failed`` after five
attempts; ``capped`` once the user got ``EMAIL_DAILY_CAP`` e-mails in the last 24 hours. Every
outcome but ``sent`` is logged. Without ``SMTP_HOST`` nothing is sent and mails stay queued.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from autogpt_app.auth.models import User
from autogpt_app.db import after_commit, session_scope
from autogpt_app.notifications.models import (
    MAX_TITLE,
    EmailOutbox,
    Notification,
    NotificationPreference,
    NotificationPublic,
)
from autogpt_app.settings import Settings, get_settings
from autogpt_app.timeutil import utcnow
from autogpt_app.wording import plural

log = logging.getLogger(__name__)

QUEUED, SENT, FAILED, CAPPED = "queued", "sent", "failed", "capped"
KIND_NOTIFICATION, KIND_DIGEST, KIND_ACCOUNT = "notification", "digest", "account"
#: Wait before attempt 2, 3, 4, 5 (seconds); attempt 5 failing gives up.
RETRY_DELAYS: tuple[int, ...] = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: How long a claimed row is left alone (a sender that dies mid-send is retried after this).
CLAIM_SECONDS = 600
SMTP_TIMEOUT = 30.0
#: Most finished runs listed in one digest; the rest are counted ("…and 12 more").
DIGEST_ITEMS = 50
#: Most outbox rows one :func:`send_due` call handles.
SEND_BATCH = 100

_TEMPLATES = Path(__file__).parent / "templates"
_warned_no_smtp = False


@lru_cache(maxsize=1)
def _env() -> Environment:
    # HTML templates are autoescaped (an agent named "<script>" stays text); .txt templates are not.
    return Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _site(settings: Settings) -> str:
    return settings.app_url.rstrip("/")


def absolute_url(link: str | None, settings: Settings | None = None) -> str:
    """The address of ``link`` for an e-mail: site paths get ``APP_URL`` in front; empty → the notification centre."""
    settings = settings or get_settings()
    if not link:
        return _site(settings) + "/notifications"
    if link.startswith("/"):
        return _site(settings) + link
    return link


def _common(settings: Settings, subject: str) -> dict[str, Any]:
    return {"subject": subject, "site": _site(settings), "settings_url": _site(settings) + "/notifications"}


def render_notification(note: NotificationPublic) -> tuple[str, str, str]:
    """Return ``(subject, text body, html body)`` of the e-mail for one notification."""
    settings = get_settings()
    subject = note.title[: MAX_TITLE + 40]
    context = {
        **_common(settings, subject),
        "title": note.title,
        "body": note.body,
        "paragraphs": [p.strip() for p in note.body.split("\n\n") if p.strip()],
        "url": absolute_url(note.link, settings),
    }
    env = _env()
    return (
        subject,
        env.get_template("notification.txt").render(context),
        env.get_template("notification.html").render(context),
    )


async def queue_notification(session: AsyncSession, user_id: str, note: NotificationPublic) -> None:
    """INTERNAL: queue the e-mail for a notification in the caller's transaction (flushes, no commit)."""
    subject, text, html = render_notification(note)
    session.add(EmailOutbox(user_id=user_id, kind=KIND_NOTIFICATION, subject=subject, text_body=text, html_body=html))
    await session.flush()


def render_account_email(
    subject: str, heading: str, paragraphs: list[str], button: str, url: str
) -> tuple[str, str, str]:
    """Return ``(subject, text, html)`` of an account e-mail (verify the address, reset the password)."""
    context = {**_common(get_settings(), subject), "heading": heading, "paragraphs": paragraphs, "button": button}
    context["url"] = url
    env = _env()
    return subject, env.get_template("account.txt").render(context), env.get_template("account.html").render(context)


async def queue_account_email(
    session: AsyncSession, user_id: str, *, subject: str, heading: str, paragraphs: list[str], button: str, url: str
) -> None:
    """INTERNAL: queue an account e-mail in the caller's transaction and send it right after the commit.

    Account mails are awaited by a person at the screen, so they do not wait for the outbox's next
    round: once the row is committed a background task sends what is due (the outbox's claim keeps a
    concurrent sender from sending it twice). The request never waits for the mail server.
    """
    subject, text, html = render_account_email(subject, heading, paragraphs, button, url)
    session.add(EmailOutbox(user_id=user_id, kind=KIND_ACCOUNT, subject=subject, text_body=text, html_body=html))
    await session.flush()
    after_commit(session, send_soon)


_background: set[asyncio.Task] = set()


def send_soon() -> None:
    """Start :func:`send_due` in the background on the running loop (kept referenced until it ends).

    Without a running loop (a caller in a thread) the mail waits for the outbox's next round.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        log.info("no event loop here: the account e-mail goes out with the outbox's next round")
        return
    task = loop.create_task(send_due())
    _background.add(task)
    task.add_done_callback(_background.discard)


# --- The daily digest ---------------------------------------------------------------------------------


def digest_key(user_id: str, day: date) -> str:
    """The outbox ``dedupe_key`` of one user's digest for ``day``: a digest is queued once per day."""
    return f"digest:{user_id}:{day.isoformat()}"


def render_digest(day: date, items: list[dict[str, Any]], total: int) -> tuple[str, str, str]:
    """Return ``(subject, text, html)`` of a digest listing ``items`` (title, link, created_at) of ``total`` runs."""
    settings = get_settings()
    subject = f"{plural(total, 'finished run')} on {day.isoformat()}"
    context = {
        **_common(settings, subject),
        "heading": f"Your agents finished {plural(total, 'run')} on {day.strftime('%A %d %B %Y')}",
        "items": [
            {
                "title": item["title"],
                "url": absolute_url(item["link"], settings),
                "time": item["created_at"].astimezone(UTC).strftime("%H:%M"),
            }
            for item in items
        ],
        "more": max(0, total - len(items)),
        "all_url": _site(settings) + "/notifications",
    }
    env = _env()
    return subject, env.get_template("digest.txt").render(context), env.get_template("digest.html").render(context)


async def queue_digests(*, now: datetime | None = None) -> int:
    """Queue one digest e-mail per user with the digest on, listing the previous UTC day's finished runs.

    Idempotent: a user's digest for a day is queued once (``dedupe_key``), so running this again, or
    on two schedulers, queues nothing more. Users with no finished run that day get nothing.
    Returns how many digests were queued.
    """
    now = now or utcnow()
    day = (now.astimezone(UTC) - timedelta(days=1)).date()
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=1)
    N, P = Notification, NotificationPreference
    async with session_scope() as session:
        rows = (
            await session.execute(
                select(N.user_id, N.title, N.link, N.created_at)
                .join(P, (P.user_id == N.user_id) & (P.type == N.type))
                .where(
                    N.type == "run_completed",
                    P.digest.is_(True),
                    P.channel != "off",
                    N.created_at >= start,
                    N.created_at < end,
                )
                .order_by(N.user_id, N.created_at, N.id)
            )
        ).all()
        by_user: dict[str, list[dict[str, Any]]] = {}
        for user_id, title, link, created_at in rows:
            by_user.setdefault(user_id, []).append({"title": title, "link": link, "created_at": created_at})
        if not by_user:
            return 0
        keys = {digest_key(uid, day): uid for uid in by_user}
        done = set(
            (await session.execute(select(EmailOutbox.dedupe_key).where(EmailOutbox.dedupe_key.in_(list(keys)))))
            .scalars()
            .all()
        )
        queued = 0
        for key, uid in keys.items():
            if key in done:
                continue
            items = by_user[uid]
            subject, text, html = render_digest(day, items[:DIGEST_ITEMS], len(items))
            session.add(
                EmailOutbox(
                    user_id=uid, kind=KIND_DIGEST, subject=subject, text_body=text, html_body=html, dedupe_key=key
                )
            )
            queued += 1
        try:
            await session.flush()
        except IntegrityError:  # another scheduler queued the same digests a moment ago
            log.info("digests for %s were queued concurrently; nothing more to do", day.isoformat())
            await session.rollback()
            return 0
    if queued:
        log.info("queued %d digest e-mail(s) for %s", queued, day.isoformat())
    return queued


# --- Sending ------------------------------------------------------------------------------------------


@dataclass
class SendReport:
    """What one :func:`send_due` call did, by outcome (row ids)."""

    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)
    skipped: bool = False


def _build_message(settings: Settings, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    domain = settings.smtp_from.rpartition("@")[2].strip(" >") or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _smtp_send(settings: Settings, message: EmailMessage) -> None:
    """Deliver one message (blocking; called in a worker thread)."""
    context = ssl.create_default_context()
    implicit_tls = settings.smtp_tls and settings.smtp_port == 465
    if implicit_tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        smtp.ehlo()
        if settings.smtp_tls and not implicit_tls:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _describe(exc: BaseException, settings: Settings) -> str:
    """A readable reason for a failed send, with no secret in it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        text = f"The mail server refused the recipient ({code} {reply.decode(errors='replace')})."
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"The mail server refused the login ({exc.smtp_code})."
    elif isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        text = f"The mail server answered {exc.smtp_code} {reply}."
    elif isinstance(exc, smtplib.SMTPException | OSError | TimeoutError):
        text = f"Could not talk to the mail server at {settings.smtp_host}:{settings.smtp_port} ({type(exc).__name__})."
    else:
        text = f"Sending failed unexpectedly ({type(exc).__name__})."
    if settings.smtp_password:
        text = text.replace(settings.smtp_password, "********")
    return text[:1000]


async def _claim(session: AsyncSession, row_id: str, due: datetime, now: datetime) -> bool:
    result = await session.execute(
        update(EmailOutbox)
        .where(EmailOutbox.id == row_id, EmailOutbox.status == QUEUED, EmailOutbox.next_attempt_at == due)
        .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS), attempts=EmailOutbox.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def _set(row_id: str, **values: Any) -> None:
    async with session_scope() as session:
        await session.execute(
            update(EmailOutbox)
            .where(EmailOutbox.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def _send_one(row_id: str, due: datetime, now: datetime, settings: Settings, report: SendReport) -> None:
    async with session_scope() as session:
        if not await _claim(session, row_id, due, now):
            return  # another sender has it
        mail = await session.get(EmailOutbox, row_id)
        user = await session.get(User, mail.user_id)
        sent_today = (
            await session.execute(
                select(func.count())
                .select_from(EmailOutbox)
                .where(
                    EmailOutbox.user_id == mail.user_id,
                    EmailOutbox.status == SENT,
                    EmailOutbox.sent_at > now - timedelta(days=1),
                )
            )
        ).scalar_one()
    if user is None or user.is_disabled:
        await _set(row_id, status=FAILED, last_error="The recipient's account is disabled or gone.")
        log.warning("e-mail %s not sent: the recipient's account is disabled or gone", row_id)
        report.failed.append(row_id)
        return
    if sent_today >= settings.email_daily_cap:
        await _set(row_id, status=CAPPED, last_error=f"Daily cap of {settings.email_daily_cap} e-mails reached.")
        log.warning(
            "e-mail %s to user %s not sent: daily cap of %d reached", row_id, mail.user_id, settings.email_daily_cap
        )
        report.capped.append(row_id)
        return
    message = _build_message(
        settings, formataddr((user.display_name, user.email)), mail.subject, mail.text_body, mail.html_body
    )
    try:
        await asyncio.to_thread(_smtp_send, settings, message)
    except Exception as exc:
        reason = _describe(exc, settings)
        attempts = mail.attempts  # already counts this attempt (the claim incremented it)
        if attempts >= MAX_ATTEMPTS:
            await _set(row_id, status=FAILED, last_error=reason)
            log.error("e-mail %s to user %s failed after %d attempts: %s", row_id, mail.user_id, attempts, reason)
            report.failed.append(row_id)
        else:
            delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
            await _set(row_id, next_attempt_at=now + timedelta(seconds=delay), last_error=reason)
            log.warning("e-mail %s attempt %d failed (%s); retrying in %ds", row_id, attempts, reason, delay)
            report.retried.append(row_id)
        return
    await _set(row_id, status=SENT, sent_at=utcnow(), last_error=None)
    log.info("e-mail %s (%s) sent to user %s", row_id, mail.kind, mail.user_id)
    report.sent.append(row_id)


async def send_due(*, now: datetime | None = None, limit: int = SEND_BATCH) -> SendReport:
    """Send the queued e-mails that are due at ``now``; return what happened to each.

    Does nothing (and logs once per process) while ``SMTP_HOST`` is empty: mails stay queued.
    """
    global _warned_no_smtp
    settings = get_settings()
    report = SendReport()
    if not settings.smtp_host:
        if not _warned_no_smtp:
            log.warning("SMTP_HOST is not set: notification e-mails stay queued until it is")
            _warned_no_smtp = True
        report.skipped = True
        return report
    now = now or utcnow()
    async with session_scope() as session:
        due = (
            await session.execute(
                select(EmailOutbox.id, EmailOutbox.next_attempt_at)
                .where(EmailOutbox.status == QUEUED, EmailOutbox.next_attempt_at <= now)
                .order_by(EmailOutbox.next_attempt_at, EmailOutbox.id)
                .limit(max(1, limit))
            )
        ).all()
    for row_id, due_at in due:
        try:
            await _send_one(row_id, due_at, now, settings, report)
        except Exception:  # a database blip: the claim expires and the row is tried again later
            log.exception("e-mail %s could not be processed; it will be retried", row_id)
    return report
