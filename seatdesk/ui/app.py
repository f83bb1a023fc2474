"""The App: logs a user in, opens their role's screens, relays database changes.

The backend is injected, so tests build the app over a test database. Database work
runs in thread workers; their failures are handled in one place
(``on_worker_state_changed``), and changes made by other seats arrive through the
change feed thread as ``DataChanged`` messages that every screen may listen to.

Start-up paints first and connects second: the backend may be given as an opener that the
first database worker calls, so SQLAlchemy, the models and the connection load while the
screen is already on the terminal (a seat sees its desk at once, then its queue fills).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from seatdesk.domain.clock import Clock, utc_now
from seatdesk.domain.errors import LoginFailed
from seatdesk.domain.i18n import N_, _
from seatdesk.domain.text import neutralise
from seatdesk.runtime.heap import settle_after_start_up
from seatdesk.services.permissions import allowed
from seatdesk.services.settings import Settings
from seatdesk.ui.errors import ServiceFailed, start_up_message, user_message
from seatdesk.ui.messages import DataChanged, FeedLost
from seatdesk.ui.screens.registry import HOME, SCREENS, ScreenEntry

if TYPE_CHECKING:
    from textual.driver import Driver

    # Imported lazily at run time: the change feed pulls in psycopg, which a SQLite desk
    # never needs, and the backend pulls in SQLAlchemy; both cost start-up time before
    # the first paint.
    from textual.screen import Screen

    from seatdesk.data.changes import ChangeFeed
    from seatdesk.services.container import Backend
    from seatdesk.services.dto import Actor
    from seatdesk.ui.screens.desk import DeskScreen

FeedFactory = Callable[[], "ChangeFeed"]
# By then the desk has imported the data layer, signed in and drawn its first data.
FREEZE_AFTER_SECONDS = 3.0
# A ringing call rings out after 20 s (runtime.daemon.RING_TIMEOUT): the banner lasts as long.
RING_BANNER_SECONDS = 20
# The first frame is composed, rendered and written in about this long.
CONNECT_AFTER_SECONDS = 0.04
# Change batches kept for a desk that has not taken them; past this the desk re-reads.
MAX_HELD_BATCHES = 5000
BackendOpener = Callable[[], "Backend"]


def screens_for(actor: Actor | None) -> list[ScreenEntry]:
    """The screens this user's role may open."""
    if actor is None:
        return []
    return [e for e in SCREENS if allowed(actor, e.permission)]


def _first_home(actor: Actor | None, sign_in_as: tuple[str, str] | None) -> str | None:
    """The mode to show first: the signed-in role's home, or the expected one's."""
    if actor is not None:
        entries = screens_for(actor)
        home = HOME.get(actor.role)
        entry = next((e for e in entries if e.mode == home), entries[0] if entries else None)
        return entry.mode if entry is not None else None
    if sign_in_as is not None and HOME.get(sign_in_as[1], "desk") == "desk":
        # Only the desk paints before the user is known (it waits for the sign-in to load
        # its queue); any other home reads its data on mount, so it opens after sign-in.
        return "desk"
    return None


def _entry(mode: str) -> ScreenEntry | None:
    return next((e for e in SCREENS if e.mode == mode), None)


