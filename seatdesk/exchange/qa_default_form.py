"""The default call-quality monitoring form (呼叫质量监控表), in Chinese and English."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seatdesk.domain.qa.forms import FormDefinition, form_from_dict

if TYPE_CHECKING:
    from seatdesk.services.container import Backend

DEFAULT_CODE = "default"


def _item(id: str, en: str, zh: str, kind: str = "yes_no", weight: float = 10,
          **extra: Any) -> dict[str, Any]:
    return {"id": id, "question": en, "question_zh": zh, "type": kind, "weight": weight,
            **extra}


# The sections DOMAIN.md lists; the weights of the scored items add up to 100.
DEFAULT_FORM: dict[str, Any] = {
    "code": DEFAULT_CODE,
    "name": "Call quality monitoring",
    "name_zh": "呼叫质量监控表",
    "pass_mark": 80,
    "sections": [
        {"id": "opening", "title": "Opening", "title_zh": "开场", "items": [
            _item("greeting", "Greets with the company name and agent ID",
                  "使用公司名称和工号问候", comment_on_low=True),
            _item("prompt", "Answers promptly (within three rings)", "及时接听(三声之内)",
                  weight=5),
        ]},
        {"id": "courtesy", "title": "Courtesy", "title_zh": "礼貌", "items": [
            _item("five_voices", "Uses the five voices and eleven characters",
                  "使用五声十一字", kind="scale", weight=10, comment_on_low=True),
            _item("no_interrupt", "Does not interrupt the customer", "不打断客户讲话",
                  weight=5),
            _item("emotion", "Keeps emotions under control", "情绪控制得当", kind="scale",
                  weight=10),
        ]},
        {"id": "accuracy", "title": "Accuracy", "title_zh": "准确性", "items": [
            _item("correct_info", "Gives correct information", "提供的信息准确",
                  kind="points", weight=15, max_points=5, comment_on_low=True),
            _item("no_overpromise", "Makes no exaggerated promises", "不做夸大承诺",
                  weight=5),
        ]},
        {"id": "resolution", "title": "Resolution", "title_zh": "问题解决", "items": [
            _item("first_contact", "Takes first-contact responsibility", "落实首问负责制",
                  weight=10, comment_on_low=True),
            _item("solution_confirmed", "Offers a solution and confirms it with the customer",
                  "提出解决方案并与客户确认", kind="scale", weight=10, allow_na=True),
        ]},
        {"id": "records", "title": "Record keeping", "title_zh": "记录", "items": [
            _item("record_complete", "The call record is complete and correct",
                  "通话记录完整准确", kind="points", weight=10, max_points=3),
        ]},
        {"id": "closing", "title": "Closing", "title_zh": "结束语", "items": [
            _item("anything_else", "Asks whether there is anything else", "询问是否还有其他需要",
                  weight=5, allow_na=True),
            _item("hang_up_last", "Lets the customer hang up first", "等客户先挂机", weight=5),
        ]},
        {"id": "critical", "title": "Critical items", "title_zh": "致命项", "items": [
            _item("no_data_leak", "Does not leak customer data", "未泄露客户资料", weight=0,
                  critical=True, comment_on_low=True),
            _item("no_argument", "Does not argue with or insult the customer",
                  "未与客户争吵或辱骂客户", weight=0, critical=True, comment_on_low=True),
        ]},
    ],
}


def default_form() -> FormDefinition:
    return form_from_dict(DEFAULT_FORM)


def ensure_default_form(backend: Backend) -> int:
    """Publish the default form once; returns the id of its newest version (idempotent)."""
    return backend.qa.ensure_form(default_form())
