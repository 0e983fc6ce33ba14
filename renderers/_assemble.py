"""A sheet's rows → tables: title rows, a sticky header, body chunks.

A long sheet is cut into tables of about ``CHUNK_ROWS`` rows sharing the same
``<colgroup>`` (fixed layout, so columns line up). Each chunk sits in a
``content-visibility: auto`` box, so the browser lays out and paints only the
chunks on screen: on a 2,000-input sheet this keeps every keystroke's frame as
cheap as on a small one. The frozen rows go into one box that sticks to the
top of the scrolling area. Cuts are made only where no merged cell spans the
cut and never inside a repeatable group (its rows and "add row" line stay in
one ``<tbody>``, where the script looks for them).
"""

from __future__ import annotations

from dataclasses import dataclass

from baocao.renderers._sheet import SheetGrid

CHUNK_ROWS = 60


@dataclass(frozen=True, slots=True)
class RowHtml:
    """One rendered ``<tr>``."""

    row: int
    """Sheet row it was drawn from (the template row for repeat rows)."""
    html: str
    height: int
    """Pixels, for the placeholder size of a chunk that is not on screen."""
    breakable: bool
    """True when a table may end after this row."""


def _table(rows: list[RowHtml], colgroup: str, width: int) -> str:
    body = "".join(r.html for r in rows)
    return (
        f'<table class="bc-grid" style="width:{width}px">'
        f"<colgroup>{colgroup}</colgroup><tbody>{body}</tbody></table>"
    )


def _chunks(rows: list[RowHtml]) -> list[list[RowHtml]]:
    chunks: list[list[RowHtml]] = [[]]
    for row in rows:
        chunks[-1].append(row)
        if len(chunks[-1]) >= CHUNK_ROWS and row.breakable:
            chunks.append([])
    return [c for c in chunks if c]


def _split_frozen(grid: SheetGrid, rows: list[RowHtml]) -> tuple[list[RowHtml], ...]:
    """(rows above the frozen block, frozen rows, the rest)."""
    if not grid.freeze_rows or grid.freeze_rows < grid.freeze_from:
        return [], [], rows
    above = [r for r in rows if r.row < grid.freeze_from]
    frozen = [r for r in rows if grid.freeze_from <= r.row <= grid.freeze_rows]
    rest = rows[len(above) + len(frozen) :]
    if any(part and not part[-1].breakable for part in (above, frozen)):
        return [], [], rows  # a merge crosses the frozen block's edge
    return above, frozen, rest


def sheet_tables(
    grid: SheetGrid, rows: list[RowHtml], colgroup: str, width: int
) -> str:
    """The HTML inside a sheet's scrolling box."""
    above, frozen, rest = _split_frozen(grid, rows)
    parts = []
    if above:
        parts.append(_table(above, colgroup, width))
    if frozen:
        parts.append(
            f'<div class="bc-head" style="width:{width}px">'
            f"{_table(frozen, colgroup, width)}</div>"
        )
    chunks = _chunks(rest)
    # Chunk boxes are 2 px wider and 1 px taller than their table: content-visibility
    # clips painting to the box, and collapsed borders stick out by half a pixel.
    if len(chunks) == 1:
        parts.append(_table(chunks[0], colgroup, width))
    else:
        for chunk in chunks:
            height = sum(r.height for r in chunk)
            parts.append(
                f'<div class="bc-chunk" style="width:{width + 2}px;'
                f'contain-intrinsic-size:auto {width + 2}px auto {height + 1}px">'
                f"{_table(chunk, colgroup, width)}</div>"
            )
    return "".join(parts)
