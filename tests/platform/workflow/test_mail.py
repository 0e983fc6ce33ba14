"""E-mail of notifications, received by a real SMTP server on loopback.

The sink is aiosmtpd (a test dependency): Python 3.11's ``smtpd`` is deprecated
(an error under ``filterwarnings = error``) and gone in 3.12, and aiosmtpd is
its maintained successor from the same authors. The message is sent by the
Celery task on the embedded worker, exactly as in the demo, after the request
that moved the submission has returned.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from baocao.platform.models.notification import Notification
from baocao.platform.security import ensure_user
from baocao.platform.services.mail import deliver, requeue_emails


PASSWORD = "Matkhau-kiem-thu-2026"


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(app_factory: Any, smtp_sink: tuple[Inbox, int]) -> Any:
    return app_factory(
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink[1],
        smtp_tls=False,
        smtp_sender="baocao@dongthap.gov.vn",
        public_url="https://baocao.dongthap.gov.vn",
    )


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_assignment_mail_reaches_the_smtp_server(
    mail_app: Any,
    make_unit: Any,
    open_site: Any,
    act: Any,
    smtp_sink: Any,
) -> None:
    """NT-10: submitting mails the unit's leader (FAB account e-mail) through the
    worker; the in-app notification records when it was mailed."""
    inbox, _port = smtp_sink
    with mail_app.app_context():
        def make_user(username: str, role: Any, unit: str) -> None:
            ensure_user(mail_app, username, PASSWORD, role=role, unit_code=unit)

        _regime, subs = open_site(mail_app, make_user, make_unit)
        act(mail_app, subs["28249"], "28249.nhaplieu", "submit")
        note = Notification.objects(recipient="28249.lanhdao").first()
        assert note.email_to == "28249.lanhdao@dongthap.gov.vn"
    wait_for(lambda: len(inbox.messages) == 1)
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["28249.lanhdao@dongthap.gov.vn"]
    assert envelope.mail_from == "baocao@dongthap.gov.vn"
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"[Báo cáo] {note.text}"
    body = message.get_content()
    assert note.text in body
    assert f"https://baocao.dongthap.gov.vn/bao-cao/{subs['28249']}" in body
    with mail_app.app_context():
        wait_for(
            lambda: Notification.objects(id=note.pk).first().emailed_at is not None
        )
        assert Notification.objects(id=note.pk).first().email_attempts == 1


def test_a_refused_mail_keeps_the_notification_and_its_error(
    app_factory: Any, smtp_sink: Any
) -> None:
    """NT-11: with the mail server unreachable the notification stays, unsent,
    with the error; once the server answers, the retry sends it once."""
    inbox, port = smtp_sink
    down = app_factory(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_tls=False)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with down.app_context():
        note = Notification(
            recipient="28249.lanhdao",
            kind="assignment",
            text="Báo cáo tháng kỳ 2026-M03 của đơn vị 28249 đang chờ bạn.",
            link="/bao-cao/x",
            created_at=now.replace(tzinfo=None),
            email_to="28249.lanhdao@dongthap.gov.vn",
        )
        note.save()
        settings = down.extensions["baocao_settings"]
        assert deliver(settings, [str(note.pk)], now=now) == [str(note.pk)]
        note.reload()
        assert (note.emailed_at, note.email_attempts) == (None, 1)
        assert note.email_error.startswith("ConnectionRefusedError")
        up = type(settings).from_env(
            {},
            **{
                **{f: getattr(settings, f) for f in ("instance_dir", "secret_key")},
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_tls": False,
            },
        )
        assert deliver(up, [str(note.pk)], now=now) == []
        assert deliver(up, [str(note.pk)], now=now) == []
        assert len(inbox.messages) == 1
        assert Notification.objects(id=note.pk).first().email_error is None


def test_requeue_picks_up_mail_whose_task_never_ran(
    mail_app: Any, smtp_sink: Any
) -> None:
    """NT-12: a notification queued while the broker was down (never attempted)
    is queued again by the beat job after 15 minutes, and then mailed."""
    inbox, _port = smtp_sink
    now = datetime.now(UTC)
    with mail_app.app_context():
        Notification(
            recipient="28249.nhaplieu",
            kind="reminder",
            text="Nhắc nhở",
            created_at=(now - timedelta(minutes=20)).replace(tzinfo=None),
            email_to="28249.nhaplieu@dongthap.gov.vn",
        ).save()
        Notification(
            recipient="28249.nhaplieu",
            kind="reminder",
            text="Mới tạo",
            created_at=now.replace(tzinfo=None),
            email_to="28249.nhaplieu@dongthap.gov.vn",
        ).save()
        assert requeue_emails(now) == 1
    wait_for(lambda: len(inbox.messages) == 1)
