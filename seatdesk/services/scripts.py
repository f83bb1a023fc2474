"""Call scripts managed by supervisors: one published version per category, language and
direction; an edit publishes a new version (calls keep the version they showed).

TOML import/export so scripts can be written in an editor and reviewed like documents::

    [[script]]
    category = "repair"        # a call category, or "general" (before one is chosen)
    lang = "zh"                # zh or en
    direction = "inbound"      # inbound or outbound (outbound categories are purposes)
    title = "报修"
    [[script.step]]
    stage = "identify"         # identify, problem, solve, arrange, confirm
    text = "您好,{company},工号{agent_no}为您服务。"
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seatdesk.data.models import Category, OutboundPurpose, ScriptVersion
from seatdesk.data.topics import Topic
from seatdesk.domain.errors import InvalidInput
from seatdesk.domain.i18n import _
from seatdesk.domain.scripts import GENERAL, validate_steps
from seatdesk.services import audit
from seatdesk.services.base import Service
from seatdesk.services.dto import Actor, ScriptView
from seatdesk.services.permissions import Permission, require

LANGS = ("zh", "en")
DIRECTIONS = ("inbound", "outbound")


@dataclass(frozen=True)
class ScriptInput:
    category: str
    lang: str
    direction: str
    title: str
    steps: tuple[dict[str, str], ...]


def _view(row: ScriptVersion) -> ScriptView:
    return ScriptView(id=row.id, category=row.category, lang=row.lang, direction=row.direction,
                      version=row.version, title=row.title,
                      steps=tuple(dict(s) for s in row.steps), published=row.published,
                      created_at=row.created_at)


def categories_for(direction: str) -> tuple[str, ...]:
    if direction == "outbound":
        return (GENERAL, *(p.value for p in OutboundPurpose))
    return (GENERAL, *(c.value for c in Category))


def validate_script(data: ScriptInput, where: str = "") -> ScriptInput:
    """Check one script; raises InvalidInput naming the field (and ``where`` it came from)."""
    def at(text: str) -> str:
        return _("{where}: {problem}").format(where=where, problem=text) if where else text

    if data.direction not in DIRECTIONS:
        raise InvalidInput(at(_("direction must be inbound or outbound, not {d!r}").format(
            d=data.direction)), "direction")
    if data.category not in categories_for(data.direction):
        raise InvalidInput(at(_("category must be one of {choices}, not {c!r}").format(
            choices=", ".join(categories_for(data.direction)), c=data.category)), "category")
    if data.lang not in LANGS:
        raise InvalidInput(at(_("lang must be zh or en, not {lang!r}").format(lang=data.lang)),
                           "lang")
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(at(_("title is required (at most 200 characters)")), "title")
    try:
        steps = validate_steps(list(data.steps))
    except ValueError as exc:
        raise InvalidInput(at(str(exc)), "steps") from None
    return ScriptInput(data.category, data.lang, data.direction, title, tuple(steps))


def parse_toml(text: str) -> list[ScriptInput]:
    """Read scripts from TOML text; raises InvalidInput with the line or script at fault."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(_("not valid TOML: {error}").format(error=exc), "file") from None
    scripts = doc.get("script")
    if not isinstance(scripts, list) or not scripts:
        raise InvalidInput(_("no [[script]] tables found"), "file")
    out: list[ScriptInput] = []
    seen: set[tuple[str, str, str]] = set()
    for n, raw in enumerate(scripts, 1):
        where = _("script {n}").format(n=n)
        unknown = set(raw) - {"category", "lang", "direction", "title", "step"}
        if unknown:
            raise InvalidInput(_("{where}: unknown key {key!r}").format(
                where=where, key=sorted(unknown)[0]), "file")
        for key in ("category", "lang", "title"):
            if not isinstance(raw.get(key), str):
                raise InvalidInput(_("{where}: {key} is missing or not text").format(
                    where=where, key=key), key)
        data = validate_script(ScriptInput(
            category=raw["category"], lang=raw["lang"],
            direction=str(raw.get("direction", "inbound")), title=raw["title"],
            steps=tuple(raw.get("step", []))), where)
        key3 = (data.category, data.lang, data.direction)
        if key3 in seen:
            raise InvalidInput(_("{where}: {script} appears twice in the file").format(
                where=where, script="/".join(key3)), "file")
        seen.add(key3)
        out.append(data)
    return out


