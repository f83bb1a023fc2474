"""Password hashing with scrypt (memory-hard), from the standard library.

The cost is OWASP's Password Storage Cheat Sheet minimum for scrypt: N=2^17, r=8, p=1
(128 MiB, about a tenth of a second per sign-in on one core). Each hash records its own
parameters, so raising them later leaves existing hashes verifiable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

DEFAULT_N = 2**17
_N, _R, _P = DEFAULT_N, 8, 1
# N=2^17, r=8 needs 128 MiB (128·r·N bytes); hashlib refuses more than 32 MiB by default.
_MAXMEM = 2**28
# A stored hash with a larger cost than this is refused rather than computed.
_MAX_N = 2**20

_dummy: dict[tuple[int, int, int], str] = {}


def hash_password(password: str, *, n: int | None = None) -> str:
    n = n or _N
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_R, p=_P, dklen=32,
                            maxmem=_MAXMEM)
    b64 = base64.b64encode
    return f"scrypt${n}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        cost = (int(n), int(r), int(p))
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    except ValueError:
        return False
    if scheme != "scrypt" or cost[0] > _MAX_N:
        return False
    candidate = hashlib.scrypt(password.encode(), salt=salt, n=cost[0], r=cost[1], p=cost[2],
                               dklen=len(digest), maxmem=_MAXMEM)
    return hmac.compare_digest(candidate, digest)


def verify_nothing(password: str) -> bool:
    """Spend what checking a real password costs, and say no.

    A sign-in for a login that does not exist (or is locked or disabled) takes as long as
    one with a wrong password, so timing tells nothing about which logins exist.
    """
    key = (_N, _R, _P)
    if key not in _dummy:
        # Random salt and digest: no password matches it, and building it costs nothing.
        b64 = base64.b64encode
        _dummy[key] = (f"scrypt${_N}${_R}${_P}${b64(secrets.token_bytes(16)).decode()}"
                       f"${b64(secrets.token_bytes(32)).decode()}")
    verify_password(password, _dummy[key])
    return False
