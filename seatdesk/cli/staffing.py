"""``seatdesk staffing``: agents needed per interval, from the command line.

The command only parses, validates and prints; the arithmetic lives in
:mod:`seatdesk.domain.staffing.erlang` and the CSV reading in
:mod:`seatdesk.domain.staffing.forecast_csv`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from seatdesk.cli.table import text_table
from seatdesk.domain.i18n import N_, _
from seatdesk.domain.staffing.erlang import StaffingResult, erlang_a_staffing, erlang_c_staffing
from seatdesk.domain.staffing.forecast_csv import ForecastError, ForecastRow, read_forecast

__all__ = ["COMMANDS", "staffing"]


class _InputError(click.ClickException):
    """A usage mistake reported as a single ``Error: ...`` line with the usage exit code (2)."""

    exit_code = 2


class _TranslatedOption(click.Option):
    """An option whose help is translated when shown, not when this module is imported.

    The language is chosen by the top-level ``--lang`` after every command module has been
    imported, so help text fixed at import time would always be English.
    """

    @property
    def help(self) -> str | None:
        return _(self._help_id) if self._help_id else self._help_id

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_id = value


class _StaffingCommand(click.Command):
    """Translates its help lazily and turns every usage error into one line on stderr.

    Click's own usage errors print a usage block and a hint around the message; a desk
    operator pasting that into a ticket wants the one line that says what is wrong.
    """

    @property
    def help(self) -> str | None:
        return _(self._help_id) if self._help_id else self._help_id

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_id = value

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise _InputError(exc.format_message()) from None


MAX_OFFERED_ERLANGS = 1_000_000.0


class _Number(click.FloatRange):
    """A float in a range that must also be finite: "nan" and "inf" parse as floats."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(_("{value} is not a finite number.").format(value=value), param, ctx)
        return number


_Command = TypeVar("_Command", bound=Callable[..., Any])


def _option(*names: str, **kwargs: Any) -> Callable[[_Command], _Command]:
    return click.option(*names, cls=_TranslatedOption, **kwargs)


# The help strings below are marked with N_() so the catalogue tooling finds them; they are
# translated when displayed (see _TranslatedOption).
_HELP = N_(
    "Agents needed to answer the calls of an interval (or of a whole forecast) within a "
    "service-level goal, with Erlang C, or Erlang A when callers may hang up (--patience)."
    "\n\n"
    "One interval: --calls N --aht SECONDS --interval MINUTES --answer-within SECONDS "
    "--target-sl 0.8."
    "\n\n"
    "Many intervals: --forecast FILE.csv, a CSV file with a header row naming its columns: "
    "'interval' (a label or start time, shown as is), 'calls' (calls offered in the interval) "
    "and optionally 'aht' (average handling time in seconds for that interval; an empty cell "
    "uses --aht). Other columns are ignored; the separator may be a comma, a semicolon or a "
    "tab. The other options apply to every interval."
)


@click.command(name="staffing", cls=_StaffingCommand, help=_HELP)
@_option(
    "--calls",
    type=_Number(min=0),
    default=None,
    help=N_("Calls offered in the interval (one interval)."),
)
@_option(
    "--forecast",
    "forecast_path",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("CSV file of many intervals (columns interval, calls and optional aht)."),
)
@_option(
    "--aht",
    type=_Number(min=0, min_open=True),
    default=None,
    help=N_("Average handling time in seconds (talk + hold + wrap-up)."),
)
@_option(
    "--interval",
    "interval_minutes",
    type=_Number(min=0, min_open=True),
    required=True,
    help=N_("Interval length in minutes."),
)
@_option(
    "--answer-within",
    type=_Number(min=0),
    required=True,
    help=N_("Service-level threshold in seconds: calls answered within this count as on time."),
)
@_option(
    "--target-sl",
    type=_Number(min=0, max=1, min_open=True, max_open=True),
    required=True,
    help=N_("Share of calls to answer within --answer-within, between 0 and 1 (e.g. 0.8)."),
)
@_option(
    "--patience",
    type=_Number(min=0, min_open=True),
    default=None,
    help=N_("Callers' average patience in seconds; switches to Erlang A (callers may hang up)."),
)
@_option(
    "--max-abandon",
    type=_Number(min=0, max=1, min_open=True),
    default=None,
    help=N_("Largest acceptable share of abandoned calls (Erlang A only), e.g. 0.05."),
)
@_option(
    "--shrinkage",
    type=_Number(min=0, max=1, max_open=True),
    default=0.0,
    show_default=True,
    help=N_("Share of paid time agents are off the phones (breaks, training), from 0 to <1."),
)
@_option(
    "--max-occupancy",
    type=_Number(min=0, max=1, min_open=True),
    default=None,
    help=N_("Largest acceptable share of time agents spend on calls, e.g. 0.85."),
)
@_option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help=N_("Output as a table for people or JSON for programs."),
)
def staffing(
    calls: float | None,
    forecast_path: str | None,
    aht: float | None,
    interval_minutes: float,
    answer_within: float,
    target_sl: float,
    patience: float | None,
    max_abandon: float | None,
    shrinkage: float,
    max_occupancy: float | None,
    output_format: str,
) -> None:
    """Compute and print the staffing requirement (see _HELP)."""
    if calls is not None and forecast_path is not None:
        raise _InputError(_("use either --calls or --forecast, not both"))
    if calls is None and forecast_path is None:
        raise _InputError(
            _("give --calls for one interval or --forecast FILE.csv for many intervals")
        )
    if max_abandon is not None and patience is None:
        raise _InputError(_("--max-abandon needs --patience (abandonment is an Erlang A goal)"))

    rows = _load_rows(calls, forecast_path)
    results: list[tuple[ForecastRow, float, StaffingResult]] = []
    for row in rows:
        row_aht = row.aht if row.aht is not None else aht
        if row_aht is None:
            if forecast_path is None:
                raise _InputError(_("give --aht, the average handling time in seconds"))
            raise click.ClickException(
                _("{file}, line {line}: no aht in the file and no --aht given").format(
                    file=forecast_path, line=row.line
                )
            )
        # [integrity] bounded work: beyond this offered load (a million agents busy at
        # once) the solver runs for minutes; no floor is that big.
        load = row.calls * row_aht / (interval_minutes * 60.0)
        if load > MAX_OFFERED_ERLANGS:
            where = f"{forecast_path}, line {row.line}: " if forecast_path else ""
            raise click.ClickException(where + _(
                "{load:,.0f} Erlangs offered is more than seatdesk plans for ({max:,.0f}); "
                "check --calls, --aht and --interval").format(
                    load=load, max=MAX_OFFERED_ERLANGS))
        try:
            if patience is None:
                result = erlang_c_staffing(
                    row.calls,
                    aht=row_aht,
                    interval=interval_minutes,
                    answer_within=answer_within,
                    target_sl=target_sl,
                    max_occupancy=max_occupancy,
                    shrinkage=shrinkage,
                )
            else:
                result = erlang_a_staffing(
                    row.calls,
                    aht=row_aht,
                    interval=interval_minutes,
                    answer_within=answer_within,
                    target_sl=target_sl,
                    patience=patience,
                    max_abandon=max_abandon,
                    max_occupancy=max_occupancy,
                    shrinkage=shrinkage,
                )
        except ValueError as exc:  # the options are validated already; this is a backstop
            where = f"{forecast_path}, line {row.line}: " if forecast_path else ""
            raise click.ClickException(f"{where}{exc}") from None
        results.append((row, row_aht, result))

    if output_format == "json":
        goals = {
            "target_sl": target_sl,
            "answer_within": answer_within,
            "max_occupancy": max_occupancy,
            "max_abandon": max_abandon,
            "shrinkage": shrinkage,
            "patience": patience,
        }
        click.echo(_to_json(results, interval_minutes, goals))
    else:
        if patience is None:
            title = _("Erlang C: {sl} of calls answered within {t:g} s").format(
                sl=_percent(target_sl), t=answer_within
            )
        else:
            title = _(
                "Erlang A: {sl} of calls answered within {t:g} s, mean patience {p:g} s"
            ).format(sl=_percent(target_sl), t=answer_within, p=patience)
        click.echo(_to_table(results, title=title, erlang_a=patience is not None))


