"""The Flask application factory (flaskr / FAB quickhowto style).

``create_app`` turns one validated :class:`~baocao.platform.settings.Settings` into a
configured app: the accounts store (SQLAlchemy), the document store (MongoEngine),
Flask-AppBuilder with our security manager, CSRF, rate limits, translations,
Celery, the REST API and the domain views. It writes nothing to the accounts store:
tables, roles and permissions are created by
:func:`baocao.platform.security.sync_security`, run once by the start-up commands.
"""

from __future__ import annotations

import importlib
import logging
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_appbuilder import AppBuilder, IndexView, expose
from flask_appbuilder.api import BaseApi
from flask_babel import get_locale
from sqlalchemy import event
from werkzeug.exceptions import HTTPException

from baocao.platform import db as documents
from baocao.platform.exchange import runtime as exchange_runtime
from baocao.platform.extensions import csrf, db
from baocao.platform.roles import Role
from baocao.platform.security import BaocaoSecurityManager, check_password, fab_role_name
from baocao.platform.settings import Settings
from baocao.platform.tasks import celery_config, celery_init_app
from baocao.platform.views.labels import ROLE_NAME_LABELS
from baocao.schemas.errors import BaocaoError

logger = logging.getLogger(__name__)

APP_NAME = "Hệ thống thông tin báo cáo"
HERE = Path(__file__).resolve().parent
LANGUAGES = {
    "vi": {"flag": "vn", "name": "Tiếng Việt"},
    "en": {"flag": "gb", "name": "English"},
}
#: Security-incident contact of Đ.20.4, shown in every page footer.
INCIDENT_CONTACT = {
    "agency": "Công an tỉnh Đồng Tháp",
    "email": "congantinh@dongthap.gov.vn",
    "address": "Số 152, đường Đinh Bộ Lĩnh, Phường Mỹ Phong, tỉnh Đồng Tháp",
}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class HomeView(IndexView):
    """The home page: who is logged in, and where to go."""

    index_template = "baocao/index.html"

    @expose("/")
    def index(self) -> Any:
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            role_names=ROLE_NAME_LABELS,
        )


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web application.

    :param settings: validated settings; read from ``BAOCAO_*`` variables when None.
    :raises SettingsError: when the environment is invalid.
    """
    settings = settings or Settings.from_env()
    _configure_logging(settings)
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config.from_mapping(_flask_config(settings))
    app.extensions["baocao_settings"] = settings

    documents.connect(settings)
    db.init_app(app)
    csrf.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        _register_views(appbuilder)
        _protect_api(app, appbuilder)
    celery_init_app(app)
    exchange_runtime.init_app(app, settings)
    app.extensions["baocao_form_loader"], app.extensions["baocao_form_source"] = (
        _form_store()
    )
    _register_template_globals(app, settings)
    _register_error_handlers(app)
    return app


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and normal sync: readers never block the writer, commits stay cheap.

    FAB commits once per permission row; with SQLite's default rollback journal
    and full sync that made start-up take seconds.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _flask_config(settings: Settings) -> dict[str, Any]:
    secure = settings.secure_cookies
    config: dict[str, Any] = {
        "SECRET_KEY": _secret_key(settings),
        "SQLALCHEMY_DATABASE_URI": settings.sqlalchemy_uri,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "APP_NAME": APP_NAME,
        "FAB_SECURITY_MANAGER_CLASS": (
            f"{BaocaoSecurityManager.__module__}.{BaocaoSecurityManager.__name__}"
        ),
        "FAB_INDEX_VIEW": f"{HomeView.__module__}.{HomeView.__name__}",
        # Permission rows are written by sync_security under a lock, never here.
        "FAB_UPDATE_PERMS": False,
        "FAB_CREATE_DB": False,
        "AUTH_ROLE_ADMIN": fab_role_name(Role.SYSADMIN),
        "AUTH_ROLE_PUBLIC": "Public",
        "AUTH_USER_REGISTRATION": False,
        "AUTH_RATE_LIMITED": True,
        "AUTH_RATE_LIMIT": settings.login_rate_limit,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": (
            settings.ratelimit_storage_uri.reveal()
            if settings.ratelimit_storage_uri
            else "memory://"
        ),
        "RATELIMIT_HEADERS_ENABLED": True,
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
        "FAB_PASSWORD_COMPLEXITY_VALIDATOR": check_password,
        "FAB_API_SWAGGER_UI": True,
        "FAB_API_MAX_PAGE_SIZE": 500,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "MAX_CONTENT_LENGTH": settings.max_upload_mb * 1024 * 1024,
        "EXCHANGE_ENDPOINT": settings.exchange_url,
        "BABEL_DEFAULT_LOCALE": settings.language,
        "BABEL_TRANSLATION_DIRECTORIES": str(HERE / "translations"),
        "LANGUAGES": LANGUAGES,
        "CELERY": celery_config(
            settings.broker_url.reveal() if settings.broker_url else None,
            settings.result_backend.reveal() if settings.result_backend else None,
        ),
    }
    config.update(_auth_config(settings))
    return config


def _auth_config(settings: Settings) -> dict[str, Any]:
    """FAB's AUTH_* keys for database, LDAP or OpenID Connect login."""
    from flask_appbuilder.const import AUTH_DB, AUTH_LDAP, AUTH_OAUTH

    if settings.auth_type == "ldap":
        return {
            "AUTH_TYPE": AUTH_LDAP,
            "AUTH_LDAP_SERVER": settings.ldap_server,
            "AUTH_LDAP_SEARCH": settings.ldap_search or "",
            "AUTH_LDAP_UID_FIELD": settings.ldap_uid_field,
            "AUTH_LDAP_BIND_USER": settings.ldap_bind_user or "",
            "AUTH_LDAP_BIND_PASSWORD": (
                settings.ldap_bind_password.reveal() if settings.ldap_bind_password else ""
            ),
            "AUTH_LDAP_USE_TLS": settings.ldap_use_tls,
        }
    if settings.auth_type == "oauth":
        secret = settings.oauth_client_secret
        return {
            "AUTH_TYPE": AUTH_OAUTH,
            "OAUTH_PROVIDERS": [
                {
                    "name": settings.oauth_name,
                    "icon": "fa-key",
                    "token_key": "access_token",
                    "remote_app": {
                        "client_id": settings.oauth_client_id,
                        "client_secret": secret.reveal() if secret else None,
                        "server_metadata_url": settings.oauth_metadata_url,
                        "client_kwargs": {"scope": "openid email profile"},
                    },
                }
            ],
        }
    return {"AUTH_TYPE": AUTH_DB}


