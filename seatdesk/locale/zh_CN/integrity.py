"""Call integrity: races, lost seats, the offline journal, CLI input checks (issue 14)."""

MESSAGES: dict[str, str] = {
    "the caller hung up": "客户已挂断。",
    "the call rang out and went back to the queue": "振铃超时，通话已回到排队。",
    "call #{call_id} is changing; try again": "通话 #{call_id} 正在变更，请重试。",
    "call #{call_id} is not ringing": "通话 #{call_id} 未在振铃。",
    "a journal record could not be read ({error})": "无法读取一条本地暂存记录（{error}）。",
    "call #{call_id} is not a lost seat's call": "通话 #{call_id} 不是失联座席留下的通话。",
    "silent seats marked lost: {n}": "标记为失联的座席：{n}",
}
