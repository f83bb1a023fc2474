"""Call recordings: the phone's two sides of a call, kept as one file named by call id.

baresip's ``sndfile`` module writes what the seat sent (``-enc.wav``: the agent) and what
it received (``-dec.wav``: the caller). They become one stereo WAV, the agent on the left
and the caller on the right, in the recordings directory (SEATDESK_RECORDINGS).
"""

from __future__ import annotations

import os
import time
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

from seatdesk.domain.i18n import _
from seatdesk.services.settings import data_dir

RECORDINGS_ENV = "SEATDESK_RECORDINGS"


def recordings_dir() -> Path:
    """Where recordings are kept: SEATDESK_RECORDINGS, or ``recordings`` in the data dir."""
    raw = os.environ.get(RECORDINGS_ENV, "").strip()
    return Path(raw) if raw else data_dir() / "recordings"


def _settled(path: Path, timeout: float = 2.0) -> None:
    """Wait until the phone has finished writing ``path`` (its size stops changing)."""
    end = time.monotonic() + timeout
    last = -1
    while time.monotonic() < end:
        try:
            size = path.stat().st_size
        except OSError:
            size = -1
        if size == last and size > 44:
            return
        last = size
        time.sleep(0.05)


def _mono(path: Path) -> tuple[int, array[int]]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(_("{path}: not 16-bit mono").format(path=path))
        return w.getframerate(), array("h", w.readframes(w.getnframes()))


class RecordingStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or recordings_dir()

    def path_for(self, call_id: int) -> Path:
        return self.directory / f"call-{call_id}.wav"

    def store(self, call_id: int, files: Sequence[str]) -> Path | None:
        """Join the phone's files of one call into the call's recording; None if none."""
        agent = next((Path(f) for f in files if f.endswith("-enc.wav")), None)
        caller = next((Path(f) for f in files if f.endswith("-dec.wav")), None)
        if agent is None and caller is None:
            return None
        for side in (agent, caller):
            if side is not None:
                _settled(side)
        self.directory.mkdir(parents=True, exist_ok=True)
        rate = 8000
        left: array[int] = array("h")
        right: array[int] = array("h")
        if agent is not None:
            rate, left = _mono(agent)
        if caller is not None:
            rate_c, right = _mono(caller)
            if agent is None:
                rate = rate_c
        n = max(len(left), len(right))
        left.extend([0] * (n - len(left)))
        right.extend([0] * (n - len(right)))
        both = array("h", [0]) * (2 * n)
        both[0::2], both[1::2] = left, right
        target = self.path_for(call_id)
        partial = target.with_suffix(".part")
        with wave.open(str(partial), "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(both.tobytes())
        partial.replace(target)
        for side in (agent, caller):
            if side is not None:
                side.unlink(missing_ok=True)
        return target


__all__ = ["RECORDINGS_ENV", "RecordingStore", "recordings_dir"]
