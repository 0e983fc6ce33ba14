"""Unit tree rules (issue 2 item 6, Đ.5.2a): seed, placement, cycles, close, merge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from baocao.platform.models import AuditEvent, Unit
from baocao.platform.services import units
from baocao.platform.services.errors import Code, Conflict, InvalidInput, NotFound
from baocao.platform.services.units import UnitInput


def test_seed_has_province_twelve_departments_and_102_communes(seeded: Any) -> None:
    """Đồng Tháp after 1 July 2025: province 82, 12 departments, 82 xã + 20 phường."""
    province = units.get_unit("82")
    assert (province.name, province.kind, province.parent) == (
        "Tỉnh Đồng Tháp",
        "province",
        None,
    )
    assert Unit.objects(kind="department").count() == 12
    communes = Unit.objects(kind="commune")
    assert communes.count() == 102
    assert Unit.objects(kind="commune", subtype="xa").count() == 82
    assert Unit.objects(kind="commune", subtype="phuong").count() == 20
    assert all(u.parent == "82" and u.path == f"82/{u.code}" for u in communes)
    assert units.get_unit("SKHCN").name == "Sở Khoa học và Công nghệ"
    assert units.get_unit("28249").name == "Phường Đạo Thạnh"


def test_seed_is_idempotent(seeded: Any, now: datetime) -> None:
    report = units.seed_dongthap(now)
    assert (report.created, report.existing) == (0, 115)
    assert Unit.objects.count() == 115


def test_create_subunit_and_subtree(seeded: Any, now: datetime) -> None:
    units.create_unit(
        UnitInput("SKHCN-VP", "Văn phòng Sở", "subunit", "SKHCN"),
        actor="admin",
        now=now,
    )
    units.create_unit(
        UnitInput("SKHCN-VP-TC", "Tổ tổng hợp", "subunit", "SKHCN-VP"),
        actor="admin",
        now=now,
    )
    assert units.get_unit("SKHCN-VP-TC").path == "82/SKHCN/SKHCN-VP/SKHCN-VP-TC"
    assert units.subtree_codes("SKHCN") == {"SKHCN", "SKHCN-VP", "SKHCN-VP-TC"}
    assert [u.code for u in units.ancestors("SKHCN-VP-TC")] == [
        "82",
        "SKHCN",
        "SKHCN-VP",
    ]
    event = AuditEvent.objects(action="unit.create", target="unit:SKHCN-VP-TC").get()
    assert event.actor == "admin"


@pytest.mark.parametrize(
    ("data", "code", "fields"),
    [
        (UnitInput("X1", "A", "subunit", "NOPE"), Code.DV004, {"parent": "NOPE"}),
        (UnitInput("SKHCN", "A", "subunit", "82"), Code.DV002, {"code": "SKHCN"}),
        (UnitInput("a.b", "A", "subunit", "82"), Code.DV003, {"code": "a.b"}),
        (UnitInput("X2", "  ", "subunit", "82"), Code.DV012, {}),
        (UnitInput("X3", "A", "village", "82"), Code.DV008, {"kind": "village"}),
    ],
    ids=["parent-missing", "code-taken", "bad-code", "empty-name", "bad-kind"],
)
def test_create_rejects(
    seeded: Any, now: datetime, data: UnitInput, code: Code, fields: dict[str, str]
) -> None:
    with pytest.raises((InvalidInput, Conflict)) as caught:
        units.create_unit(data, actor="admin", now=now)
    assert caught.value.code == code.name
    assert caught.value.message == code.format(**fields)


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        ("commune", "SKHCN"),
        ("department", None),
        ("province", "82"),
        ("department", "28249"),
    ],
    ids=[
        "commune-under-department",
        "department-root",
        "province-child",
        "dept-under-commune",
    ],
)
def test_placement_rules(
    seeded: Any, now: datetime, kind: str, parent: str | None
) -> None:
    with pytest.raises(InvalidInput) as caught:
        units.create_unit(
            UnitInput("NEW", "Đơn vị mới", kind, parent), actor="a", now=now
        )
    assert caught.value.code == "DV007"


def test_move_into_own_subtree_is_a_cycle(seeded: Any, now: datetime) -> None:
    units.create_unit(UnitInput("A", "A", "subunit", "SKHCN"), actor="a", now=now)
    units.create_unit(UnitInput("B", "B", "subunit", "A"), actor="a", now=now)
    for parent in ("A", "B"):
        with pytest.raises(InvalidInput) as caught:
            units.move_unit("A", parent, actor="a", now=now)
        assert caught.value.message == Code.DV006.format(code="A", parent=parent)


def test_move_rewrites_subtree_paths(seeded: Any, now: datetime) -> None:
    units.create_unit(UnitInput("A", "A", "subunit", "SKHCN"), actor="a", now=now)
    units.create_unit(UnitInput("B", "B", "subunit", "A"), actor="a", now=now)
    units.move_unit("A", "STC", actor="a", now=now)
    assert units.get_unit("B").path == "82/STC/A/B"
    assert units.subtree_codes("STC") == {"STC", "A", "B"}
    assert units.rebuild_paths() == 0


def test_rebuild_paths_repairs_a_half_done_move(seeded: Any, now: datetime) -> None:
    units.create_unit(UnitInput("A", "A", "subunit", "SKHCN"), actor="a", now=now)
    units.create_unit(UnitInput("B", "B", "subunit", "A"), actor="a", now=now)
    Unit.objects(code="A").update_one(set__parent="STC", set__path="82/STC/A")
    assert units.rebuild_paths() == 1
    assert units.get_unit("B").path == "82/STC/A/B"


def test_close_unit(seeded: Any, now: datetime) -> None:
    units.create_unit(
        UnitInput("A", "A", "subunit", "SKHCN", valid_from=now - timedelta(days=30)),
        actor="a",
        now=now,
    )
    with pytest.raises(Conflict) as caught:
        units.close_unit("SKHCN", actor="a", now=now)
    assert caught.value.message == Code.DV010.format(code="SKHCN", count=1)
    closed = units.close_unit("A", actor="a", now=now)
    assert not closed.is_active(now) and closed.is_active(now - timedelta(days=1))
    assert "A" not in {u.code for u in units.children("SKHCN", now=now)}
    with pytest.raises(Conflict):
        units.close_unit("A", actor="a", now=now)
    with pytest.raises(InvalidInput) as caught:
        units.create_unit(UnitInput("C", "C", "subunit", "A"), actor="a", now=now)
    assert caught.value.code == "DV005"


def test_merge_keeps_reports_attached_to_successor(seeded: Any, now: datetime) -> None:
    """A merged unit resolves to its successor; its children move there too."""
    units.create_unit(UnitInput("T1", "Tổ 1", "subunit", "28261"), actor="a", now=now)
    units.merge_units("28261", "28249", actor="a", now=now)
    old = units.get_unit("28261")
    assert old.merged_into == "28249" and not old.is_active(now)
    assert units.resolve("28261").code == "28249"
    assert units.get_unit("T1").path == "82/28249/T1"
    assert {"28261", "T1", "28249"} <= units.subtree_codes("28249")
    units.merge_units("28249", "28270", actor="a", now=now)
    assert units.resolve("28261").code == "28270"
    assert "28261" in units.subtree_codes("28270")
    assert Unit.objects(kind="commune").count() == 102


def test_merge_into_own_subtree_is_refused(seeded: Any, now: datetime) -> None:
    units.create_unit(UnitInput("A", "A", "subunit", "SKHCN"), actor="a", now=now)
    with pytest.raises(InvalidInput) as caught:
        units.merge_units("SKHCN", "A", actor="a", now=now)
    assert caught.value.message == Code.DV011.format(code="SKHCN")


def test_edit_unit_records_changes(seeded: Any, now: datetime) -> None:
    units.edit_unit(
        "SKHCN",
        name="Sở KH&CN",
        official_id="000.00.12.H18",
        subtype="so",
        actor="admin",
        now=now,
    )
    unit = units.get_unit("SKHCN")
    assert (unit.name, unit.official_id) == ("Sở KH&CN", "000.00.12.H18")
    event = AuditEvent.objects(action="unit.edit").get()
    assert event.details["changes"]["name"] == ["Sở Khoa học và Công nghệ", "Sở KH&CN"]


def test_edit_kind_must_fit_children(seeded: Any, now: datetime) -> None:
    with pytest.raises(InvalidInput) as caught:
        units.edit_unit(
            "82",
            name="Tỉnh",
            official_id="",
            subtype="",
            kind="subunit",
            actor="a",
            now=now,
        )
    assert caught.value.code == "DV007"


def test_search_ignores_diacritics(seeded: Any, now: datetime) -> None:
    found = units.search_units("dao thanh", now=now)
    assert [u.code for u in found] == ["28249"]
    assert len(units.search_units("phường", now=now)) == 20


def test_tree_nests_children(seeded: Any, now: datetime) -> None:
    roots = units.tree(now=now)
    assert [r.unit.code for r in roots] == ["82"]
    assert len(roots[0].children) == 114


def test_list_units_by_kind_and_parent(seeded: Any, now: datetime) -> None:
    assert len(units.list_units(now=now, kind="commune")) == 102
    assert len(units.list_units(now=now, parent="82")) == 114


def test_unknown_unit_is_not_found(seeded: Any) -> None:
    with pytest.raises(NotFound) as caught:
        units.get_unit("NOPE")
    assert caught.value.http_status == 404
