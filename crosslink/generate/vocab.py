"""Fixed vocabularies of the synthetic bank: names, places, banks, merchants, memo texts.

Kept apart from the logic so the generator reads as behaviour, not as word lists. All texts a
pipeline rule may key on (e.g. `SALARY` in salary memos) are defined here once.
"""

from __future__ import annotations

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
                 "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
                 "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_CHARS = tuple("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红玲芬燕鹏辉建国文斌宇浩凯"
                    "俊帅晨欣怡婷雪琳晶颖佳悦子梓涵轩博宁海峰林鑫波亮飞丹蕾慧倩瑶志春立新东庆云"
                    "荣德永成嘉思若雨晓天泽一诗可安")
CITIES = ("上海", "北京", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "天津",
          "重庆", "青岛", "宁波", "厦门", "长沙", "郑州", "合肥", "福州", "济南")
DISTRICTS = ("滨江", "城东", "城西", "南湖", "北湖", "中山", "解放路", "人民路", "高新", "开发区",
             "江南", "河西", "新区", "东湖", "西湖", "江北", "金融街", "大学城", "港口", "世纪大道")
BRAND_CHARS = tuple("华信达兴盛恒泰鑫宏瑞隆丰源通利嘉安康和顺明远新科创博宇晟汇金银天地海山川龙凤祥"
                    "福德荣昌旺佳美诚正久万合众联宁耀辰星光辉腾飞越卓启航力邦鼎豪威凯中东南西北誉"
                    "锦绣润泽晶彩骏驰")
INDUSTRY_WORDS = {
    "manufacturing": ("机械制造", "精密制造", "电子", "新材料", "五金制品"),
    "retail_trade": ("商贸", "百货", "超市", "便利连锁"),
    "wholesale_trade": ("贸易", "进出口", "供应链管理", "国际贸易"),
    "construction": ("建筑工程", "建设", "装饰工程", "市政工程"),
    "logistics": ("物流", "运输", "货运代理", "仓储"),
    "technology": ("信息技术", "网络科技", "软件", "智能科技"),
    "hospitality": ("餐饮管理", "酒店管理", "餐饮"),
    "healthcare": ("医疗器械", "医药", "健康管理"),
    "education": ("教育科技", "培训", "文化传播"),
    "agriculture": ("农业发展", "生态农业", "农产品"),
    "real_estate": ("房地产开发", "置业", "物业管理"),
    "professional_services": ("企业管理咨询", "财务咨询", "人力资源"),
}
COMPANY_FORMS = ("有限公司", "股份有限公司", "有限责任公司")

# Other banks: code -> (account prefix, total digits). Our own code is sources.OUR_BANK.
OTHER_BANKS = {"ICBK": ("1001", 19), "PCBC": ("3205", 20), "BKCH": ("4563", 16),
               "CMBC": ("6910", 15), "ABOC": ("0301", 17), "COMM": ("3100", 21)}
FOREIGN_BANKS = ("HSBC", "CITI", "DEUT", "SCBL", "BOFA", "MUFG", "BNPA")
FOREIGN_WORDS = (("Pacific", "Global", "Northern", "Atlas", "Orient", "Sunrise", "Harbor",
                  "Summit", "Evergreen", "Silverline", "Meridian", "Coastal"),
                 ("Trading", "Industries", "Supply", "Imports", "Components", "Logistics"),
                 ("Ltd", "GmbH", "Inc", "Pte Ltd", "LLC", "S.A."))
FX_RATES = {"CNY": 1.0, "USD": 7.1, "EUR": 7.8, "HKD": 0.91}

# Card POS: category -> (merchant brands, MCC codes, mean ticket relative to the person's)
POS_CATEGORIES = {
    "groceries": (("永辉超市", "华润万家", "盒马鲜生", "物美超市", "家乐福"), ("5411",), 0.6),
    "dining": (("海底捞", "西贝莜面村", "肯德基", "麦当劳", "星巴克"), ("5812", "5814"), 0.5),
    "travel": (("携程旅行", "中国国航", "东方航空", "万豪酒店"), ("4511", "7011", "4722"), 3.5),
    "fuel": (("中国石化", "中国石油", "壳牌加油站"), ("5541",), 1.2),
    "luxury": (("周大福", "老凤祥", "路易威登", "卡地亚"), ("5944",), 8.0),
    "education": (("新东方", "学而思", "好未来"), ("8299", "8220"), 4.0),
    "healthcare": (("协和医院", "老百姓大药房", "爱尔眼科"), ("8062", "5912"), 1.5),
    "electronics": (("苏宁易购", "京东之家", "小米之家", "华为授权店"), ("5732",), 2.5),
    "utilities": (("国家电网", "自来水公司", "燃气公司"), ("4900",), 0.8),
    "entertainment": (("万达影城", "大麦网", "欢乐KTV"), ("7832", "7922"), 0.7),
}
WECHAT_MERCHANTS = ("美团外卖", "饿了么", "拼多多", "滴滴出行", "瑞幸咖啡", "便利蜂", "全家便利店",
                    "叮咚买菜", "淘宝", "京东", "喜茶", "蜜雪冰城")
