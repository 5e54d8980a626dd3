"""Real reference data the sample generator draws from: regions, provinces, cities, names.

- :data:`REGIONS`: the eight sales regions (大区) and the 31 mainland province-level divisions
  (省区, short names as people write them: 河北, 内蒙古, 新疆) each one covers. Every province is
  in exactly one region.
- :data:`PROVINCE_WEIGHT`: the relative size of each province's fleet market (roughly its share of
  vehicle sales); the generator spreads dealers and customers by it, so big provinces get more.
- :data:`CITIES`: a few real cities per province, used in dealer and customer names.
- :data:`INDUSTRY_NAMES`, :data:`SEGMENT_NAMES`: the seed's industries (核心行业名录) and segments in
  the seed's words; :data:`INDUSTRY_SEGMENT` the segment an industry's customers mostly belong to.
- :data:`PRODUCT_CATALOGUE`: realistic product names per business line (指挥车 / 作业车 / 改装厂用车),
  most popular first, with a typical unit price in CNY.
- Name parts for people, dealers and customers.

Only data lives here; :mod:`kaplan.sample.write` does the drawing.
"""

from __future__ import annotations

REGIONS: dict[str, tuple[str, ...]] = {
    "华北大区": ("北京", "天津", "河北", "山西", "内蒙古"),
    "东北大区": ("辽宁", "吉林", "黑龙江"),
    "华东大区": ("上海", "江苏", "浙江", "安徽"),
    "华东二区": ("山东", "福建", "江西"),
    "华中大区": ("河南", "湖北", "湖南"),
    "华南大区": ("广东", "广西", "海南"),
    "西南大区": ("重庆", "四川", "贵州", "云南", "西藏"),
    "西北大区": ("陕西", "甘肃", "青海", "宁夏", "新疆"),
}

PROVINCES: tuple[str, ...] = tuple(p for provinces in REGIONS.values() for p in provinces)
PROVINCE_REGION: dict[str, str] = {p: r for r, provinces in REGIONS.items() for p in provinces}

# relative fleet-market size (about the province's share of national vehicle sales, in %)
PROVINCE_WEIGHT: dict[str, float] = {
    "北京": 4.5, "天津": 2.0, "河北": 5.0, "山西": 2.5, "内蒙古": 2.4,
    "辽宁": 3.0, "吉林": 1.5, "黑龙江": 1.8,
    "上海": 4.5, "江苏": 9.0, "浙江": 7.5, "安徽": 4.5,
    "山东": 8.5, "福建": 4.5, "江西": 3.0,
    "河南": 6.5, "湖北": 5.0, "湖南": 4.5,
    "广东": 10.0, "广西": 2.8, "海南": 0.8,
    "重庆": 3.0, "四川": 6.0, "贵州": 2.2, "云南": 3.0, "西藏": 0.3,
    "陕西": 3.3, "甘肃": 1.2, "青海": 0.5, "宁夏": 0.6, "新疆": 2.0,
}  # fmt: skip

CITIES: dict[str, tuple[str, ...]] = {
    "北京": ("北京",), "天津": ("天津",), "上海": ("上海",), "重庆": ("重庆",),
    "河北": ("石家庄", "唐山", "保定", "邯郸"), "山西": ("太原", "大同", "长治"),
    "内蒙古": ("呼和浩特", "包头", "鄂尔多斯"), "辽宁": ("沈阳", "大连", "鞍山"),
    "吉林": ("长春", "吉林", "延吉"), "黑龙江": ("哈尔滨", "大庆", "齐齐哈尔"),
    "江苏": ("南京", "苏州", "无锡", "徐州"), "浙江": ("杭州", "宁波", "温州", "金华"),
    "安徽": ("合肥", "芜湖", "阜阳"), "山东": ("济南", "青岛", "烟台", "潍坊"),
    "福建": ("福州", "厦门", "泉州"), "江西": ("南昌", "赣州", "九江"),
    "河南": ("郑州", "洛阳", "南阳", "新乡"), "湖北": ("武汉", "襄阳", "宜昌"),
    "湖南": ("长沙", "株洲", "衡阳"), "广东": ("广州", "深圳", "佛山", "东莞"),
    "广西": ("南宁", "柳州", "桂林"), "海南": ("海口", "三亚"),
    "四川": ("成都", "绵阳", "宜宾"), "贵州": ("贵阳", "遵义"), "云南": ("昆明", "曲靖", "大理"),
    "西藏": ("拉萨",), "陕西": ("西安", "宝鸡", "榆林"), "甘肃": ("兰州", "天水"),
    "青海": ("西宁",), "宁夏": ("银川",), "新疆": ("乌鲁木齐", "克拉玛依", "喀什"),
}  # fmt: skip

