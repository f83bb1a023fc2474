"""The seat's SIP softphone: baresip, driven over its ``ctrl_tcp`` module.

ctrl_tcp speaks netstring-framed JSON. A command is
``{"command": "accept", "params": "", "token": "t1"}``; its answer carries
``"response": true, "ok": ..., "data": ..., "token": "t1"``. Events arrive unasked:
``{"event": true, "type": "CALL_INCOMING", "id": ..., "peeruri": ..., "param": ...}``.
This module turns those into :class:`PhoneEvent` and the desk's commands into baresip's.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from seatdesk.domain.i18n import _
from seatdesk.telephony.adapter import (
    DialOutcome,
    PhoneError,
    PhoneEvent,
    PhoneEventKind,
    PhoneListener,
    outcome_of_status,
)
from seatdesk.telephony.netstring import NetstringError, NetstringReader, encode

COMMAND_TIMEOUT = 3.0
CALL_HEADER_PARAM = "x-seatdesk-call"
_STATUS = re.compile(r"^\s*(\d{3})\b")


@dataclass
class _PhoneCall:
    id: str
    direction: str
    peer_uri: str
    established: bool = False
    local_hangup: bool = False
    no_answer: bool = False
    dumps_before: frozenset[str] = frozenset()
    timer: threading.Timer | None = field(default=None, repr=False)


def number_of(uri: str) -> str:
    """The user part of a SIP URI: the caller's number (``sip:+86138...@host`` -> ``+86138...``)."""
    inner = uri.strip()
    if "<" in inner and ">" in inner:
        inner = inner[inner.index("<") + 1:inner.index(">")]
    for scheme in ("sips:", "sip:", "tel:"):
        if inner.lower().startswith(scheme):
            inner = inner[len(scheme):]
            break
    user = inner.split("@", 1)[0] if "@" in inner else inner.split(";", 1)[0]
    return unquote(user.split(";", 1)[0])


def call_id_param(uri: str) -> int | None:
    """The phone system's call id, when its dial plan put ``;x-seatdesk-call=N`` on the URI."""
    m = re.search(CALL_HEADER_PARAM + r"=(\d{1,18})", uri, re.IGNORECASE)
    return int(m.group(1)) if m else None


