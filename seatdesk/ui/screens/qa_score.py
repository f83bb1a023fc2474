"""The scoring screen: the monitored call's full record beside the monitoring form.

Opening a call only looks at it: the call is claimed by the first score typed (and the
claim expires when left untouched). A call someone else holds opens read-only.

Keys: number keys score the focused item, N marks N/A, Tab/↓ move on, C writes the
item's comment, O the overall comment, P plays the recording, Ctrl+S saves the draft,
F10 submits (refused, with the reason, while an item is unscored or a low score lacks
its required comment). Leaving the screen saves the draft.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Footer, Header, Input, Static

from seatdesk.domain.i18n import _, ngettext
from seatdesk.domain.qa.forms import FormDefinition
from seatdesk.domain.qa.scoring import Answer, missing_comments
from seatdesk.domain.text import neutralise
from seatdesk.services.qa_views import CallRecord, EvaluationView
from seatdesk.ui.context import seat_app, signed_in
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.textual_words import SeatScreen
from seatdesk.ui.widgets.score_form import ScoreForm

PLAYER_ENV = "SEATDESK_PLAYER"


def player_command(ref: str, template: str | None = None) -> list[str]:
    """The argv that plays ``ref``: SEATDESK_PLAYER (e.g. "mpv {ref}") split, no shell."""
    template = template if template is not None else os.environ.get(PLAYER_ENV, "")
    if not template.strip():
        raise ValueError(_("no player configured: set SEATDESK_PLAYER, e.g. \"mpv {ref}\""))
    try:
        parts = shlex.split(template)
    except ValueError as exc:
        raise ValueError(_("SEATDESK_PLAYER cannot be read: {e}").format(e=exc)) from None
    if not any("{ref}" in p for p in parts):
        parts.append("{ref}")
    return [p.replace("{ref}", ref) for p in parts]


def play_recording(ref: str) -> None:
    """Start the player without a shell; raises ValueError with a clear message."""
    argv = player_command(ref)
    try:
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except FileNotFoundError:
        raise ValueError(_("the player {p!r} is not installed").format(p=argv[0])) from None
    except OSError as exc:
        raise ValueError(_("cannot start the player: {e}").format(e=exc)) from None


TIMELINE_KINDS = ("queued", "offered", "answered", "held", "resumed", "transferred", "ended",
                  "closed", "abandoned", "dialled", "customer", "category")


def timeline_label(kind: str) -> str:
    """A call event's name in the user's language.

    The ids carry a "timeline." context because the bare words (e.g. "answered") are
    already translated elsewhere as call states, which reads wrongly as an event.
    """
    msgid = f"timeline.{kind}"
    text = _(msgid)
    return kind if text == msgid else text


def timeline_entry(kind: str, detail: str | None) -> str:
    """One line of the call's timeline: the event and what it carried."""
    label = timeline_label(kind)
    if not detail:
        return label
    if kind == "category":
        return f"{label} {_(neutralise(detail))}"
    if kind == "customer":
        return f"{label} #{neutralise(detail)}"
    return f"{label} {neutralise(detail)}"