INDUSTRY_NAMES: dict[str, str] = {
    "taxi": "出租车行业", "driving_school": "驾校行业", "construction": "建筑业", "agriculture": "农业",
    "forestry_husbandry": "林牧业", "finance": "金融业", "mining": "采矿业", "water_resources": "水利系统",
    "power_grid": "电力电网系统", "transport": "交通系统", "telecom": "信息通信系统",
    "public_security": "公检法系统", "environmental": "环保系统", "health": "卫生计生系统",
    "civil_municipal": "民政市政系统", "tobacco": "烟草系统", "inspection_quarantine": "检验检疫系统",
    "petroleum": "石油系统", "fiscal": "财政系统", "postal": "邮政系统", "energy": "能源系统",
    "real_estate": "房地产业", "pharmaceutical": "医药行业", "consumer_goods": "日用品行业",
}  # fmt: skip

SEGMENT_NAMES: dict[str, str] = {
    "government": "政府机关、部委、军队及中直单位",
    "enterprise": "大型企业、组织市场、大型经济组织",
    "industry": "行业客户及特种车市场",
}

# the segment most customers of an industry belong to (the seed's 大客户细分市场)
INDUSTRY_SEGMENT: dict[str, str] = {
    "taxi": "industry", "driving_school": "industry", "construction": "enterprise",
    "agriculture": "industry", "forestry_husbandry": "industry", "finance": "enterprise",
    "mining": "enterprise", "water_resources": "government", "power_grid": "enterprise",
    "transport": "industry", "telecom": "enterprise", "public_security": "government",
    "environmental": "government", "health": "government", "civil_municipal": "government",
    "tobacco": "enterprise", "inspection_quarantine": "government", "petroleum": "enterprise",
    "fiscal": "government", "postal": "enterprise", "energy": "enterprise",
    "real_estate": "enterprise", "pharmaceutical": "enterprise", "consumer_goods": "enterprise",
}  # fmt: skip

# relative number of key-account customers per industry
INDUSTRY_WEIGHT: dict[str, float] = {
    "taxi": 8, "driving_school": 6, "construction": 6, "agriculture": 3, "forestry_husbandry": 2,
    "finance": 5, "mining": 3, "water_resources": 3, "power_grid": 6, "transport": 7, "telecom": 4,
    "public_security": 10, "environmental": 4, "health": 5, "civil_municipal": 6, "tobacco": 2,
    "inspection_quarantine": 2, "petroleum": 3, "fiscal": 3, "postal": 3, "energy": 3,
    "real_estate": 3, "pharmaceutical": 2, "consumer_goods": 2,
}  # fmt: skip

