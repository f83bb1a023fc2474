"""Who may do what. Checked in the services; the UI only hides what this forbids."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from seatdesk.domain.enums import Role
from seatdesk.domain.errors import PermissionDenied
from seatdesk.domain.i18n import _

if TYPE_CHECKING:
    from seatdesk.services.dto import Actor


class Permission(enum.StrEnum):
    TAKE_CALLS = "take_calls"
    OFFER_CALLS = "offer_calls"  # the phone system's hook
    VIEW_CUSTOMER = "view_customer"
    REVEAL_CUSTOMER = "reveal_customer"  # unmask phone numbers and personal data
    SEE_UNMASKED = "see_unmasked"  # never masked in the first place
    EDIT_CUSTOMER = "edit_customer"
    IMPORT_CUSTOMERS = "import_customers"
    EXPORT_CALLS = "export_calls"
    VIEW_ALL_CALLS = "view_all_calls"
    MANAGE_USERS = "manage_users"  # users, passwords, sessions, the system secret
    MANAGE_QUEUES = "manage_queues"  # queues and teams
    EDIT_SCRIPTS = "edit_scripts"
    SCORE_CALLS = "score_calls"
    EDIT_QA_FORMS = "edit_qa_forms"
    RULE_DISPUTES = "rule_disputes"
    PLAN_ROSTER = "plan_roster"
    VIEW_FLOOR = "view_floor"
    VIEW_REPORTS = "view_reports"
    MANAGE_COMPLAINTS = "manage_complaints"
    VIEW_QA_RESULTS = "view_qa_results"


P = Permission
_AGENT = {P.TAKE_CALLS, P.VIEW_CUSTOMER, P.REVEAL_CUSTOMER, P.EDIT_CUSTOMER}
_LEAD = _AGENT | {
    P.EXPORT_CALLS, P.VIEW_ALL_CALLS, P.RULE_DISPUTES, P.PLAN_ROSTER, P.VIEW_FLOOR,
    P.VIEW_REPORTS, P.MANAGE_COMPLAINTS, P.VIEW_QA_RESULTS,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(_AGENT),
    Role.TEAM_LEAD: frozenset(_LEAD),
    # QA listens to calls but needs no customer's digits to score them.
    Role.QA: frozenset({P.VIEW_CUSTOMER, P.VIEW_ALL_CALLS, P.SCORE_CALLS, P.VIEW_QA_RESULTS}),
    Role.SUPERVISOR: frozenset(
        _LEAD | {P.SEE_UNMASKED, P.IMPORT_CUSTOMERS, P.EDIT_SCRIPTS, P.SCORE_CALLS,
                 P.EDIT_QA_FORMS, P.MANAGE_QUEUES}
    ),
    Role.ADMIN: frozenset(set(Permission) - {P.TAKE_CALLS, P.SCORE_CALLS}),
}


def allowed(actor: Actor, permission: Permission) -> bool:
    if actor.is_system:
        return True
    return permission in ROLE_PERMISSIONS.get(Role(actor.role), frozenset())


# Roles that see the whole center in reports and exports; a team lead sees their team.
_CENTER_WIDE = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.QA})


def team_scope(actor: Actor) -> int | None:
    """The team whose records ``actor`` sees in every report and export (None: the center).

    One rule for every screen, report and export: a team lead sees their own team, a
    supervisor (and admin, QA) the whole center.
    """
    if actor.is_system or Role(actor.role) in _CENTER_WIDE:
        return None
    if actor.team_id is None:
        raise PermissionDenied(_("{login} leads no team, so no team's records are shown")
                               .format(login=actor.login))
    return actor.team_id


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``permission``."""
    if not allowed(actor, permission):
        raise PermissionDenied(_("{login} ({role}) may not {what}").format(
            login=actor.login, role=_(actor.role), what=_(permission.value)))
