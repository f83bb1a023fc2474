"""The timed-rules worker: draft clean-up, the report, the loop stopping on request."""

from __future__ import annotations

import threading

from seatdesk.data.models import Call
from seatdesk.runtime.daemon import WorkerReport, run_loop, run_once
from seatdesk.services.dto import SYSTEM, WrapUp
from tests.factories import customer, floor


def test_drafts_of_finished_calls_are_cleared_not_of_live_ones(backend):
    people = floor(backend)
    agent = people["agent1"]
    customer(backend, agent, "王芳", "13800138000")
    done = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(agent)
    backend.calls.save_wrap_up(agent, done, WrapUp(category="query", disposition="resolved",
                                                   resolved=True))
    live = backend.calls.offer_inbound(SYSTEM, "13800138000", "general")
    backend.calls.claim_next(agent)
    backend.calls.save_draft(agent, live, {"notes": "typing…"})
    with backend.db.write() as s:
        s.get(Call, done).draft = {"notes": "left behind"}
    report = run_once(backend)
    assert report.drafts_cleared == 1 and not report.errors
    with backend.db.read() as s:
        assert s.get(Call, done).draft is None
        assert s.get(Call, live).draft == {"notes": "typing…"}
    assert "call drafts cleared: 1" in report.lines()


def test_loop_runs_until_stopped(backend):
    floor(backend)
    stop = threading.Event()
    reports: list[WorkerReport] = []

    def on_report(report: WorkerReport) -> None:
        reports.append(report)
        if len(reports) == 2:
            stop.set()

    thread = threading.Thread(target=run_loop, args=(backend, stop, 0.01),
                              kwargs={"on_report": on_report})
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive() and len(reports) == 2
    assert all(r == WorkerReport() for r in reports)


def test_one_failing_rule_does_not_stop_the_others(backend, monkeypatch):
    floor(backend)

    def broken() -> list[int]:
        raise RuntimeError("escalation table missing")

    monkeypatch.setattr(backend.complaints, "escalate_overdue", broken)
    report = run_once(backend)
    assert report.errors == ("escalation: escalation table missing",)
    assert report.released == 0 and report.rule_callbacks == 0
