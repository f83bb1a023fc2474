"""Word lists the demo-data generator draws from: names, companies, regions, products, notes.

Plain data, no logic. Mostly Chinese because the first users run Chinese-language centers;
a share of English names and companies keeps the English UI honest.
"""

from __future__ import annotations

from seatdesk.domain.enums import Role

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "欧阳",
)
GIVEN_CHARS = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "玲", "文", "辉", "鑫",
    "宇", "浩", "婷", "雪", "琳", "晨", "欣", "怡", "佳", "俊", "峰", "波", "斌", "凯", "丹",
    "红", "亮", "宁", "海", "燕", "志", "鹏", "飞", "梅", "瑶", "悦", "子", "睿", "博", "彤",
)
EN_FIRST = (
    "James", "Mary", "John", "Linda", "Robert", "Susan", "Michael", "Karen", "David", "Emma",
    "Daniel", "Sophie", "Peter", "Anna", "Thomas", "Laura", "Mark", "Grace", "Paul", "Helen",
)
EN_LAST = (
    "Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker", "Wright", "Green", "Hall", "Young",
    "King", "Scott", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Turner", "Parker", "Evans",
)

COMPANY_CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "天津", "重庆",
    "青岛", "厦门", "长沙", "郑州", "沈阳", "大连", "济南", "合肥", "福州", "昆明", "哈尔滨",
)
COMPANY_WORDS = (
    "华信", "恒通", "宏达", "瑞丰", "金桥", "新元", "远航", "中联", "天成", "博远", "鼎盛", "佳宁",
    "东方", "海纳", "盛世", "汇丰", "景泰", "长城", "永信", "万达", "德润", "安泰", "凯旋", "嘉禾",
    "富源", "明辉", "华光", "启明", "同创", "锦程",
)
COMPANY_TRADES = (
    "科技", "贸易", "电子", "机械", "物流", "实业", "医疗器械", "建材", "食品", "信息技术",
    "环保设备", "电气", "制冷设备", "家居", "汽车配件",
)
COMPANY_FORMS = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")
EN_COMPANIES = (
    "Northwind Trading Ltd", "Bluewater Logistics", "Apex Medical Devices", "Summit Electric",
    "Greenfield Foods", "Harbor Machinery", "Silverline Tech", "Oakridge Building Materials",
)
POSITIONS = (
    "总经理", "副总经理", "采购经理", "采购专员", "行政主管", "办公室主任", "设备主管",
    "技术工程师",    "财务经理", "项目经理", "店长", "厂长", "运营总监", "IT主管", "后勤主管",
)
EN_POSITIONS = ("Purchasing Manager", "Office Manager", "Operations Director", "IT Lead",
                "Facilities Manager", "General Manager")

# 区域分类表: region, then cities with their landline area codes.
REGIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "华北": (("北京", "10"), ("天津", "22"), ("石家庄", "311")),
    "华东": (("上海", "21"), ("南京", "25"), ("杭州", "571"), ("苏州", "512"), ("济南", "531")),
    "华南": (("广州", "20"), ("深圳", "755"), ("东莞", "769"), ("佛山", "757")),
    "华中": (("武汉", "27"), ("长沙", "731"), ("郑州", "371")),
    "西南": (("成都", "28"), ("重庆", "23"), ("昆明", "871")),
    "西北": (("西安", "29"), ("咸阳", "29")),
    "东北": (("沈阳", "24"), ("大连", "411"), ("哈尔滨", "451")),
}
# Share of customers per region (the center's home market is the east and south).
REGION_WEIGHTS = {"华北": 18, "华东": 30, "华南": 22, "华中": 10, "西南": 9, "西北": 5, "东北": 6}

STREETS = ("中山路", "人民路", "解放路", "建设路", "长江路", "和平路", "新华路", "科技园路",
           "开发区大道", "滨江路", "学院路", "工业园路")

# Mobile prefixes: primary numbers and second numbers come from disjoint sets, so the
# generator can derive unique numbers from customer ids without remembering them.
PRIMARY_MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "186", "187", "188", "189", "133")
SECOND_MOBILE_PREFIXES = ("150", "151", "152", "158", "159", "177", "180", "181", "199", "166")

EMAIL_DOMAINS = ("163.com", "126.com", "qq.com", "sina.com", "foxmail.com", "outlook.com")

