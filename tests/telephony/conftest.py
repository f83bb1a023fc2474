"""Real SIP phones for the telephony tests: baresip processes on loopback, free ports.

Without baresip these tests skip, unless SEATDESK_REQUIRE_SIP=1 (as .ci/run sets, after
installing baresip-core): then they fail, so CI always tests the real phone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seatdesk.services.container import Backend
from seatdesk.telephony.baresip_process import BaresipProcess, baresip_binary, tone_wav

REQUIRE_SIP = os.environ.get("SEATDESK_REQUIRE_SIP") == "1"

StartPhone = Callable[..., BaresipProcess]


@pytest.fixture(scope="session")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the agent's phone says: a 440 Hz tone."""
    return tone_wav(tmp_path_factory.mktemp("audio") / "tone.wav", seconds=30)


@pytest.fixture(scope="session")
def caller_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What callers say: a 660 Hz tone (so each side of a recording can be told apart)."""
    return tone_wav(tmp_path_factory.mktemp("audio") / "caller.wav", hz=660, seconds=30)


@pytest.fixture
def live_backend(db_url: str) -> Iterator[Backend]:
    """A backend on the real clock: talk and hold times are measured on the line."""
    b = Backend.open(db_url)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def start_phone(tmp_path: Path, tone: Path) -> Iterator[StartPhone]:
    """Start a baresip with its own config directory; every one is stopped afterwards."""
    if baresip_binary() is None:
        if REQUIRE_SIP:
            pytest.fail("baresip is not installed (SEATDESK_REQUIRE_SIP=1)")
        pytest.skip("baresip is not installed")
    started: list[BaresipProcess] = []

    def start(user: str, *, source: Path | None = None, record: bool = True) -> BaresipProcess:
        proc = BaresipProcess.start(tmp_path / f"phone-{user.lstrip('+')}", user,
                                    source_wav=source or tone, record=record)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