def _secret_key(settings: Settings) -> str:
    """The configured key, else one generated once and kept in the instance folder."""
    if settings.secret_key is not None:
        return settings.secret_key.reveal()
    path = settings.instance_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def _form_store() -> tuple[Any, Any]:
    """The form store's loaders, ``(form_id, version) ->`` CompiledForm and source .xlsx.

    Registered as extensions so that workflow, aggregation and exports can be
    tested with forms that never went through GridFS.
    """
    from baocao.platform.services.forms import load_compiled, load_source

    return load_compiled, load_source


def _configure_logging(settings: Settings) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("baocao").setLevel(settings.log_level)


def _register_views(appbuilder: AppBuilder) -> None:
    """The REST API and the domain views (``baocao.platform.views``)."""
    from baocao.platform.api import register_apis

    register_apis(appbuilder)
    try:
        views = importlib.import_module("baocao.platform.views")
    except ModuleNotFoundError as err:
        if err.name != "baocao.platform.views":
            raise
        logger.warning("baocao.platform.views chưa có: chỉ có trang chủ và API")
        return
    views.register_views(appbuilder)


def _protect_api(app: Flask, appbuilder: AppBuilder) -> None:
    """CSRF for the API only when it is called with the session cookie.

    A bearer token cannot be sent by a forged cross-site form, so token calls are
    exempt; a call that relies on the browser's session cookie must carry the
    CSRF token like any form post.
    """
    api_blueprints = set()
    for view in appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.blueprint is not None:
            csrf.exempt(view.blueprint)
            api_blueprints.add(view.blueprint.name)

    @app.before_request
    def _csrf_for_cookie_api_calls() -> None:
        if request.blueprint not in api_blueprints or request.method in _SAFE_METHODS:
            return
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return
        if request.path.endswith("/security/login"):
            return
        csrf.protect()


def _register_template_globals(app: Flask, settings: Settings) -> None:
    @app.context_processor
    def _baocao_globals() -> dict[str, Any]:
        return {
            "baocao_demo_mode": settings.demo_mode,
            "baocao_demo_banner": documents.DEMO_BANNER,
            "baocao_incident": INCIDENT_CONTACT,
            "baocao_announcements": _active_announcements,
            "baocao_locale": _current_locale,
        }


def _current_locale() -> str:
    """The language pages are rendered in (the session's choice or the default)."""
    locale = str(get_locale())
    return locale if locale in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def _active_announcements() -> list[Any]:
    """Maintenance notices to show now (Đ.20.3), from the units helper's service."""
    try:
        service = importlib.import_module("baocao.platform.services.announcements")
    except ModuleNotFoundError as err:
        if err.name not in ("baocao.platform.services", "baocao.platform.services.announcements"):
            raise
        return []
    return list(service.active_announcements(datetime.now(UTC)))


def _register_error_handlers(app: Flask) -> None:
    """One mapping from BaocaoError to an HTTP answer (STYLE.md §4)."""

    @app.errorhandler(BaocaoError)
    def _baocao_error(err: BaocaoError) -> Any:
        if _wants_json():
            return jsonify(err.to_dict()), err.http_status
        back = _refusal_page(err)
        if back is not None:
            flash(f"{err.code}: {err.message}" if err.code else err.message, "danger")
            return redirect(back, 303)
        return (
            render_template(
                "baocao/error.html",
                message=err.message,
                code=err.code,
                appbuilder=app.appbuilder,  # type: ignore[attr-defined]
            ),
            err.http_status,
        )

    @app.errorhandler(413)
    def _too_large(err: HTTPException) -> Any:
        message = (
            f"Tệp hoặc dữ liệu gửi lên vượt quá giới hạn "
            f"{app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB."
        )
        if _wants_json():
            return jsonify({"code": "HTTP413", "message": message}), 413
        return message, 413


def _refusal_page(err: BaocaoError) -> str | None:
    """The page to go back to for a refused page action, or None.

    Only for form posts of views marked with ``views._common.refusal_returns_to``
    and refusals about the report itself (409/422), not 403.
    """
    if request.method != "POST" or err.http_status not in (409, 422):
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    mark = getattr(view, "baocao_refusal_page", None)
    if mark is None:
        return None
    endpoint, names = mark
    args = request.view_args or {}
    return url_for(endpoint, **{name: args[name] for name in names})


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
