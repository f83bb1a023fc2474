"""Telephony messages: the seat's phone, the PBX's hooks, recordings."""

MESSAGES: dict[str, str] = {
    "a recording reference is 1 to 300 printable characters": "录音引用须为 1 至 300 个可打印字符。",
    "call #{call_id} has already ended": "通话 #{call_id} 已经结束。",
    "call #{call_id} is no longer ringing": "通话 #{call_id} 已不在振铃。",
    "call #{call_id} is not in progress": "通话 #{call_id} 不在通话中。",
    "call #{call_id} is not ringing at a seat": "通话 #{call_id} 没有在任何座席振铃。",
    "call #{call_id} was not dialled": "通话 #{call_id} 不是外呼。",
    "not a SIP address: {uri}": "不是 SIP 地址：{uri}",
    "phone connected, not registered: {reason}": "话机已连接，但未登记：{reason}",
    "phone lost, manual mode (the call record is kept): F5 ends the call":
        "话机已断开，转为手动模式（通话记录已保留）：按 F5 结束通话",
    "phone unreachable, manual mode: {reason}": "无法连接话机，转为手动模式：{reason}",
    "phone {uri}": "话机 {uri}",
    "phone: {reason}": "话机：{reason}",
    "that call rings at your own seat: F2 answers it": "该呼叫正在您的座席振铃：按 F2 接听。",
    "the caller hung up": "来电方已挂机",
    "the target has no phone known: transfer it on the phone":
        "转接目标没有登记话机：请在话机上转接",
    "unknown call event {kind}; one of: {kinds}": "未知的呼叫事件 {kind}；可用：{kinds}",
    "unknown outcome {o}": "未知的外呼结果 {o}",
    "wrote {dir}: the seat's address is {uri}": "已写入 {dir}：该座席的地址是 {uri}",
    "you may pick up only calls ringing in your own team": "只能代接本组座席正在振铃的呼叫。",
    "{login}'s phone is {uri}": "{login} 的话机是 {uri}",
    "the number is busy": "对方忙线",
    "nobody answered": "无人接听",
    "the number does not exist": "号码不存在",
    "the call was refused": "对方拒接",
    "the call did not get through": "呼叫未接通",
    "Pick up call #{id} ringing at {login} ({number})": "代接 {login} 正在振铃的通话 #{id}（{number}）",
}