# customer name endings per industry: government bodies take "{city}市" before them,
# enterprises "{city}{trade name}"
INDUSTRY_ORGS: dict[str, tuple[str, ...]] = {
    "taxi": ("出租汽车有限公司", "出租车客运有限公司"),
    "driving_school": ("驾驶员培训学校", "机动车驾驶培训有限公司"),
    "construction": ("建设集团有限公司", "建工集团有限公司", "路桥建设有限公司"),
    "agriculture": ("农业发展有限公司", "农垦集团有限公司"),
    "forestry_husbandry": ("林业局", "畜牧兽医局", "林场"),
    "finance": ("农村商业银行", "金融押运有限公司", "保险公司"),
    "mining": ("矿业集团有限公司", "煤业有限公司"),
    "water_resources": ("水利局", "水务集团", "河道管理处"),
    "power_grid": ("供电公司", "电力工程有限公司"),
    "transport": ("交通运输局", "公路管理局", "公交集团有限公司", "港务集团有限公司"),
    "telecom": ("通信分公司", "移动通信分公司", "信息网络有限公司"),
    "public_security": ("公安局", "人民法院", "人民检察院", "交警支队", "司法局"),
    "environmental": ("生态环境局", "环境卫生管理处", "环境监测站"),
    "health": ("卫生健康委员会", "疾病预防控制中心", "急救中心", "人民医院"),
    "civil_municipal": ("民政局", "城市管理局", "市政工程管理处", "市容环境卫生局"),
    "tobacco": ("烟草专卖局", "烟草公司"),
    "inspection_quarantine": ("海关", "市场监督管理局", "检验检测中心"),
    "petroleum": ("石油分公司", "石化销售有限公司", "油田服务有限公司"),
    "fiscal": ("财政局", "税务局"),
    "postal": ("邮政分公司", "邮政速递物流有限公司"),
    "energy": ("能源集团有限公司", "燃气集团有限公司", "热力有限公司"),
    "real_estate": ("置业有限公司", "房地产开发有限公司", "物业服务有限公司"),
    "pharmaceutical": ("医药集团有限公司", "制药有限公司"),
    "consumer_goods": ("日用品有限公司", "商贸集团有限公司"),
}

# trade names (字号) for dealers and enterprise customers
TRADE_NAMES: tuple[str, ...] = (
    "华通", "宏达", "瑞丰", "众诚", "恒信", "金桥", "鼎盛", "长安", "兴业", "永达", "广汇", "中升",
    "利星", "博瑞", "天元", "东方", "新世纪", "通达", "荣昌", "盛世", "嘉和", "正通", "合众", "远景",
    "德胜", "安泰", "佳禾", "润达", "力帆", "信达", "海联", "泰和", "锦程", "汇丰", "昌盛", "鸿运",
    "万方", "华宇", "明远", "创新", "顺驰", "金鹏", "天诚", "启航", "三江", "五洲", "九州", "恒通",
    "吉顺", "盛达", "晨光", "龙腾", "凯旋", "宝信", "国信", "腾飞", "富华", "中联", "海誉", "同德",
)  # fmt: skip

DEALER_SUFFIXES: tuple[str, ...] = (
    "汽车销售服务有限公司", "汽车贸易有限公司", "汽车服务有限公司", "汽车销售有限公司",
)

SURNAMES: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
)  # fmt: skip
GIVEN_CHARS: tuple[str, ...] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "文", "华", "建", "国", "红", "志", "海", "鹏", "宇", "浩",
    "晨", "欣", "婷", "斌", "鑫", "琳", "峰", "辉", "晓", "雪", "俊", "帆", "凯", "悦", "蕾", "博",
)  # fmt: skip
# how a decision-role contact is named in a lead's contact list (surname + title)
CONTACT_TITLES: dict[str, tuple[str, ...]] = {
    "decision_maker": ("局长", "总经理", "主任", "董事长", "书记"),
    "evaluator": ("处长", "副总", "总工", "副主任"),
    "user_department": ("队长", "科长", "站长", "车队长"),
    "finance": ("财务处长", "会计", "财务经理"),
    "operator": ("司机班长", "采购专员", "办事员", "干事"),
}

