"""The Redis server for the bus tests (issue 19): skip without one, unless CI requires it."""

from __future__ import annotations

import os

import pytest

# CI sets this so a missing Redis (or redis package) fails instead of skipping.
REQUIRE_BUS = "SEATDESK_REQUIRE_BUS"


def redis_or_skip() -> str:
    """The test Redis URL (SEATDESK_TEST_REDIS); skip, or fail under SEATDESK_REQUIRE_BUS."""
    url = os.environ.get("SEATDESK_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - no package or no server: say which
        if os.environ.get(REQUIRE_BUS) == "1":
            pytest.fail(f"{REQUIRE_BUS}=1 but Redis is not usable at {url}: {exc}")
        pytest.skip(f"no Redis at {url}: {exc}")
    return url
