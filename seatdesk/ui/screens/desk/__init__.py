"""The seat desk, in parts: ``screen`` composes the panes and routes keys and messages to
the part that owns them (see docs/architecture.md, "The desk")."""

from seatdesk.ui.screens.desk.pop import CallLoaded
from seatdesk.ui.screens.desk.screen import DeskScreen
from seatdesk.ui.widgets.queue_table import QueueLoaded

__all__ = ["CallLoaded", "DeskScreen", "QueueLoaded"]