# (name, typical unit price in CNY) per business line, most popular first
PRODUCT_CATALOGUE: dict[str, tuple[tuple[str, int], ...]] = {
    "command": (
        ("公务轿车 A3", 120_000), ("公务SUV S5", 160_000), ("公务轿车 A5", 170_000),
        ("商务MPV M6", 210_000), ("越野指挥车 X5", 260_000), ("公务轿车 A6L", 230_000),
        ("新能源公务轿车 EA3", 150_000), ("公务SUV S7", 220_000), ("皮卡 P3 公务版", 130_000),
        ("轻客 V5 公务版", 180_000), ("商务MPV M8", 290_000), ("越野指挥车 X7", 340_000),
        ("新能源公务SUV ES5", 190_000), ("中巴 B7 公务版", 360_000), ("公务轿车 A8", 320_000),
        ("电动轿车 E1 公务版", 90_000),
    ),
    "work": (
        ("警用巡逻车", 190_000), ("执法车", 170_000), ("路政巡查车", 180_000), ("防疫车", 260_000),
        ("通讯指挥车", 420_000), ("囚车", 280_000), ("检测车", 330_000), ("照明车", 300_000),
        ("消毒车", 240_000), ("监测车", 380_000), ("勘察车", 250_000), ("宣传车", 200_000),
        ("安检车", 360_000), ("工程检修车", 270_000), ("计量车", 310_000), ("稽查车", 175_000),
    ),
    "conversion": (
        ("改装底盘 C5", 110_000), ("二类底盘 C3", 85_000), ("轻卡底盘 T3", 95_000),
        ("厢式样车 V5", 140_000), ("改装底盘 C7", 150_000), ("中巴底盘 B5", 170_000),
        ("白车身样车 A3", 70_000), ("皮卡底盘 P3", 100_000), ("新能源底盘 EC5", 180_000),
        ("专用车底盘 T5", 160_000),
    ),
}

# what a lead's notes say at each stage (信息报备 free text)
STAGE_NOTES: dict[str, tuple[str, ...]] = {
    "discover": ("客户内部酝酿购车需求，待确认预算", "经介绍获悉客户有更新车辆计划"),
    "contact": ("已拜访使用部门，了解车辆现状", "已与采购负责人初步接触"),
    "analyse": ("已收集客户采购要求与配置清单", "客户提出车型参数要求，正在核对"),
    "position": ("客户评估比较中，竞品报价偏低", "已提交方案与报价，安排试乘试驾"),
    "commit": ("客户口头确认采购意向，待走审批", "预算已批复，准备签订协议"),
    "tender": ("招标公告已发布，准备投标文件", "已递交投标文件，等待开标"),
    "won": ("已中标并签订合同", "协议供货合同已签订，安排交车"),
    "lost": ("未中标，竞品价格更低", "客户预算取消，项目终止"),
}

# who buys which up-fitted work vehicle (作业车); a work product not listed suits every industry
WORK_PRODUCT_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "警用巡逻车": ("public_security",),
    "执法车": ("public_security", "civil_municipal", "environmental", "inspection_quarantine", "tobacco"),
    "路政巡查车": ("transport",),
    "防疫车": ("health", "inspection_quarantine"),
    "通讯指挥车": ("telecom", "power_grid", "public_security"),
    "囚车": ("public_security",),
    "检测车": ("inspection_quarantine", "environmental", "power_grid"),
    "照明车": ("power_grid", "civil_municipal", "energy"),
    "消毒车": ("health", "civil_municipal"),
    "监测车": ("environmental", "water_resources"),
    "勘察车": ("mining", "petroleum", "construction", "water_resources", "real_estate"),
    "宣传车": ("civil_municipal", "health"),
    "安检车": ("public_security", "petroleum"),
    "工程检修车": ("power_grid", "energy", "telecom", "water_resources"),
    "计量车": ("inspection_quarantine", "power_grid"),
    "稽查车": ("tobacco", "fiscal", "transport"),
}
# industries whose customers (and the conversion factories serving them) buy chassis and samples
CONVERSION_INDUSTRIES: tuple[str, ...] = (
    "construction", "agriculture", "forestry_husbandry", "mining", "transport", "postal", "energy",
    "petroleum", "power_grid", "environmental", "civil_municipal", "consumer_goods", "pharmaceutical",
)  # fmt: skip
