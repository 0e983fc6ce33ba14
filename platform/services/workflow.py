"""Periods and submissions: open, save data, act, track (DESIGN.md §6).

Every change of a submission is ONE conditional update of one document, guarded
by the ``version`` (and state) the caller read: ``Submission.objects(id=…,
version=v).update_one(…)`` matching nothing means someone else won the race,
and the caller gets a :class:`ConflictError` (409), never a silent overwrite.
That is the only atomicity both MongoDB and mongomock offer; mongomock does not
make its match-then-write atomic across threads, and it changes the stored
document field by field, so a read during a write can see half of it (the new
state with the old version). In the embedded store the guarded writes of this
process, and the reads a move or save decides from, therefore take one lock
(:func:`_embedded_lock`; nothing for MongoDB, whose single-document operations
are atomic).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from baocao.platform.models import Unit
from baocao.platform.models.workflow import (
    Regime,
    Submission,
    decode_keys,
    encode_keys,
)
from baocao.platform.services import (
    access,
    audit,
    report_progress,
    signatures,
    unit_snapshot,
    workflow_effects,
    workflow_forms,
)
from baocao.platform.services.workflow_config import (
    _object_id,
    get_chain,
    get_regime,
    utc_naive,
)
from baocao.platform.services.workflow_periods import (
    calendar_of,
    close_period,
    get_period,
    open_period,
    set_deadline,
)
from baocao.platform.workflow.chains import Action, ActorUnit, Chain
from baocao.platform.workflow.errors import (
    ClosedPeriodError,
    ConflictError,
    DataInvalidError,
    ForbiddenActionError,
    NotFoundError,
    TransitionError,
    WorkflowCode,
)
from baocao.platform.workflow.transitions import (
    STATE_NAMES,
    Actor,
    decide,
    is_editable,
)

logger = logging.getLogger(__name__)

__all__ = [
    "act",
    "actor_for",
    "calendar_of",
    "can_view",
    "changed_cells",
    "close_period",
    "data_hash",
    "get_period",
    "get_submission",
    "open_period",
    "save_data",
    "set_deadline",
]

#: ``compute(data) -> (computed, errors)``: the form's validator and Calculator.
Compute = Callable[[dict[str, Any]], tuple[dict[str, Any], list[dict[str, Any]]]]

UnitFinder = Callable[[str], Unit | None]
FormLoader = workflow_forms.FormLoader

_EMBEDDED_LOCK = threading.Lock()


def _embedded_lock() -> AbstractContextManager[Any]:
    """The lock that keeps a submission's writes and deciding reads whole in the
    embedded store (mongomock); nothing with a MongoDB server."""
    client = Submission._get_db().client
    if type(client).__module__.startswith("mongomock"):
        return _EMBEDDED_LOCK
    return nullcontext()


def data_hash(data: Mapping[str, Any]) -> str:
    """sha256 of the data in canonical JSON, recorded with every event."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _guarded_update(
    query: dict[str, Any], *, history: bool = False, **update: Any
) -> Submission | None:
    """Apply ``update`` to the one submission matching ``query`` and return it as
    updated (one round trip, no read after the write); None if none matched.

    :param history: False leaves the history out of the returned document (it
        grows with every save, and a save only needs the new version).
    """
    found = Submission.objects(**query)
    found = found if history else found.exclude("history")
    with _embedded_lock():
        return found.modify(new=True, **update)


# --- who acts ----------------------------------------------------------------


def lineage(code: str | None, find: UnitFinder | None = None) -> set[str]:
    """Codes whose subtree contains unit ``code``: its path, and its successors'.

    ``S`` covers ``code`` exactly when ``code in unit_tree.subtree_codes(S)``
    (mergers included), but this reads one unit per hop instead of scanning a
    subtree, which matters on every request.
    """
    find = find or unit_snapshot.find
    found: set[str] = set()
    current = code
    for _ in range(64):
        if not current:
            break
        unit = find(current)
        if unit is None:
            break
        found |= set(str(unit.path).split("/"))
        current = unit.merged_into
    return found


def _relations(
    user: Any, submission: Submission, regime: Regime, now: datetime
) -> tuple[Actor, bool]:
    """The actor's (role, relation) pairs and whether it may read the submission."""
    find = unit_snapshot.find  # the unit tree, as of a few seconds at most
    unit = find(submission.unit)
    lines = {
        ActorUnit.REPORTING: lineage(submission.unit, find),
        ActorUnit.PARENT: lineage(unit.parent if unit is not None else None, find),
        ActorUnit.RECEIVING: lineage(regime.receiving_unit, find),
    }
    pairs: set[tuple[str, ActorUnit]] = set()
    visible = access.is_sysadmin(user)
    for scope in access.scopes(user, now=now, find=find):
        if scope.regime not in (None, str(regime.pk)):
            continue
        for relation, line in lines.items():
            if scope.unit in line:
                pairs.update((role.value, relation) for role in scope.roles)
                visible = visible or relation != ActorUnit.PARENT
    return Actor(frozenset(pairs)), visible


