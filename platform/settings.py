"""The one settings object of a baocao process, read from ``BAOCAO_*`` variables.

Every process (web, worker, CLI) builds one frozen :class:`Settings` at start-up
with :meth:`Settings.from_env`. Validation happens there and only there: an
unknown ``BAOCAO_`` variable (usually a typo that would silently fall back to a
default) or a malformed value stops start-up with a Vietnamese message naming the
variable. Secrets are wrapped in :class:`Secret` so that logging or printing the
settings never shows them. Unset service URIs mean the embedded defaults of
DESIGN.md §3 (SQLite, mongomock, an in-process Celery worker).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

PREFIX = "BAOCAO_"

#: Variables read by the test suite and CI, not by the application.
TEST_ONLY_KEYS = frozenset({"BAOCAO_REQUIRE_SERVICES", "BAOCAO_CHROMIUM"})
TEST_ONLY_PREFIX = "BAOCAO_TEST_"

AUTH_TYPES = ("db", "ldap", "oauth")
LANGUAGES = ("vi", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_RATE_LIMIT = re.compile(r"^\d+\s*(/|per)\s*\d*\s*(second|minute|hour|day)s?$")
MIN_SECRET_KEY_LENGTH = 32
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class Code(DetailEnum):
    """Configuration error codes."""

    CFG001 = Detail(
        "unknown variable",
        "Biến môi trường {name} không được baocao hỗ trợ. Hãy kiểm tra lỗi chính tả "
        "hoặc xoá biến này; danh sách biến hợp lệ có trong README, mục Cấu hình.",
    )
    CFG003 = Detail(
        "missing package",
        "{name}={value} cần gói Python {package}. Hãy cài: pip install 'baocao[{extra}]'.",
    )
    CFG002 = Detail(
        "malformed value",
        "Biến môi trường {name} có giá trị không hợp lệ: {reason}. Hãy sửa giá trị "
        "rồi khởi động lại.",
    )


class SettingsError(BaocaoError):
    """The environment does not describe a valid configuration."""

    def __init__(self, code: Code, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.variable = fields.get("name", "")


class Secret:
    """A string whose ``repr`` and ``str`` are masked; call :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the real value (only where it is handed to a library)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _text(name: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise SettingsError(Code.CFG002, name=name, reason="giá trị rỗng")
    return value


def _secret(name: str, raw: str) -> Secret:
    return Secret(_text(name, raw))


def _key(name: str, raw: str) -> Secret:
    value = _text(name, raw)
    if len(value) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            Code.CFG002, name=name, reason=f"cần ít nhất {MIN_SECRET_KEY_LENGTH} ký tự ngẫu nhiên"
        )
    return Secret(value)


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(Code.CFG002, name=name, reason="cần 1/0, true/false, yes/no")


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise SettingsError(Code.CFG002, name=name, reason="cần một số nguyên dương")
    return value


def _choice(options: tuple[str, ...], *, upper: bool = False) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().upper() if upper else raw.strip().lower()
        if value not in options:
            allowed = ", ".join(options)
            raise SettingsError(Code.CFG002, name=name, reason=f"chỉ nhận {allowed}")
        return value

    return parse


def _uri(*schemes: str) -> Callable[[str, str], Secret]:
    def parse(name: str, raw: str) -> Secret:
        value = _text(name, raw)
        scheme = value.split("://", 1)[0].split("+", 1)[0].lower()
        if "://" not in value or scheme not in schemes:
            allowed = ", ".join(f"{s}://" for s in schemes)
            raise SettingsError(Code.CFG002, name=name, reason=f"cần URI dạng {allowed}…")
        return Secret(value)

    return parse


def _http_url(name: str, raw: str) -> str:
    return _uri("http", "https")(name, raw).reveal()


def _paths(name: str, raw: str) -> tuple[Path, ...]:
    """A list of files separated by the OS path separator (``:`` on Linux)."""
    return tuple(Path(p) for p in _text(name, raw).split(os.pathsep) if p.strip())


def _path(name: str, raw: str) -> Path:
    return Path(_text(name, raw)).expanduser().resolve()


def _rate_limit(name: str, raw: str) -> str:
    value = raw.strip().lower()
    if not _RATE_LIMIT.match(value):
        raise SettingsError(
            Code.CFG002, name=name, reason="cần dạng '10 per minute' hoặc '5/minute'"
        )
    return value