def _toml_string(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t"))
    escaped = "".join(ch if ord(ch) >= 0x20 and ord(ch) != 0x7F else f"\\u{ord(ch):04x}"
                      for ch in escaped)
    return f'"{escaped}"'


def to_toml(scripts: Iterable[ScriptView | ScriptInput]) -> str:
    """Write scripts as TOML that ``parse_toml`` reads back unchanged."""
    lines = ["# seatdesk call scripts: stages identify, problem, solve, arrange, confirm;",
             "# placeholders {customer} {agent} {agent_no} {company}", ""]
    for sc in scripts:
        lines.append("[[script]]")
        for key in ("category", "lang", "direction", "title"):
            lines.append(f"{key} = {_toml_string(getattr(sc, key))}")
        for step in sc.steps:
            lines.append("[[script.step]]")
            lines.append(f"stage = {_toml_string(step['stage'])}")
            lines.append(f"text = {_toml_string(step['text'])}")
        lines.append("")
    return "\n".join(lines)


class ScriptService(Service):
    def published(self, category: str | None, lang: str, direction: str = "inbound"
                  ) -> ScriptView | None:
        """The newest published script for the call; falls back to the general one."""
        with self.db.read() as s:
            return published_in(s, category, lang, direction)

    def get(self, script_id: int) -> ScriptView | None:
        with self.db.read() as s:
            row = s.get(ScriptVersion, script_id)
            return _view(row) if row else None

    def versions(self, actor: Actor) -> list[ScriptView]:
        """Every version of every script, newest first within each script."""
        with self.db.read() as s:
            rows = s.scalars(select(ScriptVersion).order_by(
                ScriptVersion.direction, ScriptVersion.category, ScriptVersion.lang,
                ScriptVersion.version.desc()))
            return [_view(r) for r in rows]

    def current(self) -> list[ScriptView]:
        """The newest published version of each script."""
        latest: dict[tuple[str, str, str], ScriptView] = {}
        with self.db.read() as s:
            for r in s.scalars(select(ScriptVersion).where(ScriptVersion.published.is_(True))
                               .order_by(ScriptVersion.version)):
                latest[(r.direction, r.category, r.lang)] = _view(r)
        return [latest[k] for k in sorted(latest)]

    def publish(self, actor: Actor, data: ScriptInput) -> ScriptView:
        """Publish an edit as a new version (earlier calls keep the version they showed)."""
        require(actor, Permission.EDIT_SCRIPTS)
        data = validate_script(data)
        with self.db.write() as s:
            return self._publish(s, actor, data)

    def _publish(self, s: Any, actor: Actor, data: ScriptInput) -> ScriptView:
        now = self.clock()
        prev = s.scalar(select(ScriptVersion).where(
            ScriptVersion.category == data.category, ScriptVersion.lang == data.lang,
            ScriptVersion.direction == data.direction, ScriptVersion.published.is_(True),
        ).order_by(ScriptVersion.version.desc()).limit(1))
        if prev is not None and prev.title == data.title and list(prev.steps) == list(data.steps):
            return _view(prev)  # unchanged: importing the same file twice adds nothing
        top = s.scalar(select(func.max(ScriptVersion.version)).where(
            ScriptVersion.category == data.category, ScriptVersion.lang == data.lang,
            ScriptVersion.direction == data.direction)) or 0
        row = ScriptVersion(category=data.category, lang=data.lang, direction=data.direction,
                            version=top + 1, title=data.title, steps=list(data.steps),
                            published=True, created_by=actor.user_id, created_at=now)
        s.add(row)
        s.flush()
        audit.record(s, actor, "script.publish", at=now, entity="script", entity_id=row.id,
                     detail={"category": data.category, "lang": data.lang,
                             "direction": data.direction, "version": row.version})
        self.signal(s, Topic.SCRIPTS)
        return _view(row)

    def import_toml(self, actor: Actor, text: str) -> list[ScriptView]:
        """Validate the whole file first, then publish every changed script in one go."""
        require(actor, Permission.EDIT_SCRIPTS)
        scripts = parse_toml(text)
        with self.db.write() as s:
            return [self._publish(s, actor, data) for data in scripts]

    def export_toml(self, actor: Actor) -> str:
        require(actor, Permission.EDIT_SCRIPTS)
        return to_toml(self.current())

    def ensure_defaults(self, actor: Actor) -> int:
        """Publish the built-in starter scripts where a script does not exist yet."""
        with self.db.write() as s:
            have = set(s.execute(select(ScriptVersion.category, ScriptVersion.lang,
                                        ScriptVersion.direction)).all())
            added = 0
            for data in default_scripts():
                if (data.category, data.lang, data.direction) not in have:
                    self._publish(s, actor, data)
                    added += 1
            return added


# ---- starter scripts (a supervisor replaces them with the center's own) ------------------

_OPEN = {"zh": "您好，{company}，工号{agent_no}为您服务。请问怎么称呼您？",
         "en": "Hello, {company}, agent {agent_no} speaking. May I have your name, please?"}
_PROBLEM = {"zh": "{customer}，请问有什么可以帮您？（请让客户讲完，不打断）",
            "en": "{customer}, how can I help you today? (Let the caller finish; never interrupt.)"}
_ARRANGE = {"zh": "需要安排服务时："
                  "说明谁来处理、何时回复；不能当场解决的，登记并转交责任人（首问负责制）。",
            "en": "If service is needed: say who will handle it and when you will call back; "
                  "what cannot be solved now is registered and handed to its owner."}
_CONFIRM = {"zh": "请问还有其他可以帮您的吗？感谢您的来电，再见。（请客户先挂机）",
            "en": "Is there anything else I can help with? Thank you for calling, goodbye. "
                  "(Let the customer hang up first.)"}
_SOLVE = {
    "general": ("先确认来电目的，再选择通话类别。",
                "Find out why they call, then choose the category."),
    "consultation": ("准确回答咨询；不确定时说明核实后回电，不猜测、不夸大承诺。",
                     "Answer precisely; if unsure, say you will check and call back. "
                     "No guessing, no exaggerated promises."),
    "complaint": ("对不起，给您带来不便。请客户完整陈述，不争辩；登记投诉，告知24小时内答复。",
                  "I am sorry for the trouble. Let them tell the whole story, never argue; "
                  "register the complaint and promise a reply within 24 hours."),
    "order": ("核对产品、数量、地址和联系方式，复述订单内容请客户确认。",
              "Check product, quantity, address and contact; read the order back to confirm."),
    "repair": ("询问产品型号、购买日期和故障现象；查看保修期，预约上门时间。",
               "Ask model, purchase date and symptoms; check the warranty and book a visit."),
    "query": ("核实身份后查询，告知结果；无法立即查到时约定回电时间。",
              "Verify identity, look it up and tell the result; if it takes longer, agree "
              "a callback time."),
    "suggestion": ("感谢您的宝贵建议，我们会转达相关部门。记录建议内容。",
                   "Thank you for the suggestion; we will pass it on. Record what was suggested."),
    "other": ("了解需求，能处理的当场处理，不能处理的登记转交。",
              "Understand the need; solve what you can now, register and hand over the rest."),
}
_OUT_OPEN = {"zh": "您好，请问是{customer}吗？我是{company}工号{agent_no}。",
             "en": "Hello, am I speaking with {customer}? This is agent {agent_no} "
                   "from {company}."}
_OUT_SOLVE = {
    "general": ("说明来电目的，询问是否方便通话。",
                "Say why you are calling; ask if now is a good time."),
    "callback": ("回访上次服务：问题是否已解决？对服务是否满意（1-5分）？",
                 "Follow up on the last service: is the problem solved? How satisfied "
                 "are you (1-5)?"),
    "survey": ("满意度调查：请您为本次服务打分（1-5分），并提出改进意见。",
               "Satisfaction survey: please score our service from 1 to 5 and tell us what "
               "to improve."),
    "complaint_follow_up": ("投诉回访：告知处理结果，确认客户是否认可。",
                            "Complaint follow-up: tell the outcome and ask whether they "
                            "accept it."),
    "notification": ("通知事项：清楚说明内容和时间，请客户复述确认。",
                     "Notification: state what and when clearly; ask them to confirm."),
    "sales": ("介绍产品要点，不施压、不夸大；客户拒绝时礼貌结束。",
              "Present the offer without pressure or exaggeration; end politely if they "
              "decline."),
}
_ZH_TITLES = {"general": "通用", "consultation": "咨询", "complaint": "投诉", "order": "订单",
              "repair": "报修", "query": "查询", "suggestion": "建议", "other": "其他",
              "callback": "回访", "survey": "满意度调查", "complaint_follow_up": "投诉回访",
              "notification": "通知", "sales": "营销"}


def _title(category: str, lang: str) -> str:
    if lang == "zh":
        return _ZH_TITLES.get(category, category) + "话术"
    return category.replace("_", " ").capitalize() + " script"


def default_scripts() -> list[ScriptInput]:
    """Starter scripts for every category and purpose, in Chinese and English."""
    out: list[ScriptInput] = []
    for lang_i, lang in enumerate(LANGS):
        for cat, solve in _SOLVE.items():
            steps: tuple[dict[str, str], ...] = (
                     {"stage": "identify", "text": _OPEN[lang]},
                     {"stage": "problem", "text": _PROBLEM[lang]},
                     {"stage": "solve", "text": solve[lang_i]},
                     {"stage": "arrange", "text": _ARRANGE[lang]},
                     {"stage": "confirm", "text": _CONFIRM[lang]})
            out.append(ScriptInput(cat, lang, "inbound", _title(cat, lang), steps))
        for cat, solve in _OUT_SOLVE.items():
            steps = ({"stage": "identify", "text": _OUT_OPEN[lang]},
                     {"stage": "solve", "text": solve[lang_i]},
                     {"stage": "confirm", "text": _CONFIRM[lang]})
            out.append(ScriptInput(cat, lang, "outbound", _title(cat, lang), steps))
    return out


def published_in(s: Session, category: str | None, lang: str, direction: str = "inbound"
                 ) -> ScriptView | None:
    """``ScriptService.published`` within the caller's transaction (the screen pop's)."""
    # Before a category is chosen the general script is shown; a center that has none
    # falls back to its "other" (inbound) or "callback" (outbound) script.
    fallback = "callback" if direction == "outbound" else Category.OTHER.value
    wanted = list(dict.fromkeys(c for c in (category, GENERAL, fallback) if c))
    languages = (lang, *[x for x in LANGS if x != lang])
    # One round trip for every candidate (a few rows), then the preference in Python:
    # the screen pop waits on this, and each extra query is a wait on PostgreSQL.
    rows = s.scalars(
        select(ScriptVersion)
        .where(ScriptVersion.category.in_(wanted), ScriptVersion.lang.in_(languages),
               ScriptVersion.direction == direction,
               ScriptVersion.published.is_(True))
        .order_by(ScriptVersion.version.desc()))
    best: dict[tuple[str, str], ScriptVersion] = {}
    for row in rows:
        best.setdefault((row.category, row.lang), row)
    for cat in wanted:
        for language in languages:
            found = best.get((cat, language))
            if found is not None:
                return _view(found)
    return None
