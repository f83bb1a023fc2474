"""An agent's own QA results: acknowledge or dispute (申诉); team leads rule on disputes.

The list shows only the agent's own evaluations (the service refuses anything else).
A acknowledges the highlighted evaluation; D starts a dispute: move over the items and
type a reason for each one you dispute, then Ctrl+S sends it. Team leads and supervisors
press T to see the disputes waiting for them; Enter opens the ruling screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from seatdesk.domain.i18n import _
from seatdesk.domain.qa.scoring import Answer
from seatdesk.domain.text import neutralise
from seatdesk.services.permissions import Permission, allowed
from seatdesk.services.qa_views import DisputeRow, EvaluationView
from seatdesk.ui.context import seat_app
from seatdesk.ui.widgets.score_form import ScoreForm


@dataclass
class MineLoaded(Message):
    evaluations: list[EvaluationView]
    disputes: list[DisputeRow]


@dataclass
class QaNote(Message):
    text: str
    reload: bool = False


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


class _QaWorkMixin:
    """Runs a backend call in a thread worker and reports one line on the screen."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="my-qa")
    def run_call(self, fn: Any, done: str) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - shown where the user looks
            from seatdesk.ui.app import user_message

            self.post_message(QaNote(user_message(exc)))  # type: ignore[attr-defined]
            return
        self.post_message(QaNote(done, reload=True))  # type: ignore[attr-defined]


