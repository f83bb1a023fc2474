"""Administration, sign-in and identity on the command line."""

MESSAGES: dict[str, str] = {
    "wrong login or password (after {n} failures in a row an account is locked for {m} "
    "minutes)": "登录名或密码错误（连续失败 {n} 次后账号将锁定 {m} 分钟）",
    "the call record is too long to keep as a draft (at most {n} KB)":
        "通话记录过长，无法保存为草稿（最多 {n} KB）",
    # sign-in screen
    "Demo database: the demo users' password is public. Not for a real floor.":
        "演示数据库：演示用户的密码是公开的，不可用于正式座席。",
    "Choose a new password (at least 8 characters)": "请设置新密码（至少 8 个字符）",
    "The new password again": "再次输入新密码",
    "Your password was set by an administrator: choose your own to go on.":
        "您的密码由管理员设置，请先设置自己的密码再继续。",
    "the two new passwords differ": "两次输入的新密码不一致",
    # passwords, sessions, the system identity
    "password must be at least {n} characters": "密码至少 {n} 个字符",
    "password must be at most {n} characters": "密码最多 {n} 个字符",
    "the new password must differ from the old one": "新密码不能与旧密码相同",
    "change your password first: seatdesk password --as {login}":
        "请先修改密码：seatdesk password --as {login}",
    "your session has expired or was ended: run `seatdesk login` again":
        "会话已过期或已被结束，请重新运行 `seatdesk login`",
    "no system secret is configured: an admin runs `seatdesk system-secret --as LOGIN`":
        "尚未配置系统密钥：请管理员运行 `seatdesk system-secret --as LOGIN`",
    "the system secret (SEATDESK_SYSTEM_SECRET) is missing or wrong":
        "系统密钥（SEATDESK_SYSTEM_SECRET）缺失或错误",
    "{login} leads no team, so no team's records are shown":
        "{login} 未带领任何班组，因此不显示班组记录",
    # command line
    "say who you are with --as LOGIN (or SEATDESK_USER), or sign in first with "
    "`seatdesk login`": "请用 --as LOGIN（或 SEATDESK_USER）说明身份，或先运行 `seatdesk login` 登录",
    "prove who you are: `seatdesk login --as {login}` first, or SEATDESK_PASSWORD for "
    "scripts": "请证明身份：先运行 `seatdesk login --as {login}`，脚本可使用 SEATDESK_PASSWORD",
    "Password for {login}": "{login} 的密码",
    "First password for {login}": "{login} 的初始密码",
    "New password for {login}": "{login} 的新密码",
    "Current password": "当前密码",
    "New password": "新密码",
    "{login} must choose a new password first: seatdesk password --as {login}":
        "{login} 必须先设置新密码：seatdesk password --as {login}",
    "{login} is the first admin; sign in with `seatdesk login --as {login}`":
        "{login} 是第一位系统管理员，请用 `seatdesk login --as {login}` 登录",
    "signed in as {login} for {h:g} h": "已以 {login} 身份登录，有效 {h:g} 小时",
    "no session to end": "没有可结束的会话",
    "signed out {login}": "{login} 已退出登录",
    "password changed for {login}": "{login} 的密码已修改",
    "Disable a user: no sign-in, no command, sessions ended.":
        "停用用户：不能登录、不能执行命令，会话全部结束。",
    "Let a disabled user sign in again.": "让已停用的用户重新可以登录。",
    "password of {login} reset": "{login} 的密码已重置",
    "{login} must choose a new password at next sign-in": "{login} 下次登录时必须设置新密码",
    "{n} sessions of {login} ended": "已结束 {login} 的 {n} 个会话",
    "this is a demo database: its demo users' password is public":
        "这是演示数据库：演示用户的密码是公开的",
    "seed makes demo data, with users whose password is public (demo1234): say --demo. "
    "A real floor starts with `seatdesk bootstrap`":
        "seed 生成演示数据，其中用户的密码是公开的（demo1234）：请加 --demo。"
        "正式座席请从 `seatdesk bootstrap` 开始",
    "this database has real users: demo data (and its public passwords) is not added to it":
        "该数据库已有正式用户：不会向其中添加演示数据（及其公开密码）",
    "`seatdesk serve` needs textual-serve: pip install textual-serve":
        "`seatdesk serve` 需要 textual-serve：pip install textual-serve",
    "serving the desk on http://{host}:{port} (Ctrl+C stops)":
        "座席服务运行于 http://{host}:{port}（按 Ctrl+C 停止）",
    # administration (service messages)
    "a code is 1–32 letters, digits, '_' or '-'": "代码为 1–32 个字母、数字、“_”或“-”",
    "{field} must be between {low} and {high}": "{field} 必须在 {low} 到 {high} 之间",
    "unknown language {lang}; choose from {langs}": "未知语言 {lang}，可选：{langs}",
    "queue {code} already exists": "队列 {code} 已存在",
    "team {code} already exists": "班组 {code} 已存在",
    "no team {code}": "没有班组 {code}",
    "no team {code}: add it with `seatdesk team add`": "没有班组 {code}：请用 `seatdesk team add` 添加",
    "a team's lead must be a team lead or a supervisor": "班组负责人必须是班长或主管",
    "no user {login}": "没有用户 {login}",
    "you cannot disable yourself": "不能停用自己",
    "{login} is the last active admin": "{login} 是最后一位在用的系统管理员",
    "an agent number (工号) is 1–16 digits": "工号为 1–16 位数字",
    "agent number {no} belongs to {login}": "工号 {no} 已属于 {login}",
    "this database already has an admin; they add users with `seatdesk user add`":
        "该数据库已有系统管理员，请由其用 `seatdesk user add` 添加用户",
    # administration screen
    "Administration": "系统管理",
    "Users": "用户",
    "Queues": "队列",
    "Teams": "班组",
    "Role": "角色",
    "Languages": "语言",
    "Code": "代码",
    "Chinese name": "中文名称",
    "Priority": "优先级",
    "SL seconds": "服务水平秒数",
    "ACW seconds": "话后整理秒数",
    "Lead": "班长",
    "Members": "人数",
    "Add": "添加",
    "Disable": "停用",
    "Enable": "启用",
    "Reset password": "重置密码",
    "Force change": "强制改密",
    "disabled": "已停用",
    "locked": "已锁定",
    "{field}: a whole number is required": "{field}：须为整数",
    "added {login}": "已添加 {login}",
    "saved {login}": "已保存 {login}",
    "{login} enabled": "{login} 已启用",
    "{login} disabled": "{login} 已停用",
    "password of {login} reset; it must be changed at next sign-in":
        "{login} 的密码已重置，下次登录时必须修改",
    "added queue {code}": "已添加队列 {code}",
    "saved queue {code}": "已保存队列 {code}",
    "added team {code}": "已添加班组 {code}",
    "saved team {code}": "已保存班组 {code}",
    "name_zh": "中文名称",
    "name": "名称",
    "in service": "在用",
    "End sessions": "结束会话",
    "the command-line sessions of {login} are ended": "{login} 的命令行会话已全部结束",
    "a team lead sees their own team's floor only": "班长只能查看本班组的现场",
    "this database has real users: the demo (which signs in without a password) runs only "
    "on a demo database": "该数据库已有正式用户：演示模式（无需密码即可登录）只能在演示数据库上运行",
}
