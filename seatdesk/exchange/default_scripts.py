"""The scripts a new center starts with, one per call category, language and direction.

Every inbound script follows the service flow 来电识别 → 问题提出 → 问题解决 → 安排服务 → 服务确认
(identify → problem → solve → arrange → confirm) and is built around 五声十一字: greeting with
the company and the agent's 工号, calling the customer by name, thanks, apology ("对不起,请稍候"
before every hold) and farewell, letting the customer hang up first. Complaint scripts add
the complaint rules: let them finish, never argue, a reply within 24 hours.

Placeholders filled by the desk: {customer}, {agent_no}, {agent}, {company}.
The shape is ``ScriptVersion.steps``: [{"stage": ..., "text": ...}].
"""

from __future__ import annotations

from typing import Any

STAGES = ("identify", "problem", "solve", "arrange", "confirm")
INBOUND_CATEGORIES = ("consultation", "complaint", "order", "repair", "query", "suggestion",
                      "other")
OUTBOUND_PURPOSES = ("callback", "survey", "complaint_follow_up", "notification", "sales")

_GREETING_ZH = "您好，{company}，工号{agent_no}为您服务。请问怎么称呼您？"
_GREETING_EN = ("Hello, {company}, agent {agent_no} speaking. How may I help you? "
                "May I have your name?")
_HOLD_ZH = "（需要查询时）对不起，请稍候，我为您查询一下。……谢谢您的耐心等待。"
_HOLD_EN = ("(Before checking) I'm sorry, please hold a moment while I check. … "
            "Thank you for waiting.")
_CLOSE_ZH = "请问{customer}还有其他可以帮您的吗？感谢您的来电，再见！（请等客户先挂机）"
_CLOSE_EN = ("Is there anything else I can help you with, {customer}? Thank you for calling, "
             "goodbye! (Let the customer hang up first.)")

# category -> (title, problem, solve, arrange) for each language
_INBOUND_ZH: dict[str, tuple[str, str, str, str]] = {
    "consultation": (
        "咨询来电", "{customer}，您好！请问您想了解哪方面的信息？（耐心听完，确认客户的问题）",
        "根据资料准确回答；不确定的内容不猜测：“这个问题我需要核实一下，稍后给您回电，好吗？”",
        "如需资料，确认发送方式（短信/邮件）；如需回电，登记回访时间。",
    ),
    "complaint": (
        "投诉来电",
        "{customer}，请您慢慢说，我在认真听。（让客户说完，不打断、不争辩，记录要点）",
        "对不起，给您添麻烦了，非常理解您的心情。（复述问题，确认诉求；不夸大承诺，不推诿）",
        "我已为您登记投诉，相关部门会在24小时内给您答复；处理完成后我们会回访您。",
    ),
    "order": (
        "订单来电", "{customer}，请问您要办理新订单，还是查询/修改已有订单？",
        "核对产品、数量、地址和联系人；逐项向客户复述确认。",
        "告知交货/安装时间；如需上门，预约具体时段。",
    ),
    "repair": (
        "报修来电", "{customer}，请问是哪台设备出现了什么问题？什么时候开始的？",
        "先指导简单排查（电源、开关、指示灯）；能远程解决的当场解决。",
        "无法远程解决的登记报修单，预约工程师上门时间，并告知报修单号。",
    ),
    "query": (
        "查询来电", "{customer}，请问您要查询什么信息？请提供订单号或合同号。",
        "查询系统后准确告知；信息不全时说明原因，不猜测。",
        "如需进一步处理，说明由谁负责、何时回复您。",
    ),
    "suggestion": (
        "建议来电", "{customer}，非常欢迎您提出宝贵意见，请讲。",
        "认真记录建议内容，向客户复述确认。",
        "谢谢您的建议，我们会转交相关部门，如有结果会告知您。",
    ),
    "other": (
        "其他来电", "{customer}，请问有什么可以帮您？",
        "能解答的当场解答；不属于本中心业务的，告知正确的联系方式。",
        "需要转接时先征得客户同意：“我为您转接到相关部门，好吗？”",
    ),
}
_INBOUND_EN: dict[str, tuple[str, str, str, str]] = {
    "consultation": (
        "Consultation call", "{customer}, what would you like to know? (Listen fully, confirm "
        "the question.)",
        "Answer accurately from the documentation; never guess: \"I need to check that, may I "
        "call you back?\"",
        "If documents are needed, agree how to send them; if a call back is needed, book it.",
    ),
    "complaint": (
        "Complaint call",
        "{customer}, please take your time, I am listening. (Let them finish; never interrupt "
        "or argue; note the key points.)",
        "I'm sorry for the trouble, I understand how you feel. (Repeat the problem, confirm "
        "what they want; no exaggerated promises.)",
        "I have registered your complaint; the responsible department will reply within 24 "
        "hours, and we will call you back when it is resolved.",
    ),
    "order": (
        "Order call", "{customer}, is this a new order, or about an existing one?",
        "Check product, quantity, address and contact; read each item back.",
        "Give the delivery/installation time; book a visit slot if needed.",
    ),
    "repair": (
        "Repair call", "{customer}, which device has what problem, and since when?",
        "Guide simple checks first (power, switch, lights); solve on this call if possible.",
        "Otherwise register a repair ticket, book the engineer's visit, give the ticket number.",
    ),
    "query": (
        "Query call", "{customer}, what would you like to look up? Your order or contract "
        "number, please.",
        "Look it up and answer exactly; if information is missing, say why, never guess.",
        "If more is needed, say who owns it and when they will reply.",
    ),
    "suggestion": (
        "Suggestion call", "{customer}, we welcome your suggestion, please go ahead.",
        "Note the suggestion and read it back.",
        "Thank you; we will pass it to the department concerned and let you know the result.",
    ),
    "other": (
        "Other call", "{customer}, how can I help you?",
        "Answer if you can; if it is not our business, give the right contact.",
        "Ask before transferring: \"May I transfer you to the right department?\"",
    ),
}

