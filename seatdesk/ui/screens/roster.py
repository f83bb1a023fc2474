"""The weekly roster of a team (排班): agents × days, assigned from the keyboard.

Keys: arrows move; 1–9 put the template of that number on the day; L leave; O day off;
Delete clears; R keeps a refused change by giving a reason; C copies last week; F fills
the empty days with the optimiser; P publishes; [ and ] change the week; V shows the
coverage of the day under the cursor.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from seatdesk.domain.i18n import N_, _, ngettext
from seatdesk.domain.roster.rules import week_start
from seatdesk.domain.text import neutralise
from seatdesk.services.roster import (
    LEAVE,
    OFF,
    CopyResult,
    FillReport,
    RosterWeekView,
    RuleBroken,
)
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatModalScreen, SeatScreen
from seatdesk.ui.widgets.table import SeatTable

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


class TextPrompt(SeatModalScreen[str | None]):
    """Ask for one line of text (a reason, a login); Enter answers, Escape cancels."""

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 70; height: auto; border: thick $accent; background: $panel; padding: 1 2;
    }
    TextPrompt #prompt-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="prompt.cancel")]

    def __init__(self, question: str, *, value: str = "", required: bool = True,
                 max_len: int = 300) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.required = required
        self.max_len = max_len

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(self.value, id="prompt-input")
            yield Static("", id="prompt-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        error = self.query_one("#prompt-error", Static)
        if self.required and not value:
            error.update(_("this cannot be empty"))
            return
        if len(value) > self.max_len:
            error.update(_("at most {n} characters").format(n=self.max_len))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RosterScreen(SeatScreen[None]):
    DEFAULT_CSS = """
    RosterScreen #roster-title { height: 1; padding: 0 1; text-style: bold; }
    RosterScreen #roster-legend { height: auto; padding: 0 1; color: $text-muted; }
    RosterScreen #roster-grid { height: 1fr; }
    RosterScreen #roster-message { height: auto; min-height: 1; padding: 0 1; }
    RosterScreen #roster-message.error { color: $error; text-style: bold; }
    RosterScreen #roster-violations { height: auto; max-height: 6; padding: 0 1; color: $warning; }
    """
    BINDINGS = [
        *[Binding(str(n), f"template({n})", _("Template {n}").format(n=n), id=f"roster.t{n}",
                  show=n == 1) for n in range(1, 10)],
        Binding("l", "mark('leave')", _("Leave"), id="roster.leave"),
        Binding("o", "mark('off')", _("Day off"), id="roster.off"),
        Binding("delete,backspace", "mark('')", _("Clear"), id="roster.clear"),
        Binding("r", "override", _("Keep with reason"), id="roster.override"),
        Binding("c", "copy_week", _("Copy last week"), id="roster.copy"),
        Binding("f", "fill", _("Fill"), id="roster.fill"),
        Binding("p", "publish", _("Publish"), id="roster.publish"),
        Binding("left_square_bracket", "week(-1)", _("Previous week"), id="roster.prev"),
        Binding("right_square_bracket", "week(1)", _("Next week"), id="roster.next"),
        Binding("v", "coverage", _("Coverage"), id="roster.coverage"),
        Binding("q", "requests", _("Requests"), id="roster.requests"),
    ]

    def __init__(self, team_code: str | None = None, day: date | None = None) -> None:
        super().__init__()
        self.team_code = team_code
        self._day = day
        self.view: RosterWeekView | None = None
        self.refused: tuple[int, date, str] | None = None

    def binding_labels(self) -> dict[str, str]:
        # "Template {n}" has a number in it: labelled when shown, in the seat's language.
        return {f"roster.t{n}": _("Template {n}").format(n=n) for n in range(1, 10)}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="roster-title")
        yield Static("", id="roster-legend")
        grid: DataTable[str | Text] = SeatTable(id="roster-grid", cursor_type="cell",
                                                zebra_stripes=True)
        yield grid
        yield Static("", id="roster-violations")
        yield Static("", id="roster-message")
        yield Footer()

    def on_mount(self) -> None:
        today = seat_app(self).clock().astimezone(seat_app(self).settings.tz).date()
        self.monday = week_start(self._day or today)
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.load()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"roster", "*", "poll"}:
            self.load()

    # ---- loading and drawing ---------------------------------------------------------

    def load(self) -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        team, monday = self.team_code, self.monday

        def read() -> RosterWeekView:
            if not roster.templates():
                roster.ensure_default_templates(actor)
            shown = team
            if shown is None and actor.team_id is None:
                teams = roster.teams(actor)
                shown = teams[0] if teams else None
            return roster.week(actor, shown, monday)

        call_service(self, read, self._show_week, group="roster-load", latest_only=True,
                     on_failed=self._refused)

    def _show_week(self, view: RosterWeekView) -> None:
        self.view = view
        self.team_code = view.team_code
        at = (view.published_at.astimezone(seat_app(self).settings.tz).strftime("%m-%d %H:%M")
              if view.published_at else "")
        if view.published_at is None:
            published = _("not published")
        elif view.changes_since_publish:
            published = ngettext("published {at}, changed since ({n} change; P re-publishes)",
                                 "published {at}, changed since ({n} changes; P re-publishes)",
                                 view.changes_since_publish).format(
                at=at, n=view.changes_since_publish)
        else:
            published = _("published {at}").format(at=at)
        changes = (ngettext(", {n} change not published", ", {n} changes not published",
                            view.unpublished_changes).format(n=view.unpublished_changes)
                   if view.published_at and view.unpublished_changes
                   and not view.changes_since_publish else "")
        self.query_one("#roster-title", Static).update(
            _("Roster · team {team} · week of {week} · {state}{changes}").format(
                team=view.team_code, week=view.week_start, state=published, changes=changes))
        legend = "  ".join(f"{i + 1} {t.code} {t.hours}"
                           for i, t in enumerate(view.templates[:9]))
        self.query_one("#roster-legend", Static).update(
            legend + "  ·  " + _("L leave  O off  Del clear"))
        self._draw(view)
        lines = [f"⚠ {v.message}" for v in view.violations[:5]]
        self.query_one("#roster-violations", Static).update("\n".join(lines))

    def _draw(self, view: RosterWeekView) -> None:
        table = self.query_one("#roster-grid", DataTable)
        keys = [str(a.user_id) for a in view.agents]
        cols = [str(d) for d in view.days]
        same = ([str(k.value) for k in table.rows] == keys
                and [str(c.value) for c in table.columns][1:] == cols)
        if not same:
            cursor = table.cursor_coordinate
            table.clear(columns=True)
            table.add_column(_("Agent"), key="agent", width=22)
            for d in view.days:
                table.add_column(f"{_(WEEKDAYS[d.weekday()])} {d:%m-%d}", key=str(d), width=13)
            for a in view.agents:
                table.add_row(*self._row(view, a.user_id), key=str(a.user_id))
            if table.row_count:
                table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
            return
        # Same agents and days: update the cells so the cursor and scroll stay put.
        for a in view.agents:
            for col, value in zip(["agent", *cols], self._row(view, a.user_id), strict=True):
                table.update_cell(str(a.user_id), col, value)

    def _row(self, view: RosterWeekView, user_id: int) -> list[str | Text]:
        agent = next(a for a in view.agents if a.user_id == user_id)
        bad_days = {v.day for v in view.violations if v.user_id == user_id}
        cells: list[str | Text] = [Text(neutralise(f"{agent.agent_no} {agent.name}"))]
        for d in view.days:
            sh = view.shift(user_id, d)
            text = seat_app(self).backend.roster.cell_text(view, user_id, d)
            style = ""
            if sh is not None and sh.kind in (LEAVE, OFF):
                style = "dim"
            if d in bad_days or (sh is not None and sh.override_reason):
                style = "bold red"
                text += " !"
            elif sh is not None and not sh.published:
                text += " *"
            cells.append(Text(text, style=style))
        return cells

    def _message(self, text: str, *, error: bool = False) -> None:
        bar = self.query_one("#roster-message", Static)
        bar.update(neutralise(text))
        bar.set_class(error, "error")

    def noted(self, text: str, *, error: bool = False,
              refused: tuple[int, date, str] | None = None, reload: bool = False) -> None:
        """A line for the message bar; ``refused`` keeps a change a reason could still save."""
        self.refused = refused
        if refused:
            text += "  " + _("(press R to keep it with a reason)")
        self._message(text, error=error)
        if reload:
            self.load()

    def _refused(self, failed: ServiceFailed) -> None:
        self.noted(failed.refusal_text, error=True)

    # ---- actions -----------------------------------------------------------------------

    def _cell(self) -> tuple[int, date] | None:
        if self.view is None or not self.view.agents:
            return None
        table = self.query_one("#roster-grid", DataTable)
        row, col = table.cursor_coordinate
        if col == 0:
            self._message(_("move to a day first (→)"), error=True)
            return None
        return self.view.agents[row].user_id, self.view.days[col - 1]

    def action_template(self, n: int) -> None:
        if self.view is None:
            return
        if n > len(self.view.templates):
            self._message(_("there is no template {n}").format(n=n), error=True)
            return
        self._change(self.view.templates[n - 1].code)

    def action_mark(self, choice: str) -> None:
        self._change(choice)

    def _change(self, choice: str, reason: str = "") -> None:
        cell = self._cell()
        if cell is not None:
            self.assign(cell[0], cell[1], choice, reason)

    def assign(self, user_id: int, day: date, choice: str, reason: str = "") -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        note = _("kept with reason: {r}").format(r=reason) if reason else _("saved")

        def refused(failed: ServiceFailed) -> None:
            # A broken rule can still be kept with a reason (R); any other refusal cannot.
            keep = (user_id, day, choice) if isinstance(failed.refusal, RuleBroken) else None
            self.noted(failed.refusal_text, error=True, refused=keep)

        call_service(self, lambda: roster.assign(actor, user_id, day, choice, reason),
                     lambda _saved: self.noted(note, reload=True), group="roster-write",
                     on_failed=refused)

    def action_override(self) -> None:
        if self.refused is None:
            self._message(_("nothing refused to keep"), error=True)
            return
        user_id, day, choice = self.refused

        def done(reason: str | None) -> None:
            if reason:
                self.assign(user_id, day, choice, reason)

        self.app.push_screen(TextPrompt(_("Why keep this shift although it breaks a rule?"),
                                        max_len=200), done)

    def action_copy_week(self) -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        team, monday = self.team_code, self.monday
        call_service(self, lambda: roster.copy_last_week(actor, team, monday), self._copied,
                     group="roster-bulk", on_failed=self._refused)

    def _copied(self, result: CopyResult) -> None:
        text = ngettext("copied {n} day from last week", "copied {n} days from last week",
                        result.copied).format(n=result.copied)
        if result.refused:
            text += "; " + _("left out: {why}").format(
                why="; ".join(v.message for v in result.refused[:3]))
        self.noted(text, error=bool(result.refused), reload=True)

    def action_fill(self) -> None:
        self.noted(_("filling the roster…"))
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        team, monday = self.team_code, self.monday
        call_service(self, lambda: roster.fill(actor, team, monday), self._filled,
                     group="roster-bulk", on_failed=self._refused)

    def _filled(self, report: FillReport) -> None:
        short = [s for s in report.result.short if s.queue is None]
        text = ngettext("added {n} shift", "added {n} shifts", report.created).format(
            n=report.created)
        if short:
            tz = seat_app(self).settings.tz
            named = ", ".join(s.start.astimezone(tz).strftime("%a %H:%M") for s in short[:6])
            text += "; " + ngettext("{n} interval stays short: {which}",
                                    "{n} intervals stay short: {which}", len(short)).format(
                n=len(short), which=named)
        self.noted(text, error=bool(report.result.short), reload=True)

    def action_publish(self) -> None:
        roster, actor = seat_app(self).backend.roster, signed_in(self)
        team, monday = self.team_code, self.monday
        call_service(self, lambda: roster.publish(actor, team, monday),
                     lambda n: self.noted(ngettext("published {n} shift", "published {n} shifts",
                                                   n).format(n=n), reload=True),
                     group="roster-bulk", on_failed=self._refused)

    def action_week(self, step: int) -> None:
        self.monday += timedelta(days=7 * step)
        self.refused = None
        self.load()

    def action_requests(self) -> None:
        from seatdesk.ui.screens.roster_requests import RosterRequestsScreen

        self.app.push_screen(RosterRequestsScreen(self.team_code))

    def action_coverage(self) -> None:
        from seatdesk.ui.screens.coverage import CoverageScreen

        cell = self._cell()
        day = cell[1] if cell else self.monday
        self.app.push_screen(CoverageScreen(self.team_code, day))
