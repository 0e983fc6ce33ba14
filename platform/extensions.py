"""Flask extensions as unbound objects, bound to each app in ``create_app``.

Flask-SQLAlchemy and Flask-WTF are designed to serve several apps from one object
(flaskr / FAB quickhowto). The AppBuilder is the exception: it keeps the app's
views, menu and security manager as state, so ``create_app`` builds one per app
and code reaches it through :func:`appbuilder` (``current_app.appbuilder``).
"""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_wtf.csrf import CSRFProtect

#: The accounts store (FAB security tables) on PostgreSQL or SQLite.
db = SQLA()

#: CSRF protection for every form post; the API is covered by bearer tokens.
csrf = CSRFProtect()


def appbuilder() -> AppBuilder:
    """The AppBuilder of the current app."""
    return current_app.appbuilder  # type: ignore[attr-defined]
