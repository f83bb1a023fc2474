"""Netstrings (``<length>:<bytes>,``), the framing of baresip's ctrl_tcp protocol."""

from __future__ import annotations

from seatdesk.domain.i18n import _, ngettext

# A ctrl_tcp message is a short JSON object; anything far longer is a broken stream.
MAX_LENGTH = 1 << 20


class NetstringError(ValueError):
    """The stream is not netstrings (a wrong port, or a corrupted connection)."""


def encode(payload: bytes) -> bytes:
    return b"%d:%s," % (len(payload), payload)


class NetstringReader:
    """Feed received bytes; take out every complete message."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buf.extend(data)
        out: list[bytes] = []
        while True:
            colon = self._buf.find(b":")
            if colon < 0:
                if len(self._buf) > 10:
                    raise NetstringError(_("no length prefix"))
                return out
            head = bytes(self._buf[:colon])
            if not head.isdigit():
                raise NetstringError(_("bad length prefix {prefix}").format(prefix=repr(head[:20])))
            length = int(head)
            if length > MAX_LENGTH:
                raise NetstringError(ngettext("message too long ({length} byte)",
                                              "message too long ({length} bytes)",
                                              length).format(length=length))
            end = colon + 1 + length
            if len(self._buf) < end + 1:
                return out
            if self._buf[end:end + 1] != b",":
                raise NetstringError(_("missing ',' after a message"))
            out.append(bytes(self._buf[colon + 1:end]))
            del self._buf[:end + 1]
