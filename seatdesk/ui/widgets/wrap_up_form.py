"""The call record (呼入/呼出业务记录表) the seat fills in during and after the call.

Everything typed is kept exactly as typed (the draft); ``record()`` turns it into a
``WrapUp`` and says clearly which field cannot be understood.

The fields are built right after the desk's first paint (five selects and a text area cost
about half a second to compose, style and lay out, and the seat needs them only once a call
is taken). Until then a placeholder of the same height stands in, and everything the desk
asks of the form (load, values, record, errors, direction) works on the pending state and
is applied when the fields arrive; ``wait_ready()`` awaits them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from seatdesk.domain.call_record import DISPOSITIONS, NOTE_MAX
from seatdesk.domain.duetime import DueTimeError, parse_due
from seatdesk.domain.enums import Category, OutboundOutcome
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _

if TYPE_CHECKING:
    from textual.widgets import Input, Select, TextArea

    from seatdesk.services.dto import WrapUp

FIELDS = ("category", "disposition", "outbound_outcome", "question", "notes", "resolved",
          "handed_to", "satisfaction", "follow_up")


def parse_follow_up(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A follow-up time typed in plain words, as aware UTC; None when empty.

    The one parser of typed times (``seatdesk.domain.duetime``, on python-dateutil), as the
    F7 callback dialog uses: "tomorrow 10:00", "in 2 hours", "+3h", "明天 10:00", "2小时后".
    Raises ValueError with the parser's message for the seat.
    """
    if not text.strip():
        return None
    try:
        return parse_due(text, now, tz)
    except DueTimeError as exc:
        raise ValueError(_("follow-up time: {reason}").format(reason=str(exc))) from None


