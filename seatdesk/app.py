"""The App: logs a user in, opens their role's screens, relays database changes.

The backend is injected, so tests build the app over a test database. Database work
runs in thread workers; their failures are handled in one place
(``on_worker_state_changed``), and changes made by other seats arrive through the
change feed thread as ``DataChanged`` messages that every screen may listen to.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from seatdesk.clock import Clock, utc_now
from seatdesk.config import Settings
from seatdesk.data.backend import Backend
from seatdesk.data.dto import Actor
from seatdesk.data.errors import SeatdeskError
from seatdesk.data.permissions import allowed
from seatdesk.i18n import _
from seatdesk.messages import DataChanged, FeedLost
from seatdesk.screens.registry import HOME, SCREENS, ScreenEntry
from seatdesk.text import neutralise

if TYPE_CHECKING:
    # Imported lazily at run time: the change feed pulls in psycopg, which a SQLite desk
    # never needs and which costs start-up time before the first paint.
    from seatdesk.data.changes import ChangeFeed

FeedFactory = Callable[[], "ChangeFeed"]


def user_message(error: BaseException) -> str:
    """A one-line message for the user; database outages are said plainly."""
    if isinstance(error, SeatdeskError):
        return str(error)
    if isinstance(error, OperationalError):
        return _("the database cannot be reached; your work is kept, retrying")
    return _("unexpected error: {error}").format(error=error.__class__.__name__)


class SeatdeskApp(App[None]):
    TITLE = "seatdesk"
    CSS_PATH = "seatdesk.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit_desk", _("Quit"), id="quit", priority=True),
        Binding("f1", "help", _("Help"), id="help"),
    ]

    def __init__(
        self,
        backend: Backend,
        settings: Settings | None = None,
        *,
        actor: Actor | None = None,
        login: str | None = None,
        clock: Clock = utc_now,
        feed_factory: FeedFactory | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.settings = settings or Settings()
        backend.configure(qa_dispute_days=self.settings.qa_dispute_days)
        self.actor: Actor | None = actor
        self.login_hint = login
        self.clock = clock
        self._feed_factory = feed_factory or self._open_feed
        self._feed_stop = threading.Event()
        self._checking_notifications = False
        self._notifications_at = 0.0
        self._shown_ids: set[int] = set()
        # Screens subscribe to this to re-query when any seat changes the database.
        self.data_changed: Signal[frozenset[str]] = Signal(self, "data_changed")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    def _open_feed(self) -> ChangeFeed:
        """(feed thread) The database's change feed, imported off the UI thread's path."""
        from seatdesk.data.changes import open_feed

        return open_feed(self.backend.db, self.settings.sqlite_poll_seconds)

    # ---- start-up and roles ------------------------------------------------------------

    def on_mount(self) -> None:
        self.watch_changes()
        if self.actor is None:
            from seatdesk.screens.login import LoginScreen

            self.push_screen(LoginScreen(self.login_hint), self._logged_in)
        else:
            self.open_home()

    def _logged_in(self, actor: Actor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self.open_home()

    def available_screens(self) -> list[ScreenEntry]:
        """The screens this user's role may open (and that exist in this build)."""
        if self.actor is None:
            return []
        return [e for e in SCREENS if allowed(self.actor, e.permission) and e.exists()]

    def open_home(self) -> None:
        assert self.actor is not None
        self.sub_title = f"{self.actor.name} · {_(self.actor.role)} · {self.actor.agent_no}"
        entries = self.available_screens()
        if not entries:
            self.notify(_("no screen is available for your role"), severity="error")
            return
        home = HOME.get(self.actor.role)
        entry = next((e for e in entries if e.mode == home), entries[0])
        self.open_screen(entry.mode)

    def open_screen(self, mode: str) -> None:
        """Switch to a role's screen; refused (with a message) if the role may not."""
        entry = next((e for e in self.available_screens() if e.mode == mode), None)
        if entry is None:
            self.notify(_("you may not open that screen"), severity="error")
            return
        if mode not in self._modes:
            screen_cls = entry.load()
            assert screen_cls is not None
            self.add_mode(mode, screen_cls)
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[Any]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        from textual.app import SystemCommand

        for entry in self.available_screens():
            yield SystemCommand(
                _("Open: {title}").format(title=_(entry.title)),
                _("Switch to the {title} screen").format(title=_(entry.title)),
                lambda mode=entry.mode: self.open_screen(mode),
            )

    # ---- changes from other seats ------------------------------------------------------

    def watch_changes(self) -> None:
        """Start the change-feed thread.

        A plain daemon thread rather than a Textual worker: it lives as long as the app,
        and ``workers.wait_for_complete()`` should wait for database work, not for it.
        """
        self._feed_thread = threading.Thread(target=self._feed_loop, name="change-feed",
                                             daemon=True)
        self._feed_thread.start()

    def _feed_loop(self) -> None:
        """Wait for change hints and relay them; the slow poll covers a lost feed."""
        slow_poll = self.settings.slow_poll_seconds
        feed: ChangeFeed | None = None
        while not self._feed_stop.is_set():
            try:
                if feed is None:
                    feed = self._feed_factory()
                topics = feed.wait(slow_poll)
            except Exception as exc:  # noqa: BLE001 - any feed failure degrades to polling
                if feed is not None:
                    try:
                        feed.close()
                    except Exception:  # noqa: BLE001, S110 - closing a broken feed
                        pass
                feed = None
                self.post_message(FeedLost(str(exc)))
                self._feed_stop.wait(slow_poll)
                topics = {"*"}
            # Even with no hint, a slow poll keeps every seat honest.
            self.post_message(DataChanged(frozenset(topics or {"poll"})))
        if feed is not None:
            feed.close()

    def on_data_changed(self, message: DataChanged) -> None:
        self.data_changed.publish(message.topics)
        # Every commit by any seat is a hint; notifications need not be re-read that often.
        now = time.monotonic()
        due = now - self._notifications_at >= self.settings.slow_poll_seconds
        if self.actor is not None and due and not self._checking_notifications:
            self._checking_notifications = True
            self._notifications_at = now
            self.check_notifications()

    @work(thread=True, exit_on_error=False, group="notifications")
    def check_notifications(self) -> None:
        """Show the user's new notifications (escalations, QA results...) wherever they are.

        Shown once as a toast, then marked read, so a restart does not repeat them.
        """
        try:
            assert self.actor is not None
            service = self.backend.notifications
            fresh = [n for n in service.unread(self.actor) if n.id not in self._shown_ids]
            if fresh:
                service.mark_read(self.actor, [n.id for n in fresh])
                self._shown_ids.update(n.id for n in fresh)
                for note in reversed(fresh):
                    self.call_from_thread(
                        self.notify, neutralise(note.text), title=_("Notification"),
                        severity="warning", timeout=15,
                    )
        finally:
            self._checking_notifications = False

    def on_feed_lost(self, message: FeedLost) -> None:
        self.log.warning("change feed lost", reason=message.reason)

    # ---- errors, help, quitting --------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed database worker becomes a message to the user."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(user_message(event.worker.error), severity="error", timeout=8)

    def action_help(self) -> None:
        from seatdesk.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def action_quit_desk(self) -> None:
        screen = self.screen
        check = getattr(screen, "confirm_quit", None)
        if check is not None and not await check():
            return
        self._feed_stop.set()
        self.exit()

    def on_unmount(self) -> None:
        self._feed_stop.set()
