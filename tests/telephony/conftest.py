"""Real SIP phones for the telephony tests: baresip processes on loopback, free ports.

Without baresip these tests skip, unless SEATDESK_REQUIRE_SIP=1 (as .ci/run sets, after
installing baresip-core): then they fail, so CI always tests the real phone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from seatdesk.services.container import Backend
from seatdesk.telephony.baresip_process import BaresipProcess, baresip_binary, tone_wav

REQUIRE_SIP = os.environ.get("SEATDESK_REQUIRE_SIP") == "1"

StartPhone = Callable[..., BaresipProcess]


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The real phones' tests run one after another, on one test worker: with two calls on
    the loopback at once (pytest -n 2), one test in some runs lost its expected event."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.xdist_group("real-phones"))


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
def phones_dir() -> Iterator[Path]:
    """A short directory for the phones' configs and recordings: baresip records nothing
    under a path longer than SND_PATH_MAX, and pytest's own (longer under xdist) may be."""
    directory = Path(tempfile.mkdtemp(prefix="sdphone-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def start_phone(phones_dir: Path, tone: Path) -> Iterator[StartPhone]:
    """Start a baresip with its own config directory; every one is stopped afterwards."""
    if baresip_binary() is None:
        if REQUIRE_SIP:
            pytest.fail("baresip is not installed (SEATDESK_REQUIRE_SIP=1)")
        pytest.skip("baresip is not installed")
    started: list[BaresipProcess] = []

    def start(user: str, *, source: Path | None = None, record: bool = True,
              directory: Path | None = None) -> BaresipProcess:
        proc = BaresipProcess.start(directory or phones_dir / f"phone-{user.lstrip('+')}",
                                    user, source_wav=source or tone, record=record)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
