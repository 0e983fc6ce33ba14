"""Reporting regimes, periods, approval chains and the submission state machine.

Pure modules (no Flask, no MongoEngine, no clock: ``now`` is passed in) used by
``baocao.platform.services.workflow`` and the API. DESIGN.md §5, §6; Nghị định
09/2019/NĐ-CP Đ.7-8 (elements of a regime) and Đ.12 (cut-off windows).
"""

from baocao.platform.workflow.chains import (
    Action,
    ActorUnit,
    Chain,
    ChainStep,
    default_chain,
    validate_chain,
)
from baocao.platform.workflow.errors import (
    ChainInvalidError,
    ConflictError,
    ForbiddenActionError,
    NotFoundError,
    PeriodError,
    RegimeIncompleteError,
    TransitionError,
    WorkflowCode,
    WorkflowError,
)
from baocao.platform.workflow.periods import (
    CutoffRule,
    DeadlineRule,
    Frequency,
    HolidayCalendar,
    PeriodKey,
    Window,
    deadline_for,
    is_late,
    parse_key,
    vietnam_calendar,
    window_for,
)
from baocao.platform.workflow.regime import RegimeSpec, UnitSelector, check_regime
from baocao.platform.workflow.transitions import (
    Actor,
    Position,
    State,
    available_actions,
    decide,
)

__all__ = [
    "Action",
    "Actor",
    "ActorUnit",
    "Chain",
    "ChainInvalidError",
    "ChainStep",
    "ConflictError",
    "CutoffRule",
    "DeadlineRule",
    "ForbiddenActionError",
    "Frequency",
    "HolidayCalendar",
    "NotFoundError",
    "PeriodError",
    "PeriodKey",
    "Position",
    "RegimeIncompleteError",
    "RegimeSpec",
    "State",
    "TransitionError",
    "UnitSelector",
    "Window",
    "WorkflowCode",
    "WorkflowError",
    "available_actions",
    "check_regime",
    "deadline_for",
    "decide",
    "default_chain",
    "is_late",
    "parse_key",
    "validate_chain",
    "vietnam_calendar",
    "window_for",
]