TOPUP_MERCHANTS = ("中国移动", "中国联通", "中国电信")
BILL_PAYEES = ("国家电网 STATE GRID", "中国移动 CHINA MOBILE", "中国电信 CHINA TELECOM",
               "燃气公司 GAS", "自来水公司 WATER", "物业服务中心 PROPERTY FEE")
DEVICES_RETAIL = ("PC-Chrome", "PC-Edge", "PC-Firefox", "PC-Safari")
DEVICES_CORPORATE = ("UKEY-A", "UKEY-B", "PC-Chrome-UKEY")
PENSION_PAYER = "社会保险基金 SOCIAL INSURANCE FUND"

# Memo texts. `{ym}` is the salary month (YYYY-MM). Salary memos always contain SALARY.
SALARY_MEMOS = ("SALARY 工资 {ym}", "工资 SALARY {ym}", "代发工资 SALARY {ym}")
PAYROLL_DEBIT_MEMO = "PAYROLL 代发工资 {ym}"
PAYROLL_BATCH_MEMO = "PAYROLL BATCH 代发工资(他行) {ym}"
PENSION_MEMO = "PENSION 养老金 {ym}"
FAMILY_MEMOS = ("生活费 FAMILY", "家用 FAMILY SUPPORT")
OWNER_MEMOS = ("往来款 TRANSFER", "股东借款 OWNER LOAN", "资金调拨 FUNDS", "还款 REPAYMENT")
DIVIDEND_MEMO = "分红 DIVIDEND"
PURCHASE_MEMOS = ("消费 PURCHASE", "服务费 SERVICE", "会员费 MEMBERSHIP")
BIG_PURCHASE_MEMOS = ("装修款 RENOVATION", "购车款 CAR", "学费 TUITION", "设备款 EQUIPMENT")
PART_TIME_MEMO = "PART-TIME SALARY 兼职工资"
CONTRACTOR_MEMOS = ("劳务费 SERVICE FEE", "咨询费 CONSULTING FEE", "设计费 DESIGN FEE")
REFUND_MEMO = "退款 REFUND"
REIMBURSE_MEMO = "报销 REIMBURSEMENT"
SUPPLIER_MEMOS = ("货款 GOODS PAYMENT", "货款, INV {n}", "服务费 SERVICE", "租金 RENT",
                  '"加急" 货款 URGENT')
RECEIPT_MEMOS = ("收款 RECEIPT", "销售回款 SALES", "货款, INV {n}")
TRADE_MEMOS = ("TRADE INV-{n} 货款", "L/C {n} 进口付汇", "EXPORT {n} 出口收汇")
TRANSFER_MEMOS = ("转账 TRANSFER", "还钱 PAYBACK", "红包 GIFT", "房租 RENT", "")
COUNTER_MEMOS = {"DEP": "现金存款 CASH DEPOSIT", "WDL": "现金支取 CASH WITHDRAWAL",
                 "TRF": "转账 TRANSFER", "PAY": "缴费 BILL", "FX": "购汇 FX PURCHASE"}
INVEST_MEMOS = {"wealth_management": "理财申购 WMP PURCHASE", "mutual_fund": "基金申购 FUND"}
LOAN_MEMO = "贷款发放 LOAN DISBURSEMENT"

# Consumer lenders at other institutions (name, bank code of their collection account). Their
# names carry the words `features.lender_markers` keys on (消费金融, 花呗, 白条, 微粒贷, ...).
LENDERS = (("招联消费金融有限公司 MERCHANTS UNION CONSUMER FINANCE", "CMBC"),
           ("马上消费金融股份有限公司 MASHANG CONSUMER FINANCE", "ICBK"),
           ("中银消费金融有限公司 BOC CONSUMER FINANCE", "BKCH"),
           ("蚂蚁花呗 HUABEI", "PCBC"), ("京东白条 JD BAITIAO", "COMM"),
           ("微众银行微粒贷 WELILOAN", "ABOC"))
