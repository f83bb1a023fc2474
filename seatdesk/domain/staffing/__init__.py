"""Staffing calculator: Erlang C and Erlang A agent requirements per forecast interval.

Pure logic (no UI, no database): :mod:`.erlang` computes, :mod:`.forecast_csv` reads a
forecast file, :mod:`.command` is the ``seatdesk staffing`` CLI command.
"""

from seatdesk.domain.staffing.erlang import (
    Performance,
    StaffingResult,
    clear_cache,
    erlang_a_performance,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_performance,
    erlang_c_staffing,
    scheduled_agents,
    traffic_erlangs,
)
from seatdesk.domain.staffing.forecast_csv import (
    ForecastError,
    ForecastRow,
    parse_forecast,
    read_forecast,
)

__all__ = [
    "ForecastError",
    "ForecastRow",
    "Performance",
    "StaffingResult",
    "clear_cache",
    "erlang_a_performance",
    "erlang_a_staffing",
    "erlang_b",
    "erlang_c",
    "erlang_c_performance",
    "erlang_c_staffing",
    "parse_forecast",
    "read_forecast",
    "scheduled_agents",
    "traffic_erlangs",
]
