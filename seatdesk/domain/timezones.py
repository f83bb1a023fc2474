"""Time zones named by people (--tz, SEATDESK_TZ): read once, refused with one clear line."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _

NAME_MAX = 64  # the longest IANA name is about 30 characters


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (Asia/Shanghai, UTC...); InvalidInput when there is none."""
    from seatdesk.domain.text import neutralise

    shown = neutralise(name if len(name) <= NAME_MAX else name[:NAME_MAX] + "…")
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(_("unknown time zone {tz!r}").format(tz=shown), "tz")
    try:
        return _zone(name)
    except (ValueError, KeyError, OSError):  # malformed, not found, or not a zone file
        raise InvalidInput(_("unknown time zone {tz!r}").format(tz=shown), "tz") from None
