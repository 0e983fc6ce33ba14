"""Move a repeat group's end row inside formula text (rows added or removed).

The Excel round trip of a repeat group changes the number of rows between the
group's first row and what follows it: the download inserts rows for stored
rows beyond the template, and an upload may come back with rows the official
inserted or deleted. Both sides need the same rewrite of every reference to
the sheet, which is what Excel does when rows are inserted or deleted:

- a row below the group's end moves with it (``D6`` → ``D8`` for two rows more);
- a range that starts at or above the group's first row and ends on its last
  row grows or shrinks with the group (``SUM(D3:D5)`` → ``SUM(D3:D7)``); this
  is the compiler's ``x-expands`` rule, so a total row keeps covering every row;
- anything else (rows above or inside the group, other sheets) is unchanged.

Formulas inside the group's own rows only read their own row (FD028), so their
ranges never grow. Text inside double quotes is never touched. Pure: strings in,
strings out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRING = re.compile(r'("(?:[^"]|"")*")')
_REF = re.compile(
    r"(?<![A-Za-z0-9_.!'\"\]])"
    r"(?P<sheet>'(?:[^']|'')+'!|[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*!)?"
    r"(?P<c1>\$?[A-Z]{1,3})(?P<r1>\$?\d+)"
    r"(?::(?P<c2>\$?[A-Z]{1,3})(?P<r2>\$?\d+))?"
    r"(?![A-Za-z0-9_(!])"
)


@dataclass(frozen=True, slots=True)
class RowSpan:
    """A group's rows on one sheet: it starts at ``first`` and ends at ``old_end``
    in the formulas as written; it must end at ``new_end`` afterwards."""

    sheet: str
    first: int
    old_end: int
    new_end: int

    @property
    def delta(self) -> int:
        """Rows added (positive) or removed (negative)."""
        return self.new_end - self.old_end

    def row(self, row: int) -> int:
        """Where a cell's row goes (rows after the group's end move)."""
        return row + self.delta if row > self.old_end else row

    def inside(self, sheet: str, row: int) -> bool:
        """True for a cell in the group's rows (as written)."""
        return sheet == self.sheet and self.first <= row <= self.old_end


def _sheet_name(prefix: str | None, own: str) -> str:
    if not prefix:
        return own
    name = prefix[:-1]
    if name.startswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def _with_row(text: str, row: int) -> str:
    return ("$" if text.startswith("$") else "") + str(row)


def _rewrite(match: re.Match[str], own: str, span: RowSpan, grow: bool) -> str:
    if _sheet_name(match["sheet"], own) != span.sheet or span.delta == 0:
        return match[0]
    r1 = int(match["r1"].lstrip("$"))
    if match["c2"] is None:
        return (
            f"{match['sheet'] or ''}{match['c1']}{_with_row(match['r1'], span.row(r1))}"
        )
    r2 = int(match["r2"].lstrip("$"))
    end = (
        span.new_end
        if grow and r1 <= span.first and r2 == span.old_end
        else span.row(r2)
    )
    return (
        f"{match['sheet'] or ''}{match['c1']}{_with_row(match['r1'], span.row(r1))}"
        f":{match['c2']}{_with_row(match['r2'], end)}"
    )


def shift_formula(formula: str, own_sheet: str, own_row: int, span: RowSpan) -> str:
    """``formula`` (written in ``own_sheet``, row ``own_row``) after ``span``.

    :param own_sheet: the sheet the formula sits on (for references without a
        sheet name); an empty string for a defined name (always qualified).
    :param own_row: the row it sits on, in the coordinates as written; a
        formula inside the group's rows keeps its ranges (it reads its own row).
    """
    grow = not span.inside(own_sheet, own_row)
    parts = _STRING.split(formula)
    for i in range(0, len(parts), 2):  # even parts are outside string literals
        parts[i] = _REF.sub(lambda m: _rewrite(m, own_sheet, span, grow), parts[i])
    return "".join(parts)


def _moved_ref(match: re.Match[str], rows: int) -> str:
    def row(text: str) -> str:
        return text if text.startswith("$") else str(int(text) + rows)

    out = f"{match['sheet'] or ''}{match['c1']}{row(match['r1'])}"
    if match["c2"] is not None:
        out += f":{match['c2']}{row(match['r2'])}"
    return out


def copy_down(formula: str, rows: int) -> str:
    """``formula`` copied ``rows`` rows down: relative row numbers move
    (``=D5-E5`` → ``=D7-E7``), ``$``-anchored rows and quoted text stay."""
    parts = _STRING.split(formula)
    for i in range(0, len(parts), 2):
        parts[i] = _REF.sub(lambda m: _moved_ref(m, rows), parts[i])
    return "".join(parts)
