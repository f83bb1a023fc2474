"""Fixtures shared by the desk's pilot tests."""

from __future__ import annotations

import pytest

from seatdesk.services.container import Backend
from tests.ui.desk_support import desk_floor


@pytest.fixture
def floor_backend(sqlite_url, clock):
    """A SQLite floor with the desk's people and queues: (backend, what desk_floor made)."""
    backend = Backend.open(sqlite_url, clock)
    data = desk_floor(backend)
    yield backend, data
    backend.close()