class MyEvaluationsScreen(_QaWorkMixin, Screen[None]):
    DEFAULT_CSS = """
    MyEvaluationsScreen #mine { width: 62; height: 1fr; }
    MyEvaluationsScreen #detail { width: 1fr; }
    MyEvaluationsScreen #detail-head { height: auto; max-height: 6; padding: 0 1; }
    MyEvaluationsScreen #my-status { height: auto; padding: 0 1; }
    MyEvaluationsScreen Input { height: 3; }
    """
    BINDINGS = [
        Binding("a", "acknowledge", _("Acknowledge"), id="my_qa.acknowledge"),
        Binding("d", "dispute", _("Dispute"), id="my_qa.dispute"),
        Binding("ctrl+s", "send_dispute", _("Send dispute"), id="my_qa.send"),
        Binding("t", "toggle", _("Disputes to rule"), id="my_qa.toggle"),
        Binding("escape", "to_list", _("To list"), id="my_qa.to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.evaluations: list[EvaluationView] = []
        self.disputes: list[DisputeRow] = []
        self.showing_disputes = False
        self.reasons: dict[str, str] = {}
        self.current: EvaluationView | None = None
        self._item_key: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield DataTable(id="mine", cursor_type="row", zebra_stripes=True)
            with Vertical(id="detail"):
                yield Static("", id="detail-head")
                yield Vertical(id="detail-form")
                yield Static(_("Dispute reason for the focused item"), id="reason-label")
                yield Input(id="reason", max_length=1000, disabled=True,
                            placeholder=_("press D, move to an item, type why"))
        yield Static("", id="my-status", classes="field-error")
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
        return allowed(seat_app(self).actor, Permission.RULE_DISPUTES)

    @work(thread=True, exclusive=True, exit_on_error=False, group="my-qa-load")
    def reload(self) -> None:
        qa, actor = seat_app(self).backend.qa, seat_app(self).actor
        try:
            mine = qa.my_evaluations(actor)
            disputes = qa.open_disputes(actor) if self.may_rule else []
        except Exception as exc:  # noqa: BLE001
            from seatdesk.ui.app import user_message

            self.post_message(QaNote(user_message(exc)))
            return
        self.post_message(MineLoaded(mine, disputes))

    def on_mine_loaded(self, message: MineLoaded) -> None:
        self.evaluations, self.disputes = message.evaluations, message.disputes
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#mine", DataTable)
        table.clear(columns=True)
        tz = seat_app(self).settings.tz
        if self.showing_disputes:
            table.add_columns(_("Dispute"), _("Call"), _("Agent"), _("Team"), _("Score"))
            for d in self.disputes:
                table.add_row(str(d.response_id), str(d.call_id), neutralise(d.agent_name),
                              d.team_code or "-", _score(d.score), key=f"d{d.response_id}")
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

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def _show(self, index: int) -> None:
        if self.showing_disputes or not 0 <= index < len(self.evaluations):
            self.current = None
            return
        ev = self.evaluations[index]
        if self.current is not None and self.current.id == ev.id:
            return
        self.current = ev
        self.reasons = {}
        holder = self.query_one("#detail-form", Vertical)
        holder.remove_children()
        holder.mount(ScoreForm(ev.form, ev.answers, lang=seat_app(self).settings.lang,
                               read_only=True))
        tz = seat_app(self).settings.tz
        lines = [_("Call #{call} · revision {rev} · score {score} · {result}").format(
            call=ev.call_id, rev=ev.revision, score=_score(ev.score), result=_result(ev)),
            _("Inspector: {name} · {status}").format(name=neutralise(ev.inspector_name),
                                                     status=_status(ev))]
        if ev.comment:
            lines.append(_("Feedback: {c}").format(c=neutralise(ev.comment)))
        if ev.response and ev.response.ruling:
            lines.append(_("Ruling: {r}").format(r=neutralise(ev.response.ruling)))
        if ev.respond_until and ev.response is None:
            lines.append(_("Answer by {t}").format(
                t=ev.respond_until.astimezone(tz).strftime("%Y-%m-%d %H:%M")))
        self.query_one("#detail-head", Static).update("\n".join(lines))
        self.query_one("#reason", Input).disabled = True

    # ---- acknowledge and dispute --------------------------------------------------------

    def action_acknowledge(self) -> None:
        if self.current is None:
            return
        qa, actor, ev_id = seat_app(self).backend.qa, seat_app(self).actor, self.current.id
        self.run_call(lambda: qa.acknowledge(actor, ev_id), _("acknowledged"))

    def action_dispute(self) -> None:
        if self.current is None:
            return
        self.query_one("#reason", Input).disabled = False
        self.query_one(ScoreForm).focus_item(next(iter(self.current.answers), None))
        self._say(_("dispute: move to each item you dispute and type your reason; Ctrl+S sends"))

    def on_descendant_focus(self, event: object) -> None:
        try:
            form = self.query_one(ScoreForm)
        except Exception:  # noqa: BLE001 - no evaluation shown
            return
        row = form.current
        if row is not None:
            self._item_key = row.key
            self.query_one("#reason", Input).value = self.reasons.get(row.key, "")
            self.query_one("#reason-label", Static).update(
                _("Dispute reason for: {q}").format(q=neutralise(row.item.text(form.lang))[:60]))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reason" and self._item_key:
            self.reasons[self._item_key] = event.value
            row = self.query_one(ScoreForm).row(self._item_key)
            row.mark = _("disputed") if event.value.strip() else ""
            row.refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            self.query_one(ScoreForm).focus_item(self._item_key)
            self.query_one(ScoreForm).action_move(1)

    def action_send_dispute(self) -> None:
        if self.current is None:
            return
        reasons = {k: v for k, v in self.reasons.items() if v.strip()}
        if not reasons:
            self._say(_("give a reason for at least one item you dispute"))
            return
        qa, actor, ev_id = seat_app(self).backend.qa, seat_app(self).actor, self.current.id
        self.run_call(lambda: qa.dispute(actor, ev_id, reasons),
                      _("dispute sent to your team lead"))

    def on_qa_note(self, message: QaNote) -> None:
        self._say(message.text)
        if message.reload:
            self.current = None
            self.reload()

    def _say(self, text: str) -> None:
        self.query_one("#my-status", Static).update(text)

    # ---- ruling (team leads, supervisors) -----------------------------------------------

    def action_toggle(self) -> None:
        if not self.may_rule:
            self._say(_("only team leads and supervisors rule on disputes"))
            return
        self.showing_disputes = not self.showing_disputes
        self.current = None
        self.query_one("#detail-form", Vertical).remove_children()
        self._fill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value or ""
        if key.startswith("d"):
            dispute = next(d for d in self.disputes if d.response_id == int(key[1:]))
            self.app.push_screen(DisputeRulingScreen(dispute), lambda _r: self.reload())

    def action_to_list(self) -> None:
        self.query_one("#mine", DataTable).focus()


@dataclass
class RulingLoaded(Message):
    evaluation: EvaluationView


class DisputeRulingScreen(_QaWorkMixin, Screen[None]):
    """Uphold a disputed score, or change items: a new revision; the reason is required."""

    DEFAULT_CSS = """
    DisputeRulingScreen #ruling-head { height: auto; max-height: 8; padding: 0 1; }
    DisputeRulingScreen #my-status { height: auto; padding: 0 1; }
    DisputeRulingScreen Input { height: 3; }
    """
    BINDINGS = [
        Binding("ctrl+u", "uphold", _("Uphold"), id="ruling.uphold"),
        Binding("ctrl+s", "change", _("Change score"), id="ruling.change"),
        Binding("escape", "back", _("Back"), id="ruling.back"),
    ]

    def __init__(self, dispute: DisputeRow) -> None:
        super().__init__()
        self.dispute = dispute
        self.evaluation: EvaluationView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="ruling-head")
        yield Vertical(id="ruling-form")
        yield Static("", id="my-status", classes="field-error")
        yield Input(id="ruling", max_length=4000, placeholder=_("reason for the ruling"))
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ruling-load")
    def load(self) -> None:
        try:
            ev = seat_app(self).backend.qa.evaluation(
                seat_app(self).actor, self.dispute.evaluation_id)
        except Exception as exc:  # noqa: BLE001
            from seatdesk.ui.app import user_message

            self.post_message(QaNote(user_message(exc)))
            return
        self.post_message(RulingLoaded(ev))

    def on_ruling_loaded(self, message: RulingLoaded) -> None:
        ev = self.evaluation = message.evaluation
        lang = seat_app(self).settings.lang
        form = ScoreForm(ev.form, ev.answers, lang=lang, id="ruling-score")
        self.query_one("#ruling-form", Vertical).mount(form)
        for key in self.dispute.reasons:
            try:
                row = form.row(key)
            except Exception:  # noqa: BLE001, S112 - an item of another form version
                continue
            row.mark = "⚑ " + neutralise(self.dispute.reasons[key])[:50]
        lines = [_("Dispute #{id} · call #{call} · {agent} · score {score}").format(
            id=self.dispute.response_id, call=ev.call_id, agent=neutralise(ev.agent_name),
            score=_score(ev.score))]
        for key, reason in self.dispute.reasons.items():
            lines.append(f"⚑ {key}: {neutralise(reason)}")
        self.query_one("#ruling-head", Static).update("\n".join(lines))
        self.call_after_refresh(form.focus_item, next(iter(self.dispute.reasons), None))

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
            qa, actor, rid = app.backend.qa, app.actor, self.dispute.response_id
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
        qa, actor, rid = seat_app(self).backend.qa, seat_app(self).actor, self.dispute.response_id
        self.run_call(lambda: qa.rule(actor, rid, reason, changes),
                      _("score changed: a new revision was made"))

    def on_qa_note(self, message: QaNote) -> None:
        self.query_one("#my-status", Static).update(message.text)
        if message.reload:
            self.app.notify(message.text)
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
