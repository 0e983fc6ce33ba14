"""An indicator's accepted values as a series: period x unit → value.

What a viewer sees is narrowed twice: by the filters (period range, a unit's
subtree) and by what the viewer may read. A signed-in user sees a regime's
values for the units where it holds a role for that regime, or all of them
when it holds one over the regime's receiving unit (as ``workflow.can_view``
decides for one submission); the public sees public indicators only, every
unit, accepted values only (Đ.18.6).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from baocao.platform.models import Indicator, Unit
from baocao.platform.models.workflow import Regime
from baocao.platform.services import access, unit_tree
from baocao.platform.services.errors import InvalidInput, NotFound
from baocao.platform.services.indicator_errors import IndicatorCode as Code
from baocao.platform.services.indicator_values import (
    RegimeValues,
    combine,
    stored_values,
)

Source = Callable[..., list[RegimeValues]]
"""``(code, *, start, end) -> [RegimeValues]``: the projection or a scan."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Period range (keys, inclusive; "" = open) and a unit whose subtree counts."""

    start: str = ""
    end: str = ""
    unit: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """From query arguments ``from``, ``to``, ``unit``.

        :raises InvalidInput: (CT007) the range is reversed.
        """
        found = cls(
            (args.get("from") or "").strip(),
            (args.get("to") or "").strip(),
            (args.get("unit") or "").strip(),
        )
        if found.start and found.end and found.start > found.end:
            raise InvalidInput(Code.CT007, start=found.start, end=found.end)  # type: ignore[arg-type]
        return found

    def scope(self) -> set[str] | None:
        """Unit codes in the chosen subtree, None for every unit."""
        if not self.unit:
            return None
        if unit_tree.find_unit(self.unit) is None:
            return set()
        return unit_tree.subtree_codes(self.unit)


@dataclass(slots=True)
class Viewer:
    """Who looks: a signed-in user or the public (``user`` None)."""

    user: Any
    now: datetime
    _allowed: dict[str, frozenset[str] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, user: Any, *, now: datetime) -> Viewer:
        return cls(user, now)

    @classmethod
    def public(cls, *, now: datetime) -> Viewer:
        return cls(None, now)

    @property
    def is_public(self) -> bool:
        return self.user is None

    def allowed(self, regime_id: str) -> frozenset[str] | None:
        """Units of ``regime_id`` the viewer may read; None means all of them."""
        if regime_id not in self._allowed:
            self._allowed[regime_id] = self._compute(regime_id)
        return self._allowed[regime_id]

    def _compute(self, regime_id: str) -> frozenset[str] | None:
        if self.is_public or access.is_sysadmin(self.user):
            return None
        visible = access.visible_units(
            self.user, access.Action.REPORT_VIEW, regime=regime_id, now=self.now
        )
        regime = Regime.objects(id=regime_id).only("receiving_unit").first()
        if regime is not None and regime.receiving_unit in visible:
            return None
        return visible


@dataclass(frozen=True, slots=True)
class Series:
    """Accepted values of one indicator: ``values[period][unit]``, totals per period."""

    indicator: Indicator
    values: dict[str, dict[str, float]]
    totals: dict[str, float | None]

    @property
    def periods(self) -> list[str]:
        return sorted(self.values)

    @property
    def units(self) -> list[str]:
        return sorted({u for row in self.values.values() for u in row})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API."""
        return {
            "indicator": self.indicator.to_dict(),
            "periods": self.periods,
            "units": self.units,
            "values": self.values,
            "totals": self.totals,
        }


def visible_indicator(code: str, viewer: Viewer) -> Indicator:
    """The entry, if the viewer may see it (the public: public entries only).

    :raises NotFound: (CT001) no such entry, or not public for the public.
    """
    found = Indicator.objects(code=code).first()
    if found is None or (viewer.is_public and not found.public):
        raise NotFound(Code.CT001, code=code)  # type: ignore[arg-type]
    return found


def series(
    code: str, filters: Filters, *, viewer: Viewer, source: Source = stored_values
) -> Series:
    """Values of ``code`` within ``filters`` that ``viewer`` may read."""
    indicator = visible_indicator(code, viewer)
    scope = filters.scope()
    values: dict[str, dict[str, float]] = {}
    for row in source(code, start=filters.start, end=filters.end):
        allowed = viewer.allowed(row.regime_id)
        kept = {
            unit: number
            for unit, number in row.values.items()
            if (scope is None or unit in scope)
            and (allowed is None or unit in allowed)
        }
        if kept:
            values.setdefault(row.period, {}).update(kept)
    totals = {
        period: combine(indicator.aggregate, row.values())
        for period, row in values.items()
    }
    return Series(indicator, values, totals)


def unit_names(codes: list[str]) -> dict[str, str]:
    """Code → name of the given units (the code when unknown)."""
    found = {u.code: u.name for u in Unit.objects(code__in=codes).only("code", "name")}
    return {code: found.get(code, code) for code in codes}
