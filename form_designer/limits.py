"""Configurable limits that keep hostile or oversized uploads cheap to refuse."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds checked before and while a workbook is read.

    The defaults accept every real report template we know of (a few thousand
    cells) with a wide margin and refuse a zip bomb or a million-cell sheet in
    well under a second, before openpyxl builds any object.
    """

    max_cells: int = 200_000
    """Cells with content (value or formula) in the whole workbook."""
    max_uncompressed: int = 256 * 1024 * 1024
    """Sum of the declared uncompressed sizes of every zip entry, in bytes."""
    max_ratio: int = 250
    """Largest uncompressed/compressed ratio for an entry bigger than 1 MiB."""
    max_entries: int = 5_000
    """Number of entries in the zip container."""
    trim_factor: int = 4
    """A sheet with more than this many stored cells per content cell is trimmed."""
    trim_min_cells: int = 20_000
    """Sheets with fewer stored cells than this are never trimmed."""
    max_range_cells: int = 100_000
    """Cells in one range of one formula (guards dependency expansion)."""
