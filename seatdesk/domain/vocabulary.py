"""The words for the codes the floor stores: states, categories, outcomes, reasons.

A code (``on_call``, ``wrap_up``, ``handed_over``) is what the database keeps; a person reads
its word, in English or in Chinese. ``CODE_WORDS`` gives each code its English word (the
msgid, marked with ``N_`` so ``pybabel extract`` finds it); ``_()`` of a code looks its word
up here before translating, so ``_(state)`` reads "on call" / 通话中, never ``on_call``.
A code whose word means two things carries a context (``NC_``): ``timeline.answered``
is the event 接听, the state ``answered`` of a complaint is 已答复.
"""

from __future__ import annotations

from seatdesk.domain.i18n import N_, NC_

# code -> English word (the msgid).
CODE_WORDS: dict[str, str] = {
    # roles
    "agent": N_("agent"), "team_lead": N_("team lead"), "qa": N_("QA inspector"),
    "supervisor": N_("supervisor"), "admin": N_("administrator"),
    # call states
    "queued": N_("queued"), "offered": N_("offered"), "active": N_("active"),
    "held": N_("held"), "wrap_up": N_("wrap-up"), "closed": N_("closed"),
    "abandoned": N_("abandoned"),
    # call categories
    "consultation": N_("consultation"), "complaint": N_("complaint"), "order": N_("order"),
    "repair": N_("repair"), "query": N_("query"), "suggestion": N_("suggestion"),
    "other": N_("other"), "general": N_("general"),  # a script for any category
    # outbound purposes and outcomes
    "callback": N_("callback"), "survey": N_("survey"),
    "complaint_follow_up": N_("complaint follow-up"), "notification": N_("notification"),
    "sales": N_("sales"), "reached": N_("reached"), "no_answer": N_("no answer"),
    "busy": N_("busy"), "wrong_number": N_("wrong number"), "refused": N_("refused"),
    "call_back_later": N_("call back later"),
    # seat states and pause reasons
    "available": N_("available"), "ringing": N_("ringing"), "on_call": N_("on call"),
    "on_hold": N_("on hold"), "paused": N_("paused"), "logged_out": N_("logged out"),
    "connecting": N_("connecting…"), "break": N_("break"), "meal": N_("meal"),
    "training": N_("training"), "meeting": N_("meeting"),
    "after_call_work": N_("after-call work"), "personal": N_("personal"),
    "missed_call": N_("missed call"), "seat_lost": N_("seat lost"),
    "inbound": N_("inbound"), "outbound": N_("outbound"),
    # call dispositions
    "resolved": N_("resolved"), "handed_over": N_("handed over"),
    "follow_up": N_("follow-up"), "information": N_("information"),
    "no_action": N_("no action"),
    # complaints: categories, severities, states, owner levels, filters
    "service": N_("service"), "product": N_("product"), "quality": N_("quality"),
    "delivery": N_("delivery"), "billing": N_("billing"), "staff": N_("staff"),
    "low": N_("low"), "normal": N_("normal"), "high": N_("high"),
    "critical": N_("critical"), "registered": N_("registered"), "assigned": N_("assigned"),
    "investigating": N_("investigating"), "answered": N_("answered"),
    "escalated": N_("escalated"), "investigated": N_("investigated"),
    "return_call": N_("return call"), "unreachable": N_("unreachable"),
    "owner": N_("owner"), "team lead": N_("team lead"), "manager": N_("manager"),
    "open": N_("open"), "overdue": N_("overdue"), "all": N_("all"),
    # complaint and callback fields (history entries, exports)
    "deadline": N_("deadline"), "summary": N_("summary"),
    "customer_wants": N_("customer wants"), "severity": N_("severity"),
    "outcome": N_("outcome"), "closing_summary": N_("closing summary"),
    "lesson": N_("lesson learned"), "note": N_("note"), "created_at": N_("created at"),
    "phone": N_("phone"), "department": N_("department"), "deadline_at": N_("deadline"),
    "closed_at": N_("closed at"), "company_fault": N_("company at fault"),
    "due_at": N_("due at"), "source": N_("source"), "attempts": N_("attempts"),
    "max_attempts": N_("max attempts"), "completed_at": N_("completed at"),
    "complaint_id": N_("complaint"), "level": N_("level"), "state": N_("state"),
    "reason": N_("reason"), "purpose": N_("purpose"), "number": N_("number"),
    "customer": N_("customer"), "id": N_("id"),
    # handover states and item kinds
    "draft": N_("draft"), "awaiting": N_("awaiting countersignature"),
    "signed": N_("countersigned"), "risk_customer": N_("risk customer"), "call": N_("call"),
    # permissions, as in "{login} ({role}) may not {what}"
    "take_calls": N_("take calls"), "offer_calls": N_("offer calls"),
    "view_customer": N_("view customers"), "reveal_customer": N_("reveal customer data"),
    "see_unmasked": N_("see unmasked customer data"), "edit_customer": N_("edit customers"),
    "import_customers": N_("import customers"), "export_calls": N_("export call records"),
    "view_all_calls": N_("view all call records"), "manage_users": N_("manage users"),
    "edit_scripts": N_("edit scripts"), "score_calls": N_("score calls"),
    "edit_qa_forms": N_("edit QA forms"), "rule_disputes": N_("rule on disputes"),
    "plan_roster": N_("plan the roster"), "view_floor": N_("view the live floor"),
    "view_reports": N_("view reports"), "manage_complaints": N_("manage complaints"),
    "view_qa_results": N_("view QA results"),
    # report groupings, shown as ``_(by.title())``
    "Day": N_("Day"), "Week": N_("Week"), "Month": N_("Month"),
    # coverage
    "start": N_("start"), "override": N_("override"), "calls": N_("calls"),
    "agents": N_("agents"),
}

# code -> (context, English word): the same word meaning something else elsewhere.
CODE_CONTEXTS: dict[str, tuple[str, str]] = {
    f"timeline.{kind}": ("timeline", word) for kind, word in (
        ("queued", NC_("timeline", "queued")), ("offered", NC_("timeline", "offered")),
        ("answered", NC_("timeline", "answered")), ("held", NC_("timeline", "held")),
        ("resumed", NC_("timeline", "resumed")),
        ("transferred", NC_("timeline", "transferred")),
        ("ended", NC_("timeline", "ended")), ("closed", NC_("timeline", "closed")),
        ("abandoned", NC_("timeline", "abandoned")), ("dialled", NC_("timeline", "dialled")),
        ("customer", NC_("timeline", "customer")), ("category", NC_("timeline", "category")),
    )
}
CODE_CONTEXTS.update({
    "handover.refused": ("handover", NC_("handover", "refused")),
})