def _var(parser: Callable[[str, str], Any], default: Any = None, **kwargs: Any) -> Any:
    """A settings field read from ``BAOCAO_<FIELD NAME>`` by ``parser``."""
    metadata = {"parser": parser}
    if "default_factory" in kwargs:
        return field(metadata=metadata, **kwargs)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated configuration; field ``x_y`` comes from ``BAOCAO_X_Y``."""

    secret_key: Secret | None = _var(_key)
    """Signs sessions and tokens; generated once into the instance folder if unset."""
    instance_dir: Path = _var(_path, default_factory=lambda: Path.cwd() / "instance")
    """Writable folder for the SQLite store, the generated secret key and uploads."""
    mongodb_uri: Secret | None = _var(_uri("mongodb", "mongodb+srv"))
    """MongoDB for documents and GridFS; unset → in-process mongomock (not persisted)."""
    mongodb_db: str = _var(_text, "baocao")
    """Database name inside MongoDB."""
    sql_uri: Secret | None = _var(_uri("postgresql", "sqlite", "mysql"))
    """SQLAlchemy URI of the accounts store; unset → SQLite in the instance folder."""
    broker_url: Secret | None = _var(_uri("redis", "rediss", "amqp", "memory"))
    """Celery broker; unset → a worker thread inside the web process."""
    result_backend: Secret | None = _var(_uri("redis", "rediss", "db", "rpc", "cache"))
    """Celery result backend; unset → the broker URL (Redis) or in-memory."""
    demo_password: Secret | None = _var(_secret)
    """Password of every demo account (``baocao demo``); unset → a printed random one."""
    p12_passphrase: Secret | None = _var(_secret)
    """Passphrase of the PKCS#12 file given to ``baocao sign``."""
    tsa_url: str | None = _var(_http_url)
    """RFC 3161 timestamp authority for PAdES B-T signatures."""
    trust_roots: tuple[Path, ...] = _var(_paths, default_factory=tuple)
    """Root CA certificates (PEM files, ``:``-separated) signatures must chain to."""
    exchange_url: str | None = _var(_http_url)
    """Endpoint of the national reporting system (QCVN 125 packages); unset → no
    package is queued or sent."""
    exchange_p12: Path | None = _var(_path)
    """The agency's PKCS#12 that signs data and status packages; required with EXCHANGE_URL."""
    exchange_p12_passphrase: Secret | None = _var(_secret)
    """Passphrase of ``exchange_p12``."""
    auth_type: str = _var(_choice(AUTH_TYPES), "db")
    """How users log in: ``db`` (passwords here), ``ldap`` or ``oauth``."""
    ldap_server: str | None = _var(_text)
    """``ldap://host:389`` or ``ldaps://host``; required when auth_type is ldap."""
    ldap_search: str | None = _var(_text)
    """Base DN for user searches (``ou=users,dc=dongthap,dc=gov,dc=vn``)."""
    ldap_uid_field: str = _var(_text, "uid")
    """Attribute holding the login name."""
    ldap_bind_user: str | None = _var(_text)
    """DN used to search; unset → anonymous bind."""
    ldap_bind_password: Secret | None = _var(_secret)
    """Password of ``ldap_bind_user``."""
    ldap_use_tls: bool = _var(_bool, False)
    """Use STARTTLS on ``ldap://``."""
    oauth_name: str = _var(_text, "sso")
    """Name of the OpenID Connect provider shown on the login page."""
    oauth_client_id: str | None = _var(_text)
    """OIDC client id; required when auth_type is oauth."""
    oauth_client_secret: Secret | None = _var(_secret)
    """OIDC client secret."""
    oauth_metadata_url: str | None = _var(_http_url)
    """OIDC discovery document (``…/.well-known/openid-configuration``)."""
    smtp_host: str | None = _var(_text)
    """Mail server for notifications; unset → no e-mail is sent."""
    smtp_port: int = _var(_positive_int, 587)
    """Mail server port."""
    smtp_user: str | None = _var(_text)
    """Mail login."""
    smtp_password: Secret | None = _var(_secret)
    """Mail password."""
    smtp_sender: str = _var(_text, "baocao@localhost")
    """From address of notifications."""
    smtp_tls: bool = _var(_bool, True)
    """Use STARTTLS (port 465 always uses implicit TLS)."""
    public_url: str | None = _var(_http_url)
    """Address of the site (``https://baocao.dongthap.gov.vn``) for links in e-mails;
    unset → e-mails give the path only."""
    reminder_days: int = _var(_positive_int, 3)
    """Days before a period's deadline when units that have not submitted are reminded."""
    language: str = _var(_choice(LANGUAGES), "vi")
    """Default interface language; users can switch in the language menu."""
    max_upload_mb: int = _var(_positive_int, 20)
    """Largest accepted request body (uploaded .xlsx, imports), in MB."""
    secure_cookies: bool = _var(_bool, True)
    """Send cookies over HTTPS only; ``baocao demo`` turns it off for http://127.0.0.1."""
    login_rate_limit: str = _var(_rate_limit, "10 per minute")
    """Login attempts allowed per client address (Flask-Limiter syntax)."""
    ratelimit_storage_uri: Secret | None = _var(_uri("memory", "redis", "rediss"))
    """Where rate-limit counters live; use Redis when several processes serve."""
    log_level: str = _var(_choice(LOG_LEVELS, upper=True), "INFO")
    """Logging level of the web and worker processes."""

    def __post_init__(self) -> None:
        if self.auth_type == "ldap" and not self.ldap_server:
            raise SettingsError(
                Code.CFG002, name="BAOCAO_LDAP_SERVER", reason="bắt buộc khi AUTH_TYPE=ldap"
            )
        if self.auth_type == "oauth" and not (
            self.oauth_client_id and self.oauth_metadata_url
        ):
            raise SettingsError(
                Code.CFG002,
                name="BAOCAO_OAUTH_CLIENT_ID",
                reason="OAUTH_CLIENT_ID và OAUTH_METADATA_URL bắt buộc khi AUTH_TYPE=oauth",
            )
        self._check_auth_packages()
        self._check_exchange()

    def _check_exchange(self) -> None:
        """Data and status packages must be signed, so a key comes with the URL."""
        if self.exchange_url and self.exchange_p12 is None:
            raise SettingsError(
                Code.CFG002,
                name="BAOCAO_EXCHANGE_P12",
                reason="bắt buộc khi đặt BAOCAO_EXCHANGE_URL (gói tin dữ liệu và "
                "trạng thái phải được ký số bằng chứng thư của cơ quan)",
            )
        if self.exchange_p12 is not None and self.exchange_p12_passphrase is None:
            raise SettingsError(
                Code.CFG002,
                name="BAOCAO_EXCHANGE_P12_PASSPHRASE",
                reason="bắt buộc khi đặt BAOCAO_EXCHANGE_P12",
            )

    def _check_auth_packages(self) -> None:
        """LDAP and OpenID Connect need optional packages; say so at start-up."""
        import importlib.util

        needs = {"ldap": ("ldap", "python-ldap"), "oauth": ("authlib", "authlib")}
        if self.auth_type in needs:
            module, package = needs[self.auth_type]
            if importlib.util.find_spec(module) is None:
                raise SettingsError(
                    Code.CFG003,
                    name="BAOCAO_AUTH_TYPE",
                    value=self.auth_type,
                    package=package,
                    extra=self.auth_type,
                )

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Every supported variable and its one-line description (for docs/tests)."""
        docs = _field_docs()
        return {env_name(f.name): docs.get(f.name, "") for f in dataclasses.fields(cls)}

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Read, validate and freeze the settings.

        :param environ: the variables to read; ``os.environ`` when None.
        :param overrides: field values that win over the environment (tests, CLI flags).
        :raises SettingsError: on an unknown ``BAOCAO_`` variable or a malformed value.
        """
        env = os.environ if environ is None else environ
        fields = {f.name: f for f in dataclasses.fields(cls)}
        known = {env_name(name) for name in fields}
        for key in sorted(env):
            if key.startswith(PREFIX) and key not in known and not _test_only(key):
                raise SettingsError(Code.CFG001, name=key)
        values: dict[str, Any] = {}
        for name, spec in fields.items():
            raw = env.get(env_name(name))
            if raw is not None:
                values[name] = spec.metadata["parser"](env_name(name), raw)
        values.update(overrides)
        return cls(**values)

    @property
    def demo_mode(self) -> bool:
        """True when documents live in process memory and are lost on exit."""
        return self.mongodb_uri is None

    @property
    def sqlalchemy_uri(self) -> str:
        """The accounts store URI, SQLite in the instance folder by default."""
        if self.sql_uri is not None:
            return sqlalchemy_uri(self.sql_uri.reveal())
        return f"sqlite:///{self.instance_dir / 'baocao.db'}"


def sqlalchemy_uri(uri: str) -> str:
    """Pin plain ``postgresql://`` to psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
    if uri.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg2://" + uri.split("://", 1)[1]
    return uri


def env_name(field_name: str) -> str:
    """``max_upload_mb`` → ``BAOCAO_MAX_UPLOAD_MB``."""
    return PREFIX + field_name.upper()


def _test_only(key: str) -> bool:
    return key in TEST_ONLY_KEYS or key.startswith(TEST_ONLY_PREFIX)


def _field_docs() -> dict[str, str]:
    """Attribute docstrings of :class:`Settings`, read from this module's source."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
        ):
            docs[node.target.id] = str(following.value.value)
    return docs