class SeatdeskApp(App[None]):
    TITLE = "seatdesk"
    CSS_PATH = "seatdesk.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit_desk", N_("Quit"), id="quit", priority=True),
        Binding("f1", "help", N_("Help"), id="help"),
        # On every other screen: answer the call ringing at the seat (the desk's own F2
        # takes precedence on the desk).
        Binding("f2", "answer_ring", N_("Answer"), id="answer_ring", show=False),
        # Textual's own palette key, declared here so its footer label is translated.
        Binding("ctrl+p", "command_palette", N_("palette"), id="command_palette", show=False,
                priority=True, tooltip=N_("Open the command palette")),
    ]

    def __init__(
        self,
        backend: Backend | BackendOpener,
        settings: Settings | None = None,
        *,
        actor: Actor | None = None,
        login: str | None = None,
        sign_in_as: tuple[str, str] | None = None,
        clock: Clock = utc_now,
        feed_factory: FeedFactory | None = None,
    ) -> None:
        """``backend`` is a Backend, or an opener called by the first database worker.

        ``sign_in_as`` = (login, role) signs in without a password (the demo): the role's
        home paints at once and the user is looked up in the background.
        """
        # The first screen (the role's home when already known) is the app's default screen:
        # mounted with the app, it paints without a mode switch's full CSS refresh.
        first = _first_home(actor, sign_in_as)
        if first is not None:
            # Textual types DEFAULT_MODE as a ClassVar yet reads it from the instance in
            # App.__init__; the first mode depends on who signs in, so it is set per app.
            self.DEFAULT_MODE = first  # type: ignore[misc]
        super().__init__()
        self.settings = settings or Settings()
        self._backend: Backend | None = None
        self._opener: BackendOpener | None = None
        self._backend_lock = threading.Lock()
        if callable(backend):
            self._opener = backend
        else:
            self._adopt(backend)
        self.actor: Actor | None = actor
        self.login_hint = login
        self.sign_in_as = sign_in_as
        self._actor_ready = threading.Event()
        self._actor_error: BaseException | None = None
        self.sign_in_error = ""
        if actor is not None:
            self._actor_ready.set()
        self.clock = clock
        self._feed_factory = feed_factory or self._open_feed
        self._feed_stop = threading.Event()
        self._checking_notifications = False
        self._notifications_at = 0.0
        self._shown_ids: set[int] = set()
        # The seat's desk once it is mounted (F2 from any screen answers there).
        self.desk: DeskScreen | None = None
        # Screens subscribe to this to re-query when any seat changes the database.
        self.data_changed: Signal[frozenset[str]] = Signal(self, "data_changed")
        # What the feed said beyond topics (PostgreSQL's numbered change batches, issue 19),
        # kept for the desk's queue view until it takes them (``take_batches``).
        self._batches: deque[Any] = deque(maxlen=MAX_HELD_BATCHES)
        self._batches_lock = threading.Lock()
        self._batches_overflowed = False
        self.keymap_problems: list[str] = []
        self._added_modes: set[str] = set()  # the modes registered with add_mode
        self._apply_keymap()

    # ---- keys the agent remapped ------------------------------------------------------

    def _apply_keymap(self) -> None:
        """The keymap file (and Settings.keymap), checked against the desk's binding ids."""
        from seatdesk.ui.keymap import check_keymap, keymap_path, read_keymap_file

        self.keymap_file = keymap_path()
        entries, problems = read_keymap_file(self.keymap_file)
        wanted = {**self.settings.keymap, **entries}
        if not wanted and not problems:
            return  # the usual case: nothing to import or check at start-up
        from seatdesk.ui.screens.desk import DeskScreen
        from seatdesk.ui.widgets.queue_table import QueueTable

        def bindings(items: list[Any]) -> list[Binding]:
            return [b for b in items if isinstance(b, Binding)]

        desk_scope = bindings(DeskScreen.BINDINGS) + bindings(QueueTable.BINDINGS) \
            + bindings(SeatdeskApp.BINDINGS)
        checked = check_keymap(wanted, [desk_scope])
        self.keymap_problems = problems + checked.problems
        if checked.keys:
            self.set_keymap(checked.keys)

    # ---- the database, opened off the UI thread ----------------------------------------

    def _adopt(self, backend: Backend) -> None:
        backend.configure(**self.settings.qa_options())
        self._backend = backend

    @property
    def backend(self) -> Backend:
        """The backend; the first caller (a worker thread) opens it when given an opener."""
        backend = self._backend
        if backend is not None:
            return backend
        with self._backend_lock:
            if self._backend is None:
                assert self._opener is not None
                self._adopt(self._opener())
            assert self._backend is not None
            return self._backend

    def session_actor(self) -> Actor:
        """(worker thread) The signed-in user, waiting for a background sign-in to finish."""
        self._actor_ready.wait()
        if self.actor is None:
            raise self._actor_error or LoginFailed(_("not signed in"))
        return self.actor

    def _open_feed(self) -> ChangeFeed:
        """(feed thread) The database's change feed, imported off the UI thread's path."""
        # The backend first: its opener imports the data layer under the backend lock. The
        # sign-in thread starts with this one, and two threads' first imports of SQLAlchemy
        # race ("partially initialized module": the seat never signed in).
        db = self.backend.db
        from seatdesk.data.changes import open_feed

        return open_feed(db, self.settings.sqlite_poll_seconds, self.settings.events_url)

    # ---- start-up and roles ------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        entry = _entry(self.DEFAULT_MODE)
        screen_cls = entry.load() if entry is not None else None
        return screen_cls() if screen_cls is not None else super().get_default_screen()

    def on_mount(self) -> None:
        for problem in self.keymap_problems:
            self.notify(problem, title=_("Keymap"), severity="error", timeout=20, markup=False)
        # The database work starts once the first screen is on the terminal: importing
        # SQLAlchemy in a thread would otherwise share the GIL with the first paint and
        # with Textual's output thread writing it. A fixed delay alone is not enough on a
        # loaded machine, so the delay starts after the first refresh.
        self._after_first_frame(self.watch_changes)
        self.set_timer(FREEZE_AFTER_SECONDS, self._freeze_start_up_objects)
        first = _entry(self.DEFAULT_MODE)
        if first is not None:  # registered so that switching back finds the same screen
            screen_cls = first.load()
            self.add_mode(first.mode, screen_cls)
            self._added_modes.add(first.mode)
        if self.actor is not None:
            self.open_home()
        elif self.sign_in_as is not None:
            login = self.sign_in_as[0]
            self._after_first_frame(lambda: self._sign_in(login))
        else:
            from seatdesk.ui.screens.login import LoginScreen

            self.push_screen(LoginScreen(self.login_hint), self._logged_in)

    def _after_first_frame(self, callback: Callable[[], object]) -> None:
        self.call_after_refresh(lambda: self.set_timer(CONNECT_AFTER_SECONDS, callback))

    def _freeze_start_up_objects(self) -> None:
        """Exempt what start-up built from the garbage collector's full passes.

        Modules, the ORM's metadata and the screens live as long as the desk; left in the
        collected heap, every full collection walks them, a 60-90 ms stall measured in the
        middle of a screen pop (bench/bench_desk.py). Collection, paused while the desk
        started (seatdesk.cli.desk), resumes now; start-up's garbage is collected first and
        the freed heap given back (bench/bench_memory.py: memory per seat).
        """
        settle_after_start_up()

    @work(thread=True, exit_on_error=False, group="sign-in")
    def _sign_in(self, login: str) -> None:
        """(worker) Open the database and look the user up, while the home screen paints."""
        try:
            actor = self.backend.users.actor(login)
        except Exception as exc:  # noqa: BLE001 - boundary (start-up): said in one line as the desk closes
            self._actor_error = exc
            self._actor_ready.set()
            self.call_from_thread(self._sign_in_failed, start_up_message(exc))
            return
        self.actor = actor
        self._name_connections(actor)
        self._actor_ready.set()
        expected = self.sign_in_as[1] if self.sign_in_as else None
        # The home painted already (the desk) unless the guess was wrong or the home waited
        # for the user; otherwise go there now.
        painted = _first_home(None, self.sign_in_as) is not None and actor.role == expected
        self.call_from_thread(self._show_user if painted else self.open_home)

    def _sign_in_failed(self, message: str) -> None:
        """Close with one line on the terminal (as the CLI says its errors)."""
        self.sign_in_error = message
        self.exit(return_code=1, message=message)

    def _logged_in(self, actor: Actor | None) -> None:
        if actor is None:
            self.exit()
            return
        self.actor = actor
        self._name_connections(actor)
        self._actor_ready.set()
        self.open_home()

    def _name_connections(self, actor: Actor) -> None:
        """Let a DBA see in pg_stat_activity which seat holds which connection."""
        if self._backend is not None:
            self._backend.db.name_connections(f"seatdesk seat {actor.login}")

    def _show_user(self) -> None:
        assert self.actor is not None
        self.sub_title = f"{self.actor.name} · {_(self.actor.role)} · {self.actor.agent_no}"

    def available_screens(self) -> list[ScreenEntry]:
        """The screens this user's role may open."""
        return screens_for(self.actor)

    def open_home(self) -> None:
        self._show_user()
        assert self.actor is not None
        mode = _first_home(self.actor, None)
        if mode is None:
            self.notify(_("no screen is available for your role"), severity="error")
            return
        self.open_screen(mode)
        # Signing in imported the data layer and loaded the desk: settle that heap too.
        self.set_timer(FREEZE_AFTER_SECONDS, settle_after_start_up)

    def open_screen(self, mode: str) -> None:
        """Switch to a role's screen; refused (with a message) if the role may not."""
        entry = next((e for e in self.available_screens() if e.mode == mode), None)
        if entry is None:
            self.notify(_("you may not open that screen"), severity="error")
            return
        self._open_mode(mode)

    def _open_mode(self, mode: str) -> None:
        if mode not in self._added_modes:
            entry = _entry(mode)
            assert entry is not None
            screen_cls = entry.load()
            self.add_mode(mode, screen_cls)
            self._added_modes.add(mode)
        self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        from seatdesk.ui.textual_words import translated_commands

        yield from translated_commands(super().get_system_commands(screen))

        for entry in self.available_screens():
            yield SystemCommand(
                _("Open: {title}").format(title=_(entry.title)),
                _("Switch to the {title} screen").format(title=_(entry.title)),
                lambda mode=entry.mode: self.open_screen(mode),
            )

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, except that a browser seat's driver is read now, not at import.

        Textual reads ``TEXTUAL_DRIVER`` once, when it is first imported; a desk forked by
        the seat host for a browser (`seatdesk serve --seat-host`) gets the variable after
        that, from its attach request (seatdesk.runtime.seat_host). Only the web driver is
        taken so; any other value is Textual's business, as before.
        """
        import os

        if os.environ.get("TEXTUAL_DRIVER"):  # (a terminal's desk imports nothing more)
            from seatdesk.runtime.attach import WEB_DRIVER

            if os.environ["TEXTUAL_DRIVER"] == WEB_DRIVER:
                from textual.drivers.web_driver import WebDriver

                return WebDriver
        return super().get_driver_class()

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
                connected = feed is None
                if feed is None:
                    feed = self._feed_factory()
                _rename_feed(feed, self.backend.db.connection_name)
                topics = feed.wait(slow_poll)
                self._hold_batches(feed)
                if connected:
                    # Changes made before the LISTEN began are in no batch: re-read once.
                    topics = set(topics) | {"*"}
            except Exception as exc:  # noqa: BLE001 - boundary (change-feed thread): any feed failure degrades to polling
                if feed is not None:
                    try:
                        feed.close()
                    except Exception:  # noqa: BLE001, S110 - boundary (change-feed thread): closing a broken feed
                        pass
                feed = None
                self.post_message(FeedLost(str(exc)))
                self._feed_stop.wait(slow_poll)
                topics = {"*"}
            # Even with no hint, a slow poll keeps every seat honest.
            self.post_message(DataChanged(frozenset(topics or {"poll"})))
        if feed is not None:
            feed.close()

    def _hold_batches(self, feed: ChangeFeed) -> None:
        """(feed thread) Keep the feed's change batches for the desk."""
        from seatdesk.data.changes import drain_batches

        batches = drain_batches(feed)
        if not batches:
            return
        with self._batches_lock:
            if len(self._batches) + len(batches) > MAX_HELD_BATCHES:
                self._batches_overflowed = True  # the oldest fall out: the desk re-reads
            self._batches.extend(batches)

    def take_batches(self) -> tuple[list[Any], bool]:
        """The change batches received since the last call, and whether some were dropped."""
        with self._batches_lock:
            batches, lost = list(self._batches), self._batches_overflowed
            self._batches.clear()
            self._batches_overflowed = False
        return batches, lost

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
                        severity="warning", timeout=15, markup=False,
                    )
        finally:
            self._checking_notifications = False

    def on_feed_lost(self, message: FeedLost) -> None:
        self.log.warning("change feed lost", reason=message.reason)

    # ---- errors, help, quitting --------------------------------------------------------

    def on_service_failed(self, message: ServiceFailed) -> None:
        """The one place a failed service call no screen showed itself reaches the user."""
        self.notify(message.text, severity="error", timeout=8, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed database worker becomes a message to the user."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(user_message(event.worker.error), severity="error", timeout=8)

    # ---- the ring, wherever the agent is ----------------------------------------------

    def announce_ring(self, text: str) -> None:
        """A ringing call while another screen is shown: a banner there, and the bell."""
        self.bell()
        self.notify(text, title=_("Ringing"), severity="warning", timeout=RING_BANNER_SECONDS,
                    markup=False)

    async def action_answer_ring(self) -> None:
        """F2 from any screen: bring the desk back and answer (or take the next caller)."""
        desk = self.desk
        if desk is None:
            return
        if self.current_mode != "desk":
            await self.switch_mode("desk")
        while self.screen is not desk and len(self.screen_stack) > 1:
            self.pop_screen()
        desk.action_take_next()

    def action_command_palette(self) -> None:
        """Textual's palette, its prompt in the seat's language (i18n)."""
        from textual.command import CommandPalette

        from seatdesk.ui.textual_words import PALETTE_PLACEHOLDER

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=_(PALETTE_PLACEHOLDER),
                                            id="--command-palette"))

    def action_help(self) -> None:
        from seatdesk.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """The palette's "Quit the application" asks as Ctrl+Q does (a live call, logging out)."""
        await self.action_quit_desk()

    async def action_quit_desk(self) -> None:
        screen = self.screen
        check = getattr(screen, "confirm_quit", None)
        if check is not None and not await check():
            return
        self._feed_stop.set()
        self.exit()

    def on_unmount(self) -> None:
        self._feed_stop.set()


def _rename_feed(feed: ChangeFeed, name: str | None) -> None:
    """(feed thread) A listener opened before sign-in takes the seat's name afterwards."""
    rename = getattr(feed, "rename", None)
    if name is not None and rename is not None and getattr(feed, "application_name", None) != name:
        rename(name)
