"""seatdesk: a full-screen terminal desk for call centers."""

import os

__version__ = "0.1.0"

# Textual paints changes on a fixed frame grid (TEXTUAL_FPS, default 60): a card that is
# ready just after a frame waits up to 16.7 ms for the next. The desk repaints only when
# something changes (no animations), so a finer grid costs nothing idle and halves that
# wait on the screen pop. Read by Textual when it is first imported; a user's own setting
# wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
