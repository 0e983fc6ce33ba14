"""E-mail for notifications: SMTP as the settings say, sent by a Celery task.

The request (or job) that created the notifications only queues their ids;
:func:`send_notification_emails` runs in the worker, sends each notification
that has an address and no ``emailed_at`` yet (so a retried task never sends a
message twice), and retries with back-off while the server refuses. A message
that still fails keeps its error on the notification and in the log; the
in-app notification is there regardless. A beat entry re-queues notifications
whose task was never run (a broker that was down when they were made).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from typing import Any

from baocao.platform.models.notification import Notification
from baocao.platform.services.workhours import utc_naive
from baocao.platform.settings import Settings
from celery import shared_task
from flask import current_app

logger = logging.getLogger(__name__)

SEND_TASK = "baocao.notify.send_emails"
REQUEUE_TASK = "baocao.notify.requeue_emails"
MAX_RETRIES = 5
SMTP_TIMEOUT = 30
IMPLICIT_TLS_PORT = 465
#: A queued notification untouched for this long lost its task: queue it again.
REQUEUE_AFTER = timedelta(minutes=15)
#: Merged into the Celery app's beat schedule by ``celery_init_app``.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    REQUEUE_TASK: {"task": REQUEUE_TASK, "schedule": 900.0},
}


def queue_emails(notification_ids: list[str]) -> None:
    """Queue the e-mails of these notifications; a broker failure is only logged
    (the beat entry queues them again)."""
    try:
        send_notification_emails.delay(notification_ids)
    except Exception:
        # The notifications are stored; the requeue job picks them up later.
        logger.exception("không đưa được %d thư vào hàng đợi", len(notification_ids))


def compose(settings: Settings, note: Notification) -> MIMEText:
    """The message for one notification (plain text, Vietnamese).

    Built with the ``compat32`` classes on purpose: the default policy's header
    folding in Python 3.11 drops the space between encoded words of a long
    Vietnamese subject ("2026-M03của"); ``Header`` splits it correctly.
    """
    link = note.link or ""
    if link and settings.public_url:
        link = settings.public_url.rstrip("/") + link
    lines = [note.text, ""]
    if link:
        lines += [f"Xem chi tiết: {link}", ""]
    lines.append("Thư này do Hệ thống thông tin báo cáo gửi tự động; xin đừng trả lời.")
    message = MIMEText("\n".join(lines), "plain", "utf-8")
    message["From"] = settings.smtp_sender
    message["To"] = note.email_to
    message["Subject"] = Header(f"[Báo cáo] {note.text[:120]}", "utf-8")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="baocao")
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port = settings.smtp_host or "", settings.smtp_port
    if port == IMPLICIT_TLS_PORT:
        context = ssl.create_default_context()
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=SMTP_TIMEOUT, context=context
        )
    else:
        server = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_tls and port != IMPLICIT_TLS_PORT:
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user and settings.smtp_password:
            server.login(settings.smtp_user, settings.smtp_password.reveal())
    except (OSError, smtplib.SMTPException):
        server.close()
        raise
    return server


def deliver(settings: Settings, ids: list[str], *, now: datetime) -> list[str]:
    """Send the unsent e-mails among ``ids`` over one connection.

    :returns: the ids that failed (to retry).
    """
    pending = list(Notification.objects(id__in=ids, emailed_at=None, email_to__ne=None))
    if not pending or not settings.smtp_host:
        return []
    failed: list[str] = []
    try:
        server = _connect(settings)
    except (OSError, smtplib.SMTPException) as err:
        _record_failure(pending, err)
        return [str(n.pk) for n in pending]
    with server:
        for note in pending:
            try:
                server.send_message(compose(settings, note))
            except (OSError, smtplib.SMTPException) as err:
                _record_failure([note], err)
                failed.append(str(note.pk))
                continue
            Notification.objects(id=note.pk).update_one(
                set__emailed_at=utc_naive(now),
                inc__email_attempts=1,
                set__email_error=None,
            )
    return failed


def _record_failure(notes: list[Notification], err: Exception) -> None:
    text = f"{type(err).__name__}: {err}"[:500]
    for note in notes:
        Notification.objects(id=note.pk).update_one(
            inc__email_attempts=1, set__email_error=text
        )
    logger.warning("không gửi được %d thư: %s", len(notes), text)


@shared_task(
    bind=True,
    name=SEND_TASK,
    max_retries=MAX_RETRIES,
    ignore_result=True,
    acks_late=True,
)
def send_notification_emails(self: Any, notification_ids: list[str]) -> int:
    """Celery entry point: send, and retry what failed with back-off (1, 2, 4… min)."""
    settings: Settings = current_app.extensions["baocao_settings"]
    failed = deliver(settings, notification_ids, now=datetime.now(UTC))
    if failed:
        if self.request.retries >= MAX_RETRIES:
            logger.error("bỏ gửi %d thư sau %d lần thử", len(failed), MAX_RETRIES + 1)
            return len(notification_ids) - len(failed)
        raise self.retry(args=[failed], countdown=60 * 2**self.request.retries)
    return len(notification_ids)


def requeue_emails(now: datetime) -> int:
    """Queue again the e-mails never attempted since ``REQUEUE_AFTER``."""
    stale = Notification.objects(
        email_to__ne=None,
        emailed_at=None,
        email_attempts=0,
        created_at__lt=utc_naive(now - REQUEUE_AFTER),
    ).only("id")
    ids = [str(n.pk) for n in stale]
    if ids:
        queue_emails(ids)
    return len(ids)


@shared_task(name=REQUEUE_TASK, ignore_result=True)
def requeue_emails_task() -> int:
    """Celery entry point of :func:`requeue_emails`."""
    return requeue_emails(datetime.now(UTC))
