"""The unit tree as permission checks read it (services.unit_snapshot).

A snapshot is read once and kept: a unit saved, moved, merged or deleted in this
process is seen at once; a change that bypasses MongoEngine's save (another
process) is seen after the TTL; another database (a new app) is never mixed up.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from typing import Any

import mongoengine
import mongomock
from baocao.platform.models import Unit
from baocao.platform.services import unit_snapshot, units
from baocao.platform.services import workflow as wf
from baocao.platform.services.units import UnitInput
from support import Clock


def test_saves_in_this_process_are_seen_at_once(seeded: Any, now: datetime) -> None:
    """US-1: create, move and merge change what lineage() finds immediately."""
    assert unit_snapshot.find("A") is None
    units.create_unit(UnitInput("A", "A", "subunit", "SKHCN"), actor="a", now=now)
    assert wf.lineage("A") == {"82", "SKHCN", "A"}
    units.move_unit("A", "STC", actor="a", now=now)
    assert wf.lineage("A") == {"82", "STC", "A"}
    units.create_unit(UnitInput("B", "B", "subunit", "SKHCN"), actor="a", now=now)
    units.merge_units("A", "B", actor="a", now=now)
    assert wf.lineage("A") == {"82", "STC", "A", "SKHCN", "B"}


def test_a_change_from_elsewhere_is_seen_after_the_ttl(seeded: Any) -> None:
    """US-2: an update that fires no signal (as from another process) shows up
    once the snapshot is older than its TTL, not before."""
    clock = Clock()
    snapshot = unit_snapshot.UnitSnapshot(ttl=5.0, clock=clock)
    assert snapshot.find("28249").parent == "82"
    Unit.objects(code="28249").update_one(set__parent="SKHCN")
    clock.now = 4.0
    assert snapshot.find("28249").parent == "82"
    clock.now = 5.5
    assert snapshot.find("28249").parent == "SKHCN"


def test_another_database_is_read_afresh(seeded: Any) -> None:
    """US-3: a new connection (a new app, a new test) never sees the old tree."""
    snapshot = unit_snapshot.UnitSnapshot(ttl=3600.0)
    assert snapshot.find("28249") is not None
    uri = os.environ.get("BAOCAO_TEST_MONGODB_URI")
    name = f"baocao_test_{uuid.uuid4().hex[:12]}"
    where: dict[str, Any] = (
        {"host": uri} if uri else {"mongo_client_class": mongomock.MongoClient}
    )
    mongoengine.disconnect()
    mongoengine.connect(db=name, uuidRepresentation="standard", **where)
    try:
        assert snapshot.find("28249") is None
    finally:
        mongoengine.get_db().client.drop_database(name)
        mongoengine.disconnect()
