"""Fixtures of the workflow service tests: an empty mongomock store per test,
a small unit tree and users holding role keys (CTFd-style ``make_*`` helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.models import Unit
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from playwright.sync_api import sync_playwright
from support import SHARED, launch_chromium, monthly_regime_payload, serve


@pytest.fixture
def store(mongo: Any) -> Iterator[None]:
    """A fresh document store on MongoEngine's default alias (the ``mongo`` fixture)."""
    yield


def _make_unit(code: str, kind: str, parent: str | None = None, name: str = "") -> Any:
    """Create a unit under ``parent`` with its materialised path."""
    path = code
    if parent is not None:
        path = f"{Unit.objects(code=parent).first().path}/{code}"
    unit = Unit(
        code=code,
        name=name or code,
        kind=kind,
        parent=parent,
        path=path,
        valid_from=datetime(2020, 1, 1),
    )
    unit.save()
    return unit


@pytest.fixture
def units(store: None) -> list[str]:
    """Province 82 → department SKHCN (receiving), communes 28249, 28261, 28270."""
    _make_unit("82", "province")
    _make_unit("SKHCN", "department", "82")
    for code in ("28249", "28261", "28270"):
        _make_unit(code, "commune", "82")
    return ["28249", "28261", "28270"]


@pytest.fixture
def make_unit() -> Any:
    """``make_unit(code, kind, parent=None)`` on whatever store is connected."""
    return _make_unit


@pytest.fixture
def monthly_regime() -> Any:
    """``monthly_regime(make_user, accounts, form_id, guidance)``, see below."""
    return _open_monthly_regime


def _open_monthly_regime(
    make_user: Any, accounts: list[tuple[str, Any, str]], form_id: str, guidance: str
) -> tuple[str, str]:
    """Units 82 → SKHCN, 28249, ``accounts``, a published monthly regime on the
    ready-made chain with 2026-M03 opened; returns the regime's id and 28249's
    submission id.

    Call inside an app context (the accounts live in FAB's store).
    """
    now = datetime(2026, 3, 2, tzinfo=UTC)
    _make_unit("82", "province")
    _make_unit("SKHCN", "department", "82")
    _make_unit("28249", "commune", "82")
    for username, role, unit in accounts:
        make_user(username, role, unit)
    chain = config.ensure_default_chain(now=now)
    regime = config.create_regime(
        monthly_regime_payload(str(chain.pk), form_id=form_id, guidance=guidance),
        actor="SKHCN.thietke",
        now=now,
        publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=now)
    return str(regime.pk), str(Submission.objects(unit="28249").first().pk)


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The test app served on a free loopback port; yields its base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium (skips locally, fails in CI, when it is missing)."""
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture
def browser_login(browser: Any, password: str) -> Any:
    """``browser_login(base_url, username)`` → a page signed in, in its own context."""

    def login(base_url: str, username: str) -> Any:
        context = browser.new_context(locale="vi-VN", accept_downloads=True)
        page = context.new_page()
        page.goto(f"{base_url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("[type=submit]")
        page.wait_for_load_state()
        return page

    return login


#: The template most entry-page tests fill (one sheet, 56 inputs, formulas).
KTXH = SHARED / "templates" / "bieu01_ktxh.xlsx"


@pytest.fixture(scope="session")
def ktxh_form() -> Any:
    """bieu01_ktxh compiled (once per session)."""
    return compile_workbook(KTXH.read_bytes())


@pytest.fixture
def ktxh_draft(app: Any, ktxh_form: Any, make_user: Any, monthly_regime: Any) -> Any:
    """``ktxh_draft(accounts)`` → 28249's draft of a regime on bieu01_ktxh (form
    ``ktxh`` version 1); the app's form loader and source loader serve it."""

    def make(accounts: list[tuple[str, Any, str]]) -> str:
        app.extensions["baocao_form_loader"] = lambda form_id, version: (
            ktxh_form if (form_id, version) == ("ktxh", 1) else None
        )
        app.extensions["baocao_form_source"] = lambda form_id, version: (
            KTXH.read_bytes()
        )
        with app.app_context():
            return monthly_regime(make_user, accounts, "ktxh", "Nhập số liệu")[1]

    return make


# --- three communes reporting to SKHCN (notification and reminder tests) ------

#: 2026-03-02 09:00 ICT: inside the cut-off window of 2026-M03.
SITE_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SITE_COMMUNES = ("28249", "28261", "28270")
SITE_ACCOUNTS = [
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
    *(
        (f"{unit}.{role.value}", role, unit)
        for unit in SITE_COMMUNES
        for role in (Role.DATA_ENTRY, Role.APPROVER, Role.SENDER)
    ),
]


def open_communes_site(
    app: Any, make_user: Any, make_unit: Any
) -> tuple[str, dict[str, str]]:
    """Units, accounts (e-mail ``<username>@dongthap.gov.vn``), a published regime
    over the communes and 2026-M03 opened; returns the regime id and the
    submission id of each commune. Call inside an app context."""
    make_unit("82", "province")
    make_unit("SKHCN", "department", "82", name="Sở Khoa học và Công nghệ")
    for code in SITE_COMMUNES:
        make_unit(code, "commune", "82", name=f"Xã {code}")
    sm = app.appbuilder.sm
    for username, role, unit in SITE_ACCOUNTS:
        make_user(username, role, unit)
        account = sm.find_user(username=username)
        account.email = f"{username}@dongthap.gov.vn"
        sm.update_user(account)
    chain = config.ensure_default_chain(now=SITE_NOW)
    regime = config.create_regime(
        monthly_regime_payload(
            str(chain.pk),
            reporting_units={"mode": "kind", "kind": "commune"},
            form_id="f",
            guidance="Nhập, duyệt, ký, gửi",
        ),
        actor="SKHCN.thietke",
        now=SITE_NOW,
        publish=True,
    )
    wf.open_period(str(regime.pk), "2026-M03", actor="system", now=SITE_NOW)
    subs = {s.unit: str(s.pk) for s in Submission.objects(regime_id=str(regime.pk))}
    return str(regime.pk), subs


def account(app: Any, username: str) -> Any:
    """The FAB user, as the services receive it from a request."""
    return app.appbuilder.sm.find_user(username=username)


def act_as(app: Any, sub_id: str, username: str, action: str, **extra: Any) -> Any:
    """Take ``action`` on the submission as ``username`` at NOW."""
    sub = wf.get_submission(sub_id)
    return wf.act(
        sub_id, action, sub.version, account(app, username), now=SITE_NOW, **extra
    )


@pytest.fixture
def communes_site(app: Any, make_user: Any, make_unit: Any) -> dict[str, Any]:
    """``{"regime": id, "subs": {unit: submission id}}``, see
    :func:`open_communes_site`."""
    with app.app_context():
        regime_id, subs = open_communes_site(app, make_user, make_unit)
    return {"regime": regime_id, "subs": subs}


@pytest.fixture
def open_site() -> Any:
    """``open_site(app, make_user, make_unit)``, see :func:`open_communes_site`."""
    return open_communes_site


@pytest.fixture
def act() -> Any:
    """``act(app, submission_id, username, action, **extra)`` at 2026-03-02."""
    return act_as