class WrapUpForm(Vertical):
    """The call record form; posts ``Edited`` on every change (for the debounced autosave)."""

    DEFAULT_CSS = """
    WrapUpForm { height: auto; padding: 0 1; }
    WrapUpForm .row { height: 1; }
    WrapUpForm .row Label { width: 14; color: $text-muted; }
    WrapUpForm .row > Input, WrapUpForm .row > Select { width: 1fr; }
    WrapUpForm #notes { height: 3; }
    WrapUpForm .notes-row { height: 3; }
    WrapUpForm .notes-row Label { width: 14; color: $text-muted; }
    WrapUpForm .field-error { height: auto; padding-left: 14; color: $error; }
    WrapUpForm .-invalid { background: $error 30%; }
    WrapUpForm .hidden { display: none; }
    WrapUpForm #record-placeholder { height: 11; color: $text-muted; }
    """

    class Edited(Message):
        """The seat changed something in the record."""

    class CategoryChosen(Message):
        def __init__(self, category: str | None) -> None:
            super().__init__()
            self.category = category

    def __init__(self, *, build_after_paint: bool = True, **kwargs: Any) -> None:
        """``build_after_paint=False``: the owner calls ``build_fields()`` when it suits."""
        super().__init__(**kwargs)
        self._build_after_paint = build_after_paint
        self.direction = "inbound"
        self._direction_shown = False
        self._loading = False
        self._built = False  # the fields are mounted and hold the state
        self._compose_fields = False  # compose() yields the fields (set just before)
        self._building = False
        self._ready: asyncio.Event | None = None
        # What the desk asked for before the fields exist, applied when they do.
        self._pending: dict[str, Any] = {}
        self._pending_error: tuple[str | None, str] | None = None
        self._direction_wanted = True  # inbound until told: the outcome row hidden
        self._errors_shown = False
        self._focus_wanted = False

    # ---- building after the first paint -------------------------------------------------

    @property
    def is_ready(self) -> bool:
        """Whether the real fields are mounted (and the pending state applied)."""
        return self._built

    def on_mount(self) -> None:
        self._ready = asyncio.Event()
        if self._build_after_paint:
            # After the first refresh: the seat sees queue, card and script at once.
            self.call_after_refresh(self.build_fields)

    async def wait_ready(self) -> None:
        """Build the fields now if they are not there yet, and wait until they are."""
        if self._built:
            return
        await self.build_fields()
        if self._ready is not None:
            await self._ready.wait()

    async def build_fields(self) -> None:
        """Swap the placeholder for the real fields and apply what was asked meanwhile."""
        if self._built or self._building or not self.is_attached:
            return
        self._building = True
        try:
            self._compose_fields = True
            # The desk may load a call while this awaits: that still goes to the pending
            # state, which is applied below once every field is there.
            await self.recompose()
        finally:
            self._building = False
        if not self.query("#category"):
            self._compose_fields = False  # detached meanwhile: nothing to fill
            return
        self._built = True
        pending_error = self._pending_error
        if self._direction_wanted:
            self._apply_direction()
        self.load(self._pending)
        if pending_error is not None:
            self.show_error(*pending_error)
        elif self._focus_wanted:
            self.focus_start()
        if self._ready is not None:
            self._ready.set()

    def compose(self) -> ComposeResult:
        if not self._compose_fields:
            yield Static("", id="record-placeholder")  # blank: shown for a frame or two
            return
        # Imported here, after the desk's first paint: these widgets cost start-up time.
        from textual.widgets import Input, Label, TextArea

        from seatdesk.ui.widgets.code_select import CodeSelect

        def coded(name: str, options: list[tuple[str, str, Any]]) -> CodeSelect:
            keys = "/".join(c for c, _l, _v in options) if len(options) <= 2 else \
                f"{options[0][0]}-{options[-1][0]}"
            return CodeSelect(options, prompt=_("choose… ({keys})").format(keys=keys),
                              id=name)

        def numbered(values: Sequence[str]) -> list[tuple[str, str, Any]]:
            return [(str(n), _(v), v) for n, v in enumerate(values, start=1)]

        def row(label: str, widget: Any, name: str) -> ComposeResult:
            with Horizontal(classes="row", id=f"row-{name}"):
                yield Label(label)
                yield widget
            yield Static("", id=f"err-{name}", classes="field-error hidden")

        yield from row(_("Category"), coded("category", numbered([c.value for c in Category])),
                       "category")
        yield from row(_("Disposition"), coded("disposition", numbered(DISPOSITIONS)),
                       "disposition")
        yield from row(_("Outcome"), coded("outbound_outcome",
                                           numbered([o.value for o in OutboundOutcome])),
                       "outbound_outcome")
        yield from row(_("Question"), Input(compact=True, id="question"), "question")
        with Horizontal(classes="notes-row", id="row-notes"):
            yield Label(_("Notes"))
            yield TextArea(compact=True, id="notes", soft_wrap=True)
        yield Static("", id="err-notes", classes="field-error hidden")
        yield from row(_("Resolved now"), coded("resolved", [("y", _("yes"), True),
                                                             ("n", _("no"), False)]),
                       "resolved")
        yield from row(_("Handed to"), Input(compact=True, id="handed_to",
                                             placeholder=_("owner if not resolved")),
                       "handed_to")
        yield from row(_("Satisfaction"), CodeSelect([(str(n), "", n) for n in range(1, 6)],
                                                     prompt="- (1-5)", id="satisfaction"),
                       "satisfaction")
        yield from row(_("Follow-up"), Input(compact=True, id="follow_up",
                                             placeholder=_("e.g. tomorrow 10:00")), "follow_up")

    # ---- filling and reading ---------------------------------------------------------

    def set_direction(self, direction: str) -> None:
        """Show the inbound (disposition) or outbound (outcome) row."""
        self._direction_wanted = True
        if not self._built:
            self.direction = direction
            return
        if direction == self.direction and self.is_mounted and self._direction_shown:
            return  # toggling display re-lays the whole screen out; skip when unchanged
        self.direction = direction
        self._apply_direction()

    def _apply_direction(self) -> None:
        self._direction_shown = True
        direction = self.direction
        outbound = direction == "outbound"
        self.query_one("#row-outbound_outcome").set_class(not outbound, "hidden")
        self.query_one("#row-disposition").set_class(outbound, "hidden")

    def load(self, values: dict[str, Any]) -> None:
        """Fill the form from a draft or a call (values as typed)."""
        if not self._built:
            self._pending = dict(values)
            self._pending_error = None
            return
        from textual.widgets import Input, Select, TextArea

        self._pending = {}
        self._loading = True
        try:
            # Only what differs is set: every change repaints, and the seat is waiting.
            for name in ("category", "disposition", "outbound_outcome", "resolved",
                         "satisfaction"):
                select: Select[Any] = self.query_one(f"#{name}", Select)
                value = values.get(name)
                wanted = value if value is not None and value != "" else Select.NULL
                if select.value != wanted:
                    select.value = wanted
            for name in ("question", "handed_to", "follow_up"):
                field = self.query_one(f"#{name}", Input)
                if field.value != str(values.get(name) or ""):
                    field.value = str(values.get(name) or "")
            notes = self.query_one("#notes", TextArea)
            if notes.text != str(values.get("notes") or ""):
                notes.text = str(values.get("notes") or "")
            self.clear_errors()
        finally:
            self.call_after_refresh(self._done_loading)

    def focus_start(self) -> None:
        """Put the cursor where the call needs it: the first code still to choose, else Notes."""
        if not self._built:
            self._focus_wanted = True
            return
        self._focus_wanted = False
        values = self.values()
        code = "outbound_outcome" if self.direction == "outbound" else "disposition"
        for name in ("category", code):
            if values.get(name) is None:
                self.query_one(f"#{name}").focus()
                return
        self.query_one("#notes").focus()

    def _done_loading(self) -> None:
        self._loading = False

    def values(self) -> dict[str, Any]:
        """What is typed now, exactly (the draft that autosave keeps)."""
        out: dict[str, Any] = {}
        if not self._built:  # what was loaded, as the fields would give it back
            for name in ("category", "disposition", "outbound_outcome", "resolved",
                         "satisfaction"):
                value = self._pending.get(name)
                out[name] = None if value is None or value == "" else value
            for name in ("question", "handed_to", "follow_up", "notes"):
                out[name] = str(self._pending.get(name) or "")
            return out
        from textual.widgets import Input, Select, TextArea

        for name in ("category", "disposition", "outbound_outcome", "resolved",
                     "satisfaction"):
            value = self.query_one(f"#{name}", Select).value
            out[name] = None if value is Select.NULL else value
        for name in ("question", "handed_to", "follow_up"):
            out[name] = self.query_one(f"#{name}", Input).value
        out["notes"] = self.query_one("#notes", TextArea).text
        return out

    def record(self, now: datetime, tz: ZoneInfo) -> WrapUp:
        """The typed record as a WrapUp; raises InvalidInput naming the field at fault."""
        v = self.values()
        try:
            follow_up = parse_follow_up(v["follow_up"], now, tz)
        except ValueError as exc:
            raise InvalidInput(str(exc), "follow_up") from None
        for name in ("notes", "question"):
            if len(v[name]) > NOTE_MAX:
                raise InvalidInput(_("{field} is too long ({n} characters, at most {m})").format(
                    field=_(name.capitalize()), n=len(v[name]), m=NOTE_MAX), name)
        from seatdesk.services.dto import WrapUp

        outbound = self.direction == "outbound"
        return WrapUp(category=v["category"], disposition=None if outbound else v["disposition"],
                      question=v["question"], notes=v["notes"], resolved=v["resolved"],
                      handed_to=v["handed_to"], satisfaction=v["satisfaction"],
                      follow_up_at=follow_up,
                      outbound_outcome=v["outbound_outcome"] if outbound else None)

    # ---- errors ----------------------------------------------------------------------

    def show_error(self, field: str | None, message: str) -> None:
        """Show ``message`` under ``field`` and put the cursor there; nothing typed is lost."""
        if not self._built:
            self._pending_error = (field, message)
            return
        self.clear_errors()
        name = field if field in FIELDS else "question"
        if field == "transfer_target":
            name = "handed_to"
        err = self.query_one(f"#err-{name}", Static)
        self._errors_shown = True
        err.update(message)
        err.remove_class("hidden")
        widget = self.query_one(f"#{name}")
        widget.add_class("-invalid")
        widget.focus()

    def clear_errors(self) -> None:
        """Hide every field error."""
        self._pending_error = None
        if not self._errors_shown:
            return  # nothing to hide: skip two DOM queries on every call loaded
        self._errors_shown = False
        for err in self.query(".field-error"):
            if not err.has_class("hidden"):
                err.add_class("hidden")
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")

    def _clear_error(self, name: str) -> None:
        for err in self.query(f"#err-{name}"):
            err.add_class("hidden")
        for widget in self.query(f"#{name}"):
            widget.remove_class("-invalid")

    @property
    def error_text(self) -> str:
        """The field errors shown now (or waiting for the fields), as one line."""
        if not self._built:
            return self._pending_error[1] if self._pending_error else ""
        shown = [str(e.render()) for e in self.query(".field-error") if not e.has_class("hidden")]
        return " ".join(shown)

    # ---- change notifications -------------------------------------------------------

    def on_code_select_chosen(self, event: Any) -> None:
        """A code chose a value: the cursor moves to what the call needs next."""
        event.stop()
        name = event.select.id
        code = "outbound_outcome" if self.direction == "outbound" else "disposition"
        following = {"category": code, "disposition": "notes", "outbound_outcome": "notes",
                     "resolved": "handed_to" if event.value is False else None}.get(name)
        if following == code and self.values().get(code) is not None:
            following = "notes"  # chosen already (a draft, a category changed later)
        if following is not None:
            self.query_one(f"#{following}").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self._loading:
            self.post_message(self.Edited())

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if not self._loading:
            self.post_message(self.Edited())

    def on_select_changed(self, event: Select.Changed) -> None:
        from textual.widgets import Select

        event.stop()
        if self._loading:
            return
        self.post_message(self.Edited())
        if self._errors_shown and event.select.id:
            self._clear_error(event.select.id)  # answered: the message under it goes
        if event.select.id == "category":
            value = event.value
            self.post_message(self.CategoryChosen(None if value is Select.NULL else str(value)))
