"""In-app notifications (the bell) and their fan-out to the accounts that act.

Events (issue #5 item 6): a submission arriving at a step notifies the accounts
that act there (``assignment``); a return notifies those of the step it goes
back to, with the reason (``return``); acceptance tells the unit's data entry
(``accepted``); the reminder job adds ``deadline_soon``, ``late``,
``late_summary`` and the receiving unit's ``reminder`` (``services.reminders``).

The notification is written first, in the document store; e-mail goes later
through a Celery task (``services.mail``), so a mail server that is down never
loses what users see in the app and never slows or fails the request that moved
the submission. Recipients are resolved in one query per store for a batch of
units: the accounts whose own role and unit cover the unit (FAB's SQL store)
plus the per-regime grants (document store).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from baocao.platform.models import Grant
from baocao.platform.models.notification import Notification
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.services import unit_snapshot
from baocao.platform.services.workhours import utc_naive
from baocao.platform.workflow.chains import Action, ActorUnit, Chain
from bson import ObjectId
from flask import current_app, has_app_context

logger = logging.getLogger(__name__)

#: Vietnamese names of the kinds, for the notification page.
KIND_NAMES: dict[str, str] = {
    "assignment": "Việc mới",
    "return": "Bị trả lại",
    "accepted": "Đã tiếp nhận",
    "deadline_soon": "Sắp đến hạn",
    "late": "Trễ hạn",
    "late_summary": "Đơn vị trễ hạn",
    "reminder": "Nhắc nhở",
    "deadline_moved": "Đổi hạn nộp",
}
#: Addresses that can never be delivered (RFC 2606), e.g. the demo accounts'.
_UNDELIVERABLE = (".invalid", ".example", ".test", ".localhost")


@dataclass(frozen=True, slots=True)
class Recipient:
    """An account to notify."""

    username: str
    email: str | None


@dataclass(frozen=True, slots=True)
class About:
    """What a notification is about (for the link and later filtering)."""

    regime_id: str
    period_key: str
    unit: str | None = None
    submission_id: str | None = None


def lineages(codes: Iterable[str]) -> dict[str, set[str]]:
    """Per unit, the codes whose subtree contains it (its path, and for a merged
    unit its successors' too), from the unit tree the permission checks read."""
    from baocao.platform.services.workflow import lineage

    return {code: lineage(code) for code in set(codes)}


def holders(
    role: str, units: Iterable[str], regime_id: str | None
) -> dict[str, list[Recipient]]:
    """Per unit, the active accounts holding ``role`` over it for this regime.

    As in ``services.access``: an account's own role covers its unit's subtree,
    and a grant (for this regime or for all) covers the granted unit's subtree.
    One query for the whole batch (grants), whatever its size; units and accounts
    come from the process's snapshots (`unit_snapshot`, `account_directory`).
    """
    if not has_app_context():  # the accounts live in the app's SQL store
        return {unit: [] for unit in set(units)}
    lines = lineages(units)
    every = set().union(*lines.values()) if lines else set()
    if not every:
        return {unit: [] for unit in lines}
    granted: dict[str, set[str]] = {}
    for grant in Grant.objects(
        unit_code__in=sorted(every),
        roles=role,
        revoked_at=None,
        regime_id__in=[None, regime_id],
    ).only("username", "unit_code"):
        granted.setdefault(grant.unit_code, set()).add(grant.username)
    accounts = _accounts(role, every, {n for names in granted.values() for n in names})
    found: dict[str, list[Recipient]] = {}
    for unit, line in lines.items():
        names = {u for u, (home, own, _) in accounts.items() if own and home in line}
        names |= {n for code in line for n in granted.get(code, ())}
        found[unit] = [
            Recipient(name, accounts[name][2] if name in accounts else None)
            for name in sorted(names)
            if name in accounts
        ]
    return found


def _accounts(
    role: str, unit_codes: set[str], granted: set[str]
) -> dict[str, tuple[str | None, bool, str | None]]:
    """``username -> (unit_code, holds role itself, e-mail)`` of active accounts
    that sit in ``unit_codes`` with ``role`` or were granted it (from the
    process's account directory, not a query per move)."""
    from baocao.platform.services.account_directory import active_accounts

    name = ROLE_NAMES.get(Role(role)) if role in Role._value2member_map_ else None
    found: dict[str, tuple[str | None, bool, str | None]] = {}
    for account in active_accounts().values():
        own = account.unit_code in unit_codes and name in account.roles
        if own or account.username in granted:
            found[account.username] = (account.unit_code, own, _address(account.email))
    return found


def _address(email: str | None) -> str | None:
    value = (email or "").strip()
    if "@" not in value or value.lower().endswith(_UNDELIVERABLE):
        return None
    return value


def build(
    recipients: Iterable[Recipient],
    kind: str,
    text: str,
    link: str,
    about: About,
    *,
    now: datetime,
    exclude: Iterable[str] = (),
) -> list[Notification]:
    """Unsaved notifications, one per recipient (each username once).

    :param exclude: usernames not to notify (whoever caused the event).
    """
    skip = set(exclude)
    moment = utc_naive(now)
    mail = mail_configured()
    return [
        Notification(
            recipient=r.username,
            kind=kind,
            text=text,
            link=link,
            regime_id=about.regime_id,
            period_key=about.period_key,
            unit=about.unit,
            submission_id=about.submission_id,
            created_at=moment,
            email_to=r.email if mail else None,
        )
        for r in {r.username: r for r in recipients}.values()
        if r.username not in skip
    ]


def store(docs: list[Notification]) -> list[Notification]:
    """Insert the notifications in one write, then queue their e-mails."""
    if not docs:
        return []
    # load_bulk=False: the documents get their ids; reading them back would
    # be one more query over every notification ever stored.
    Notification.objects.insert(docs, load_bulk=False)
    queued = [str(d.pk) for d in docs if d.email_to]
    if queued:
        from baocao.platform.services.mail import queue_emails

        queue_emails(queued)
    return docs


def mail_configured() -> bool:
    """Whether an SMTP server is configured for the running app."""
    if not has_app_context():
        return False
    settings = current_app.extensions.get("baocao_settings")
    return bool(settings is not None and settings.smtp_host)


def submission_link(submission_id: str) -> str:
    """The path of a submission's page."""
    return f"/bao-cao/{submission_id}"


def step_unit(relation: ActorUnit, unit: str, receiving: str) -> str | None:
    """The unit where a step's actors sit for a submission of ``unit``."""
    if relation == ActorUnit.RECEIVING:
        return receiving
    if relation == ActorUnit.PARENT:
        found = unit_snapshot.find(unit)
        return found.parent if found is not None else None
    return unit


def after_move(
    sub: Any, regime: Any, chain: Chain, moved: Any, *, now: datetime
) -> None:
    """Notify whoever a chain move concerns; never fails.

    Called by ``services.workflow_effects`` after the move is stored. Nothing is
    resolved when the step did not change (an approval inside a step).

    :param moved: a :class:`~baocao.platform.services.workflow_effects.Moved`.
    """
    try:
        _after_move(sub, regime, chain, moved, now=now)
    except Exception:
        # The transition is already stored: a notification problem is logged,
        # never turned into an error for the user who moved the report.
        logger.exception("không tạo được thông báo cho báo cáo %s", sub.pk)


def _after_move(
    sub: Any, regime: Any, chain: Chain, moved: Any, *, now: datetime
) -> None:
    about = About(str(regime.pk), sub.period_key, sub.unit, str(sub.pk))
    where = f"{regime.name} kỳ {sub.period_key} của đơn vị {sub.unit}"
    action = Action(moved.action)
    if action == Action.ACCEPT:
        step, kind = chain.steps[0], "accepted"
        text = f"{where} đã được tiếp nhận."
    elif moved.step is None or moved.step == moved.from_step:
        return
    elif action == Action.RETURN:
        step, kind = chain.steps[moved.step], "return"
        text = f"{where} bị trả lại bởi {moved.actor}. Lý do: {moved.reason}"
    else:
        step, kind = chain.steps[moved.step], "assignment"
        text = f"{where} đang chờ bạn: {step.name}."
    unit = step_unit(step.actor_unit, sub.unit, regime.receiving_unit)
    if unit is None:
        return
    people = holders(step.actor_role, [unit], str(regime.pk)).get(unit, [])
    link = submission_link(str(sub.pk))
    store(build(people, kind, text, link, about, now=now, exclude=[moved.actor]))


def deadline_moved(
    regime_id: str, period_key: str, deadline: date, notice: str, *, now: datetime
) -> int:
    """Đ.17.3: tell data entry of every reporting unit of the period that its
    deadline moved, with the receiving unit's notice; never fails the change.

    :returns: how many accounts were notified.
    """
    try:
        return _deadline_moved(regime_id, period_key, deadline, notice, now=now)
    except Exception:
        # The new deadline is stored; a notification problem is only logged.
        logger.exception("không báo được hạn mới của kỳ %s/%s", regime_id, period_key)
        return 0


def _deadline_moved(
    regime_id: str, period_key: str, deadline: date, notice: str, *, now: datetime
) -> int:
    from baocao.platform.models.workflow import ApprovalChain, Regime, Submission

    regime = Regime.objects(id=regime_id).first()
    chain = ApprovalChain.objects(id=regime.chain_id).first() if regime else None
    if regime is None or chain is None:
        return 0
    role = chain.chain().steps[0].actor_role
    subs = list(
        Submission.objects(regime_id=regime_id, period_key=period_key).only(
            "id", "unit"
        )
    )
    people = holders(role, [s.unit for s in subs], regime_id)
    text = (
        f"{regime.name} kỳ {period_key}: hạn nộp được điều chỉnh thành "
        f"{deadline:%d/%m/%Y}. {notice}"
    ).strip()
    docs: list[Notification] = []
    for sub in subs:
        about = About(regime_id, period_key, sub.unit, str(sub.pk))
        docs += build(
            people.get(sub.unit, []),
            "deadline_moved",
            text,
            submission_link(str(sub.pk)),
            about,
            now=now,
        )
    return len(store(docs))


def unread_count(username: str) -> int:
    """How many notifications the user has not read (the bell's number)."""
    return Notification.objects(recipient=username, read_at=None).count()


def for_user(username: str, *, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(
        Notification.objects(recipient=username).order_by("-created_at").limit(limit)
    )


def mark_read(username: str, ids: Iterable[str] | None, *, now: datetime) -> int:
    """Mark the user's notifications read (``ids`` None: all of them).

    Only the user's own notifications match, whatever ids are posted.
    """
    query: Mapping[str, Any] = {"recipient": username, "read_at": None}
    if ids is not None:
        wanted = [i for i in ids if _is_object_id(i)]
        query = {**query, "id__in": wanted}
    return Notification.objects(**query).update(set__read_at=utc_naive(now))


def get_own(username: str, notification_id: str) -> Notification | None:
    """The user's notification with this id (None for someone else's)."""
    if not _is_object_id(notification_id):
        return None
    return Notification.objects(id=notification_id, recipient=username).first()


def _is_object_id(value: str) -> bool:
    return ObjectId.is_valid(value)
