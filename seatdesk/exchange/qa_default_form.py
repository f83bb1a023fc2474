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

# What the inspector listens for, item by item (shown beside the form to the inspector,
# the agent reading the result and the lead ruling a dispute).
GUIDANCE: dict[str, tuple[str, str]] = {
    "greeting": ("Company name and agent ID in the first sentence, e.g. \"Hello, XX Company, "
                 "agent 1024 speaking\"; never \"Hello, who is it?\"",
                 "第一句话报公司名称和工号，如“您好，XX公司，工号1024为您服务”；不可说“喂，讲谁？”"),
    "prompt": ("Picked up within three rings (about 10 s of ringing).",
               "铃响三声（约10秒）之内接听。"),
    "five_voices": ("Greeting, calling, thanks, apology, farewell; 是、您、您好、请、谢谢、对不起、"
                    "再见. 5 all through, 3 most, 1 hardly any.",
                    "迎声、称呼声、致谢声、致歉声、送别声；是、您、您好、请、谢谢、对不起、再见。"
                    "全程使用为5，多数为3，几乎没有为1。"),
    "no_interrupt": ("Lets the customer finish before answering.", "让客户说完再回答。"),
    "emotion": ("Calm and even tone, also when the customer is angry.",
                "语气平稳，客户情绪激动时也保持冷静。"),
    "correct_info": ("Every fact given matches the knowledge base; one point off per error "
                     "or guess.", "所答内容与知识库一致；每处错误或猜测扣1分。"),
    "no_overpromise": ("No promise the company cannot keep; unsure means \"I will check and "
                       "call you back\".",
                       "不做公司无法兑现的承诺；不确定时说“我查实后给您回电”。"),
    "first_contact": ("Owns the problem: solves it or registers it and hands it over so the "
                      "customer need not call again.",
                      "对问题负责到底：当场解决，或登记并转交，客户无需再次来电。"),
    "solution_confirmed": ("States the solution and asks the customer to confirm it; N/A when "
                           "the call needed no solution.",
                           "说明解决方案并请客户确认；无需解决方案的来电选N/A。"),
    "record_complete": ("Category, question, answer and result filled in and true to the "
                        "call: 3 all, 2 one gap, 1 several, 0 none.",
                        "类别、问题、答复和结果填写完整且与通话一致："
                        "全部为3，缺一项为2，缺多项为1，未填为0。"),
    "anything_else": ("Asks whether there is anything else before closing; N/A when the "
                      "customer ended the call.",
                      "结束前询问是否还有其他需要；客户主动结束通话时选N/A。"),
    "hang_up_last": ("Waits for the customer to hang up first.", "等客户先挂机后再挂机。"),
    "no_data_leak": ("No customer data read out or given to anyone not verified as the "
                     "customer. A fail sets the whole score to 0.",
                     "不向未核实身份的人透露任何客户资料。此项不合格，总分为0。"),
    "no_argument": ("No arguing, blaming or insulting, whatever the customer says. A fail "
                    "sets the whole score to 0.",
                    "无论客户说什么，都不争吵、不指责、不辱骂。此项不合格，总分为0。"),
}
for _section in DEFAULT_FORM["sections"]:
    for _entry in _section["items"]:
        _entry["guidance"], _entry["guidance_zh"] = GUIDANCE[_entry["id"]]


def default_form() -> FormDefinition:
    return form_from_dict(DEFAULT_FORM)


def ensure_default_form(backend: Backend) -> int:
    """Publish the default form once; returns the id of its newest version (idempotent)."""
    return backend.qa.ensure_form(default_form())
