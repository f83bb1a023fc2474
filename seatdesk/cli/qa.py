"""QA on the command line: `seatdesk report qa` and `seatdesk qa form export|import`.

``seatdesk.cli.main`` imports this module while it is being built, so the CLI context is
reached through ``ctx.obj`` (``@click.pass_obj``) rather than imported at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from seatdesk.cli.table import text_table
from seatdesk.domain.i18n import _, ngettext

BY_CHOICES = ("agent", "team", "inspector", "item")


def render_table(rows: list[dict[str, object]], columns: list[tuple[str, str]]) -> str:
    """A plain aligned text table (CJK-aware widths)."""
    def cell(v: object) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)

    return text_table([h for _k, h in columns],
                      [[cell(r.get(k)) for k, _h in columns] for r in rows],
                      rules=False, numbers_right=False)


@click.command("qa")
@click.option("--from", "from_text", required=True, help="First day (center's time zone).")
@click.option("--to", "to_text", required=True, help="Last day, inclusive.")
@click.option("--by", type=click.Choice(BY_CHOICES), default="agent", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True,
              help="Replace --out if it exists (never a database, journal or link).")
@click.option("--as", "login", default=None, help="Your login (or SEATDESK_USER).")
@click.pass_obj
def report_qa(cli: Any, from_text: str, to_text: str, by: str, fmt: str, out: str | None,
              force: bool, login: str | None) -> None:
    """QA results: average score, pass rate, critical fails, most-failed items."""
    from seatdesk.exchange.exporter import open_output, parse_date_range, write_rows

    backend = cli.backend()
    actor = cli.actor(login)
    start, end = parse_date_range(from_text, to_text, cli.settings.tz, backend.clock())
    from seatdesk.services.qa_results import result_columns, result_dicts

    rows = result_dicts(backend.qa.results(actor, start, end, by))
    columns = result_columns(by)
    if fmt == "table":
        text = render_table(rows, columns) + "\n"
        if out:
            with open_output(out, force=force) as fh:
                fh.write(text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
        return
    if fmt == "xlsx" and out is None:
        raise click.ClickException(_("xlsx needs --out FILE"))
    count = write_rows(rows, columns, fmt, out, force=force)
    if out:
        click.echo(ngettext("{n} row written to {path}", "{n} rows written to {path}",
                            count).format(n=count, path=out), err=True)


@click.group("qa")
def qa_group() -> None:
    """Quality inspection: monitoring forms."""


@qa_group.group("form")
def form_group() -> None:
    """Export and import QA monitoring forms (TOML or JSON)."""


@form_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--code", default="default", show_default=True, help="Which form.")
@click.option("--as", "login", default=None, help="Your login (or SEATDESK_USER).")
@click.pass_obj
def form_export(cli: Any, path: str, code: str, login: str | None) -> None:
    """Write the newest version of a form to PATH (.toml or .json)."""
    from seatdesk.domain.errors import InvalidInput
    from seatdesk.domain.qa.forms import FormError, format_of, render_form
    from seatdesk.services.permissions import Permission, allowed, require

    actor = cli.actor(login)
    # Inspectors read the form they score with; only publishing needs EDIT_QA_FORMS.
    if not allowed(actor, Permission.SCORE_CALLS):
        require(actor, Permission.EDIT_QA_FORMS)
    try:
        fmt = format_of(path)
    except FormError as exc:
        raise InvalidInput(str(exc), "path") from None
    version = cli.backend().qa.form(actor, code=code)
    Path(path).write_text(render_form(version.form, fmt), encoding="utf-8")
    click.echo(_("form {code} version {v} written to {path}").format(
        code=code, v=version.version, path=path))


@form_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "login", default=None, help="Your login (or SEATDESK_USER).")
@click.pass_obj
def form_import(cli: Any, path: str, login: str | None) -> None:
    """Validate PATH and publish it as the form's next version."""
    from seatdesk.domain.qa.forms import FormError, format_of, parse_form

    actor = cli.actor(login)
    try:
        form = parse_form(Path(path).read_text(encoding="utf-8"), format_of(path))
    except (FormError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    version = cli.backend().qa.publish_form(actor, form)
    click.echo(_("form {code} published as version {v}").format(code=version.code,
                                                                v=version.version))


@qa_group.command("plan")
@click.option("--from", "from_text", required=True, help="First day of the calls (center's zone).")
@click.option("--to", "to_text", required=True, help="Last day, inclusive.")
@click.option("--per-agent", type=int, default=3, show_default=True,
              help="Random calls per agent (0: only the rules below).")
@click.option("--complaints", is_flag=True, help="Every complaint call as well.")
@click.option("--under", "under", type=int, default=None,
              help="Every call shorter than this many seconds of talk as well.")
@click.option("--min-talk", type=int, default=None,
              help="Calls shorter than this are too short to judge (default 10 s).")
@click.option("--queue", default=None)
@click.option("--category", default=None)
@click.option("--team", default=None)
@click.option("--inspector", "inspectors", multiple=True,
              help="Split among these inspectors (default: those on duty, else all).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--name", default="", help="A name for the plan.")
@click.option("--as", "login", default=None, help="Your login (or SEATDESK_USER).")
@click.pass_obj
def plan(cli: Any, from_text: str, to_text: str, per_agent: int, complaints: bool,
         under: int | None, min_talk: int | None, queue: str | None, category: str | None,
         team: str | None, inspectors: tuple[str, ...], seed: int, name: str,
         login: str | None) -> None:
    """Make and store a sampling plan; prints its calls and who scores each."""
    from seatdesk.exchange.exporter import parse_date_range
    from seatdesk.services.qa_workflow import SamplePlanSpec

    backend = cli.backend()
    actor = cli.actor(login)
    start, end = parse_date_range(from_text, to_text, cli.settings.tz, backend.clock())
    made = backend.qa.plan_sample(actor, SamplePlanSpec(
        start=start, end=end, per_agent=per_agent, all_complaints=complaints,
        all_under_seconds=under, min_talk_seconds=min_talk, queue=queue, category=category,
        team=team, inspectors=inspectors, seed=seed, name=name))
    rows = [{"call": r.call_id, "agent": r.agent_login, "talk": r.talk_seconds,
             "reason": _(r.sample_reason) if r.sample_reason else "-",
             "inspector": r.assigned_to or "-"}
            for r in backend.qa.plan_calls(actor, made.id)]
    click.echo(render_table(rows, [("call", _("Call")), ("agent", _("Agent")),
                                   ("talk", _("Talk s")), ("reason", _("Why")),
                                   ("inspector", _("Inspector"))]))
    click.echo(ngettext("sampling plan #{id}: {n} call", "sampling plan #{id}: {n} calls",
                        made.calls).format(id=made.id, n=made.calls))


@qa_group.command("seed-form")
@click.pass_obj
def seed_form(cli: Any) -> None:
    """Publish the default monitoring form if there is none (safe to repeat)."""
    from seatdesk.exchange.qa_default_form import ensure_default_form

    form_id = ensure_default_form(cli.backend())
    click.echo(_("default form ready (id {id})").format(id=form_id))


COMMANDS: list[click.Command] = [qa_group]
SUBCOMMANDS: dict[str, list[click.Command]] = {"report": [report_qa]}
