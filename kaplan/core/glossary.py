"""The one glossary: every label a person reads, in Chinese (the seed's own terms) and English.

Machine names (column names, codes) are English snake_case and never change with the language;
:func:`label` turns one into the words a planner reads, chosen by ``--lang``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

from kaplan.core.errors import KaplanError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TERMS: dict[str, tuple[str, str]] = {
    # --- report titles and sections
    "kaplan": ("大客户销售计划工作簿", "Key-account sales planning workbook"),
    "index_title": ("月度报告", "Monthly reports"),
    "report_targets": ("月度目标分解", "Monthly target split"),
    "report_progress": ("进度看板", "Progress board"),
    "report_pipeline": ("信息管理与客户分级", "Leads and customer tiers"),
    "report_assessment": ("激励考核", "Assessment and incentives"),
    "month": ("月份", "Month"),
    "as_of": ("截至日期", "As of"),
    "version": ("版本", "Version"),
    "data_hash": ("数据指纹", "Data hash"),
    "generated_at": ("生成时间", "Generated at"),
    "params": ("参数", "Parameters"),
    "warnings": ("提示", "Warnings"),
    "total": ("合计", "Total"),
    "national": ("全国", "National"),
    "note": ("说明", "Note"),
    "more_rows": ("更多行见Excel", "More rows in the Excel workbook"),
    "open_report": ("打开报告", "Open report"),
    "workbooks": ("Excel 工作簿", "Excel workbooks"),
    "notebooks": ("已执行的笔记本", "Executed notebooks"),
    "live_split": ("交互式权重调整", "Live weight tuning"),
    "change_vs_issued": ("相对已下达目标的变化", "Change against the issued split"),
    "issue_workbook": ("月度下达表", "Monthly issue workbook"),
    # --- organisation
    "region": ("大区", "Region"),
    "province": ("省区", "Province"),
    "dealer": ("经销商", "Dealer"),
    "dealer_id": ("经销商代码", "Dealer code"),
    "dealer_name": ("经销商名称", "Dealer name"),
    "staff_id": ("员工编号", "Staff ID"),
    "name": ("姓名", "Name"),
    "role": ("岗位", "Role"),
    "regional_director": ("大区总监", "Regional director"),
    "regional_manager": ("区域经理", "Regional manager"),
    "dealer_specialist": ("经销商大客户专员", "Dealer key-account specialist"),
    "product_id": ("产品代码", "Product code"),
    "product_name": ("产品名称", "Product"),
    "customer_id": ("客户代码", "Customer code"),
    "customer_name": ("客户名称", "Customer"),
    # --- business lines (§2.1)
    "line": ("产品", "Line"),
    "command": ("指挥车", "Command vehicles"),
    "work": ("作业车", "Work vehicles"),
    "conversion": ("改装厂用车", "Conversion-factory vehicles"),
    # --- target management (§2.1, §2.2)
    "annual_plan": ("年度计划", "Annual plan"),
    "seasonal_share": ("季节比重", "Seasonal share"),
    "quarter": ("季度", "Quarter"),
    "q_share": ("季度比重", "Quarter share"),
    "m_share": ("月度比重", "Month share in quarter"),
    "locked_plan": ("年度锁定计划", "Locked plan"),
    "actual": ("实销", "Actual"),
    "rolling_plan": ("滚动计划", "Rolling plan"),
    "issued": ("月度下达", "Issued"),
    "s_trailing3": ("前三个月实销比重", "Share of last 3 months' sales"),
    "s_last_month": ("上月实销比重", "Share of last month's sales"),
    "s_annual": ("年度目标比重", "Share of annual target"),
    "composite": ("综合比重", "Composite share"),
    "target": ("目标", "Target"),
    "trailing3": ("前三个月实销", "Last 3 months' sales"),
    "last_month": ("上月实销", "Last month's sales"),
    "annual": ("年度目标", "Annual target"),
    "split_weights": ("分解权重", "Split weights"),
    "attainment": ("达成率", "Attainment"),
    "quarterly_evaluation": ("季度评价", "Quarterly evaluation"),
    "component_dropped": (
        "该分量分母为0，已剔除并重新归一",
        "component has a zero total: dropped, weights renormalised",
    ),
    "equal_split": ("三项分母均为0，已平均分配", "all three components are zero: split equally"),
    "component": ("分解依据", "Component"),
    "issue": ("问题", "Issue"),
    "level": ("层级", "Level"),
    "seasonal": ("季节分解", "Seasonal cascade"),
    "basis": ("季节性依据", "Seasonality basis"),
    "own": ("本业务历史", "The line's own history"),
    "seasonal_all_lines": ("该业务无历史销量，采用全部业务的季节性",
                           "no history for this line: seasonality of all lines used"),
    "equal": ("各月平均", "Equal months"),
    "seasonal_equal": ("无历史销量，各月平均", "no sales history at all: months weighted equally"),
    "year": ("年度", "Year"),
    # --- progress board (§2.3), the seed's column labels
    "sales_to_prev_month": ("1-(N-1)月销售", "Sales Jan to last month"),
    "annual_progress": ("年度计划进度", "Annual progress"),
    "last_year_same_period": ("去年同期销量", "Same period last year"),
    "yoy_growth": ("去年同期增长", "Growth vs last year"),
    "month_plan": ("月度计划", "Month plan"),
    "day_sales": ("当日销售", "Sales on the day"),
    "mtd": ("月度累计", "Month to date"),
    "month_progress": ("月度进度", "Month progress"),
    "time_progress": ("时间进度", "Time progress"),
    "annual_time_progress": ("年度时间进度", "Year time progress"),
    "status": ("状态", "Status"),
    "ahead": ("超前", "Ahead"),
    "on_track": ("正常", "On track"),
    "behind": ("落后", "Behind"),
    "blank_division": ("分母为0，留空", "denominator is 0: left blank"),
    "rows": ("行", "rows"),
    "all_lines": ("全部产品", "All lines"),
    "ytd": ("本年累计销量", "Sales this year to date"),
    "yoy_chart": ("本年累计与去年同期", "This year to date vs same period last year"),
    "time_vs_completion": ("月度进度与时间进度", "Month progress vs time progress"),
    # --- leads (§2.4)
    "lead_id": ("信息编号", "Lead ID"),
    "reported_on": ("报备日期", "Reported on"),
    "owner_id": ("负责人", "Owner"),
    "lead_class": ("信息级别", "Lead class"),
    "direct": ("直销业务", "Direct sale"),
    "tender": ("需招投标作业的业务", "Tender"),
    "one_time": ("一次性需求", "One-time need"),
    "source": ("信息渠道", "Source channel"),
    "existing_customer": ("企业当前客户及服务部门", "Current customers and service"),
    "directory": ("专业名录及车管部门名单", "Directories and vehicle-administration lists"),
    "procurement_site": ("媒体及政府采购网", "Media and government procurement sites"),
    "association": ("集团及协会介绍", "Groups and associations"),
    "exhibition": ("展会及发布会", "Exhibitions and launches"),
    "industry_contact": ("竞争对手及业内人士", "Competitors and industry veterans"),
    "personal_network": ("销售人员人脉", "Personal network"),
    "conversion_rate": ("信息转化率", "Conversion rate"),
    "stage": ("销售阶段", "Sales stage"),
    "buyer_stage": ("采购阶段", "Buyer stage"),
    "discover": ("发现需求", "Find the need"),
    "contact": ("接触客户", "Contact"),
    "analyse": ("需求分析", "Needs analysis"),
    "position": ("销售定位", "Positioning"),
    "commit": ("赢取定单", "Win the commitment"),
    "won": ("成交", "Won"),
    "lost": ("丢单", "Lost"),
    "internal_brewing": ("内部酝酿", "Internal brewing"),
    "plan_preparation": ("计划准备", "Plan preparation"),
    "purchase_requirements": ("采购要求", "Purchase requirements"),
    "evaluate_compare": ("评估比较", "Evaluate and compare"),
    "purchase_commitment": ("购车承诺", "Purchase commitment"),
    "run_tender": ("实施招标", "Run the tender"),
    "contract": ("合同", "Contract"),
    "units": ("台数", "Units"),
    "budget": ("预算", "Budget"),
    "expected_close": ("预计成交", "Expected close"),
    "close_month": ("预计成交月", "Close month"),
    "last_tracked": ("最近跟踪", "Last tracked"),
    "days_since_tracked": ("未跟踪天数", "Days since tracked"),
    "notes": ("备注", "Notes"),
    "probability": ("成交概率", "Probability"),
    "weighted_units": ("加权台数", "Weighted units"),
    "coverage": ("覆盖率", "Coverage"),
    "gap": ("缺口", "Gap"),
    "stale": ("超期未跟踪", "Stale"),
    "qualified": ("值得投入", "Worth investing"),
    "tier": ("客户级别", "Customer tier"),
    "key": ("重点", "Key"),
    "secondary": ("次重点", "Secondary"),
    "potential": ("潜力", "Potential"),
    "value": ("价值", "Value"),
    "count": ("数量", "Count"),
    "industry": ("行业", "Industry"),
    "segment": ("细分市场", "Segment"),
    "purchase_method": ("采购方式", "Purchase method"),
    "agreement": ("协议供货", "Framework agreement"),
    "government": ("政府、各部委、军队、中直机关", "Government, ministries, military, central bodies"),
    "enterprise": ("大型企业、组织市场", "Large enterprises and organisations"),
    "industry_segment": ("行业客户、专用车市场", "Industry customers and special vehicles"),
    # scorecard (§3.2)
    "public": ("对公策略", "Organisational factors"),
    "private": ("对私策略", "Personal factors"),
    "hidden": ("隐性策略", "Hidden factors"),
    "barrier": ("入壁难度", "Entry barrier"),
    "regulation_politics": ("政治法规", "Regulation and politics"),
    "competitors": ("竞争对手", "Competitors"),
    "organisation": ("组织条件", "Organisation"),
    "business_goals": ("经营目标", "Business goals"),
    "internal_policy": ("内部政策", "Internal policy"),
    "procedures": ("工作程序", "Procedures"),
    "structure": ("组织结构", "Structure"),
    "decision_system": ("决策系统", "Decision system"),
    "environment": ("环境条件", "Environment"),
    "product_need": ("产品需求", "Product need"),
    "cost": ("购车成本", "Cost"),
    "purchase_conditions": ("购车条件", "Purchase conditions"),
    "service_capability": ("保障能力", "Service capability"),
    "relationships": ("人际条件", "Relationships"),
    "power": ("权力地位", "Power"),
    "attitude": ("工作态度", "Attitude"),
    "empathy": ("同感心", "Empathy"),
    "persuasion": ("说服力", "Persuasion"),
    "personality": ("人格", "Personality"),
    "risk_appetite": ("风险偏好", "Risk appetite"),
    "interests": ("兴趣爱好", "Interests"),
    # decision roles (§3 角色分析)
    "decision_maker": ("决策者", "Decision maker"),
    "evaluator": ("评估者", "Evaluator"),
    "user_department": ("使用部门", "User department"),
    "finance_role": ("财务部门", "Finance"),
    "operator": ("操作层", "Operator"),
    "support": ("支持", "Supports"),
    "neutral": ("中立", "Neutral"),
    "oppose": ("反对", "Opposes"),
    # --- assessment (§2.5, §4)
    "kpi": ("考核指标", "KPI"),
    "item": ("考核项目", "Item"),
    "due": ("反馈时间", "Due"),
    "submitted": ("提交日期", "Submitted"),
    "target_split": ("目标分解", "Target split"),
    "deal_stats": ("成交大客户统计表", "Deal statistics"),
    "lead_reports": ("信息报备反馈", "Lead reports"),
    "relationship_tracking": ("重点大客户关系维系跟踪表", "Key-account tracking"),
    "monthly_summary": ("月度工作总结表", "Monthly summary"),
    "rationality": ("合理性", "Rationality"),
    "timeliness": ("及时性", "Timeliness"),
    "accuracy": ("准确性", "Accuracy"),
    "truthfulness": ("真实性", "Truthfulness"),
    "quality": ("反馈质量", "Quality"),
    "close_likelihood": ("成交可能性大小", "Close likelihood"),
    "value_analysis": ("价值分析", "Value analysis"),
    "difficulty": ("难度评估", "Difficulty"),
    "kpi_score": ("考核得分", "KPI score"),
    "performance_pay_share": ("占绩效工资比重", "Share of performance pay"),
    "incentive": ("阶梯式激励", "Tiered incentive"),
    "band": ("档位", "Band"),
    "rate": ("单台奖励（元/台）", "Rate per unit (元/unit)"),
    "payout": ("奖励金额（元）", "Payout (元)"),
    "rectification": ("整改", "Rectification"),
    "workflow": ("审批流程", "Approval workflow"),
    "compiled": ("已汇总", "Compiled"),
    "reviewed": ("总监已审核", "Reviewed by director"),
    "approved": ("分管领导已批准", "Approved by leader"),
    "pending": ("待处理", "Pending"),
    "per_capita_target": ("人均目标", "Per-capita target"),
    "headcount": ("人数", "Headcount"),
    # --- scenarios (§2.2 weights)
    "scenario": ("方案", "Scenario"),
    "current": ("当前权重", "Current weights"),
    "suggested": ("建议权重", "Suggested weights"),
    "trailing3_only": ("仅按前三个月实销", "Last 3 months' sales only"),
    "last_month_only": ("仅按上月实销", "Last month's sales only"),
    "annual_only": ("仅按年度目标", "Annual target only"),
    "backtest_tvd": ("回测偏差", "Backtest error (TVD)"),
    # --- lead funnel, channels, tiers, roles, pipeline coverage (§2.4)
    "follow_tender": ("跟进投标", "Follow the tender"),
    "sales_funnel": ("销售流程", "Sales funnel"),
    "stage_conversion": ("阶段转化率", "Stage conversion"),
    "reached": ("到达该阶段", "Reached the stage"),
    "leads": ("信息数", "Leads"),
    "open": ("跟进中", "Open"),
    "median_days_since_tracked": ("未跟踪天数中位数", "Median days since tracked"),
    "win_rate": ("成交率", "Win rate"),
    "reported": ("窗口内报备", "Reported in window"),
    "reported_won": ("窗口内报备已成交", "Reported in window and won"),
    "reported_conversion": ("报备转化率", "Reported to won"),
    "channel_conversion": ("信息渠道转化率", "Conversion by source channel"),
    "class_conversion": ("信息级别转化率", "Conversion by lead class"),
    "stage_probability": ("阶段概率", "Stage probability"),
    "scorecard": ("客户分析策略", "Customer analysis scorecard"),
    "owner_name": ("负责人姓名", "Owner name"),
    "stale_leads": ("超期未跟踪信息", "Stale leads"),
    "bought_12m": ("近12个月采购台数", "Units bought, last 12 months"),
    "pipeline_weighted": ("在跟信息加权台数", "Weighted open pipeline"),
    "cum_share": ("累计价值占比", "Cumulative value share"),
    "rank": ("排名", "Rank"),
    "customers": ("客户数", "Customers"),
    "customer_share": ("客户数占比", "Share of customers"),
    "value_share": ("价值占比", "Share of value"),
    "count_pyramid": ("大客户数量金字塔", "Customer count pyramid"),
    "value_pyramid": ("大客户价值金字塔", "Customer value pyramid"),
    "key_customers": ("重点客户", "Key customers"),
    "decision_roles": ("角色分析", "Decision roles"),
    "roles_covered": ("已覆盖角色数", "Roles covered"),
    "opposed": ("反对角色数", "Roles opposed"),
    "uncovered_provinces": ("信息未覆盖缺口的省区", "Provinces whose gap the pipeline does not cover"),
    "qualification": ("车辆采购预算：是否值得投入", "Qualification: worth investing?"),
    "not_qualified": ("不值得投入", "Not worth investing"),
    "unknown": ("预算未知", "Budget unknown"),
    "qualified_units": ("值得投入台数", "Units worth investing"),
    # industries (§2.6 核心行业名录), as customer and key-customer tables show them
    "taxi": ("出租车行业", "Taxi"),
    "driving_school": ("驾校行业", "Driving schools"),
    "construction": ("建筑业", "Construction"),
    "agriculture": ("农业", "Agriculture"),
    "forestry_husbandry": ("林牧业", "Forestry and animal husbandry"),
    "finance": ("金融业", "Finance"),
    "mining": ("采矿业", "Mining"),
    "water_resources": ("水利系统", "Water resources"),
    "power_grid": ("电力电网系统", "Power grid"),
    "transport": ("交通系统", "Transport"),
    "telecom": ("信息通信系统", "Telecom"),
    "public_security": ("公检法系统", "Public security and courts"),
    "environmental": ("环保系统", "Environmental protection"),
    "health": ("卫生计生系统", "Health"),
    "civil_municipal": ("民政市政系统", "Civil affairs and municipal"),
    "tobacco": ("烟草系统", "Tobacco"),
    "inspection_quarantine": ("检验检疫系统", "Inspection and quarantine"),
    "petroleum": ("石油系统", "Petroleum"),
    "fiscal": ("财政系统", "Fiscal"),
    "postal": ("邮政系统", "Postal"),
    "energy": ("能源系统", "Energy"),
    "real_estate": ("房地产业", "Real estate"),
    "pharmaceutical": ("医药行业", "Pharmaceuticals"),
    "consumer_goods": ("日用品行业", "Consumer goods"),
    # --- assessment sheets, attainment, incentive schedule, workflow, rectification (§2.5)
    "kpi_pay_share": ("考核对应绩效工资比例", "KPI part of performance pay"),
    "kpi_table": ("大客户相关管理人员考核表", "KPI table of key-account staff"),
    "month_target": ("月度目标", "Month target"),
    "month_attainment": ("月度达成率", "Month attainment"),
    "ytd_target": ("年度累计目标", "Target this year to date"),
    "ytd_attainment": ("年度累计达成率", "Attainment this year to date"),
    "target_attainment": ("目标达成考核", "Target attainment"),
    "team_annual": ("总年度目标", "Team annual target"),
    "per_person_year": ("年度人均目标", "Per person per year"),
    "per_person_month": ("月度人均目标", "Per person per month"),
    "incentive_schedule": ("阶梯式激励标准", "Tiered incentive schedule"),
    "attainment_from": ("达成率下限（含）", "Attainment from (inclusive)"),
    "attainment_to": ("达成率上限（不含）", "Attainment to (exclusive)"),
    "state": ("审批环节", "Approval step"),
    "recorded_by": ("经办人", "Recorded by"),
    "recorded_at": ("时间", "Recorded at"),
    "done": ("已完成", "Done"),
    "gap_units": ("距时间进度缺口（台）", "Gap to time progress (units)"),
    "months_trailing": ("连续落后月数", "Months trailing in a row"),
    "late_days": ("逾期天数", "Days late"),
    "late_or_missing": ("逾期或未提交的考核项", "Late or missing submissions"),
    "note_unreviewed": (
        "{n} 条已提交的考核项缺少评审分，按 0 分计",
        "{n} submitted items lack a reviewer score: counted as 0",
    ),
    "note_missing": ("{n} 条考核项未提交，各项按 0 分计", "{n} items were not submitted: 0 on every criterion"),
    "note_no_target": (
        "{n} 人无月度目标，达成率留空、无激励",
        "{n} people have no month target: attainment blank, no incentive",
    ),
    "note_ytd_fallback": (
        "缺少往月下达目标，年度累计目标按年度目标平均分摊",
        "issued targets of earlier months missing: the year-to-date target is the annual target spread evenly",
    ),
    "note_provisional": (
        "{month} 进行中（截至 {as_of}，暂定）：未到期的考核项（{items}）留空为“未到期”，不按 0 分计；"
        "考核得分为已到期项目的加权平均；正式考核于 {deadline} 前汇总",
        "{month} in progress (as of {as_of}, provisional): items not due yet ({items}) are blank (not due), "
        "never 0; the KPI score is the weighted mean of the items due so far; the assessment is compiled by "
        "{deadline}",
    ),
    "note_assessed_closed": (
        "考核月份：{month}（已结束）。目标、销量与考核项均为该月全月数据；"
        "考核于 {deadline} 前汇总，经总监审核、分管领导批准",
        "assessed month: {month} (closed): targets, sales and KPI items of the whole month; "
        "compiled by {deadline}, reviewed by the director, approved by the leader",
    ),
    # --- incentive per role, modes, money in 元 (§2.5)
    "assessed_month": ("考核月份", "Assessed month"),
    "in_progress": ("进行中", "In progress"),
    "not_due": ("未到期", "not due"),
    "payout_uncapped": ("封顶前奖励（元）", "Payout before cap (元)"),
    "cap": ("封顶（元/人/月）", "Cap (元 per person per month)"),
    "units_paid": ("计奖台数", "Units paid"),
    "base": ("计奖基础", "Paid on"),
    "own_dealers": ("本人经销商销量", "Own dealers' units"),
    "territory": ("辖区销量（管理提成）", "Territory's units (override)"),
    "base_none": ("不计奖", "No unit incentive"),
    "people": ("人数", "People"),
    "yuan_per_unit": ("每台奖励（元/台）", "Payout per unit (元/unit)"),
    "incentive_by_role": ("按岗位汇总", "By role"),
    "band_below": ("未达 {to}", "below {to}"),
    "band_between": ("{low}–{high} 达成", "{low}–{high} attained"),
    "band_above": ("{low} 及以上", "{low} and above"),
    "band_all": ("全部", "all"),
    "month_target_to_date": ("截至当日月度目标", "Month target to date"),
    "window_months": ("开发月数", "Months in the window"),
    "per_person_in_month": ("本月人均目标", "Per person this month"),
    "note_mode_marginal": (
        "超额累进：每一档内的台数按该档单价计奖（如个税税率表）；多卖一台，奖励不会减少，增加不超过最高单价",
        "marginal (超额累进): the units within each band are paid at that band's rate, like tax brackets: "
        "one more unit never lowers the payout and adds at most the top rate",
    ),
    "note_mode_whole": (
        "全额累进：全部台数按达到的档位单价计奖（跨档时奖励跳升）",
        "whole (全额累进): all units at the rate of the band reached (the payout jumps at each band start)",
    ),
    "note_yuan_per_unit": (
        "奖励合计 {payout} 元，该月全国销量 {units} 台，折合 {per_unit} 元/台",
        "total payout {payout} 元 on {units} units sold in the month: {per_unit} 元 per unit",
    ),
    "note_paid_twice": (
        "{role}计奖台数 {units} 台超过全国销量 {sold} 台：有辖区由多人重复计奖，请核对人员表",
        "{role}: {units} units paid exceed the {sold} units sold: a territory is paid to more than one person; "
        "check the staff table",
    ),
    "note_capped": ("{n} 人达到封顶，按封顶金额发放", "{n} people reached the cap and are paid the cap"),
    "note_incentive_provisional": (
        "该月尚未结束：奖励为截至当日的测算，不作发放依据",
        "the month is not over: payouts are an estimate to date, not a basis for payment",
    ),
    # --- quarterly evaluation to date (§2.1)
    "target_to_date": ("截至当日目标", "Target to date"),
    "period": ("期间状态", "Period"),
    "closed": ("已结束", "Closed"),
    "running": ("进行中", "In progress"),
    "not_started": ("未开始", "Not started"),
    "note_quarter_to_date": (
        "进行中的季度按截至当日目标评价：已结束月份的目标 + 本月目标 × 时间进度（{as_of}，向上取整）；"
        "未开始的季度留空",
        "a running quarter is compared with its target to date: the closed months' targets + this month's target "
        "x time progress (as of {as_of}, rounded up); quarters not started are blank",
    ),
    "note_rectification": (
        "月度进度落后时间进度超过 {gap} 的经销商：{n} 家",
        "dealers whose month progress trails time progress by more than {gap}: {n}",
    ),
    # --- input headers without a report label (read as headers of the input tables)
    "order_id": ("订单编号", "Order ID"),
    "date": ("日期", "Date"),
    "factor": ("客户分析因素", "Factor"),
    "score": ("评分", "Score"),
    # --- stale data and scheduled runs
    "note_stale_data": (
        "数据已过期：最新一笔销售是 {last}，比 {month} 月初早 {days} 天（参数 stale_data_days = {limit}）",
        "stale data: the newest sale is of {last}, {days} days before {month} began (stale_data_days = {limit})",
    ),
}

# codes that share a spelling with another term but read differently in their own column
_COLUMN_TERMS: dict[tuple[str, str], str] = {
    ("segment", "industry"): "industry_segment",
    ("role", "finance"): "finance_role",
    ("stage", "tender"): "follow_tender",
    ("base", "none"): "base_none",
}


def label(term: str, lang: Lang = "zh") -> str:
    """The words a person reads for ``term``; the term itself when the glossary lacks it."""
    pair = TERMS.get(term)
    if pair is None:
        return term
    return pair[0] if lang == "zh" else pair[1]


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise KaplanError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def code_label(column: str, code: str, lang: Lang = "zh") -> str:
    """Label of a code value in its column (``segment=industry`` reads 行业客户、专用车市场)."""
    return label(_COLUMN_TERMS.get((column, code), code), lang)


def code_labels(values: pd.Series, column: str, lang: Lang = "zh") -> pd.Series:
    """The codes of ``column`` in ``lang``; a value that is not a code text (blank, number) stays as it is."""
    return values.map(lambda v: code_label(column, v, lang) if isinstance(v, str) else v)


def with_code_labels(frame: pd.DataFrame, columns: Iterable[str], lang: Lang = "zh") -> pd.DataFrame:
    """A copy of ``frame`` whose code ``columns`` (those present) read in ``lang``; headers unchanged."""
    present = [c for c in columns if c in frame.columns]
    return frame.assign(**{c: code_labels(frame[c], c, lang) for c in present})