def _load_rows(calls: float | None, forecast_path: str | None) -> list[ForecastRow]:
    if forecast_path is None:
        # One interval from the options; the caller has checked that --calls is there.
        return [ForecastRow(line=0, interval="", calls=calls or 0.0, aht=None)]
    try:
        return read_forecast(forecast_path)
    except FileNotFoundError:
        raise click.ClickException(
            _("forecast file not found: {file}").format(file=forecast_path)
        ) from None
    except UnicodeDecodeError:
        raise click.ClickException(
            _("{file} is not UTF-8 text; save the forecast as a UTF-8 CSV").format(
                file=forecast_path
            )
        ) from None
    except OSError as exc:
        raise click.ClickException(
            _("cannot read {file}: {reason}").format(file=forecast_path, reason=exc.strerror or exc)
        ) from None
    except ForecastError as exc:
        raise click.ClickException(f"{forecast_path}: {exc}") from None


def _to_json(
    results: Sequence[tuple[ForecastRow, float, StaffingResult]],
    interval_minutes: float,
    goals: dict[str, float | None],
) -> str:
    model = results[0][2].model if results else "erlang_c"
    document = {
        "model": model,
        "interval_minutes": interval_minutes,
        "goals": goals,
        "intervals": [
            {
                "interval": row.interval or None,
                "calls": row.calls,
                "aht": row_aht,
                "traffic": result.traffic,
                "agents": result.agents,
                "scheduled": result.scheduled,
                "service_level": result.service_level,
                "asa": result.asa,
                "occupancy": result.occupancy,
                "p_wait": result.p_wait,
                "p_abandon": result.p_abandon,
            }
            for row, row_aht, result in results
        ],
    }
    # allow_nan=False: a NaN would make the output unreadable for strict JSON parsers; the
    # calculator never returns one at the required staffing, so failing loudly is right.
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _to_table(
    results: Sequence[tuple[ForecastRow, float, StaffingResult]], *, title: str, erlang_a: bool
) -> str:
    headers = [
        _("Interval"),
        _("Calls"),
        _("AHT (s)"),
        _("Erlangs"),
        _("Agents"),
        _("Scheduled"),
        _("SL"),
        _("ASA (s)"),
        _("Occupancy"),
        _("P(wait)"),
    ]
    if erlang_a:
        headers.append(_("P(abandon)"))
    body: list[list[str]] = []
    for row, row_aht, r in results:
        cells = [
            # Labels come from a file someone typed: text_table keeps escapes out.
            row.interval or "-",
            f"{row.calls:g}",
            f"{row_aht:g}",
            f"{r.traffic:.2f}",
            str(r.agents),
            str(r.scheduled),
            _percent(r.service_level),
            f"{r.asa:.1f}",
            _percent(r.occupancy),
            _percent(r.p_wait),
        ]
        if erlang_a:
            cells.append(_percent(r.p_abandon or 0.0))
        body.append(cells)
    return title + "\n" + text_table(headers, body)


# Picked up by seatdesk.cli.registry, which adds every area's commands to the `seatdesk` group.
COMMANDS: list[click.Command] = [staffing]
