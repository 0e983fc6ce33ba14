"""The audit log is append-only and readable per unit subtree (issue 2 item 7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models import AppendOnlyError, AuditEvent
from baocao.platform.services import audit


def test_events_cannot_be_changed_or_deleted(mongo: Any, now: datetime) -> None:
    event = audit.record("admin", "unit.create", "unit:X", now=now, unit="X")
    event.actor = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects(actor="admin").update(set__actor="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects(actor="admin").delete()
    assert AuditEvent.objects.get().actor == "admin"


def test_query_filters_and_pages(mongo: Any, now: datetime) -> None:
    for index in range(5):
        audit.record(
            "a",
            "account.create",
            f"account:u{index}",
            now=now + timedelta(seconds=index),
            unit="SKHCN" if index % 2 else "STC",
        )
    page = audit.query(units={"SKHCN"}, per_page=1, page=2)
    assert page.total == 2 and [e.target for e in page.events] == ["account:u1"]
    assert audit.query(units=set()).total == 0
    assert audit.query().total == 5
    assert [e.target for e in audit.history("account:u4")] == ["account:u4"]
