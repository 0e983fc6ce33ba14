"""Settings from BAOCAO_* variables: validated at start-up, secrets masked (issue #2 §3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT

from baocao.platform.settings import Code, Secret, Settings, SettingsError


def test_defaults_are_the_embedded_stores(tmp_path: Path) -> None:
    settings = Settings.from_env({"BAOCAO_INSTANCE_DIR": str(tmp_path)})
    assert settings.demo_mode
    assert settings.sqlalchemy_uri == f"sqlite:///{tmp_path / 'baocao.db'}"
    assert settings.broker_url is None
    assert settings.language == "vi"
    assert settings.secure_cookies is True


def test_values_are_parsed() -> None:
    settings = Settings.from_env(
        {
            "BAOCAO_MONGODB_URI": "mongodb://db1,db2/?replicaSet=rs0",
            "BAOCAO_SQL_URI": "postgresql://u:p@localhost/baocao",
            "BAOCAO_BROKER_URL": "redis://localhost:6379/0",
            "BAOCAO_MAX_UPLOAD_MB": "50",
            "BAOCAO_SECURE_COOKIES": "no",
            "BAOCAO_LANGUAGE": "EN",
            "BAOCAO_LOG_LEVEL": "debug",
            "BAOCAO_TSA_URL": "http://timestamp.example/tsa",
        }
    )
    assert not settings.demo_mode
    assert settings.sqlalchemy_uri == "postgresql+psycopg2://u:p@localhost/baocao"
    assert settings.max_upload_mb == 50
    assert settings.secure_cookies is False
    assert settings.language == "en"
    assert settings.log_level == "DEBUG"


def test_unknown_variable_is_an_error_naming_it() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"BAOCAO_MONGO_URI": "mongodb://x"})
    assert caught.value.code == "CFG001"
    assert caught.value.message == Code.CFG001.format(name="BAOCAO_MONGO_URI")


def test_test_only_variables_are_allowed() -> None:
    Settings.from_env(
        {
            "BAOCAO_TEST_SQL_URI": "postgresql://postgres@127.0.0.1/postgres",
            "BAOCAO_TEST_BROKER_URL": "redis://127.0.0.1:6379/15",
            "BAOCAO_REQUIRE_SERVICES": "1",
            "BAOCAO_CHROMIUM": "/usr/bin/chromium",
            "OTHER_VARIABLE": "ignored",
        }
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BAOCAO_MAX_UPLOAD_MB", "lots"),
        ("BAOCAO_MAX_UPLOAD_MB", "0"),
        ("BAOCAO_SECURE_COOKIES", "maybe"),
        ("BAOCAO_AUTH_TYPE", "kerberos"),
        ("BAOCAO_LANGUAGE", "fr"),
        ("BAOCAO_LOG_LEVEL", "chatty"),
        ("BAOCAO_MONGODB_URI", "localhost:27017"),
        ("BAOCAO_SQL_URI", "oracle://x"),
        ("BAOCAO_BROKER_URL", "redis-host"),
        ("BAOCAO_TSA_URL", "ftp://tsa"),
        ("BAOCAO_SECRET_KEY", "  "),
        ("BAOCAO_SECRET_KEY", "too-short"),
        ("BAOCAO_LOGIN_RATE_LIMIT", "often"),
        ("BAOCAO_SMTP_PORT", "-1"),
    ],
    ids=lambda v: v if v.startswith("BAOCAO") else None,
)
def test_malformed_value_is_an_error_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert caught.value.code == "CFG002"
    assert caught.value.variable == name
    assert name in caught.value.message


def test_ldap_needs_a_server() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"BAOCAO_AUTH_TYPE": "ldap"})
    assert caught.value.variable == "BAOCAO_LDAP_SERVER"


def test_ldap_and_oauth_need_their_optional_package() -> None:
    """Without python-ldap/authlib the error says which extra to install."""
    import importlib.util

    env = {"BAOCAO_AUTH_TYPE": "ldap", "BAOCAO_LDAP_SERVER": "ldap://ldap.example"}
    if importlib.util.find_spec("ldap") is None:
        with pytest.raises(SettingsError) as caught:
            Settings.from_env(env)
        assert caught.value.code == "CFG003"
        assert "baocao[ldap]" in caught.value.message
    else:
        assert Settings.from_env(env).auth_type == "ldap"


def test_oauth_needs_client_and_metadata() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"BAOCAO_AUTH_TYPE": "oauth"})


def test_secrets_are_masked_in_repr() -> None:
    settings = Settings.from_env(
        {
            "BAOCAO_SECRET_KEY": "s3cr3t-key-value-" + "k" * 20,
            "BAOCAO_SQL_URI": "postgresql://user:hunter2@db/baocao",
            "BAOCAO_DEMO_PASSWORD": "demo-pass-123",
            "BAOCAO_P12_PASSPHRASE": "p12-pass",
            "BAOCAO_SMTP_PASSWORD": "mail-pass",
        }
    )
    text = repr(settings) + str(settings)
    for secret in ("s3cr3t-key-value-", "hunter2", "demo-pass-123", "p12-pass", "mail-pass"):
        assert secret not in text
    assert settings.secret_key == Secret("s3cr3t-key-value-" + "k" * 20)


def test_every_variable_has_a_description_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    variables = Settings.variables()
    assert "BAOCAO_P12_PASSPHRASE" in variables
    undocumented = [name for name, doc in variables.items() if not doc]
    assert undocumented == []
    missing = [name for name in variables if f"`{name}`" not in readme]
    assert missing == []
