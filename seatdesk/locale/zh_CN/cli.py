"""Command-line messages."""

MESSAGES: dict[str, str] = {
    "the database is not initialised or is out of date: run `seatdesk db upgrade`":
        "数据库未初始化或版本过旧:请运行 `seatdesk db upgrade`",
    "say who you are with --as LOGIN (or SEATDESK_USER)": "请用 --as 登录名 指明身份(或设置 SEATDESK_USER)",
    "database error: {detail}": "数据库错误:{detail}",
    "cannot reach the database ({detail})": "无法连接数据库({detail})",
    "database at revision {rev}": "数据库版本 {rev}",
    "Password": "密码",
    "added {login} ({role}), 工号 {no}": "已添加 {login}({role}),工号 {no}",
    "call {id} was already answered or closed": "呼叫 {id} 已被接听或已结束",
    "offered {o}, abandoned {a}": "呼入 {o} 通,放弃 {a} 通",
}
