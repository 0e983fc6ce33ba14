"""REST API under ``/api/v1`` (DESIGN.md §8), built from FAB ``BaseApi`` resources.

Bearer tokens come from FAB's ``POST /api/v1/security/login``; the OpenAPI
document is at ``/api/v1/_openapi`` and Swagger UI at ``/swagger/v1``. Each
resource names the roles that may call it in ``baocao_roles`` (see
:mod:`baocao.platform.security`) and asks the access service what the caller may
see.
"""

from __future__ import annotations

from flask_appbuilder import AppBuilder

from baocao.platform.api.aggregate import AggregatesApi
from baocao.platform.api.forms import FormsApi
from baocao.platform.api.indicators import IndicatorsApi
from baocao.platform.api.units import UnitsApi
from baocao.platform.api.workflow import ChainsApi, RegimesApi
from baocao.platform.api.workflow_signing import SubmissionSigningApi
from baocao.platform.api.workflow_submissions import SubmissionsApi

__all__ = [
    "AggregatesApi",
    "ChainsApi",
    "FormsApi",
    "IndicatorsApi",
    "RegimesApi",
    "SubmissionSigningApi",
    "SubmissionsApi",
    "UnitsApi",
    "register_apis",
]


def register_apis(appbuilder: AppBuilder) -> None:
    """Add every API resource of this package to the app."""
    appbuilder.add_api(UnitsApi)
    appbuilder.add_api(ChainsApi)
    appbuilder.add_api(RegimesApi)
    appbuilder.add_api(SubmissionSigningApi)
    appbuilder.add_api(SubmissionsApi)
    appbuilder.add_api(AggregatesApi)
    appbuilder.add_api(FormsApi)
    appbuilder.add_api(IndicatorsApi)
