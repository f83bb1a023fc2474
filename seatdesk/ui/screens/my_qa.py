"""An agent's own QA results: acknowledge or dispute (申诉); team leads rule on disputes.

The list shows only the agent's own evaluations (the service refuses anything else), with
the inspector's comment under each item, its weight and (on the focused item) its guidance.
A asks to acknowledge the highlighted evaluation and a second A confirms (it cannot be
undone). D starts a dispute: move to an item and type why (the reason box opens for that
item), or press 1–4 for a reason from the list, Tab to write in the box for the focused
item, Enter to go on to the next item; Ctrl+S sends the dispute, Esc leaves it.
G shows your coaching tasks and your QA trend (K acknowledges the highlighted task).
Team leads and supervisors press T to see the disputes waiting for them (Enter rules) and
G the open and overdue coaching per agent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Header, Input, Static

from seatdesk.domain.i18n import _
from seatdesk.domain.qa.scoring import Answer
from seatdesk.domain.text import neutralise
from seatdesk.services.permissions import Permission, allowed
from seatdesk.services.qa_views import (
    CallRecord,
    CoachingRow,
    CoachingSummary,
    DisputeRow,
    EvaluationView,
    TrendRow,
)
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.cells import plain_cells
from seatdesk.ui.widgets.score_form import ItemRow, ScoreForm
from seatdesk.ui.widgets.table import SeatTable


@dataclass(frozen=True)
class MyQaLists:
    """What the screen's one read brings: the agent's own QA and, for a lead, the team's."""

    evaluations: list[EvaluationView]
    disputes: list[DisputeRow]
    coaching: list[CoachingRow]
    overview: list[CoachingSummary]
    trend: list[TrendRow]


def reason_label(code: str) -> str:
    from seatdesk.services.qa import dispute_reason_label

    return dispute_reason_label(code)


def reason_codes() -> tuple[str, ...]:
    from seatdesk.services.qa import DISPUTE_REASON_CODES

    return DISPUTE_REASON_CODES


def play_text(record: CallRecord | None) -> str:
    """Play the call's recording; the line to show (what plays, or why not)."""
    from seatdesk.ui.screens.qa_score import play_recording

    ref = record.call.recording_ref if record else None
    if not ref:
        return _("this call has no recording")
    try:
        play_recording(ref)
    except ValueError as exc:
        return str(exc)
    return _("playing {ref}").format(ref=neutralise(ref))


