"""MongoEngine documents of the platform (DESIGN.md §5).

Import documents from here (``from baocao.platform.models import Unit``); the
modules behind are an implementation detail. Nothing here connects to a
database: the connection is made by ``baocao.platform.db`` in ``create_app``
(and by the test conftest).
"""

from baocao.platform.models.audit import AppendOnlyError, AuditEvent
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.models.forms import Form, FormVersion
from baocao.platform.models.grant import Grant
from baocao.platform.models.indicator import Dashboard, Indicator, IndicatorValue
from baocao.platform.models.notification import Notification, Reminder
from baocao.platform.models.signatures import SignedDocument, UserCertificate
from baocao.platform.models.support import Announcement, SupportRequest, SupportStatus
from baocao.platform.models.unit import UNIT_CODE_PATTERN, Unit, UnitKind
from baocao.platform.models.workflow import ApprovalChain, Period, Regime, Submission

__all__ = [
    "UNIT_CODE_PATTERN",
    "Announcement",
    "AppendOnlyError",
    "ApprovalChain",
    "AuditEvent",
    "Dashboard",
    "Form",
    "FormVersion",
    "Grant",
    "Indicator",
    "IndicatorValue",
    "Notification",
    "OutboxMessage",
    "Period",
    "Regime",
    "Reminder",
    "SignedDocument",
    "Submission",
    "SupportRequest",
    "SupportStatus",
    "Unit",
    "UnitKind",
    "UserCertificate",
]
