"""seatdesk: a full-screen terminal desk for call centers."""

__version__ = "0.1.0"
