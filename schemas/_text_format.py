"""The TEXT function's number formats: 0, #,##0.00, 0%, dd/mm/yyyy and friends.

Covers what report templates use (fixed decimals, thousands separators,
percentages, literal text, sign sections, day/month/year and time parts); the
separators are Excel's en-US ones, as in the file format itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from baocao.schemas._values import (
    VALUE,
    Signal,
    XlError,
    number_text,
    round_decimal,
    serial_to_date,
    text_to_number,
)

_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm", re.I)
_QUOTED = re.compile(r'"[^"]*"|\\.')
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _sections(pattern: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in pattern:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _literal(text: str) -> str:
    return _QUOTED.sub(lambda m: m.group(0).strip('"').removeprefix("\\"), text)


def _is_date(section: str) -> bool:
    bare = _QUOTED.sub("", section).lower()
    return any(c in bare for c in "ydhs") or (
        "m" in bare and not any(c in bare for c in "0#?")
    )


def _format_date(serial: float, section: str) -> str:
    moment = dt.datetime.combine(serial_to_date(serial), dt.time()) + dt.timedelta(
        seconds=round((serial % 1) * 86400)
    )
    out, last = [], ""
    for piece in re.split(r'("[^"]*"|\\.)', section):
        if piece.startswith(('"', "\\")):
            out.append(_literal(piece))
            continue
        pos = 0
        for match in _DATE_TOKEN.finditer(piece):
            out.append(piece[pos : match.start()])
            token = match.group(0).lower()
            minutes = token in {"m", "mm"} and (
                last in {"h", "hh"}
                or piece[match.end() :].lower().lstrip(":").startswith("s")
            )
            out.append(_date_part(moment, token, minutes))
            last, pos = token, match.end()
        out.append(piece[pos:])
    return "".join(out)


def _date_part(moment: dt.datetime, token: str, minutes: bool) -> str:
    if minutes:
        return f"{moment.minute:0{len(token)}d}"
    parts = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "mmmm": _MONTHS[moment.month - 1],
        "mmm": _MONTHS[moment.month - 1][:3],
        "mm": f"{moment.month:02d}",
        "m": str(moment.month),
        "dddd": _DAYS[moment.weekday()],
        "ddd": _DAYS[moment.weekday()][:3],
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "hh": f"{moment.hour:02d}",
        "h": str(moment.hour),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "am/pm": "AM" if moment.hour < 12 else "PM",  # noqa: PLR2004 - noon
    }
    return parts[token]


def _format_number(x: float, section: str, signed: bool) -> str:
    bare = _QUOTED.sub(lambda m: "\0" * len(m.group(0)), section)
    places = [i for i, c in enumerate(bare) if c in "0#?"]
    if not places:
        return _literal(section)
    first, last = places[0], places[-1]
    core = section[first : last + 1]
    if "%" in bare:
        x *= 100.0
    integer_part, _, fraction = core.partition(".")
    decimals = sum(1 for c in fraction if c in "0#?")
    rounded = round_decimal(abs(x), decimals)
    whole, _, digits = f"{rounded:.{decimals}f}".partition(".")
    whole = whole.lstrip("0").rjust(integer_part.count("0"), "0")
    if "," in integer_part and whole:
        whole = f"{int(whole):,}"
    required = fraction.count("0")
    digits = digits[:required] + digits[required:].rstrip("0")
    number = whole + ("." + digits if "." in core else "")
    sign = "-" if signed and x < 0 and rounded != 0 else ""
    return _literal(section[:first]) + sign + number + _literal(section[last + 1 :])


def format_value(value: Any, pattern: str) -> str:
    """TEXT(value, pattern) for a scalar value."""
    if type(value) is XlError:
        raise Signal(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if type(value) is str:
        number = text_to_number(value)
        if number is None:
            return value
        value = number
    x = 0.0 if value is None else float(value)
    sections = _sections(pattern)
    section, signed = sections[0], True
    if len(sections) > 1 and x < 0:
        section, signed, x = sections[1], False, -x
    elif len(sections) > 2 and x == 0:  # noqa: PLR2004 - third section is for zero
        section = sections[2]
    if section.lower() in {"general", ""}:
        return ("-" if x < 0 and not signed else "") + number_text(x)
    if section == "@":
        return number_text(x)
    if _is_date(section):
        if x < 0:
            raise Signal(VALUE)
        return _format_date(x, section)
    return _format_number(x, section, signed)
