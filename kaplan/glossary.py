"""The one glossary: every label a person reads, in Chinese (the seed's own terms) and English.

Machine names (column names, codes) are English snake_case and never change with the language;
:func:`label` turns one into the words a planner reads, chosen by ``--lang``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import pandas as pd

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
    "rate": ("单台奖励", "Rate per unit"),
    "payout": ("奖励金额", "Payout"),
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
    "note_rectification": (
        "月度进度落后时间进度超过 {gap} 的经销商：{n} 家",
        "dealers whose month progress trails time progress by more than {gap}: {n}",
    ),
}

# codes that share a spelling with another term but read differently in their own column
_COLUMN_TERMS: dict[tuple[str, str], str] = {
    ("segment", "industry"): "industry_segment",
    ("role", "finance"): "finance_role",
    ("stage", "tender"): "follow_tender",
}


def label(term: str, lang: Lang = "zh") -> str:
    """The words a person reads for ``term``; the term itself when the glossary lacks it."""
    pair = TERMS.get(term)
    if pair is None:
        return term
    return pair[0] if lang == "zh" else pair[1]


def check_lang(lang: str) -> Lang:
    from kaplan.errors import KaplanError

    if lang not in LANGS:
        raise KaplanError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


def code_label(column: str, code: str, lang: Lang = "zh") -> str:
    """Label of a code value in its column (``segment=industry`` reads 行业客户、专用车市场)."""
    return label(_COLUMN_TERMS.get((column, code), code), lang)


def labelled(frame: pd.DataFrame, lang: Lang = "zh", codes: Iterable[str] = ()) -> pd.DataFrame:
    """A copy with headers in ``lang`` and the values of the ``codes`` columns translated."""
    out = frame.copy()
    for column in codes:
        if column in out:
            out[column] = out[column].map(lambda v, c=column: code_label(c, v, lang) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: label(c, lang) if isinstance(c, str) else c)