class BaresipPhone:
    """A running baresip, reached over ctrl_tcp. Thread-safe; events come on its reader."""

    name = "baresip"

    def __init__(self, host: str, port: int, *, sip_uri: str | None = None,
                 recordings_from: Path | None = None, ring_timeout: float = 30.0,
                 dial_domain: str | None = None) -> None:
        self.host, self.port = host, port
        self._sip_uri = sip_uri
        self.recordings_from = recordings_from
        self.ring_timeout = ring_timeout
        self.dial_domain = dial_domain
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._pending: dict[str, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self._listeners: list[PhoneListener] = []
        self._calls: dict[str, _PhoneCall] = {}
        self._current: str | None = None
        self._tokens = 0
        self._down = False
        self._closing = False
        self._reader: threading.Thread | None = None
        self._muted = False
        # The recordings already in snd_path when the last dial started (the new ones are
        # that call's).
        self._dumps_mark: frozenset[str] = frozenset()

    # ---- connection ---------------------------------------------------------------------

    @classmethod
    def from_config_dir(cls, path: Path, *, ring_timeout: float = 30.0) -> BaresipPhone:
        """The phone a baresip config directory describes (ctrl_tcp address, account, snd_path)."""
        config = read_config(path / "config")
        listen = config.get("ctrl_tcp_listen", "127.0.0.1:4444")
        host, _sep, port = listen.rpartition(":")
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        aor = first_account(path / "accounts")
        snd = config.get("snd_path")
        return cls(host, int(port), sip_uri=aor, ring_timeout=ring_timeout,
                   recordings_from=Path(snd) if snd and "sndfile.so" in config.get(
                       "_modules", "") else None)

    def connect(self, timeout: float = 2.0) -> BaresipPhone:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except OSError as exc:
            raise PhoneError(_("baresip at {host}:{port}: {reason}").format(
                host=self.host, port=self.port, reason=exc.strerror or exc)) from None
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._down = False
        self._reader = threading.Thread(target=self._read_loop, name="baresip-events",
                                        daemon=True)
        self._reader.start()
        return self

    def close(self) -> None:
        self._closing = True
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        with self._state_lock:
            for call in self._calls.values():
                if call.timer is not None:
                    call.timer.cancel()

    @property
    def sip_uri(self) -> str | None:
        return self._sip_uri

    @property
    def manual(self) -> bool:
        return self._down or self._sock is None

    def subscribe(self, listener: PhoneListener) -> None:
        self._listeners.append(listener)

    # ---- commands -----------------------------------------------------------------------

    def command(self, command: str, params: str = "") -> str:
        """Send one ctrl_tcp command and wait for its answer; PhoneError if refused."""
        sock = self._sock
        if sock is None or self._down:
            raise PhoneError(_("the phone is not connected"))
        with self._send_lock:
            self._tokens += 1
            token = f"sd{self._tokens}"
            slot: tuple[threading.Event, list[dict[str, Any]]] = (threading.Event(), [])
            self._pending[token] = slot
            payload = json.dumps({"command": command, "params": params, "token": token})
            try:
                sock.sendall(encode(payload.encode()))
            except OSError as exc:
                self._pending.pop(token, None)
                self._lost(str(exc))
                raise PhoneError(_("the phone cannot be reached: {reason}").format(
                    reason=exc)) from None
        if not slot[0].wait(COMMAND_TIMEOUT):
            self._pending.pop(token, None)
            raise PhoneError(_("the phone did not answer '{command}'").format(command=command))
        answer = slot[1][0] if slot[1] else {}
        if answer.get("lost"):
            raise PhoneError(_("the phone went away"))
        if not answer.get("ok", False):
            raise PhoneError(_("{command}: {reason}").format(
                command=command, reason=answer.get("data") or _("refused")))
        return str(answer.get("data", ""))

    def answer(self) -> None:
        self.command("accept")

    def hang_up(self) -> None:
        call = self._live()
        if call is not None:
            call.local_hangup = True
        self.command("hangup")

    def hold(self) -> None:
        call = self._require_live()
        self.command("hold")
        self._emit(PhoneEvent(PhoneEventKind.HELD, call.id, call.peer_uri,
                              number_of(call.peer_uri), call.direction))

    def resume(self) -> None:
        call = self._require_live()
        self.command("resume")
        self._emit(PhoneEvent(PhoneEventKind.RESUMED, call.id, call.peer_uri,
                              number_of(call.peer_uri), call.direction))

    def transfer_blind(self, target_uri: str) -> None:
        call = self._require_live()
        call.local_hangup = True  # the REFER ends our leg; the caller did not hang up
        self.command("transfer", target_uri)

    def transfer_attended(self, target_uri: str) -> None:
        # baresip 1.0 has no REFER with Replaces: the agent has spoken to the target on
        # the consultation, so the caller is handed over as a blind transfer to it.
        self.transfer_blind(target_uri)

    def dial(self, target: str) -> None:
        uri = target
        if not target.lower().startswith(("sip:", "sips:")) and self.dial_domain:
            uri = f"sip:{target}@{self.dial_domain}"
        self._dumps_mark = self._dumps()
        self.command("dial", uri)

    def send_dtmf(self, digits: str) -> None:
        if not re.fullmatch(r"[0-9*#A-D]{1,32}", digits):
            raise PhoneError(_("not DTMF digits: {digits}").format(digits=repr(digits)))
        self.command("sndcode", digits)

    def mute(self, on: bool) -> None:
        # /mute toggles; ask only when the state differs from what is wanted.
        if on != self._muted:
            self.command("mute")
            self._muted = on

    # ---- events -------------------------------------------------------------------------

    def _live(self) -> _PhoneCall | None:
        with self._state_lock:
            return self._calls.get(self._current) if self._current else None

    def _require_live(self) -> _PhoneCall:
        call = self._live()
        if call is None:
            raise PhoneError(_("no call on the phone"))
        return call

    def _emit(self, event: PhoneEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def _read_loop(self) -> None:
        reader = NetstringReader()
        sock = self._sock
        reason = "closed"
        try:
            while sock is not None:
                data = sock.recv(65536)
                if not data:
                    break
                for raw in reader.feed(data):
                    try:
                        message = json.loads(raw)
                    except ValueError:
                        continue
                    if message.get("response"):
                        slot = self._pending.pop(str(message.get("token", "")), None)
                        if slot is not None:
                            slot[1].append(message)
                            slot[0].set()
                    elif message.get("event"):
                        self._on_event(message)
        except (OSError, NetstringError) as exc:
            reason = str(exc)
        self._lost(reason)

    def _lost(self, reason: str) -> None:
        if self._down:
            return
        self._down = True
        for event, answers in list(self._pending.values()):
            answers.append({"lost": True})
            event.set()
        self._pending.clear()
        if not self._closing:
            self._emit(PhoneEvent(PhoneEventKind.PHONE_DOWN, reason=reason))

    def _dumps(self) -> frozenset[str]:
        if self.recordings_from is None:
            return frozenset()
        try:
            return frozenset(p.name for p in self.recordings_from.glob("dump-*.wav"))
        except OSError:
            return frozenset()

    def _on_event(self, m: dict[str, Any]) -> None:
        kind = str(m.get("type", ""))
        call_id = str(m.get("id", ""))
        peer = str(m.get("peeruri", ""))
        direction = str(m.get("direction", ""))
        param = str(m.get("param", ""))
        base = PhoneEvent(PhoneEventKind.INCOMING, call_id, peer, number_of(peer), direction,
                          seatdesk_call_id=call_id_param(peer), at=time.perf_counter())
        if kind == "CALL_INCOMING":
            with self._state_lock:
                self._calls[call_id] = _PhoneCall(call_id, "incoming", peer,
                                                  dumps_before=self._dumps())
                self._current = call_id
            self._emit(replace(base, kind=PhoneEventKind.INCOMING))
        elif kind in ("CALL_RINGING", "CALL_PROGRESS"):
            with self._state_lock:
                call = self._calls.get(call_id)
                first = call is None
                if first:
                    call = _PhoneCall(call_id, "outgoing", peer,
                                      dumps_before=self._dumps_mark)
                    self._calls[call_id] = call
                    self._current = call_id
                    call.timer = threading.Timer(self.ring_timeout, self._ring_out, (call_id,))
                    call.timer.daemon = True
                    call.timer.start()
            if first:
                self._emit(replace(base, kind=PhoneEventKind.RINGING))
        elif kind == "CALL_ESTABLISHED":
            with self._state_lock:
                call = self._calls.get(call_id)
                if call is None:  # answered before it rang (auto-answer)
                    call = _PhoneCall(call_id, direction, peer)
                    self._calls[call_id] = call
                call.established = True
                self._current = call_id
                if call.timer is not None:
                    call.timer.cancel()
            outcome = DialOutcome.REACHED if direction == "outgoing" else None
            self._emit(replace(base, kind=PhoneEventKind.ANSWERED, outcome=outcome))
        elif kind == "CALL_TRANSFER":
            self._emit(replace(base, kind=PhoneEventKind.TRANSFERRED, reason=param))
        elif kind == "CALL_TRANSFER_FAILED":
            self._emit(replace(base, kind=PhoneEventKind.FAILED, reason=param))
        elif kind == "CALL_CLOSED":
            self._closed(call_id, param, base)

    def _ring_out(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.established:
            return
        call.no_answer = True
        call.local_hangup = True
        with contextlib.suppress(PhoneError):
            self.command("hangup")

    def _closed(self, call_id: str, param: str, base: PhoneEvent) -> None:
        with self._state_lock:
            call = self._calls.pop(call_id, None)
            if self._current == call_id:
                self._current = None
        if call is None:
            call = _PhoneCall(call_id, base.direction, base.peer_uri)
        if call.timer is not None:
            call.timer.cancel()
        m = _STATUS.match(param)
        status = int(m.group(1)) if m else None
        if call.direction == "outgoing" and not call.established:
            outcome = DialOutcome.NO_ANSWER if call.no_answer else outcome_of_status(status, param)
            self._emit(replace(base, kind=PhoneEventKind.FAILED, outcome=outcome, sip_status=status,
                                  reason=param))
            return
        files = self._recording_files(call)
        self._emit(replace(base, kind=PhoneEventKind.HUNG_UP, by_remote=not call.local_hangup,
                              sip_status=status, reason=param, recording=files))

    def _recording_files(self, call: _PhoneCall) -> tuple[str, ...]:
        if self.recordings_from is None or not call.established:
            return ()
        new = sorted(self._dumps() - call.dumps_before)
        return tuple(str(self.recordings_from / name) for name in new)


def read_config(path: Path) -> dict[str, str]:
    """baresip's ``config``: ``key value`` lines; modules are collected under ``_modules``."""
    values: dict[str, str] = {}
    modules: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PhoneError(_("cannot read {file}: {reason}").format(
            file=path, reason=exc.strerror)) from None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 1)
        key, value = parts[0], (parts[1].strip() if len(parts) > 1 else "")
        if key in ("module", "module_app", "module_tmp"):
            modules.append(value)
        else:
            values[key] = value
    values["_modules"] = " ".join(modules)
    return values


def first_account(path: Path) -> str | None:
    """The seat's address of record: the first account line's ``<sip:...>``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "<" in line and ">" in line:
            return line[line.index("<") + 1:line.index(">")]
    return None


def wait_for(predicate: Any, timeout: float, step: float = 0.02) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


__all__ = ["BaresipPhone", "call_id_param", "first_account", "number_of", "read_config"]
