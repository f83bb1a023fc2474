"""QA monitoring forms as plain data: sections, items, validation, TOML/JSON files.

A form file (TOML or JSON) looks like::

    code = "default"
    name = "Call quality monitoring"
    name_zh = "呼叫质量监控表"
    pass_mark = 80

    [[sections]]
    id = "opening"
    title = "Opening"
    title_zh = "开场"

    [[sections.items]]
    id = "greeting"
    question = "Greets with the company name and agent ID"
    question_zh = "使用公司名称和工号问候"
    type = "yes_no"          # yes_no | scale | points
    weight = 10
    max_points = 1           # only for type = "points" (1–9, one key scores it)
    allow_na = false
    comment_on_low = true
    critical = false

Validation errors name the section and item and say what is wrong, so a supervisor can
fix the file without guessing. No I/O here beyond parsing and rendering text.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from seatdesk.domain.i18n import _
from seatdesk.domain.qa.scoring import ITEM_TYPES, POINTS, ItemRule

_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,31}$")
MAX_POINTS = 9  # one key press scores an item
TEXT_MAX = 300
GUIDANCE_MAX = 1000
FORM_KEYS = frozenset({"code", "name", "name_zh", "pass_mark", "sections"})
SECTION_KEYS = frozenset({"id", "title", "title_zh", "items"})
ITEM_KEYS = frozenset({"id", "question", "question_zh", "type", "weight", "max_points",
                       "allow_na", "comment_on_low", "critical", "guidance", "guidance_zh"})


@dataclass(frozen=True)
class At:
    """Where in a form a problem is: the text said to the user, and the ids behind it."""

    text: str
    section: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        return self.text


def _form_at() -> At:
    return At(_("form"))


class FormError(ValueError):
    """A form definition that cannot be used; the message names the item and the problem.

    ``section`` and ``item`` are the ids it is about (for an editor to go there).
    """

    def __init__(self, message: str, at: At | None = None) -> None:
        super().__init__(message)
        self.section = at.section if at else None
        self.item = at.item if at else None


@dataclass(frozen=True)
class FormItem:
    id: str
    question: str
    question_zh: str = ""
    type: str = "yes_no"
    weight: float = 1.0
    max_points: int = 1
    allow_na: bool = False
    comment_on_low: bool = False
    critical: bool = False
    guidance: str = ""  # what the inspector listens for; shown to inspector, agent, lead
    guidance_zh: str = ""

    def rule(self, section_id: str) -> ItemRule:
        return ItemRule(
            id=f"{section_id}.{self.id}", type=self.type, weight=self.weight,
            max_points=self.max_points, allow_na=self.allow_na, critical=self.critical,
            comment_on_low=self.comment_on_low,
        )

    def text(self, lang: str) -> str:
        """The question in ``lang`` ('zh' falls back to English when untranslated)."""
        return self.question_zh if lang == "zh" and self.question_zh else self.question

    def guidance_text(self, lang: str) -> str:
        return self.guidance_zh if lang == "zh" and self.guidance_zh else self.guidance


@dataclass(frozen=True)
class FormSection:
    id: str
    title: str
    title_zh: str = ""
    items: tuple[FormItem, ...] = ()

    def text(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title


@dataclass(frozen=True)
class FormDefinition:
    code: str
    name: str
    name_zh: str = ""
    pass_mark: float = 80.0
    sections: tuple[FormSection, ...] = field(default=())

    def rules(self) -> tuple[ItemRule, ...]:
        """Every item as a scoring rule, keyed "<section>.<item>", in form order."""
        return tuple(item.rule(sec.id) for sec in self.sections for item in sec.items)

    def items(self) -> list[tuple[FormSection, FormItem, str]]:
        """(section, item, key) for every item in form order."""
        return [(sec, item, f"{sec.id}.{item.id}") for sec in self.sections for item in sec.items]

    def item(self, key: str) -> FormItem:
        for _sec, item, k in self.items():
            if k == key:
                return item
        raise KeyError(key)

    def text(self, lang: str) -> str:
        return self.name_zh if lang == "zh" and self.name_zh else self.name

    def to_dict(self) -> dict[str, Any]:
        """The stored shape (QaForm.definition): plain dicts and lists, JSON-ready."""
        data = asdict(self)
        data["sections"] = [{**sec, "items": list(sec["items"])} for sec in data["sections"]]
        return data


# ---- validation and parsing ---------------------------------------------------------------


def _known_keys(data: Mapping[str, Any], known: frozenset[str], where: At) -> None:
    """Refuse keys the form does not know: a typo must not publish a weaker form."""
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise FormError(_("{where}: unknown key {keys} (known: {known})").format(
            where=where, keys=", ".join(repr(k) for k in unknown),
            known=", ".join(sorted(known))), where)


def _text(data: Mapping[str, Any], key: str, where: At, *, required: bool,
          limit: int = TEXT_MAX) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise FormError(_("{where}: {key} must be text").format(where=where, key=key), where)
    value = value.strip()
    if required and not value:
        raise FormError(_("{where}: {key} is required").format(where=where, key=key), where)
    if len(value) > limit:
        raise FormError(_("{where}: {key} is too long ({n} characters, at most {limit})")
                        .format(where=where, key=key, n=len(value), limit=limit), where)
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
        raise FormError(_("{where}: {key} contains control characters").format(
            where=where, key=key), where)
    return value


def _bool(data: Mapping[str, Any], key: str, where: At) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise FormError(_("{where}: {key} must be true or false").format(
            where=where, key=key), where)
    return value


def _ident(data: Mapping[str, Any], where: At) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not _ID.match(value):
        raise FormError(_("{where}: id must be 1–32 lowercase letters, digits or _ "
                          "(got {v!r})").format(where=where, v=value), where)
    return value


def _item(data: Any, where: At) -> FormItem:
    if not isinstance(data, Mapping):
        raise FormError(_("{where}: an item must be a table of fields").format(where=where),
                        where)
    item_id = _ident(data, where)
    where = At(f"{where} '{item_id}'", where.section, item_id)
    _known_keys(data, ITEM_KEYS, where)
    kind = data.get("type", "yes_no")
    if kind not in ITEM_TYPES:
        raise FormError(_("{where}: type must be one of {types} (got {v!r})").format(
            where=where, types=", ".join(ITEM_TYPES), v=kind), where)
    weight = data.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1000:
        raise FormError(_("{where}: weight must be a number from 0 to 1000 (got {v!r})")
                        .format(where=where, v=weight), where)
    max_points = data.get("max_points", 1)
    if kind == POINTS and (isinstance(max_points, bool) or not isinstance(max_points, int)
                           or not 1 <= max_points <= MAX_POINTS):
        raise FormError(_("{where}: max_points must be a whole number from 1 to {n} "
                          "(got {v!r})").format(where=where, n=MAX_POINTS, v=max_points), where)
    critical = _bool(data, "critical", where)
    allow_na = _bool(data, "allow_na", where)
    if critical and allow_na:
        raise FormError(_("{where}: a critical item cannot be N/A").format(where=where), where)
    return FormItem(
        id=item_id, question=_text(data, "question", where, required=True),
        question_zh=_text(data, "question_zh", where, required=False), type=kind,
        weight=float(weight), max_points=max_points if kind == POINTS else 1,
        allow_na=allow_na, comment_on_low=_bool(data, "comment_on_low", where),
        critical=critical,
        guidance=_text(data, "guidance", where, required=False, limit=GUIDANCE_MAX),
        guidance_zh=_text(data, "guidance_zh", where, required=False, limit=GUIDANCE_MAX),
    )


def form_from_dict(data: Any) -> FormDefinition:
    """Validate a parsed form; raises FormError naming the section/item and the problem."""
    if not isinstance(data, Mapping):
        raise FormError(_("the form must be a table with code, name, pass_mark and sections"))
    code = data.get("code")
    if not isinstance(code, str) or not _ID.match(code):
        raise FormError(_("form: code must be 1–32 lowercase letters, digits or _ (got {v!r})")
                        .format(v=code))
    _known_keys(data, FORM_KEYS, _form_at())
    pass_mark = data.get("pass_mark", 80)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) \
            or not 0 <= pass_mark <= 100:
        raise FormError(_("form: pass_mark must be a number from 0 to 100 (got {v!r})").format(
            v=pass_mark))
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list | tuple) or not raw_sections:
        raise FormError(_("form: it needs at least one [[sections]] entry"))
    sections: list[FormSection] = []
    seen_sections: set[str] = set()
    for n, raw in enumerate(raw_sections, 1):
        where = At(_("section {n}").format(n=n))
        if not isinstance(raw, Mapping):
            raise FormError(_("{where}: a section must be a table of fields").format(
                where=where), where)
        sec_id = _ident(raw, where)
        where = At(_("section '{id}'").format(id=sec_id), sec_id)
        _known_keys(raw, SECTION_KEYS, where)
        if sec_id in seen_sections:
            raise FormError(_("{where}: the id is used twice").format(where=where), where)
        seen_sections.add(sec_id)
        raw_items = raw.get("items")
        if not isinstance(raw_items, list | tuple) or not raw_items:
            raise FormError(_("{where}: it needs at least one item").format(where=where), where)
        items: list[FormItem] = []
        seen_items: set[str] = set()
        for m, raw_item in enumerate(raw_items, 1):
            item = _item(raw_item, At(_("{where}, item {n}").format(where=where, n=m), sec_id))
            if item.id in seen_items:
                at = At(_("{where}, item {n}").format(where=where, n=m), sec_id, item.id)
                raise FormError(_("{where}: the id is used twice").format(where=at), at)
            seen_items.add(item.id)
            items.append(item)
        sections.append(FormSection(
            id=sec_id, title=_text(raw, "title", where, required=True),
            title_zh=_text(raw, "title_zh", where, required=False), items=tuple(items)))
    form = FormDefinition(
        code=code, name=_text(data, "name", _form_at(), required=True),
        name_zh=_text(data, "name_zh", _form_at(), required=False), pass_mark=float(pass_mark),
        sections=tuple(sections),
    )
    if not any(r.weight > 0 for r in form.rules()):
        raise FormError(_("form: at least one item needs a weight above 0"))
    return form


def parse_form(text: str, fmt: str) -> FormDefinition:
    """Parse a TOML or JSON form file's text and validate it."""
    try:
        if fmt == "toml":
            data: Any = tomllib.loads(text)
        elif fmt == "json":
            data = json.loads(text)
        else:
            raise FormError(_("unknown form file format {v!r}: use toml or json").format(v=fmt))
    except tomllib.TOMLDecodeError as exc:
        raise FormError(_("not valid TOML: {e}").format(e=exc)) from None
    except json.JSONDecodeError as exc:
        raise FormError(_("not valid JSON: {e} at line {n}").format(e=exc.msg, n=exc.lineno)) \
            from None
    return form_from_dict(data)


def format_of(path: str) -> str:
    """toml or json from a file name."""
    lower = path.lower()
    if lower.endswith(".toml"):
        return "toml"
    if lower.endswith(".json"):
        return "json"
    raise FormError(_("{path}: name the file .toml or .json").format(path=path))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def render_form(form: FormDefinition, fmt: str) -> str:
    """The form as TOML or JSON text that ``parse_form`` reads back unchanged."""
    data = form.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt != "toml":
        raise FormError(_("unknown form file format {v!r}: use toml or json").format(v=fmt))
    lines = [f"{k} = {_toml_value(data[k])}" for k in ("code", "name", "name_zh", "pass_mark")]
    for sec in data["sections"]:
        lines += ["", "[[sections]]"]
        lines += [f"{k} = {_toml_value(sec[k])}" for k in ("id", "title", "title_zh")]
        for item in sec["items"]:
            lines += ["", "[[sections.items]]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"
