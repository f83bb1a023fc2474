"""The customer card (客户关系卡) popped for the call: who is calling, before anyone speaks."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from seatdesk.domain.i18n import _, pgettext
from seatdesk.domain.text import neutralise

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from seatdesk.services.dto import CustomerCard


def _day(value: date | datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%m-%d %H:%M")
    return value.isoformat()


def render_card(card: CustomerCard, tz: ZoneInfo, today: date,
                repeat_warning: str | None = None, current_call_id: int | None = None) -> Text:
    """The card as text: risk first (prominent), then identity, contracts, open items, calls."""
    out = Text()
    if card.risk_flag:
        reason = neutralise(card.risk_reason) or _("see notes")
        out.append(" ⚠ " + _("RISK CUSTOMER: {reason}").format(reason=reason) + " \n",
                   style="bold white on red")
    if repeat_warning:
        out.append(" ↻ " + repeat_warning + " \n", style="bold black on yellow")
    out.append(neutralise(card.name), style="bold")
    if card.company:
        out.append("  " + neutralise(card.company))
    if card.key_account:
        out.append("  ★ " + _("key account"), style="bold yellow")
    out.append("\n")
    credit = neutralise(card.credit_rating) or "-"
    out.append(_("Grade {g} · credit {c} · region {r}").format(
        g=card.grade, c=credit, r=neutralise(card.region) or "-") + "\n")
    # TRANSLATORS: between items of a list (phone numbers); Chinese uses 、.
    phones = pgettext("list", ", ").join(p.number for p in card.phones) or "-"
    out.append(_("Phone: {p}").format(p=phones))
    if card.masked:
        out.append("  " + _("(masked; Ctrl+R reveals)"), style="dim")
    out.append("\n")
    for k in card.contracts[:3]:
        expired = k.warranty_until is not None and k.warranty_until < today
        out.append(_("Contract {ref} {product} · warranty until {w}").format(
            ref=neutralise(k.reference), product=neutralise(k.product),
            w=_day(k.warranty_until, tz)), style="dim" if expired else "")
        out.append("\n")
    for item in card.open_complaints[:2]:
        out.append(_("Open complaint #{id}: {text} (due {d})").format(
            id=item.id, text=neutralise(item.text), d=_day(item.due_at, tz)) + "\n",
            style="bold red" if item.overdue else "red")
    for item in card.open_callbacks[:2]:
        out.append(_("Open callback #{id}: {text} (due {d})").format(
            id=item.id, text=neutralise(item.text), d=_day(item.due_at, tz)) + "\n",
            style="bold magenta" if item.overdue else "magenta")
    earlier = [c for c in card.recent_calls if c.id != current_call_id]
    if earlier:
        out.append(_("Last calls:") + "\n", style="underline")
    for call in earlier[:4]:
        resolved = {True: "✓", False: "✗", None: "·"}[call.resolved]
        category = _(call.category) if call.category else "-"
        note = neutralise(call.notes.replace("\n", " "))[:60]
        out.append(f" {_day(call.at, tz)} {resolved} {category} · "
                   f"{neutralise(call.agent_name)} · {note}\n", style="dim")
    return out


class CustomerCardView(Static):
    """Shows one card, or what the seat should do when there is none."""

    DEFAULT_CSS = """
    CustomerCardView { height: 1fr; padding: 0 1; overflow: hidden; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(_("No call."), name=name, id=id, classes=classes)
        self.card: CustomerCard | None = None

    def show_card(self, card: CustomerCard, tz: ZoneInfo, today: date,
                  repeat_warning: str | None = None, current_call_id: int | None = None
                  ) -> None:
        self.card = card
        # layout=False: the pane's size is fixed, so a new card repaints it alone instead of
        # re-laying the whole desk out (the pop is on the seat's critical path).
        self.update(render_card(card, tz, today, repeat_warning, current_call_id),
                    layout=False)

    def show_message(self, message: str) -> None:
        self.card = None
        self.update(Text(message, style="dim"), layout=False)
