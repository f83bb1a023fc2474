"""One error path for the UI: what a failed service call says, and where it is shown.

The data layer raises the project's own errors (``DatabaseUnavailable`` for an outage),
so nothing here knows SQLAlchemy. A screen's worker that fails posts one
``ServiceFailed(text, field)``; a screen may handle it (to focus the refused field), and
otherwise it bubbles to the app, which shows it in one place. ``call_service`` is the one way
a screen runs a service call: in a thread worker, handing back the result or that message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

from seatdesk.domain.errors import Conflict, DatabaseUnavailable, InvalidInput, SeatdeskError
from seatdesk.domain.i18n import _

Result = TypeVar("Result")
# Hands a step's answer to the app's thread (see ``call_service_steps``).
Show = Callable[[Callable[[], object]], None]


def user_message(error: BaseException) -> str:
    """A one-line message for the user; database outages are said plainly."""
    if isinstance(error, DatabaseUnavailable):
        return _("the database cannot be reached; your work is kept, retrying")
    if isinstance(error, SeatdeskError):
        return str(error)
    return _("unexpected error: {error}").format(error=error.__class__.__name__)


def start_up_message(error: BaseException) -> str:
    """The one line a desk that cannot start leaves on the terminal (as the CLI says it)."""
    if isinstance(error, DatabaseUnavailable):
        return str(error)
    return user_message(error)


@dataclass
class ServiceFailed(Message):
    """A service call failed: the text to show and, for refused input, the field.

    ``conflict`` says someone else changed the record first (the screen may turn read-only);
    ``outage`` that the database cannot be reached (the work is kept: a screen may show
    itself offline rather than say it in a toast). ``refusal`` is the service's own error,
    for a screen that says more about one kind (a broken roster rule can be overridden);
    None for a bug.
    """

    text: str
    field: str | None = None
    conflict: bool = False
    outage: bool = False
    refusal: SeatdeskError | None = None

    @classmethod
    def of(cls, error: BaseException) -> ServiceFailed:
        field = error.field if isinstance(error, InvalidInput) else None
        return cls(user_message(error), field, conflict=isinstance(error, Conflict),
                   outage=isinstance(error, DatabaseUnavailable),
                   refusal=error if isinstance(error, SeatdeskError) else None)

    @property
    def refusal_text(self) -> str:
        """The service's own words, an outage's detail too: for a screen whose work is not
        kept and retried (a roster, the admin forms), where ``text`` would promise that."""
        return str(self.refusal) if self.refusal is not None else self.text


# The newest call per node and group: ``latest_only`` delivers only that one's answer.
_newest: WeakKeyDictionary[DOMNode, dict[str, int]] = WeakKeyDictionary()


def call_service(
    node: DOMNode,
    call: Callable[[], Result],
    on_done: Callable[[Result], object],
    *,
    group: str,
    latest_only: bool = False,
    on_failed: Callable[[ServiceFailed], object] | None = None,
) -> Worker[None]:
    """Run ``call`` in a thread worker; hand its result to ``on_done`` or post one ServiceFailed.

    Called on the app's thread. ``on_done`` runs there too, in ``node``'s message order
    (``call_later`` posts it, and posting is thread-safe), so it may touch widgets. The
    failure goes to ``node`` and bubbles to the app unless a screen handles it. Values the
    call needs are read by the caller before it starts: the call runs off the app's thread
    and must not read widgets. ``latest_only`` (for lists, not for writes): a call that a
    newer one in its group replaced delivers nothing, neither result nor failure.

    Workers are not exclusive: cancelling a thread cannot stop it, and a worker cancelled
    after it delivered (its ``on_done`` starting the next call) would only look failed.

    ``on_failed``: the ServiceFailed goes to it (on the app's thread) instead of being
    posted, for a background read whose failure the screen shows its own way (the desk's
    offline banner) or must follow up (a ring check re-arming).
    """
    newest = _newest.setdefault(node, {})
    ticket = newest[group] = newest.get(group, 0) + 1

    def current() -> bool:
        return not latest_only or _newest.get(node, {}).get(group) == ticket

    def deliver(result: Result) -> None:
        if current():
            on_done(result)

    def refuse(failed: ServiceFailed) -> None:
        if not current():
            return
        if on_failed is None:
            node.post_message(failed)
        else:
            on_failed(failed)

    def run() -> None:
        try:
            result = call()
        except SeatdeskError as exc:
            node.call_later(refuse, ServiceFailed.of(exc))
            return
        # Anything else is a bug: logged and said in one line where the user looks, and the
        # screen (and what was typed) stays.
        except Exception as exc:  # noqa: BLE001 - boundary (worker top): the one for all screens
            node.log.error("service call failed", group=group, error=repr(exc))
            node.call_later(refuse, ServiceFailed.of(exc))
            return
        node.call_later(deliver, result)

    worker: Worker[None] = node.run_worker(run, name=group, group=group, thread=True,
                                           exit_on_error=False)
    return worker


def call_service_steps(
    node: DOMNode,
    call: Callable[[Show], Result],
    on_done: Callable[[Result], object],
    *,
    group: str,
    on_failed: Callable[[ServiceFailed], object] | None = None,
) -> Worker[None]:
    """``call_service`` for a worker that makes several service calls in a row.

    ``call`` gets ``show``: ``show(step)`` runs ``step`` on the app's thread, in order, so
    each answer is on screen as soon as it is read (the desk's start-up shows the queue
    before it reads the seat's call). The first failure ends the whole call with the one
    ServiceFailed; steps already shown stay shown.
    """
    def show(step: Callable[[], object]) -> None:
        node.call_later(step)

    return call_service(node, lambda: call(show), on_done, group=group, on_failed=on_failed)