PRODUCTS = (
    "商用净水器 JS-300", "中央空调 KF-120", "工业冷柜 LG-80", "办公打印机 HP-M430",
    "服务器机柜 SR-42U", "监控系统 DS-16", "电梯维保合同", "UPS电源 UP-10K", "激光切割机 LC-3015",
    "智能门禁 AC-200", "空气净化器 AP-900", "商用咖啡机 CM-2", "叉车 FD-30", "发电机组 GF-200",
)
CREDIT_RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "C")
RISK_REASONS = (
    "多次恶意投诉", "长期拖欠货款", "信用评分低", "曾辱骂座席员", "存在合同纠纷", "曾威胁曝光媒体",
)
CUSTOMER_NOTES = (
    "", "", "", "偏好上午联系", "只接受短信通知", "由采购部统一对接", "节假日勿扰",
    "需开具增值税专票",    "老客户，服务要耐心", "联系人经常出差，可打座机",
)

HANDED_TO = ("售后服务部", "技术支持部", "财务部", "物流部", "投诉处理组", "销售部", "质量部")

# Per call category: what the customer asked, what was done.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "consultation": ("咨询产品价格", "咨询保修政策", "咨询新品功能", "咨询安装条件",
                     "咨询优惠活动"),
    "complaint": ("投诉维修人员迟到", "投诉产品质量问题", "投诉送货延误", "投诉服务态度差",
                  "投诉重复收费"),
    "order": ("下单订购滤芯", "修改订单地址", "取消订单", "追加订购数量", "预约安装时间"),
    "repair": ("设备无法开机", "设备漏水", "制冷效果差", "设备异响", "显示屏报错 E3"),
    "query": ("查询订单进度", "查询发票", "查询物流信息", "查询维修进度", "查询合同到期日"),
    "suggestion": ("建议增加周末服务", "建议短信提醒上门时间", "建议简化报修流程"),
    "other": ("打错电话", "找销售经理", "询问公司地址", "供应商合作咨询"),
}
NOTES: dict[str, tuple[str, ...]] = {
    "consultation": ("已介绍产品参数并发送资料", "已说明保修条款", "客户表示考虑后再联系",
                     "已告知当前优惠活动"),
    "complaint": ("已道歉并登记投诉，24小时内答复", "已安抚客户情绪，转投诉处理组",
                  "客户要求赔偿，已上报主管", "已核实情况，承诺明日回电"),
    "order": ("订单已录入系统", "已修改配送地址", "已确认订购数量和交期", "已预约安装时间"),
    "repair": ("已远程指导重启，恢复正常", "已派工程师上门", "已登记报修单，预约明天上午",
               "需更换配件，已下单"),
    "query": ("已告知订单状态", "已补寄发票", "已提供物流单号", "维修进度已告知客户"),
    "suggestion": ("已记录建议并感谢客户", "建议已转产品部"),
    "other": ("已转接相关部门", "已告知正确号码", "已提供联系方式"),
}
OUTBOUND_NOTES: dict[str, tuple[str, ...]] = {
    "callback": ("客户确认问题已解决", "安装后回访，客户满意", "保修期定期回访，设备运行正常"),
    "survey": ("满意度调查已完成", "客户对服务基本满意", "客户提出改进意见"),
    "complaint_follow_up": ("投诉处理结果已告知，客户接受", "客户仍不满意，已再次上报"),
    "notification": ("已通知维修时间", "已通知合同续签", "已通知价格调整"),
    "sales": ("客户有意向，已发报价", "客户暂无需求", "已预约拜访"),
}


# The demo's users; pure data so `seatdesk demo` knows a demo user's home screen before the
# database is open (it paints first).
DEMO_PASSWORD = "demo1234"
DEMO_USERS = (  # login, name, role, team, 工号
    ("demo_agent", "张敏", Role.AGENT, "t1", "1024"),
    ("demo_agent2", "李娜", Role.AGENT, "t1", "1025"),
    ("demo_agent3", "王强", Role.AGENT, "t2", "1026"),
    ("demo_lead", "刘洋", Role.TEAM_LEAD, "t1", "1101"),
    ("demo_qa", "陈静", Role.QA, None, "1201"),
    ("demo_super", "杨帆", Role.SUPERVISOR, None, "1301"),
    ("demo_admin", "系统管理员", Role.ADMIN, None, "1401"),
)
