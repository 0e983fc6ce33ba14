"""Role keys of DESIGN.md §1, shared by FAB roles, grants, chains and the demo.

A role key is the stable identifier used in the API (``actor_role``), in demo
account names (``28249.nhaplieu``) and in grants; the Vietnamese name is what the
UI shows and what the FAB role is called.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Closed vocabulary of roles."""

    SYSADMIN = "sysadmin"
    """System admin: units, unit admins, global config (Đ.13, Đ.15.1)."""
    UNIT_ADMIN = "admin"
    """Unit admin: accounts and grants inside its own unit subtree (Đ.14.2)."""
    DESIGNER = "thietke"
    """Form designer at a lead agency (Đ.7.1, Đ.8)."""
    DATA_ENTRY = "nhaplieu"
    """Fills assigned forms, submits to the leader (Đ.15.4)."""
    APPROVER = "lanhdao"
    """Leader: approves or returns, signs (Đ.15.3, Đ.16.4)."""
    SENDER = "gui"
    """Sends the approved report to the receiving unit (Đ.15.5)."""
    AGGREGATOR = "tonghop"
    """Receiving unit: accepts or returns, aggregates, tracks (Đ.15.2, Đ.9)."""
    VIEWER = "xem"
    """Dashboards only (Đ.18.6)."""


#: Vietnamese display names; also the FAB role names.
ROLE_NAMES: dict[Role, str] = {
    Role.SYSADMIN: "Quản trị hệ thống",
    Role.UNIT_ADMIN: "Quản trị đơn vị",
    Role.DESIGNER: "Thiết kế biểu mẫu",
    Role.DATA_ENTRY: "Nhập liệu",
    Role.APPROVER: "Lãnh đạo",
    Role.SENDER: "Gửi báo cáo",
    Role.AGGREGATOR: "Tổng hợp",
    Role.VIEWER: "Xem báo cáo",
}

#: Every role held inside a unit (all but the system admin): API resources that
#: every signed-in unit account may call, the permission service deciding the rest.
UNIT_ROLES = (
    Role.UNIT_ADMIN,
    Role.DESIGNER,
    Role.DATA_ENTRY,
    Role.APPROVER,
    Role.SENDER,
    Role.AGGREGATOR,
    Role.VIEWER,
)

#: Units whose demo accounts exist for every role key except sysadmin (DESIGN.md §9).
DEMO_UNITS = ("SKHCN", "28249", "28261", "28270")
