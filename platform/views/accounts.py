"""Accounts and grants: system admin everywhere, unit admin in its subtree only."""

from __future__ import annotations

from typing import Any

from baocao.platform.roles import Role
from baocao.platform.services import access, accounts, grants, units
from baocao.platform.services.errors import ServiceError
from baocao.platform.views._common import (
    describe,
    form_text,
    local_text,
    now,
    require,
    user,
)
from baocao.platform.views.labels import (
    AUDIT_ACTION_LABELS,
    ROLE_LABELS,
    ROLE_NAME_LABELS,
)
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext


def _roles_from_form() -> tuple[Role, ...]:
    picked = request.form.getlist("roles")
    return tuple(role for role in Role if role.value in picked)


class AccountsView(BaseView):
    """Account list, create, edit, lock, transfer, password, grants, history."""

    route_base = "/tai-khoan"
    default_view = "index"
    class_permission_name = "Accounts"
    method_permission_name = {  # noqa: RUF012
        "index": "read",
        "show": "read",
        "create": "write",
        "edit": "write",
        "lock": "write",
        "transfer": "write",
        "password": "write",
        "add_grant": "write",
        "revoke_grant": "write",
    }
    baocao_roles = (Role.UNIT_ADMIN,)

    def _sm(self) -> Any:
        return self.appbuilder.sm

    def _unit_choices(self) -> list[Any]:
        codes = access.manageable_units(user(), now=now())
        return list(units.list_units(now=now(), codes=codes))

    def _page(self, template: str, status: int = 200, **values: Any) -> Any:
        return self.render_template(
            template,
            role_names=ROLE_LABELS,
            role_name_labels=ROLE_NAME_LABELS,
            local_text=local_text,
            describe=describe,
            action_labels=AUDIT_ACTION_LABELS,
            assignable=access.assignable_roles(user()),
            grantable=access.GRANTABLE,
            unit_choices=self._unit_choices(),
            **values,
        ), status

    @expose("/")
    @has_access
    def index(self) -> Any:
        require(access.Action.ACCOUNT_VIEW, what="xem danh sách tài khoản")
        query = request.args.get("q", "").strip()
        unit = request.args.get("unit", "").strip() or None
        if unit and not access.can(
            user(), access.Action.ACCOUNT_VIEW, unit=unit, now=now()
        ):
            unit = None
        found = accounts.list_accounts(
            self._sm(), user(), query=query, unit=unit, now=now()
        )
        return self._page(
            "baocao/accounts/index.html",
            found=found,
            query=query,
            unit=unit or "",
            full_name=accounts.full_name,
            role_keys=access.role_keys,
        )

    @expose("/tao", methods=["GET", "POST"])
    @has_access
    def create(self) -> Any:
        require(access.Action.ACCOUNT_MANAGE, what="tạo tài khoản")
        values = {
            k: form_text(k) for k in ("username", "full_name", "email", "unit_code")
        }
        if request.method == "GET":
            values["unit_code"] = request.args.get("unit", user().unit_code or "")
            return self._page(
                "baocao/accounts/form.html",
                values=values,
                roles=(),
                account=None,
                error="",
            )
        roles = _roles_from_form()
        try:
            accounts.create_account(
                self._sm(),
                user(),
                accounts.AccountInput(
                    username=values["username"],
                    full_name=values["full_name"],
                    email=values["email"],
                    unit_code=values["unit_code"] or None,
                    roles=roles,
                    password=request.form.get("password", ""),
                ),
                now=now(),
            )
        except ServiceError as err:
            return self._page(
                "baocao/accounts/form.html",
                status=err.http_status,
                values=values,
                roles=roles,
                account=None,
                error=str(err),
            )
        flash(gettext("Account %(name)s created.", name=values["username"]), "success")
        return redirect(url_for("AccountsView.show", username=values["username"]))

    @expose("/<username>")
    @has_access
    def show(self, username: str) -> Any:
        account = accounts.get_account(self._sm(), user(), username, now=now())
        keys = access.role_keys(account)
        return self._page(
            "baocao/accounts/show.html",
            account=account,
            roles=keys,
            full_name=accounts.full_name(account),
            grants=grants.list_grants(
                user(), username=username, include_revoked=True, now=now()
            ),
            history=accounts.history(username),
            regimes=grants.regime_choices(),
            error=request.args.get("error", ""),
            can_manage=access.can_manage_account(
                user(), account.unit_code, keys, now=now()
            ),
        )

    @expose("/<username>/sua", methods=["GET", "POST"])
    @has_access
    def edit(self, username: str) -> Any:
        account = accounts.get_account(self._sm(), user(), username, now=now())
        values = {
            "username": username,
            "full_name": accounts.full_name(account),
            "email": account.email,
            "unit_code": account.unit_code or "",
        }
        roles: tuple[Role, ...] = tuple(access.role_keys(account))
        if request.method == "POST":
            values.update(full_name=form_text("full_name"), email=form_text("email"))
            roles = _roles_from_form()
            try:
                accounts.edit_account(
                    self._sm(),
                    user(),
                    username,
                    holder=values["full_name"],
                    email=values["email"],
                    roles=roles,
                    now=now(),
                )
            except ServiceError as err:
                return self._page(
                    "baocao/accounts/form.html",
                    status=err.http_status,
                    values=values,
                    roles=roles,
                    account=account,
                    error=str(err),
                )
            flash(gettext("Account %(name)s saved.", name=username), "success")
            return redirect(url_for("AccountsView.show", username=username))
        return self._page(
            "baocao/accounts/form.html",
            values=values,
            roles=roles,
            account=account,
            error="",
        )

    def _act(self, username: str, action: Any, done: str) -> Any:
        try:
            action()
        except ServiceError as err:
            if err.http_status in (403, 404):
                raise
            return redirect(
                url_for("AccountsView.show", username=username, error=str(err))
            )
        flash(done, "success")
        return redirect(url_for("AccountsView.show", username=username))

    @expose("/<username>/khoa", methods=["POST"])
    @has_access
    def lock(self, username: str) -> Any:
        active = form_text("active") == "1"
        return self._act(
            username,
            lambda: accounts.set_active(
                self._sm(),
                user(),
                username,
                active=active,
                reason=form_text("reason"),
                now=now(),
            ),
            gettext("Account unlocked.") if active else gettext("Account locked."),
        )

    @expose("/<username>/chuyen", methods=["POST"])
    @has_access
    def transfer(self, username: str) -> Any:
        return self._act(
            username,
            lambda: accounts.transfer_account(
                self._sm(),
                user(),
                username,
                now=now(),
                reason=form_text("reason"),
                new_unit=form_text("new_unit") or None,
                new_holder=form_text("new_holder") or None,
                new_email=form_text("new_email") or None,
                new_password=request.form.get("new_password") or None,
            ),
            gettext("Account handed over; its history is kept."),
        )

    @expose("/<username>/mat-khau", methods=["POST"])
    @has_access
    def password(self, username: str) -> Any:
        return self._act(
            username,
            lambda: accounts.reset_password(
                self._sm(),
                user(),
                username,
                request.form.get("password", ""),
                now=now(),
            ),
            gettext("Password reset."),
        )

    @expose("/<username>/quyen", methods=["POST"])
    @has_access
    def add_grant(self, username: str) -> Any:
        return self._act(
            username,
            lambda: grants.add_grant(
                self._sm(),
                user(),
                username,
                unit_code=form_text("unit_code"),
                regime_id=form_text("regime_id") or None,
                roles=_roles_from_form(),
                now=now(),
            ),
            gettext("Permissions granted."),
        )

    @expose("/<username>/quyen/<grant_id>/thu-hoi", methods=["POST"])
    @has_access
    def revoke_grant(self, username: str, grant_id: str) -> Any:
        accounts.get_account(self._sm(), user(), username, now=now())
        return self._act(
            username,
            lambda: grants.revoke_grant(user(), grant_id, now=now()),
            gettext("Permissions revoked."),
        )
