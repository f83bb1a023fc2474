"""Call integrity: races, lost seats, the offline journal, CLI input checks (issue 14)."""

MESSAGES: dict[str, str] = {
    "the caller hung up": "客户已挂断。",
    "the call rang out and went back to the queue": "振铃超时，通话已回到排队。",
    "call #{call_id} is changing; try again": "通话 #{call_id} 正在变更，请重试。",
    "call #{call_id} is not ringing": "通话 #{call_id} 未在振铃。",
    "a journal record could not be read ({error})": "无法读取一条本地暂存记录（{error}）。",
    "call #{call_id} is not a lost seat's call": "通话 #{call_id} 不是失联座席留下的通话。",
    "silent seats marked lost: {n}": "标记为失联的座席：{n}",
    "--out: say which file to write": "--out：请指定要写入的文件。",
    "--out: the file name is too long": "--out：文件名过长。",
    "--out: the file name contains a NUL character": "--out：文件名含有空字符（NUL）。",
    "--out: {path} is a symbolic link; name the file itself":
        "--out：{path} 是符号链接，请直接指定文件本身。",
    "--out: the folder {folder} does not exist": "--out：文件夹 {folder} 不存在。",
    "--out: {path} is a seatdesk database; it is never overwritten":
        "--out：{path} 是 seatdesk 数据库，不会被覆盖。",
    "--out: {path} is the offline journal; it is never overwritten":
        "--out：{path} 是离线暂存记录，不会被覆盖。",
    "--out: {path} is a folder": "--out：{path} 是文件夹。",
    "--out: {path} already exists; use --force to replace it":
        "--out：{path} 已存在；如需替换请加 --force。",
    "cannot write {out}: {why}": "无法写入 {out}：{why}",
    "{which}: {value!r} is outside the years {first}–{last}":
        "{which}：{value!r} 不在 {first}–{last} 年之间。",
    "the database is newer than this seatdesk (revision {rev}); upgrade seatdesk instead":
        "数据库版本比本 seatdesk 新（版本 {rev}），请升级 seatdesk。",
    "the database is newer than this seatdesk: upgrade seatdesk":
        "数据库版本比本 seatdesk 新，请升级 seatdesk。",
    "no refused records": "没有被拒收的记录。",
    "call #{id} closed": "通话 #{id} 已关闭。",
    "{load:,.0f} Erlangs offered is more than seatdesk plans for ({max:,.0f}); "
    "check --calls, --aht and --interval":
        "话务量 {load:,.0f} 爱尔兰超出 seatdesk 的计算范围（{max:,.0f}），"
        "请检查 --calls、--aht 和 --interval。",
    "name": "姓名",
}