LENDER_REPAYMENT_MEMOS = ("还款 REPAYMENT", "分期还款 INSTALMENT", "账单还款 BILL REPAYMENT")
LENDER_DRAWDOWN_MEMOS = ("借款到账 LOAN DRAWDOWN", "放款 DISBURSEMENT")

# Housing counterparties at other banks (name, bank code): rental platforms that collect rent,
# and property agents that take viewing deposits and fees from people looking to buy. Their
# names carry the words `features.housing_markers` keys on (公寓, 租房, 房产经纪, REALTY, ...);
# none of them is the "物业" of a property-fee bill or a real-estate client's name.
RENTAL_PLATFORMS = (("北京自如生活资产管理有限公司 ZIROOM RENTAL", "ICBK"),
                    ("泊寓公寓管理有限公司 BOYU APARTMENT", "CMBC"),
                    ("魔方公寓 MOFANG APARTMENT", "PCBC"), ("相寓租房 XIANGYU RENTAL", "BKCH"))
PROPERTY_AGENTS = (("链家房产经纪有限公司 LIANJIA REALTY", "CMBC"),
                   ("贝壳找房 KE REALTY", "COMM"), ("我爱我家房产经纪 5I5J REALTY", "ABOC"),
                   ("中原地产代理 CENTALINE REALTY", "ICBK"))
RENT_MEMOS = ("房租 RENT", "月租 MONTHLY RENT")
PROPERTY_MEMOS = ("看房意向金 VIEWING DEPOSIT", "房产评估费 APPRAISAL FEE",
                  "购房咨询 HOME PURCHASE ADVICE", "认筹金 SUBSCRIPTION DEPOSIT")

# Companies' counterparties at other institutions (name, bank code). Factoring and supply-chain
# finance houses lend to companies short of working capital: their names carry words of
# `features.lender_markers` (保理, FACTORING, 供应链金融), none of them the 供应链管理 of a
# wholesale client's name. Equipment vendors sell machinery to companies that invest: their
# names carry `features.equipment_markers` (重工, 装备, MACHINERY, EQUIPMENT), none of them the
# 机械制造 or 医疗器械 of a client's name.
FACTORS = (("平安国际商业保理有限公司 PING AN FACTORING", "PCBC"),
           ("联易融供应链金融 LINKLOGIS SUPPLY CHAIN FINANCE", "CMBC"),
           ("中企云链商业保理 ZQYL FACTORING", "ICBK"),
           ("远东宏信商业保理 FAR EAST FACTORING", "BKCH"))
FACTORING_DRAWDOWN_MEMOS = ("保理融资款 FACTORING ADVANCE", "应收账款融资 RECEIVABLES FINANCE")
FACTORING_REPAYMENT_MEMOS = ("保理还款 FACTORING REPAYMENT", "融资还款 FINANCE REPAYMENT")
EQUIPMENT_VENDORS = (("三一重工股份有限公司 SANY HEAVY MACHINERY", "ICBK"),
                     ("徐工重型装备 XCMG MACHINERY", "CMBC"),
                     ("海天塑机装备 HAITIAN MACHINERY", "PCBC"),
                     ("大族激光装备 HANS LASER EQUIPMENT", "BKCH"),
                     ("中联重工装备 ZOOMLION EQUIPMENT", "COMM"))
EQUIPMENT_MEMOS = ("设备采购款 EQUIPMENT PURCHASE", "设备首付款 EQUIPMENT DOWN PAYMENT",
                   "生产线设备款 PRODUCTION LINE")
# Securities firms and fund managers take companies' subscriptions to bonds, funds and asset
# management plans: their names carry `features.securities_markers` (证券, 基金管理,
# SECURITIES, FUND MANAGEMENT), none of them the 资产管理 of a rental platform or the
# 社会保险基金 SOCIAL INSURANCE FUND that pays pensions.
SECURITIES_FIRMS = (("中信证券股份有限公司 CITIC SECURITIES", "ICBK"),
                    ("华泰证券 HUATAI SECURITIES", "BKCH"),
                    ("华夏基金管理有限公司 CHINAAMC FUND MANAGEMENT", "PCBC"),
                    ("易方达基金管理 E FUND MANAGEMENT", "CMBC"),
                    ("国泰君安证券 GUOTAI JUNAN SECURITIES", "COMM"))
SECURITIES_MEMOS = ("债券认购 BOND SUBSCRIPTION", "基金申购 FUND SUBSCRIPTION",
                    "资管计划认购 ASSET PLAN SUBSCRIPTION")
