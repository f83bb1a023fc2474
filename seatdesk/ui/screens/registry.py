"""The screens each role may open (Ctrl+P lists them; the first is the role's home).

Screens are imported lazily so that starting the desk does not load the QA form
editor, and so an area still under construction simply does not appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from textual.screen import Screen

from seatdesk.domain.i18n import N_
from seatdesk.services.permissions import Permission


@dataclass(frozen=True)
class ScreenEntry:
    mode: str
    title: str  # message id, translated when shown
    module: str
    cls: str
    permission: Permission

    def load(self) -> type[Screen[object]]:
        """The screen's class, imported on first use (importing every screen at sign-in
        would cost start-up time); a missing module or class fails loudly."""
        cls: type[Screen[object]] = getattr(import_module(self.module), self.cls)
        return cls


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("desk", N_("Seat desk"), "seatdesk.ui.screens.desk", "DeskScreen",
                Permission.TAKE_CALLS),
    ScreenEntry("floor", N_("Live floor"), "seatdesk.ui.screens.floor", "FloorScreen",
                Permission.VIEW_FLOOR),
    ScreenEntry("complaints", N_("Complaints"), "seatdesk.ui.screens.complaints",
                "ComplaintsScreen",
                Permission.MANAGE_COMPLAINTS),
    ScreenEntry("qa", N_("Quality inspection"), "seatdesk.ui.screens.qa", "QaScreen",
                Permission.SCORE_CALLS),
    ScreenEntry("qa_results", N_("QA results"), "seatdesk.ui.screens.qa_results", "QaResultsScreen",
                Permission.VIEW_QA_RESULTS),
    ScreenEntry("my_qa", N_("My evaluations"), "seatdesk.ui.screens.my_qa", "MyEvaluationsScreen",
                Permission.TAKE_CALLS),
    ScreenEntry("my_schedule", N_("My schedule"), "seatdesk.ui.screens.my_schedule",
                "MyScheduleScreen", Permission.TAKE_CALLS),
    ScreenEntry("roster", N_("Roster"), "seatdesk.ui.screens.roster", "RosterScreen",
                Permission.PLAN_ROSTER),
    ScreenEntry("handover", N_("Handover"), "seatdesk.ui.screens.handover", "HandoverScreen",
                Permission.PLAN_ROSTER),
    ScreenEntry("reports", N_("Reports"), "seatdesk.ui.screens.reports", "ReportsScreen",
                Permission.VIEW_REPORTS),
    ScreenEntry("scripts", N_("Scripts"), "seatdesk.ui.screens.scripts", "ScriptsScreen",
                Permission.EDIT_SCRIPTS),
    ScreenEntry("admin", N_("Administration"), "seatdesk.ui.screens.admin", "AdminScreen",
                Permission.MANAGE_QUEUES),
)

# The screen a role lands on after logging in.
HOME = {"agent": "desk", "team_lead": "floor", "qa": "qa", "supervisor": "reports",
        "admin": "admin"}
