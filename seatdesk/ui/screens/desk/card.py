"""The caller's card and the script beside it: the card pop, Ctrl+R reveal, the script's
steps (following the call, or stepped by hand with Alt+Up/Down) and a category change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seatdesk.domain.enums import MISSED_CALL, Direction
from seatdesk.domain.errors import SeatdeskError
from seatdesk.domain.i18n import _
from seatdesk.domain.scripts import auto_stage, step_stage
from seatdesk.ui.errors import ServiceFailed, call_service
from seatdesk.ui.screens.desk.seat import Part, Seat

if TYPE_CHECKING:
    from seatdesk.services.dto import CallView, CustomerCard, ScriptView
    from seatdesk.ui.screens.desk.screen import DeskScreen


# ---- (worker thread) what the card and script need from the services ------------------


def script_for(seat: Seat, call: CallView, category: str | None) -> ScriptView | None:
    """(worker) The published script for the call: its purpose outbound, its category in."""
    scripts = seat.backend.scripts
    if call.direction == Direction.OUTBOUND:
        return scripts.published(call.outbound_purpose, seat.lang, "outbound")
    return scripts.published(category, seat.lang, "inbound")


def repeat_warning(seat: Seat, call: CallView, category: str | None) -> str | None:
    """(worker) 首问负责制: warn when this customer called about this before."""
    if call.customer_id is None or not category:
        return None
    try:
        earlier = seat.backend.first_contact.earlier_contact(
            seat.actor, call.customer_id, category, call.id)
    except SeatdeskError:
        return None  # a warning is a nicety: the call goes on without it
    if earlier is None:
        return None
    shown = earlier.at.astimezone(seat.tz).strftime("%m-%d %H:%M")
    return _("Repeat contact: same issue on call #{id} ({at})").format(
        id=earlier.call_id, at=shown)


class CardAndScript(Part):
    """The card pane and the script pane; the script's stage, automatic or stepped."""

    def __init__(self, desk: DeskScreen) -> None:
        super().__init__(desk)
        self.manual_stage: int | None = None  # a step chosen by hand (until the call moves)
        self.auto_stage = 0  # where the call itself is

    # ---- the card ----------------------------------------------------------------------

    def show_card(self, card: CustomerCard | None, repeat: str | None = None) -> None:
        desk = self.desk
        call = desk.call
        if card is not None:
            tz = self.seat.tz
            desk.card_view.show_card(card, tz, self.now().astimezone(tz).date(), repeat,
                                     call.id if call else None)
        elif call is not None:
            desk.card_view.show_message(
                _("Caller {number} is not a known customer.").format(
                    number=call.caller_number or _("(number withheld)")))
        else:
            self.show_idle()

    def show_idle(self) -> None:
        status = self.desk.presence.status
        if status.state == "paused" and status.reason == MISSED_CALL:
            self.desk.card_view.show_message(_(
                "A call rang here and was not answered; it went back to the queue and this "
                "seat was paused. F9: ready again, or choose a break."))
            return
        self.desk.card_view.show_message(_("No call. F2 takes the next caller; Enter takes the "
                                           "highlighted one."))

    def show_customer(self, customer_id: int) -> None:
        """Show a customer's card (from the search); refused during someone else's call."""
        call = self.desk.call
        if call is not None and call.customer_id not in (None, customer_id):
            self.desk.notify(_("finish the current call first"), severity="warning")
            return
        if call is not None and call.customer_id is None:
            self.desk.actions.set_customer(call.id, customer_id)  # the caller, by search
            return
        self.load_card(customer_id, reveal=False)

    def reveal(self) -> None:
        card = self.desk.card
        if card is None:
            self.desk.notify(_("no customer card to reveal"), severity="warning")
            return
        self.load_card(card.id, reveal=True)

    def load_card(self, customer_id: int, *, reveal: bool) -> None:
        """Read a customer's card (and the repeat-contact warning for the call shown)."""
        call = self.desk.call
        category = self.desk.form.values().get("category") if call is not None else None
        seat = self.seat

        def read() -> tuple[CustomerCard, str | None]:
            card = seat.backend.customers.card(seat.actor, customer_id, reveal=reveal)
            return card, repeat_warning(seat, call, category) if call is not None else None

        call_service(self.desk, read, self._card_read, group="card", latest_only=True)

    def _card_read(self, read: tuple[CustomerCard, str | None]) -> None:
        card, repeat = read
        self.desk.pop.card = card
        self.show_card(card, repeat)

    # ---- the script ----------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What the script's placeholders say: the caller, the agent, the company."""
        card = self.desk.card
        actor = self.desk.actor
        return {"customer": card.name if card else _("the caller"),
                "agent": actor.name if actor else "", "agent_no": actor.agent_no if actor else "",
                "company": self.seat.app.settings.company}

    def stage(self) -> int:
        """The step to show: where the call is, unless the agent stepped by hand since."""
        values = self.desk.form.values()
        call = self.desk.call
        auto = auto_stage(state=call.state if call else None,
                          has_customer=self.desk.card is not None,
                          has_category=bool(values.get("category")),
                          resolved=values.get("resolved"))
        if auto != self.auto_stage:
            self.auto_stage = auto
            self.manual_stage = None  # the call moved on: follow it again
        return self.manual_stage if self.manual_stage is not None else auto

    def show_script(self, script: ScriptView | None) -> None:
        self.desk.script_pane.show(script, self.values(), self.stage())

    def follow(self) -> None:
        """The record changed: the script's step follows the call."""
        self.desk.script_pane.set_stage(self.stage())

    def step(self, delta: int) -> None:
        self.manual_stage = step_stage(self.stage(), delta)
        self.desk.script_pane.set_stage(self.manual_stage)

    def forget_steps(self) -> None:
        """A new call (or none): the script follows the call again."""
        self.manual_stage = None

    def category_chosen(self, category: str | None) -> None:
        """The record's category changed: its script, stored with the call, and the
        repeat-contact warning for it."""
        call = self.desk.call
        if call is None or not category:
            return
        seat = self.seat

        def change() -> tuple[ScriptView | None, str | None]:
            script = script_for(seat, call, category)
            seat.backend.calls.set_category(seat.actor, call.id, category,
                                            script.id if script else None)
            return script, repeat_warning(seat, call, category)

        call_service(self.desk, change, self._category_changed, group="category",
                     on_failed=self._category_refused)

    def _category_changed(self, changed: tuple[ScriptView | None, str | None]) -> None:
        script, repeat = changed
        if self.desk.call is None:
            return
        self.show_script(script)
        if repeat and self.desk.card is not None:
            self.show_card(self.desk.card, repeat)

    def _category_refused(self, failed: ServiceFailed) -> None:
        # Said on the category field, where the agent just chose (unless it names another).
        self.desk.post_message(ServiceFailed(failed.text, failed.field or "category",
                                             failed.conflict, failed.outage))