def record_text(r: CallRecord, tz: tzinfo) -> str:
    """The monitored call's record as the scoring and ruling screens show it."""
    c = r.call

    def t(value: datetime | None) -> str:
        return value.astimezone(tz).strftime("%m-%d %H:%M:%S") if value else "-"

    lines = [
        _("Call #{id} · {direction}").format(id=c.id, direction=_(c.direction)),
        _("Agent: {name} ({no})").format(name=neutralise(r.agent_name), no=r.agent_no),
        _("Queue: {q}").format(q=r.queue_shown),
        _("Customer: {c}").format(c=neutralise(r.customer) or _("unknown")),
        _("Number: {n}").format(n=c.caller_number or "-"),
        _("Talk {t}s · hold {h}s ({n}×) · wrap-up {w}s").format(
            t=c.talk_seconds, h=c.hold_seconds, n=c.hold_count, w=c.wrap_seconds),
        _("Recording: {r}").format(r=neutralise(c.recording_ref) if c.recording_ref
                                   else _("none")),
        "",
        _("Timeline"),
    ]
    lines += [f"  {t(e.at)}  {timeline_entry(e.kind, e.detail)}" for e in r.events]
    lines += [
        "",
        _("Wrap-up"),
        _("  category: {v}").format(v=_(c.category) if c.category else "-"),
        _("  disposition: {v}").format(v=_(c.disposition) if c.disposition else "-"),
        _("  resolved: {v}").format(v="-" if c.resolved is None else
                                    (_("yes") if c.resolved else _("no"))),
        _("  handed to: {v}").format(v=neutralise(c.handed_to) or "-"),
        _("  satisfaction: {v}").format(v=c.satisfaction or "-"),
        _("  question: {v}").format(v=neutralise(c.question) or "-"),
        "",
        _("Notes"),
        neutralise(c.notes) or "-",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Loaded:
    """What the scoring screen needs of one call, read in one worker."""

    evaluation: EvaluationView | None
    record: CallRecord
    form: FormDefinition
    form_version: int
    held_by: str | None = None  # another inspector's live claim: read-only


class QaScoreScreen(SeatScreen[int | None]):
    """Score one call (or one calibration session's call); dismisses with the evaluation id."""

    DEFAULT_CSS = """
    QaScoreScreen #record { width: 46; border: round $secondary; padding: 0 1; }
    QaScoreScreen #scoring { width: 1fr; }
    QaScoreScreen #total { height: 1; padding: 0 1; text-style: bold; }
    QaScoreScreen #total.-fail { color: $error; }
    QaScoreScreen #total.-pass { color: $success; }
    QaScoreScreen #qa-message { height: auto; padding: 0 1; }
    QaScoreScreen Input { height: 3; }
    QaScoreScreen .label { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", _("Save draft"), id="qa.save"),
        Binding("f10", "submit", _("Submit"), id="qa.submit"),
        Binding("c", "comment", _("Item comment"), id="qa.comment"),
        Binding("o", "overall", _("Overall comment"), id="qa.overall"),
        Binding("p", "play", _("Play recording"), id="qa.play"),
        Binding("ctrl+t", "coaching", _("Coaching task"), id="qa.coaching"),
        Binding("escape", "back", _("Back"), id="qa.back"),
    ]

    def __init__(self, call_id: int | None = None, *, calibration_id: int | None = None,
                 evaluation_id: int | None = None) -> None:
        super().__init__()
        self.call_id = call_id
        self.calibration_id = calibration_id
        self.evaluation_id = evaluation_id
        self.evaluation: EvaluationView | None = None
        self.record: CallRecord | None = None
        self._item_key: str | None = None
        self.read_only = True  # until the look says this inspector may score
        self._claiming = False  # the first score is on its way to claim the call

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield VerticalScroll(Static(_("loading…"), id="record-text"), id="record")
            with Vertical(id="scoring"):
                yield Static("", id="total")
                yield Vertical(id="form-holder")
                yield Static("", id="qa-message", classes="field-error")
                yield Static(_("Item comment (C)"), classes="label", id="item-comment-label")
                yield Input(id="item-comment", max_length=4000,
                            placeholder=_("comment on the focused item"))
                yield Static(_("Overall comment (O)"), classes="label")
                yield Input(id="overall-comment", max_length=4000,
                            placeholder=_("feedback for the agent"))
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    # ---- loading ------------------------------------------------------------------------

    def load(self) -> None:
        app = seat_app(self)
        actor, qa = app.actor, app.backend.qa
        assert actor is not None  # the scoring screen opens only after sign-in
        calibration_id, evaluation_id = self.calibration_id, self.evaluation_id
        wanted_call = self.call_id

        def fetch() -> Loaded:
            held_by = None
            if calibration_id is not None:
                ev: EvaluationView | None = qa.start_calibration_score(actor, calibration_id)
            elif evaluation_id is not None:
                ev = qa.evaluation(actor, evaluation_id)
            else:
                # Only a look: the first score claims the call (see _store).
                assert wanted_call is not None
                look = qa.look(actor, wanted_call)
                ev = look.evaluation
                if look.claimed_by and look.claimed_by != actor.login:
                    held_by = look.claimed_by
                elif not look.scorable:
                    held_by = "-"
            call_id = ev.call_id if ev is not None else wanted_call
            assert call_id is not None
            record = qa.call_record(actor, call_id)
            if ev is not None:
                return Loaded(ev, record, ev.form, ev.form_version, held_by)
            return Loaded(ev, record, look.form.form, look.form.version, held_by)

        call_service(self, fetch, self.show_loaded, group="qa-score")

    def show_loaded(self, loaded: Loaded) -> None:
        self.evaluation, self.record = loaded.evaluation, loaded.record
        ev = loaded.evaluation
        self.read_only = bool(loaded.held_by) or (ev is not None and ev.read_only)
        lang = seat_app(self).settings.lang
        holder = self.query_one("#form-holder", Vertical)
        holder.remove_children()
        form = ScoreForm(loaded.form, ev.answers if ev else {}, lang=lang,
                         read_only=self.read_only, id="score-form",
                         show_comments=self.read_only)
        holder.mount(form)
        self.query_one("#overall-comment", Input).value = ev.comment if ev else ""
        for field in self.query(Input):
            field.disabled = self.read_only
        self.query_one("#record-text", Static).update(
            record_text(loaded.record, seat_app(self).settings.tz))
        self.sub_title = _("call #{id} · {form} v{v}").format(
            id=loaded.record.call.id, form=loaded.form.text(lang), v=loaded.form_version)
        if loaded.held_by and loaded.held_by != "-":
            self._say(_("claimed by {who}: read-only").format(who=loaded.held_by))
        self.call_after_refresh(form.focus_item)
        self.refresh_bindings()
        self._update_total()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys that only change a score are not offered on a read-only form.
        if action in ("save", "submit", "comment", "overall") and self.read_only:
            return False
        if action == "coaching":
            ev = self.evaluation
            me = seat_app(self).actor
            return (ev is not None and ev.state == "submitted" and ev.calibration_id is None
                    and me is not None and ev.agent_id != me.user_id)
        return True

    def action_coaching(self) -> None:
        ev = self.evaluation
        if ev is None or ev.state != "submitted" or ev.calibration_id is not None:
            return
        from seatdesk.ui.screens.qa_coaching import CoachingScreen

        self.app.push_screen(CoachingScreen(ev))

    def on_service_failed(self, message: ServiceFailed) -> None:
        message.stop()  # shown where the inspector looks; the answers are kept
        self._say(message.text)
        self._claiming = False
        if message.conflict and self.evaluation is None:  # someone else holds the call
            self.read_only = True
            self.query_one(ScoreForm).read_only = True
            self.refresh_bindings()
        if message.field and self.evaluation is not None:
            try:
                self.query_one(ScoreForm).focus_item(message.field)
            except NoMatches:
                pass  # the field is not one of the form's items

    # ---- live total ---------------------------------------------------------------------

    def on_score_form_changed(self, message: ScoreForm.Changed) -> None:
        self._update_total()
        self._say("")
        if self.evaluation is None and not self.read_only and not self._claiming:
            self._claiming = True  # the first score claims the call
            self._store(submit=False, quiet=True)

    def on_score_form_problem(self, message: ScoreForm.Problem) -> None:
        self._say(message.text)

    def _update_total(self) -> None:
        try:
            form = self.query_one(ScoreForm)
        except NoMatches:  # not loaded yet
            return
        r = form.result()
        total = self.query_one("#total", Static)
        shown = "—" if r.score is None else f"{r.score:.1f}"
        if r.critical_failed:
            state = _("CRITICAL FAIL (致命项)")
        elif r.passed is None:
            state = _("no score yet")
        else:
            state = _("pass") if r.passed else _("fail")
        if self.evaluation is not None and self.evaluation.read_only:
            state += " · " + _("submitted, read-only")
        elif self.read_only:
            state += " · " + _("read-only")
        total.update(ngettext("Score {s} / pass mark {p:.0f} · {state} · {a}/{n} item",
                              "Score {s} / pass mark {p:.0f} · {state} · {a}/{n} items",
                              r.total).format(
            s=shown, p=form.form.pass_mark, state=state, a=r.answered, n=r.total))
        total.set_class(bool(r.critical_failed or r.passed is False), "-fail")
        total.set_class(bool(r.passed), "-pass")

    def _say(self, text: str) -> None:
        self.query_one("#qa-message", Static).update(text)

    # ---- comments -----------------------------------------------------------------------

    def on_descendant_focus(self, event: object) -> None:
        try:
            form = self.query_one(ScoreForm)
        except NoMatches:  # not loaded yet
            return
        row = form.current
        if row is not None:
            self._item_key = row.key
            answer = form.answers.get(row.key)
            field = self.query_one("#item-comment", Input)
            field.value = answer.comment if answer else ""
            self.query_one("#item-comment-label", Static).update(
                _("Item comment (C): {q}").format(q=neutralise(row.item.text(form.lang))[:60]))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "item-comment" and self._item_key and not self.read_only:
            form = self.query_one(ScoreForm)
            current = form.answers.get(self._item_key)
            if (current.comment if current else "") != event.value:
                form.set_comment(self._item_key, event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "item-comment":
            self.query_one(ScoreForm).focus_item(self._item_key)

    def action_comment(self) -> None:
        if not self.read_only:
            self.query_one("#item-comment", Input).focus()

    def action_overall(self) -> None:
        if not self.read_only:
            self.query_one("#overall-comment", Input).focus()

    # ---- saving -------------------------------------------------------------------------

    def action_save(self) -> None:
        self._store(submit=False)

    def action_submit(self) -> None:
        if self.read_only:
            return
        form = self.query_one(ScoreForm)
        # Say what is missing before going to the database (the service checks again).
        missing = [r for r in form.rows() if r.answer is None
                   or (r.answer.value is None and not r.answer.na)]
        if missing:
            self._say(_("score every item first: '{q}' has no score").format(
                q=neutralise(missing[0].item.text(form.lang))))
            missing[0].focus()
            return
        uncommented = missing_comments(form.form.rules(), form.answers)
        if uncommented:
            row = form.row(uncommented[0])
            self._say(_("a low score on '{q}' needs a comment (C)").format(
                q=neutralise(row.item.text(form.lang))))
            row.focus()
            return
        self._store(submit=True)

    def _store(self, *, submit: bool, quiet: bool = False) -> None:
        if self.read_only:
            return
        form = self.query_one(ScoreForm)
        self.save(self.evaluation.id if self.evaluation else None, dict(form.answers),
                  self.query_one("#overall-comment", Input).value, submit, quiet)

    def save(self, evaluation_id: int | None, answers: dict[str, Answer], comment: str,
             submit: bool, quiet: bool = False) -> None:
        app = seat_app(self)
        qa, actor, call_id = app.backend.qa, app.actor, self.call_id
        assert actor is not None

        def store() -> EvaluationView:
            draft_id = evaluation_id
            if draft_id is None:
                # The first score: claim the call and open the draft now.
                assert call_id is not None
                draft_id = qa.start_evaluation(actor, call_id).id
            fn = qa.submit if submit else qa.save_draft
            return fn(actor, draft_id, answers, comment)

        call_service(self, store, lambda ev: self.saved(ev, submit, quiet), group="qa-save")

    def saved(self, evaluation: EvaluationView, submitted: bool, quiet: bool) -> None:
        self.evaluation = evaluation
        self._claiming = False
        if submitted:
            self.read_only = True
            self.query_one(ScoreForm).read_only = True
            for field in self.query(Input):
                field.disabled = True
            if evaluation.calibration_id is not None:
                self._say(_("submitted; the scores are compared when the session closes"))
            else:
                self._say(_("submitted; the agent has been notified"))
            self.app.notify(_("evaluation of call #{id} submitted").format(
                id=evaluation.call_id))
            self.refresh_bindings()
        elif not quiet:
            self._say(_("draft saved"))
        self._update_total()

    def action_play(self) -> None:
        ref = self.record.call.recording_ref if self.record else None
        if not ref:
            self._say(_("this call has no recording"))
            return
        try:
            play_recording(ref)
        except ValueError as exc:
            self._say(str(exc))
            return
        self._say(_("playing {ref}").format(ref=neutralise(ref)))

    def action_back(self) -> None:
        ev = self.evaluation
        if ev is not None and not ev.read_only and not self.read_only:
            # The app owns this save: the screen's own workers end when it is dismissed.
            form = self.query_one(ScoreForm)
            answers, comment = dict(form.answers), self.query_one("#overall-comment", Input).value
            app, actor = seat_app(self), signed_in(self)
            app.run_worker(
                lambda: app.backend.qa.save_draft(actor, ev.id, answers, comment),
                thread=True, exit_on_error=False, group="qa-save-on-leave")
        self.dismiss(ev.id if ev else None)
