"""The baresip adapter against real baresip processes: a call placed between two phones."""

from __future__ import annotations

import queue
import wave
from array import array
from pathlib import Path

import pytest

from seatdesk.telephony.adapter import (
    DialOutcome,
    ManualPhone,
    PhoneError,
    PhoneEvent,
    PhoneEventKind,
)
from seatdesk.telephony.baresip import BaresipPhone, call_id_param, number_of
from seatdesk.telephony.netstring import NetstringError, NetstringReader, encode
from tests.telephony.conftest import StartPhone

CALLER = "+8613800138000"


class Events:
    """A phone's events, waited for one kind at a time."""

    def __init__(self, phone: BaresipPhone) -> None:
        self.q: queue.Queue[PhoneEvent] = queue.Queue()
        phone.subscribe(self.q.put)

    def wait(self, kind: PhoneEventKind, timeout: float = 8.0) -> PhoneEvent:
        while True:
            event = self.q.get(timeout=timeout)
            if event.kind == kind:
                return event


def rms(path: str | Path) -> float:
    """Loudness of a 16-bit WAV file (0 for silence or a header-only file)."""
    with wave.open(str(path), "rb") as w:
        samples = array("h", w.readframes(w.getnframes()))
    if not samples:
        return 0.0
    return (sum(s * s for s in samples) / len(samples)) ** 0.5


def test_netstrings_frame_and_refuse_garbage() -> None:
    reader = NetstringReader()
    assert reader.feed(encode(b'{"a":1}')[:4]) == []
    assert reader.feed(encode(b'{"a":1}')[4:] + encode(b"x")) == [b'{"a":1}', b"x"]
    with pytest.raises(NetstringError):
        NetstringReader().feed(b"HTTP/1.1 200 OK\r\n")


def test_sip_identity_gives_number_and_call_id() -> None:
    assert number_of("sip:+8613800138000@10.0.0.1:5060;transport=udp") == CALLER
    assert number_of('"Lin" <sip:13800138000@pbx>') == "13800138000"
    assert call_id_param("sip:+86138@pbx;x-seatdesk-call=42") == 42
    assert call_id_param("sip:+86138@pbx") is None


def test_manual_phone_accepts_every_command_and_is_manual() -> None:
    phone = ManualPhone()
    phone.answer(), phone.hold(), phone.resume(), phone.dial("123"), phone.hang_up()
    assert phone.manual and phone.sip_uri is None


def test_unreachable_phone_is_a_clear_error(start_phone: StartPhone) -> None:
    from seatdesk.telephony.baresip_process import free_port

    with pytest.raises(PhoneError, match="baresip at 127.0.0.1"):
        BaresipPhone("127.0.0.1", free_port()).connect(timeout=0.5)


def test_a_call_between_two_real_phones(start_phone: StartPhone) -> None:
    agent_proc = start_phone("agent")
    caller_proc = start_phone(CALLER, source=None, record=True)
    agent, caller = agent_proc.phone(), caller_proc.phone()
    seen, heard = Events(agent), Events(caller)
    try:
        caller.dial(agent_proc.sip_uri)
        incoming = seen.wait(PhoneEventKind.INCOMING)
        assert incoming.number == CALLER and incoming.direction == "incoming"
        agent.answer()
        assert seen.wait(PhoneEventKind.ANSWERED).phone_call_id == incoming.phone_call_id
        assert heard.wait(PhoneEventKind.ANSWERED).outcome == DialOutcome.REACHED
        import time

        time.sleep(1.5)  # let the tone flow
        agent.send_dtmf("12#")  # accepted by the phone during the call
        with pytest.raises(PhoneError, match="not DTMF"):
            agent.send_dtmf("12; hangup")
        agent.mute(True)
        agent.mute(False)
        agent.hold()
        seen.wait(PhoneEventKind.HELD)
        agent.resume()
        seen.wait(PhoneEventKind.RESUMED)
        caller.hang_up()
        ended = seen.wait(PhoneEventKind.HUNG_UP)
        assert ended.by_remote
        assert heard.wait(PhoneEventKind.HUNG_UP).by_remote is False
        # Both sides of the agent's call were written, with sound in them.
        assert len(ended.recording) == 2, ended
        assert all(rms(f) > 500 for f in ended.recording if f.endswith("-enc.wav"))
        # The caller heard the agent: what the caller's phone decoded is the agent's tone.
        dumps = sorted((caller_proc.directory / "dumps").glob("dump-*-dec.wav"))
        assert dumps and rms(dumps[-1]) > 500
    finally:
        agent.close()
        caller.close()


def test_a_recordings_path_at_baresips_limit_records_and_a_longer_one_is_refused(
        start_phone: StartPhone, phones_dir: Path) -> None:
    """Past SND_PATH_MAX baresip recorded no call and said nothing (seen under pytest -n 2,
    whose directories are 10 bytes longer): the phone's configuration refuses it now."""
    from seatdesk.telephony.baresip_process import SND_PATH_MAX, write_config

    def directory_for(length: int) -> Path:
        pad = length - len(str(phones_dir / "p" / "dumps"))
        return phones_dir / ("p" + "x" * pad)

    at_limit = directory_for(SND_PATH_MAX)
    assert len(str(at_limit / "dumps")) == SND_PATH_MAX
    agent_proc = start_phone("agent", directory=at_limit)
    caller_proc = start_phone(CALLER, source=None)
    agent, caller = agent_proc.phone(), caller_proc.phone()
    seen = Events(agent)
    try:
        caller.dial(agent_proc.sip_uri)
        seen.wait(PhoneEventKind.INCOMING)
        agent.answer()
        seen.wait(PhoneEventKind.ANSWERED)
        import time

        time.sleep(1.0)
        caller.hang_up()
        ended = seen.wait(PhoneEventKind.HUNG_UP)
        assert len(ended.recording) == 2, ended  # both sides, at the longest path allowed
    finally:
        agent.close()
        caller.close()
    with pytest.raises(PhoneError, match="choose a shorter directory"):
        write_config(directory_for(SND_PATH_MAX + 1), "agent", sip_port=5060, ctrl_port=4444)


def test_commands_without_a_call_are_refused(start_phone: StartPhone) -> None:
    proc = start_phone("lonely")
    phone = proc.phone()
    try:
        with pytest.raises(PhoneError):
            phone.hold()
    finally:
        phone.close()


def test_a_killed_phone_reports_phone_down(start_phone: StartPhone) -> None:
    proc = start_phone("doomed")
    phone = proc.phone()
    events = Events(phone)
    proc.kill()
    assert events.wait(PhoneEventKind.PHONE_DOWN, timeout=5).kind == PhoneEventKind.PHONE_DOWN
    assert phone.manual
    with pytest.raises(PhoneError):
        phone.answer()