# purpose -> (title, opening, purpose statement, main, arrange) for each language
_OUTBOUND_ZH: dict[str, tuple[str, str, str, str]] = {
    "callback": ("回访", "我们对您之前反映的问题/安装的设备进行回访，请问现在使用情况怎么样？",
                 "问题已解决的，感谢客户；仍有问题的，记录并说明处理方式。",
                 "如需再次处理，登记回访并告知下次联系时间。"),
    "survey": ("满意度调查", "想占用您两分钟时间做个满意度调查，可以吗？",
               "请您对本次服务打分，1到5分，5分为非常满意。有什么需要改进的吗？",
               "谢谢您的宝贵意见，我们会认真改进。"),
    "complaint_follow_up": ("投诉回访", "关于您之前的投诉，我们已处理完毕，向您反馈结果。",
                            "说明处理结果；请问您对处理结果是否满意？（不争辩，如实记录）",
                            "如客户仍不满意，登记并上报，24小时内再次答复。"),
    "notification": ("通知", "有一件事需要通知您。", "清楚说明通知内容、时间和需要客户做的事。",
                     "请客户复述关键信息（时间/地点），确认已知晓。"),
    "sales": ("营销", "我们近期有一项适合您的服务/产品，想向您简单介绍一下，方便吗？",
              "客户同意后简要介绍；不夸大承诺，不施压；客户拒绝时礼貌结束。",
              "有意向的，约定发送资料或拜访时间。"),
}
_OUTBOUND_EN: dict[str, tuple[str, str, str, str]] = {
    "callback": ("Callback", "We are calling back about your earlier issue / the installed "
                 "equipment. How is it working now?",
                 "If solved, thank them; if not, note it and explain what happens next.",
                 "If more work is needed, book the next callback and tell them when."),
    "survey": ("Satisfaction survey", "May I take two minutes for a short satisfaction survey?",
               "Please rate our service from 1 to 5, 5 being very satisfied. What could we "
               "improve?",
               "Thank you for your feedback; we will act on it."),
    "complaint_follow_up": ("Complaint follow-up", "We have finished handling your complaint "
                            "and would like to tell you the result.",
                            "Explain the outcome; are you satisfied with it? (No arguing; note "
                            "exactly.)",
                            "If not satisfied, register and escalate; reply again within 24 "
                            "hours."),
    "notification": ("Notification", "I am calling to let you know about something.",
                     "State clearly what, when, and what the customer needs to do.",
                     "Ask them to repeat the key facts (time, place) to confirm."),
    "sales": ("Sales", "We have a service that may suit you; may I briefly introduce it?",
              "Only if they agree; no exaggerated promises, no pressure; end politely on a no.",
              "If interested, agree to send details or book a visit."),
}


def _inbound(lang: str, category: str) -> dict[str, Any]:
    zh = lang == "zh"
    title, problem, solve, arrange = (_INBOUND_ZH if zh else _INBOUND_EN)[category]
    confirm_zh = "跟客户确认：“{customer}，刚才的处理您看可以吗？”" + _CLOSE_ZH
    confirm_en = "Confirm: \"{customer}, is that solution all right for you?\" " + _CLOSE_EN
    steps = [
        {"stage": "identify", "text": _GREETING_ZH if zh else _GREETING_EN},
        {"stage": "problem", "text": problem},
        {"stage": "solve", "text": solve + ("\n" + _HOLD_ZH if zh else "\n" + _HOLD_EN)},
        {"stage": "arrange", "text": arrange},
        {"stage": "confirm", "text": confirm_zh if zh else confirm_en},
    ]
    return {"category": category, "lang": lang, "direction": "inbound", "title": title,
            "steps": steps}


def _outbound(lang: str, purpose: str) -> dict[str, Any]:
    zh = lang == "zh"
    title, purpose_text, main, arrange = (_OUTBOUND_ZH if zh else _OUTBOUND_EN)[purpose]
    if zh:
        opening = ("您好，请问是{customer}吗？我是{company}的{agent}，工号{agent_no}。"
                   "现在方便接听吗？（不方便时约定回电时间）")
        confirm = "再次确认结果。谢谢{customer}的配合，打扰您了，再见！（请等客户先挂机）"
    else:
        opening = ("Hello, is that {customer}? This is {agent} from {company}, agent "
                   "{agent_no}. Is now a good time? (If not, agree a time to call back.)")
        confirm = ("Confirm the result. Thank you, {customer}, sorry to have disturbed you. "
                   "Goodbye! (Let the customer hang up first.)")
    steps = [
        {"stage": "identify", "text": opening},
        {"stage": "problem", "text": purpose_text},
        {"stage": "solve", "text": main},
        {"stage": "arrange", "text": arrange},
        {"stage": "confirm", "text": confirm},
    ]
    return {"category": purpose, "lang": lang, "direction": "outbound", "title": title,
            "steps": steps}


def default_scripts() -> list[dict[str, Any]]:
    """Every default script: {"category", "lang", "direction", "title", "steps"}."""
    scripts: list[dict[str, Any]] = []
    for lang in ("zh", "en"):
        scripts.extend(_inbound(lang, c) for c in INBOUND_CATEGORIES)
        scripts.extend(_outbound(lang, p) for p in OUTBOUND_PURPOSES)
    return scripts