def _score(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def _result(ev: EvaluationView) -> str:
    if ev.critical_failed:
        return _("critical fail")
    if ev.passed is None:
        return "-"
    return _("pass") if ev.passed else _("fail")


def _status(ev: EvaluationView) -> str:
    if ev.superseded_by:
        return _("replaced by revision")
    if ev.response is None:
        return _("awaiting your answer")
    if ev.response.kind == "acknowledged":
        return _("acknowledged")
    return {"open": _("disputed, waiting"), "upheld": _("dispute upheld"),
            "changed": _("dispute: score changed")}.get(ev.response.state, ev.response.state)


class _QaWorkScreen(SeatScreen[None]):
    """Runs a backend call (``call_service``) and reports one line on the screen."""

    def run_call(self, fn: Callable[[], object], done: str) -> None:
        call_service(self, fn, lambda _result: self.noted(done, reload=True), group="my-qa",
                     on_failed=self.refused)

    def refused(self, failed: ServiceFailed) -> None:
        """A refused or failed call: said on the screen's status line, nothing reloads."""
        self.noted(failed.text)

    def noted(self, text: str, reload: bool = False) -> None:
        raise NotImplementedError


class MyEvaluationsScreen(_QaWorkScreen):
    DEFAULT_CSS = """
    MyEvaluationsScreen #mine { width: 62; height: 1fr; }
    MyEvaluationsScreen #detail { width: 1fr; }
    MyEvaluationsScreen #detail-head { height: auto; max-height: 6; padding: 0 1; }
    MyEvaluationsScreen #my-status { height: auto; padding: 0 1; }
    MyEvaluationsScreen #my-record { height: 12; border: round $secondary; padding: 0 1; }
    MyEvaluationsScreen Input { height: 3; }
    """
    BINDINGS = [
        Binding("a", "acknowledge", _("Acknowledge"), id="my_qa.acknowledge"),
        Binding("d", "dispute", _("Dispute"), id="my_qa.dispute"),
        Binding("ctrl+s", "send_dispute", _("Send dispute"), id="my_qa.send"),
        Binding("t", "toggle_disputes", _("Disputes to rule"), id="my_qa.toggle"),
        Binding("g", "coaching", _("Coaching"), id="my_qa.coaching"),
        Binding("p", "play", _("Play recording"), id="my_qa.play"),
        Binding("k", "acknowledge_coaching", _("Acknowledge coaching"),
                id="my_qa.acknowledge_coaching"),
        Binding("escape", "to_list", _("To list"), id="my_qa.to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.evaluations: list[EvaluationView] = []
        self.disputes: list[DisputeRow] = []
        self.coaching: list[CoachingRow] = []
        self.overview: list[CoachingSummary] = []
        self.trend: list[TrendRow] = []
        self.view = "mine"  # mine | disputes | coaching
        self.disputing = False  # keys on an item write its dispute reason
        self.reasons: dict[str, str] = {}
        self.codes: dict[str, str] = {}  # item key -> reason from the list
        self.current: EvaluationView | None = None
        self._item_key: str | None = None
        self._confirm_ack: int | None = None  # the evaluation a first A asked about
        self.record: CallRecord | None = None

    @property
    def showing_disputes(self) -> bool:
        return self.view == "disputes"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield SeatTable(id="mine", cursor_type="row", zebra_stripes=True)
            with Vertical(id="detail"):
                yield Static("", id="detail-head", markup=False)  # stored text
                yield Vertical(id="detail-form")
                yield Static(_("Dispute reason for the focused item"), id="reason-label")
                yield Input(id="reason", max_length=1000, disabled=True,
                            select_on_focus=False,
                            placeholder=_("press D, move to an item, type why"))
                yield Static("", id="reason-list", markup=False)
                yield VerticalScroll(Static("", id="record-text", markup=False), id="my-record")
        yield Static("", id="my-status", classes="field-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        seat_app(self).data_changed.subscribe(self, self._on_data_changed)
        self.query_one("#mine", DataTable).focus()
        self.reload()

    def _on_data_changed(self, topics: frozenset[str]) -> None:
        if topics & {"qa", "*"}:
            self.reload()

    @property
    def may_rule(self) -> bool:
        return allowed(signed_in(self), Permission.RULE_DISPUTES)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_disputes":
            return self.may_rule  # agents rule nothing: no key for it
        if action in ("acknowledge", "dispute", "send_dispute", "play"):
            return self.view == "mine"
        if action == "acknowledge_coaching":
            return self.view == "coaching" and not self.may_rule
        return True

    def reload(self) -> None:
        app = seat_app(self)
        qa, actor, timezone = app.backend.qa, signed_in(self), app.settings.timezone
        rules = self.may_rule

        def read() -> MyQaLists:
            return MyQaLists(qa.my_evaluations(actor),
                             qa.open_disputes(actor) if rules else [],
                             qa.my_coaching(actor),
                             qa.coaching_overview(actor) if rules else [],
                             qa.trend(actor, weeks=8, timezone=timezone))

        call_service(self, read, self._loaded, group="my-qa-load", latest_only=True,
                     on_failed=self.refused)

    def _loaded(self, lists: MyQaLists) -> None:
        self.evaluations, self.disputes = lists.evaluations, lists.disputes
        self.coaching, self.overview, self.trend = lists.coaching, lists.overview, lists.trend
        if self.disputing:
            return  # the reasons being typed stay where they are
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#mine", DataTable)
        table.clear(columns=True)
        tz = seat_app(self).settings.tz
        if self.view == "coaching":
            self._fill_coaching(table)
            return
        if self.showing_disputes:
            table.add_columns(_("Dispute"), _("Call"), _("Agent"), _("Team"), _("Score"))
            for d in self.disputes:
                table.add_row(*plain_cells(str(d.response_id), str(d.call_id), d.agent_name,
                                           d.team_code or "-", _score(d.score)),
                              key=f"d{d.response_id}")
        else:
            table.add_columns(_("Call"), _("Rev"), _("Score"), _("Result"), _("Submitted"),
                              _("Status"))
            for ev in self.evaluations:
                table.add_row(str(ev.call_id), str(ev.revision), _score(ev.score), _result(ev),
                              ev.submitted_at.astimezone(tz).strftime("%m-%d %H:%M")
                              if ev.submitted_at else "-", _status(ev), key=f"e{ev.id}")
        if table.row_count:
            self._show(0)
        else:
            self.query_one("#detail-head", Static).update(
                _("no disputes wait for you") if self.showing_disputes
                else _("no evaluations yet"))

    def _fill_coaching(self, table: DataTable[str | Text]) -> None:
        app = seat_app(self)
        tz = app.settings.tz
        now = app.clock()
        if self.may_rule:
            table.add_columns(_("Agent"), _("Name"), _("Open"), _("Overdue"))
            for o in self.overview:
                table.add_row(*plain_cells(o.agent_login, o.agent_name, str(o.open),
                                           str(o.overdue)), key=f"o{o.agent_login}")
            head = [_("Open and overdue coaching per agent")]
        else:
            from seatdesk.domain.duetime import until_text

            table.add_columns(_("Call"), _("Due"), _("State"), _("What to improve"))
            for c in self.coaching:
                state = _("overdue") if c.overdue else (
                    _("open") if c.state == "open" else _("acknowledged"))
                table.add_row(*plain_cells(str(c.call_id or "-"),
                                           c.due_at.astimezone(tz).strftime("%m-%d %H:%M")
                                           + " · " + until_text(c.due_at, now, tz), state,
                                           c.what[:60]), key=f"c{c.id}")
            head = [_("Your coaching tasks (K acknowledges)")]
        if not self.may_rule:  # a lead's own QA trend is not what this view is about
            points = [f"{t.period[5:]} {_score(t.average)} ({t.evaluations})"
                      for t in self.trend]
            head.append(_("QA trend by week: {points}").format(points=" · ".join(points)))
        self.query_one("#detail-head", Static).update("\n".join(head))
        self.query_one("#detail-form", Vertical).remove_children()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value or ""
        if self.view == "coaching" and key.startswith("o"):
            self.load_trend(key[1:])  # a lead looks at one agent's QA over the weeks
            return
        self._show(event.cursor_row)

    def load_trend(self, login: str) -> None:
        app = seat_app(self)
        qa, actor, timezone = app.backend.qa, signed_in(self), app.settings.timezone
        call_service(self, lambda: qa.trend(actor, login, weeks=8, timezone=timezone),
                     lambda trend: self._show_trend(login, trend), group="my-qa-trend",
                     latest_only=True, on_failed=self.refused)

    def _show_trend(self, login: str, trend: list[TrendRow]) -> None:
        if self.view != "coaching":
            return
        points = [f"{t.period[5:]} {_score(t.average)} ({t.evaluations})" for t in trend]
        self.query_one("#detail-head", Static).update("\n".join([
            _("Open and overdue coaching per agent"),
            _("{agent}: QA trend by week: {points}").format(
                agent=neutralise(login), points=" · ".join(points))]))

    def _show(self, index: int) -> None:
        if self.view != "mine" or not 0 <= index < len(self.evaluations):
            self.current = None
            return
        ev = self.evaluations[index]
        if self.current is not None and self.current.id == ev.id:
            return
        self.current = ev
        self.reasons, self.codes = {}, {}
        self._confirm_ack = None
        self.disputing = False
        holder = self.query_one("#detail-form", Vertical)
        holder.remove_children()
        holder.mount(ScoreForm(ev.form, ev.answers, lang=seat_app(self).settings.lang,
                               read_only=True, show_comments=True))
        tz = seat_app(self).settings.tz
        lines = [_("Call #{call} · revision {rev} · score {score} · {result}").format(
            call=ev.call_id, rev=ev.revision, score=_score(ev.score), result=_result(ev)),
            _("Inspector: {name} · {status}").format(name=neutralise(ev.inspector_name),
                                                     status=_status(ev))]
        if ev.comment:
            lines.append(_("Feedback: {c}").format(c=neutralise(ev.comment)))
        if ev.revised_by:
            lines.append(_("Revised after your dispute, ruled by {who}").format(
                who=neutralise(ev.revised_by)))
        if ev.response and ev.response.ruling:
            lines.append(_("Ruling: {r}").format(r=neutralise(ev.response.ruling)))
        if ev.respond_until and ev.response is None:
            lines.append(_("Answer by {t}").format(
                t=ev.respond_until.astimezone(tz).strftime("%Y-%m-%d %H:%M")))
        self.query_one("#detail-head", Static).update("\n".join(lines))
        self.query_one("#reason", Input).disabled = True
        self.record = None
        self.query_one("#record-text", Static).update(_("loading…"))
        self.load_record(ev.call_id)

    def load_record(self, call_id: int) -> None:
        qa, actor = seat_app(self).backend.qa, signed_in(self)
        # A record that cannot be read says why in the record's own place.
        call_service(self, lambda: qa.call_record(actor, call_id),
                     lambda record: self._show_record(record, ""), group="my-qa-record",
                     latest_only=True,
                     on_failed=lambda failed: self._show_record(None, failed.text))

    def _show_record(self, record: CallRecord | None, text: str) -> None:
        from seatdesk.ui.screens.qa_score import record_text

        self.record = record
        self.query_one("#record-text", Static).update(
            record_text(record, seat_app(self).settings.tz) if record else text)

    def action_play(self) -> None:
        self._say(play_text(self.record))

    # ---- acknowledge and dispute --------------------------------------------------------

    def action_acknowledge(self) -> None:
        if self.current is None or self.disputing:
            return
        if self._confirm_ack != self.current.id:
            # It cannot be undone (no dispute afterwards): one stray key must not do it.
            self._confirm_ack = self.current.id
            self._say(_("press A again to acknowledge this score; you cannot dispute it "
                        "afterwards"))
            return
        self._confirm_ack = None
        qa, actor, ev_id = seat_app(self).backend.qa, signed_in(self), self.current.id
        self.run_call(lambda: qa.acknowledge(actor, ev_id), _("acknowledged"))

    def action_dispute(self) -> None:
        if self.current is None:
            return
        self.disputing = True
        self._confirm_ack = None
        self.query_one("#reason", Input).disabled = False
        self.query_one(ScoreForm).focus_item(next(iter(self.current.answers), None))
        self.query_one("#reason-list", Static).update("  ".join(
            f"{n}: {reason_label(code)}" for n, code in enumerate(reason_codes(), 1)))
        self._say(_("dispute: on an item, type why or press 1–4 for a reason from the list; "
                    "Enter goes on to the next item; Ctrl+S sends, Esc stops"))

    def on_key(self, event: events.Key) -> None:
        """In a dispute, keys on a focused item write that item's reason."""
        if not self.disputing:
            return
        row = self.focused
        if not isinstance(row, ItemRow):
            return
        field = self.query_one("#reason", Input)
        if event.key == "tab":
            event.stop()
            event.prevent_default()
            field.focus()
        elif event.character and event.character in "1234" and len(event.character) == 1:
            event.stop()
            event.prevent_default()
            code = reason_codes()[int(event.character) - 1]
            self.codes[row.key] = code
            self._mark(row.key)
            field.focus()
        elif event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            field.value += event.character
            field.cursor_position = len(field.value)
            field.focus()

    def _mark(self, key: str) -> None:
        row = self.query_one(ScoreForm).row(key)
        parts = []
        if key in self.codes:
            parts.append(reason_label(self.codes[key]))
        if self.reasons.get(key, "").strip():
            parts.append(neutralise(self.reasons[key].strip())[:40])
        row.mark = ("⚑ " + " · ".join(parts)) if parts else ""
        row.refresh(layout=True)

    def on_descendant_focus(self, event: object) -> None:
        try:
            form = self.query_one(ScoreForm)
        except NoMatches:  # no evaluation shown
            return
        row = form.current
        if row is not None:
            # The reason box now belongs to this item (until another item is focused).
            self._item_key = row.key
            field = self.query_one("#reason", Input)
            with field.prevent(Input.Changed):
                field.value = self.reasons.get(row.key, "")
            self.query_one("#reason-label", Static).update(
                _("Dispute reason for: {q}").format(q=neutralise(row.item.text(form.lang))[:60]))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reason" and self._item_key and self.disputing:
            self.reasons[self._item_key] = event.value
            self._mark(self._item_key)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            # Back to the items, on the one after the item this reason was for.
            rows = self.query_one(ScoreForm).rows()
            keys = [r.key for r in rows]
            if rows:
                at = keys.index(self._item_key) + 1 if self._item_key in keys else 0
                rows[min(at, len(rows) - 1)].focus()

    def action_send_dispute(self) -> None:
        if self.current is None:
            return
        reasons = {k: v for k, v in self.reasons.items() if v.strip()}
        codes = dict(self.codes)
        if not reasons and not codes:
            self._say(_("give a reason for at least one item you dispute"))
            return
        qa, actor, ev_id = seat_app(self).backend.qa, signed_in(self), self.current.id
        self.run_call(lambda: qa.dispute(actor, ev_id, reasons, "", codes),
                      _("dispute sent to your team lead"))

    def noted(self, text: str, reload: bool = False) -> None:
        self._say(text)
        if reload:
            self.current = None
            self.disputing = False
            self.reload()

    def _say(self, text: str) -> None:
        self.query_one("#my-status", Static).update(text)

    # ---- ruling (team leads, supervisors) -----------------------------------------------

    def action_toggle_disputes(self) -> None:
        if not self.may_rule:
            self._say(_("only team leads and supervisors rule on disputes"))
            return
        self._switch("mine" if self.view == "disputes" else "disputes")

    def action_coaching(self) -> None:
        self._switch("mine" if self.view == "coaching" else "coaching")

    def _switch(self, view: str) -> None:
        self.view = view
        self.disputing = False
        self.current = None
        self.query_one("#detail-form", Vertical).remove_children()
        self.query_one("#reason", Input).disabled = True
        self._fill()
        self.refresh_bindings()

    def action_acknowledge_coaching(self) -> None:
        table = self.query_one("#mine", DataTable)
        if self.view != "coaching" or not table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value or ""
        if not key.startswith("c"):
            return
        qa, actor = seat_app(self).backend.qa, signed_in(self)
        self.run_call(lambda: qa.acknowledge_coaching(actor, int(key[1:])),
                      _("coaching acknowledged"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.startswith("d"):
            dispute = next(d for d in self.disputes if d.response_id == int(key[1:]))
            self.app.push_screen(DisputeRulingScreen(dispute), self._ruled)

    def _ruled(self, _result: None) -> None:
        self.reload()

    def action_to_list(self) -> None:
        if self.disputing:
            self.disputing = False  # the reasons typed so far stay until another evaluation
            self.query_one("#reason", Input).disabled = True
            self._say(_("dispute not sent; D goes back to it"))
        self.query_one("#mine", DataTable).focus()


class DisputeRulingScreen(_QaWorkScreen):
    """Uphold a disputed score, or change items: a new revision; the reason is required.

    The call record sits beside the form, and each item shows the inspector's comment,
    its weight and guidance, and the agent's reason. Ctrl+U and Ctrl+S work from inside
    the reason box too (they are the screen's, not the box's).
    """

    DEFAULT_CSS = """
    DisputeRulingScreen #ruling-record { width: 46; border: round $secondary; padding: 0 1; }
    DisputeRulingScreen #ruling-main { width: 1fr; }
    DisputeRulingScreen #ruling-head { height: auto; max-height: 10; padding: 0 1; }
    DisputeRulingScreen #my-status { height: auto; padding: 0 1; }
    DisputeRulingScreen Input { height: 3; }
    """
    BINDINGS = [
        # priority: inside the reason box Ctrl+U would otherwise erase the typed reason.
        Binding("ctrl+u", "uphold", _("Uphold"), id="ruling.uphold", priority=True),
        Binding("ctrl+s", "change", _("Change score"), id="ruling.change", priority=True),
        Binding("ctrl+t", "coaching", _("Coaching task"), id="ruling.coaching",
                priority=True),
        Binding("ctrl+r", "play", _("Play recording"), id="ruling.play", priority=True),
        Binding("escape", "back", _("Back"), id="ruling.back"),
    ]

    def __init__(self, dispute: DisputeRow) -> None:
        super().__init__()
        self.dispute = dispute
        self.evaluation: EvaluationView | None = None
        self.record: CallRecord | None = None

    def compose(self) -> ComposeResult:
        from textual.containers import VerticalScroll

        yield Header()
        with Horizontal():
            yield VerticalScroll(Static(_("loading…"), id="record-text", markup=False),
                                 id="ruling-record")
            with Vertical(id="ruling-main"):
                yield Static("", id="ruling-head", markup=False)
                yield Vertical(id="ruling-form")
                yield Static("", id="my-status", classes="field-error", markup=False)
                yield Input(id="ruling", max_length=4000,
                            placeholder=_("reason for the ruling"))
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        qa, actor, evaluation_id = (seat_app(self).backend.qa, signed_in(self),
                                    self.dispute.evaluation_id)

        def read() -> tuple[EvaluationView, CallRecord | None]:
            ev = qa.evaluation(actor, evaluation_id)
            return ev, qa.call_record(actor, ev.call_id)

        call_service(self, read, self._loaded, group="ruling-load", latest_only=True,
                     on_failed=self.refused)

    def _loaded(self, read: tuple[EvaluationView, CallRecord | None]) -> None:
        from seatdesk.ui.screens.qa_score import record_text

        ev = self.evaluation = read[0]
        record = read[1]
        lang = seat_app(self).settings.lang
        form = ScoreForm(ev.form, ev.answers, lang=lang, id="ruling-score", show_comments=True)
        self.query_one("#ruling-form", Vertical).mount(form)
        disputed = [*self.dispute.reasons,
                    *(k for k in self.dispute.reason_codes if k not in self.dispute.reasons)]
        lines = [_("Dispute #{id} · call #{call} · {agent} · score {score}").format(
            id=self.dispute.response_id, call=ev.call_id, agent=neutralise(ev.agent_name),
            score=_score(ev.score))]
        for key in disputed:
            parts = []
            if key in self.dispute.reason_codes:
                parts.append(reason_label(self.dispute.reason_codes[key]))
            if self.dispute.reasons.get(key):
                parts.append(neutralise(self.dispute.reasons[key]))
            lines.append(f"⚑ {key}: " + " · ".join(parts))
            try:
                row = form.row(key)
            except NoMatches:  # an item of another form version
                continue
            row.mark = "⚑ " + " · ".join(parts)[:50]
        if ev.comment:
            lines.append(_("Feedback: {c}").format(c=neutralise(ev.comment)))
        self.query_one("#ruling-head", Static).update("\n".join(lines))
        self.record = record
        if record is not None:
            self.query_one("#record-text", Static).update(
                record_text(record, seat_app(self).settings.tz))
        self.call_after_refresh(form.focus_item, next(iter(disputed), None))

    def action_play(self) -> None:
        self.query_one("#my-status", Static).update(play_text(self.record))

    def action_coaching(self) -> None:
        if self.evaluation is None:
            return
        from seatdesk.ui.screens.qa_coaching import CoachingScreen

        self.app.push_screen(CoachingScreen(self.evaluation))

    def on_score_form_problem(self, message: ScoreForm.Problem) -> None:
        self.query_one("#my-status", Static).update(message.text)

    def _reason(self) -> str | None:
        reason = self.query_one("#ruling", Input).value
        if not reason.strip():
            self.query_one("#my-status", Static).update(_("give the reason for the ruling"))
            self.query_one("#ruling", Input).focus()
            return None
        return reason

    def action_uphold(self) -> None:
        reason = self._reason()
        if reason is not None:
            app = seat_app(self)
            qa, actor, rid = app.backend.qa, signed_in(self), self.dispute.response_id
            self.run_call(lambda: qa.rule(actor, rid, reason, None), _("dispute upheld"))

    def action_change(self) -> None:
        reason = self._reason()
        if reason is None or self.evaluation is None:
            return
        answers = self.query_one(ScoreForm).answers
        changes: dict[str, Answer] = {k: a for k, a in answers.items()
                                      if self.evaluation.answers.get(k) != a}
        if not changes:
            self.query_one("#my-status", Static).update(
                _("nothing changed: change an item's score, or uphold with Ctrl+U"))
            return
        qa, actor, rid = seat_app(self).backend.qa, signed_in(self), self.dispute.response_id
        self.run_call(lambda: qa.rule(actor, rid, reason, changes),
                      _("score changed: a new revision was made"))

    def noted(self, text: str, reload: bool = False) -> None:
        self.query_one("#my-status", Static).update(text)
        if reload:
            self.app.notify(text)
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