def actor_for(
    user: Any, submission: Submission, regime: Regime, now: datetime
) -> Actor:
    """The (role, unit relation) pairs ``user`` holds for this submission.

    A role held in a unit's subtree (the account's own roles, or a grant for
    this regime or for all) covers that subtree, as in
    :func:`baocao.platform.services.access.can`: a role over the reporting
    unit gives ``reporting``, over its parent ``parent``, over the regime's
    receiving unit ``receiving``.
    """
    return _relations(user, submission, regime, now)[0]


def can_view(user: Any, submission: Submission, regime: Regime, now: datetime) -> bool:
    """Whether ``user`` may read this submission: any role over its unit or over
    the receiving unit (every role may view reports in its scope)."""
    return _relations(user, submission, regime, now)[1]


# --- submissions -------------------------------------------------------------


def get_submission(
    submission_id: str, *, history: bool = True, only: tuple[str, ...] = ()
) -> Submission:
    """The submission with this id.

    :param history: False leaves the history out (a save or an action only
        appends to it, and it grows with every save).
    :param only: read just these fields (a save's checks need a few).
    :raises NotFoundError: (404) no such submission.
    """
    found = Submission.objects(id=_object_id(submission_id, "báo cáo"))
    found = found if history else found.exclude("history")
    found = found.only(*only) if only else found
    with _embedded_lock():
        found = found.first()
    if found is None:
        raise NotFoundError(WorkflowCode.WF031, what="báo cáo", key=submission_id)
    return found


#: What a save reads of the submission it replaces the data of.
_SAVE_FIELDS = (
    "id",
    "version",
    "state",
    "step",
    "done",
    "regime_id",
    "period_key",
    "unit",
)


def _context(
    submission_id: str, expected_version: int, fields: tuple[str, ...] = ()
) -> tuple[Submission, Regime, Chain]:
    """The submission (without history, or only ``fields``), its regime and chain.

    :raises ConflictError: (409) the caller read another version.
    :raises ClosedPeriodError: (409) the period is an archive.
    """
    sub = get_submission(submission_id, history=False, only=fields)
    if sub.version != expected_version:
        raise ConflictError(
            WorkflowCode.WF030, current=sub.version, expected=expected_version
        )
    regime = get_regime(sub.regime_id)
    period = get_period(sub.regime_id, sub.period_key)
    if period.closed_at is not None:
        raise ClosedPeriodError(WorkflowCode.WF032, key=sub.period_key)
    return sub, regime, get_chain(regime.chain_id).chain()


def _lost_race(sub: Submission, expected_version: int) -> ConflictError:
    current = Submission.objects(id=sub.pk).only("version").first()
    return ConflictError(
        WorkflowCode.WF030,
        current=current.version if current else "?",
        expected=expected_version,
    )


def save_data(
    submission_id: str,
    data: Mapping[str, Any],
    expected_version: int,
    actor: Any,
    *,
    now: datetime,
    compute: Compute | None = None,
    form_loader: FormLoader | None = None,
    narrative: str | None = None,
    sections: Mapping[str, str] | None = None,
) -> Submission:
    """Replace a draft's data (PUT semantics) if the caller read ``expected_version``.

    Returns the saved submission without its history (read it with
    :func:`get_submission` when needed).

    :param actor: the signed-in user (must enter data at the reporting unit).
    :param form_loader: how to load the regime's form, whose validator and
        Calculator check and compute the data (errors refuse the save); the
        regime is the one the save reads anyway.
    :param compute: a ready ``compute`` instead (a test's stand-in); neither
        means the data is stored unchecked.
    :raises ConflictError: (409) stale version or lost race.
    :raises ForbiddenActionError: (403) not data entry for this unit and regime.
    :raises TransitionError: (409) not editable in this state.
    :raises DataInvalidError: (422) field-level errors.
    """
    sub, regime, chain = _context(submission_id, expected_version, _SAVE_FIELDS)
    if compute is None and form_loader is not None:
        compute = workflow_forms.compute_for(regime, form_loader)
    first = chain.steps[0]
    if not actor_for(actor, sub, regime, now).can_act_at(first):
        raise ForbiddenActionError(
            WorkflowCode.WF020,
            action="nhập liệu",
            step=first.name,
            role=first.actor_role,
            unit="đơn vị báo cáo",
        )
    if not is_editable(sub.position()):
        raise TransitionError(
            WorkflowCode.WF033, state=STATE_NAMES[sub.position().state]
        )
    values = dict(data)
    computed: dict[str, Any] = {}
    if compute is not None:
        computed, errors = compute(values)
        if errors:
            raise DataInvalidError(errors)
    moment = utc_naive(now)
    event = {
        "actor": _username(actor),
        "action": "save",
        "time": moment,
        "reason": "",
        "data_sha256": data_hash(values),
        "version": expected_version + 1,
        "state": sub.state,
    }
    update: dict[str, Any] = {
        "set__data": encode_keys(values),
        "set__computed": encode_keys(computed),
        "set__updated_at": moment,
        "inc__version": 1,
        "push__history": event,
    }
    if narrative is not None:
        update["set__narrative"] = narrative
    if sections is not None:  # outline sections, sanitised by services.narrative
        update["set__narrative_sections"] = dict(sections)
    query = {"id": sub.pk, "version": expected_version, "state": sub.state, "step": 0}
    saved = _guarded_update(query, **update)
    if saved is None:
        raise _lost_race(sub, expected_version)
    audit.record(
        event["actor"],
        "submission.save",
        f"submission:{sub.pk}",
        now=now,
        unit=sub.unit,
        details={"version": event["version"], "data_sha256": event["data_sha256"]},
    )
    return saved


