"""Small dialogs of the seat desk; each is a ``ModalScreen[T]`` that dismisses with its answer.

Dialogs that write (new customer, transfer) call the service themselves in a thread worker
and stay open with the message under the field at fault, keeping what was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from seatdesk.domain.enums import PAUSE_REASONS
from seatdesk.domain.i18n import N_, _
from seatdesk.domain.text import neutralise
from seatdesk.ui.dialogs.drafts import DraftKeepingModal
from seatdesk.ui.errors import call_service

if TYPE_CHECKING:
    from seatdesk.services.dto import CustomerInput, CustomerSummary, QueueView

T = TypeVar("T")

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 70; max-width: 100%; height: auto; max-height: 100%;
                     overflow-y: auto; border: thick $accent; background: $panel;
                     padding: 0 1; }}
{name} Input {{ margin-bottom: 0; }}
{name} .field-error {{ color: $error; height: auto; }}
{name} .buttons {{ height: auto; margin-top: 1; }}
{name} OptionList {{ height: auto; max-height: 12; }}
"""


class ConfirmDialog(DraftKeepingModal[bool]):
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [Binding("escape", "no", N_("Cancel"), id="dialog.cancel"),
                Binding("y", "yes", N_("Yes"), id="dialog.yes", show=False)]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message)
            with Horizontal(classes="buttons"):
                yield Button(_("Yes"), id="yes", variant="error")
                yield Button(_("No"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


READY = "ready"  # PauseReasonDialog's answer for "take calls again"


class PauseReasonDialog(DraftKeepingModal[str | None]):
    """Why the seat steps away (or, after a missed call, ``READY`` to take calls again)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PauseReasonDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, title: str | None = None, *, offer_ready: bool = False) -> None:
        super().__init__()
        self.title_text = title or _("Pause: why?")
        self.offer_ready = offer_ready

    def compose(self) -> ComposeResult:
        options = [Option(_(r), id=r) for r in PAUSE_REASONS]
        if self.offer_ready:
            options.insert(0, Option(_("Ready: take calls again"), id=READY))
        with Vertical():
            yield Static(self.title_text, classes="pane-title")
            yield OptionList(*options, id="reasons")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickCustomerDialog(DraftKeepingModal[int | None]):
    """Several customers share the caller's number: the seat picks the one on the line."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PickCustomerDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, candidates: tuple[CustomerSummary, ...] | list[CustomerSummary],
                 title: str | None = None) -> None:
        super().__init__()
        self.candidates = list(candidates)
        self.title_text = title or _("Several customers have this number: who is calling?")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="pane-title")
            options = []
            for c in self.candidates:
                mark = " ★" if c.key_account else ""
                risk = " ⚠" if c.risk_flag else ""
                label = f"{neutralise(c.name)}  {neutralise(c.company)}  {c.grade}{mark}{risk}"
                options.append(Option(label, id=str(c.id)))
            yield OptionList(*options, id="candidates")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewCustomerDialog(DraftKeepingModal["CustomerSummary | None"]):
    """Register an unknown caller; the number is pre-filled (masked: the call's own is used)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NewCustomerDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
                Binding("ctrl+s", "save", N_("Save"), id="dialog.save")]
    FIELDS = ("name", "phones", "company", "region", "grade")

    def __init__(self, backend: Any, actor: Any, *, number: str, call_id: int | None) -> None:
        super().__init__()
        self.backend, self.actor = backend, actor
        self.number, self.call_id = number, call_id
        self.draft_key = f"new-customer:{call_id}" if call_id is not None else None

    def compose(self) -> ComposeResult:
        labels = {"name": _("Name"), "phones": _("Phone numbers (comma separated)"),
                  "company": _("Company"), "region": _("Region"), "grade": _("Grade (A–D)")}
        with Vertical():
            yield Static(_("New customer"), classes="pane-title")
            for name in self.FIELDS:
                yield Label(labels[name])
                value = {"phones": self.number, "grade": "C"}.get(name, "")
                yield Input(value, id=f"nc-{name}", compact=True)
                yield Static("", id=f"nc-err-{name}", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.restore_draft()
        self.query_one("#nc-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        for name in self.FIELDS:
            self.query_one(f"#nc-err-{name}", Static).update("")
        v = {name: self.query_one(f"#nc-{name}", Input).value for name in self.FIELDS}
        phones = tuple(p.strip() for p in v["phones"].replace(",", ",").split(",") if p.strip())
        from seatdesk.services.dto import CustomerInput

        data = CustomerInput(name=v["name"], phones=phones, company=v["company"],
                             region=v["region"], grade=v["grade"] or "C")
        self._create(data)

    def _create(self, data: CustomerInput) -> None:
        backend, actor, call_id = self.backend, self.actor, self.call_id

        def create() -> CustomerSummary:
            if call_id is not None:
                return backend.calls.register_caller(actor, call_id, data)  # type: ignore[no-any-return]
            return backend.customers.create(actor, data)  # type: ignore[no-any-return]

        # Refused or failed: said at the refused field (else under the name), typed text kept.
        call_service(self, create, self.dismiss, group="new-customer",
                     on_failed=lambda failed: self._show_error(failed.field, failed.text))

    def _show_error(self, field: str | None, message: str) -> None:
        name = field if field in self.FIELDS else "name"
        self.query_one(f"#nc-err-{name}", Static).update(message)
        self.query_one(f"#nc-{name}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TransferDialog(DraftKeepingModal[int | None]):
    """Hand the caller to a queue or a named agent; dismisses with the new leg's call id."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TransferDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, backend: Any, actor: Any, call_id: int, queues: list[QueueView],
                 lang: str) -> None:
        super().__init__()
        self.backend, self.actor, self.call_id = backend, actor, call_id
        self.queues, self.lang = queues, lang
        self.draft_key = f"transfer:{call_id}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Transfer call #{id}").format(id=self.call_id), classes="pane-title")
            yield Label(_("To a queue"))
            yield Select([((q.name_zh if self.lang == "zh" and q.name_zh else q.name), q.code)
                          for q in self.queues], prompt=_("choose…"), id="tr-queue",
                         compact=True)
            yield Label(_("…or to an agent (login)"))
            yield Input(id="tr-agent", compact=True, max_length=64)
            yield Static("", id="tr-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Transfer"), id="transfer", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.restore_draft()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "transfer":
            self._submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def _submit(self) -> None:
        queue = self.query_one("#tr-queue", Select).value
        agent = self.query_one("#tr-agent", Input).value.strip()
        queue_code = None if queue is Select.NULL else str(queue)
        if agent and queue_code:
            self._show_error(_("choose a queue or an agent, not both"))
            return
        if not agent and not queue_code:
            self._show_error(_("choose a queue or type an agent's login"))
            return
        self._transfer(queue_code, agent or None)

    def _transfer(self, queue_code: str | None, agent: str | None) -> None:
        calls, actor, call_id = self.backend.calls, self.actor, self.call_id
        # Refused or failed: said in the dialog, the choice kept.
        call_service(self, lambda: calls.transfer(actor, call_id, queue_code=queue_code,
                                                  agent_login=agent),
                     self.dismiss, group="transfer",
                     on_failed=lambda failed: self._show_error(failed.text))

    def _show_error(self, message: str) -> None:
        self.query_one("#tr-error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
