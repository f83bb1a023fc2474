"""质检: the QA screens, scoring form, disputes, calibration and the QA report."""

MESSAGES: dict[str, str] = {
    # work list
    "Sample": "抽样", "Claim": "领取", "Release": "释放", "Calibration": "校准",
    "Forms": "质检表", "To list": "回到列表", "agent login": "座席账号", "team": "班组",
    "queue": "队列", "category": "类别", "disposition": "处理结果",
    "inbound/outbound": "呼入/呼出", "from": "起始日期", "to": "截止日期",
    "min talk s": "最短通话秒", "max talk s": "最长通话秒", "N per agent": "每人抽N通",
    "seed": "随机种子", "complaints": "投诉", "unscored": "未评分", "Call": "通话",
    "Time": "时间", "Direction": "方向", "Talk s": "通话秒", "Claimed by": "领取人",
    "Score": "得分",
    "talk seconds must be a whole number, not {v!r}": "通话秒数必须是整数,不能是 {v!r}",
    "direction is inbound or outbound": "方向只能是 inbound 或 outbound",
    "sample size and seed are whole numbers": "抽样数量和随机种子必须是整数",
    "{n} calls": "{n} 通电话",
    "random sample: {k} per agent, seed {s}: {n} calls":
        "随机抽样:每人 {k} 通,种子 {s}:共 {n} 通",
    "draft": "草稿",
    # scoring screen
    'no player configured: set SEATDESK_PLAYER, e.g. "mpv {ref}"':
        '未配置播放器:请设置 SEATDESK_PLAYER,例如 "mpv {ref}"',
    "SEATDESK_PLAYER cannot be read: {e}": "无法解析 SEATDESK_PLAYER:{e}",
    "the player {p!r} is not installed": "播放器 {p!r} 未安装",
    "cannot start the player: {e}": "无法启动播放器:{e}",
    "Save draft": "保存草稿", "Submit": "提交", "Item comment": "评分项备注",
    "Overall comment": "总体评语", "Play recording": "播放录音", "Back": "返回",
    "loading…": "加载中…", "Item comment (C)": "评分项备注 (C)",
    "comment on the focused item": "当前评分项的备注", "Overall comment (O)": "总体评语 (O)",
    "feedback for the agent": "给座席员的反馈",
    "call #{id} · {form} v{v}": "通话 #{id} · {form} 第{v}版",
    "Call #{id} · {direction}": "通话 #{id} · {direction}",
    "Agent: {name} ({no})": "座席员:{name}(工号 {no})", "Queue: {q}": "队列:{q}",
    "Customer: {c}": "客户:{c}", "Number: {n}": "号码:{n}",
    "Talk {t}s · hold {h}s ({n}×) · wrap-up {w}s":
        "通话 {t}秒 · 保持 {h}秒({n}次)· 话后 {w}秒",
    "Recording: {r}": "录音:{r}", "none": "无", "Timeline": "时间线", "Wrap-up": "话后记录",
    "  category: {v}": "  类别:{v}", "  disposition: {v}": "  处理结果:{v}",
    "  resolved: {v}": "  是否解决:{v}", "  handed to: {v}": "  移交给:{v}",
    "  satisfaction: {v}": "  满意度:{v}", "  question: {v}": "  问题:{v}",
    "CRITICAL FAIL (致命项)": "致命项不合格", "no score yet": "尚无得分", "pass": "合格",
    "fail": "不合格", "submitted, read-only": "已提交,只读",
    "Score {s} / pass mark {p:.0f} · {state} · {a}/{n} items":
        "得分 {s} / 合格线 {p:.0f} · {state} · 已评 {a}/{n} 项",
    "Item comment (C): {q}": "评分项备注 (C):{q}",
    "score every item first: '{q}' has no score": "请先为每一项评分:“{q}”尚未评分",
    "a low score on '{q}' needs a comment (C)": "“{q}”得分低,必须填写备注 (C)",
    "submitted; the agent has been notified": "已提交,已通知座席员",
    "evaluation of call #{id} submitted": "通话 #{id} 的质检评分已提交",
    "draft saved": "草稿已保存", "this call has no recording": "这通电话没有录音",
    "playing {ref}": "正在播放 {ref}",
    # score form widget
    "N/A": "不适用", "{v}/{n} pts": "{v}/{n} 分", "1 yes · 0 no": "1 是 · 0 否",
    " · N n/a": " · N 不适用", "Next item": "下一项", "Previous item": "上一项",
    "Clear": "清除", "'{q}' takes {keys}": "“{q}”可按 {keys}",
    "this item cannot be N/A": "此项不允许选不适用",
    # my evaluations, disputes
    "critical fail": "致命项不合格", "replaced by revision": "已被新版本取代",
    "awaiting your answer": "待你确认", "acknowledged": "已确认",
    "disputed, waiting": "已申诉,待裁定", "dispute upheld": "申诉未获支持,维持原分",
    "dispute: score changed": "申诉成立,分数已修改", "Acknowledge": "确认",
    "Dispute": "申诉", "Send dispute": "提交申诉", "Disputes to rule": "待裁定申诉",
    "Dispute reason for the focused item": "当前评分项的申诉理由",
    "press D, move to an item, type why": "按 D,移到评分项,写明理由", "Rev": "版本",
    "Result": "结果", "Submitted": "提交时间", "Status": "状态",
    "no disputes wait for you": "没有待你裁定的申诉", "no evaluations yet": "暂无质检结果",
    "Call #{call} · revision {rev} · score {score} · {result}":
        "通话 #{call} · 第{rev}版 · 得分 {score} · {result}",
    "Inspector: {name} · {status}": "质检员:{name} · {status}", "Feedback: {c}": "反馈:{c}",
    "Ruling: {r}": "裁定:{r}", "Answer by {t}": "请于 {t} 前确认或申诉",
    "dispute: move to each item you dispute and type your reason; Ctrl+S sends":
        "申诉:移到要申诉的每一项并写明理由;Ctrl+S 提交",
    "Dispute reason for: {q}": "申诉理由:{q}", "disputed": "已申诉",
    "give a reason for at least one item you dispute": "请至少为一项写明申诉理由",
    "dispute sent to your team lead": "申诉已提交给你的班长",
    "only team leads and supervisors rule on disputes": "只有班长和主管可以裁定申诉",
    "Uphold": "维持原分", "Change score": "修改分数", "reason for the ruling": "裁定理由",
    "Dispute #{id} · call #{call} · {agent} · score {score}":
        "申诉 #{id} · 通话 #{call} · {agent} · 得分 {score}",
    "give the reason for the ruling": "请填写裁定理由",
    "nothing changed: change an item's score, or uphold with Ctrl+U":
        "没有改动:请修改某项分数,或按 Ctrl+U 维持原分",
    "score changed: a new revision was made": "分数已修改:已生成新版本",
    # calibration
    "New session": "新建校准", "Close session": "结束校准", "Spread": "差异",
    "Calibration sessions": "校准会", "Session": "校准会", "State": "状态",
    "Opened by": "发起人", "Opened": "发起时间", "Scores": "评分", "Mine": "我的",
    "Item": "评分项", "Min": "最低", "Max": "最高", "Stdev": "标准差",
    "highlight a call in the work list first, then press K and N":
        "请先在质检列表中选中一通电话,再按 K 和 N",
    "Distance from {ref}'s score (reference):": "与 {ref} 的评分(基准)的差距:",
    "  {login:<12} score {score:>6}  distance {d:>6}  per item {i:>6}":
        "  {login:<12} 得分 {score:>6}  差距 {d:>6}  逐项 {i:>6}",
    "session #{id} closed: {n} scores": "校准会 #{id} 已结束:{n} 份评分",
    # forms
    "Export": "导出", "Import": "导入", "file (.toml or .json)": "文件(.toml 或 .json)",
    "form {code} version {v} written to {path}": "质检表 {code} 第{v}版已写入 {path}",
    "form {code} published as version {v}": "质检表 {code} 已发布为第{v}版",
    "Forms (newest versions):": "质检表(最新版本):", "pass mark {p:.0f}": "合格线 {p:.0f}",
    # report
    "Inspector": "质检员", "Evaluations": "评分次数", "Average": "平均分",
    "Pass rate %": "合格率 %", "Critical fails": "致命项次数", "Most failed items": "最常失分项",
    "xlsx needs --out FILE": "xlsx 格式需要 --out 文件",
    "{n} rows written to {path}": "已写入 {n} 行到 {path}",
    "default form ready (id {id})": "默认质检表已就绪(id {id})",
    "Quality inspection": "质检", "My evaluations": "我的质检",
    # the call's timeline beside the form (context ids: the bare words are call states)
    "timeline.queued": "进入队列", "timeline.offered": "振铃", "timeline.answered": "接听",
    "timeline.held": "保持", "timeline.resumed": "恢复通话", "timeline.transferred": "转接",
    "timeline.ended": "通话结束", "timeline.closed": "小结完成", "timeline.abandoned": "放弃",
    "timeline.dialled": "外呼拨号", "timeline.customer": "关联客户",
    "timeline.category": "设置类别",
    # results screen
    "Results": "质检结果", "QA results": "质检结果", "This week": "本周", "Last week": "上周",
    "This month": "本月", "Last month": "上月", "Typed dates": "自定义日期",
    "By agent": "按座席", "By team": "按班组", "By inspector": "按质检员",
    "By form item": "按评分项", "export file; empty = your data directory":
        "导出文件;留空则存入数据目录",
    "{n} rows": "{n} 行", "no submitted evaluations in this period": "该期间没有已提交的评分",
    "exporting…": "正在导出…",
}