def act(
    submission_id: str,
    action: str,
    expected_version: int,
    actor: Any,
    *,
    now: datetime,
    reason: str | None = None,
    to_step: int | None = None,
    comments: Mapping[str, str] | None = None,
    signature: str | None = None,
    cells: set[str] | None = None,
) -> Submission:
    """Take a chain action (submit, approve, return, sign, send, accept).

    :raises ForbiddenActionError: (403) the actor may not act at this step.
    :raises ConflictError: (409) stale version or lost race.
    :raises TransitionError: (409) the action is not possible in this state.
    :raises InvalidActionInputError: (422) missing reason or signature, bad comments.
    """
    sub, regime, chain = _context(submission_id, expected_version)
    holder = actor_for(actor, sub, regime, now)
    move = decide(
        chain,
        sub.position(),
        holder,
        action,
        reason=reason,
        to_step=to_step,
        signature=signature,
        comments=comments,
        cells=cells,
    )
    step = chain.steps[sub.step or 0]
    if move.action == Action.SIGN and step.signature_required:
        signatures.check_reference(sub, move.signature, _username(actor), step.name)
    if move.action == Action.SUBMIT:
        from baocao.platform.services.narrative import check_before_submit

        check_before_submit(sub, regime)
    moment = utc_naive(now)
    data = sub.get_data()
    event: dict[str, Any] = {
        "actor": _username(actor),
        "action": move.action.value,
        "time": moment,
        "reason": move.reason,
        "data_sha256": data_hash(data),
        "version": expected_version + 1,
        "state": move.after.state.value,
        "from_state": sub.state,
        "step": move.after.step,
    }
    update: dict[str, Any] = {
        "set__state": move.after.state.value,
        "set__step": move.after.step,
        "set__done": [a.value for a in move.after.done],
        "set__updated_at": moment,
        "inc__version": 1,
    }
    if move.action == Action.SUBMIT:
        update["set__submitted_at"] = moment
        if sub.data_at_return is not None:
            event["changed_since_return"] = changed_cells(
                decode_keys(sub.data_at_return), data
            )
    if move.action == Action.RETURN:
        pinned = [
            {"cell": c, "text": t, "by": _username(actor), "time": moment}
            for c, t in move.comments
        ]
        update["set__comments"] = pinned
        update["set__data_at_return"] = encode_keys(data)
        # The data may change again: the signed state is left (issue #6, item 6).
        update["set__signature"] = None
        update["set__signed_data_sha256"] = None
        event["comments"] = [{"cell": c, "text": t} for c, t in move.comments]
    if move.action == Action.SIGN and move.signature:
        update["set__signature"] = move.signature
        event["signature"] = move.signature
        if step.signature_required:
            bound = signatures.bound_data_sha256(sub)
            update["set__signed_data_sha256"] = event["signed_data_sha256"] = bound
    update["push__history"] = event
    query = {"id": sub.pk, "version": expected_version, "state": sub.state}
    done = _guarded_update(query, history=True, **update)
    if done is None:
        raise _lost_race(sub, expected_version)
    audit.record(
        _username(actor),
        f"submission.{move.action.value}",
        f"submission:{sub.pk}",
        now=now,
        unit=sub.unit,
        details={
            "regime": sub.regime_id,
            "period": sub.period_key,
            "reason": move.reason,
            "data_sha256": event["data_sha256"],
            **{k: event[k] for k in ("signature", "signed_data_sha256") if k in event},
        },
    )
    sub = done
    report_progress.record_submission(sub)  # the dashboards' completeness panel
    workflow_effects.queue(
        sub,
        workflow_effects.Moved(
            action=move.action.value,
            from_state=event["from_state"],
            from_step=move.before.step,
            state=sub.state,
            step=sub.step,
            reason=move.reason,
            actor=_username(actor),
            time=moment.replace(tzinfo=UTC).isoformat(),
        ),
    )
    return sub


def changed_cells(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Cells whose value differs between two versions of the data, sorted."""
    keys = set(before) | set(after)
    return sorted(k for k in keys if before.get(k) != after.get(k))


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))
