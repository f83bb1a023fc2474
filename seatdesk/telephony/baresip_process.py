"""Start a baresip for a seat (or a test's caller): its own config directory, on loopback.

Used by ``seatdesk phone config`` to write a seat's configuration, and by the real-SIP
tests, which run several phones side by side on ports chosen free at run time.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from seatdesk.domain.i18n import _, ngettext
from seatdesk.telephony.adapter import PhoneError
from seatdesk.telephony.baresip import BaresipPhone

MODULE_PATH = Path("/usr/lib/baresip/modules")


def baresip_binary() -> str | None:
    return shutil.which("baresip")


def _port_free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def free_port(pair: bool = False) -> int:
    """A loopback port free for TCP and UDP (and, with ``pair``, the next one too:
    baresip binds SIP on the port and SIP over TLS on port + 1)."""
    for _attempt in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
        s.close()
        if port < 65000 and _port_free(port) and (not pair or _port_free(port + 1)):
            return port
    raise PhoneError(_("no free loopback port"))


def tone_wav(path: Path, hz: float = 440.0, seconds: float = 60.0, rate: int = 8000) -> Path:
    """A sine tone as a WAV file: what a test phone "says" (baresip's aufile source)."""
    frames = bytearray()
    for i in range(int(rate * seconds)):
        frames += struct.pack("<h", int(9000 * math.sin(2 * math.pi * hz * i / rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return path


# baresip 1.0 (Debian's baresip-core) builds each recording's file name, snd_path plus
# "/dump-YYYY-MM-DD-HH-MM-SS-dec.wav", in a fixed buffer, and past it records nothing and
# says nothing. Measured (tests/telephony, a call between two phones): a snd_path of 93
# bytes records both sides, one of 94 neither.
SND_PATH_MAX = 93


def write_config(directory: Path, user: str, *, sip_port: int, ctrl_port: int,
                 source_wav: Path | None = None, record: bool = True,
                 rtp_ports: str = "20000-40000", audio: str | None = None,
                 listen: str = "127.0.0.1") -> str:
    """A seat's baresip configuration (config + accounts); returns the account's SIP URI.

    ``audio`` is the headset (e.g. ``alsa,default``); without it there is no audio
    device: the microphone is ``aufile`` (a WAV file) and the speaker ``aubridge`` (a null
    player), as in the tests. ``sndfile`` writes both directions of every call to
    ``snd_path``.
    """
    dumps = directory.absolute() / "dumps"
    size = len(str(dumps).encode())
    if record and size > SND_PATH_MAX:
        raise PhoneError(ngettext(
            "the phone's recordings would go to {path}, {n} byte long: baresip records "
            "nothing past {max}; choose a shorter directory",
            "the phone's recordings would go to {path}, {n} bytes long: baresip records "
            "nothing past {max}; choose a shorter directory", size)
            .format(path=dumps, n=size, max=SND_PATH_MAX))
    directory.mkdir(parents=True, exist_ok=True)
    source = f"aufile,{source_wav}" if source_wav else "aubridge,mic"
    player = audio or f"aubridge,{user}"
    lines = [
        "poll_method\t\tepoll",
        f"sip_listen\t\t{listen}:{sip_port}",
        f"net_interface\t\t{listen}",
        f"rtp_ports\t\t{rtp_ports}",
        f"audio_player\t\t{player}",
        f"audio_source\t\t{audio or source}",
        f"audio_alert\t\t{player}",
        f"module_path\t\t{MODULE_PATH}",
        "module\t\t\tg711.so",
        "module\t\t\taubridge.so",
        "module\t\t\taufile.so",
    ]
    if audio:
        lines.append(f"module\t\t\t{audio.split(',', 1)[0]}.so")
    if record:
        lines += ["module\t\t\tsndfile.so", f"snd_path\t\t{dumps}"]
        dumps.mkdir(exist_ok=True)
    lines += [
        "module_tmp\t\taccount.so",
        "module_app\t\tmenu.so",
        "module_app\t\tctrl_tcp.so",
        f"ctrl_tcp_listen\t\t127.0.0.1:{ctrl_port}",
        "call_max_calls\t\t4",
    ]
    (directory / "config").write_text("\n".join(lines) + "\n", encoding="utf-8")
    uri = f"sip:{user}@{listen}:{sip_port}"
    (directory / "accounts").write_text(f"<{uri}>;regint=0;answermode=manual\n",
                                        encoding="utf-8")
    return uri


@dataclass
class BaresipProcess:
    """A baresip started on its own config directory; stop() or kill() it."""

    directory: Path
    sip_uri: str
    ctrl_port: int
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, directory: Path, user: str, *, source_wav: Path | None = None,
              record: bool = True, timeout: float = 10.0) -> BaresipProcess:
        binary = baresip_binary()
        if binary is None:
            raise PhoneError(_("baresip is not installed (apt-get install baresip-core)"))
        for _attempt in range(3):
            sip_port, ctrl_port = free_port(pair=True), free_port()
            uri = write_config(directory, user, sip_port=sip_port, ctrl_port=ctrl_port,
                               source_wav=source_wav, record=record)
            log = open(directory / "baresip.log", "wb")  # noqa: SIM115 - the child owns it
            proc = subprocess.Popen([binary, "-f", str(directory)], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            log.close()
            end = time.monotonic() + timeout
            while time.monotonic() < end and proc.poll() is None:
                with contextlib.suppress(OSError), socket.create_connection(
                        ("127.0.0.1", ctrl_port), timeout=0.2):
                    return cls(directory, uri, ctrl_port, proc)
                time.sleep(0.05)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=5)
        raise PhoneError(_("baresip did not start; see {log}").format(
            log=directory / "baresip.log"))

    def phone(self, *, ring_timeout: float = 30.0) -> BaresipPhone:
        """A connected ctrl_tcp client of this phone."""
        return BaresipPhone.from_config_dir(self.directory,
                                            ring_timeout=ring_timeout).connect()

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """Kill it outright (the phone "dies")."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.kill()


__all__ = ["BaresipProcess", "baresip_binary", "free_port", "tone_wav", "write_config"]
