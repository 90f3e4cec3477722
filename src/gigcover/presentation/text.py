"""Every word the advisor shows a person — on the web page and from `gigcover advise` — in Chinese and English, in one
place.

`TEXT` maps a key to (中文, English). Names of values the rules produce (legal relation, access, places, payers)
come from `gigcover.labels`; the lists here are the form's plain-language choices and the page's own sentences.
"""

from __future__ import annotations

from gigcover.labels import Lang

TEXT: dict[str, tuple[str, str]] = {
    # page frame
    "site_name": ("灵活就业社保顾问", "Gig worker social insurance advisor"),
    "brand": ("灵活就业社保顾问", "Gig insurance advisor"),
    "switch_label": ("English", "中文"),
    "switch_title": ("Switch to English (keeps your answers)", "切换到中文（保留您的回答）"),
    "tagline": (
        "送外卖、开网约车、跑快递、做主播……没有劳动合同，社保怎么上？回答下面几个问题（约 2 分钟），"
        "看看您现在有哪些保障、先上哪一项、每月花多少、能得到什么。",
        "Delivering food, driving for a ride-hail app, couriering, livestreaming — with no labour contract, how do you "
        "get social insurance? Answer a few questions (about 2 minutes) to see what covers you now, what to get first, "
        "what it costs each month and what you would get.",
    ),
    "privacy": (
        "您的回答只用于这一次计算，不会被保存。",
        "Your answers are used for this calculation only; nothing is stored.",
    ),
    "footer": (
        "本工具按公开的法律法规和政策文件计算，结果仅供参考；能否参保、缴多少、领多少，以当地社保经办机构为准。"
        "有疑问可拨打人社服务热线 12333 或医保服务热线 12393。",
        "This tool works from published laws and policy documents and is for guidance only; your local social "
        "insurance office decides who may enrol, what is paid and what is received. Questions: call the "
        "human-resources and social-security hotline 12333 or the medical-insurance hotline 12393.",
    ),
    "required_mark": ("必填", "required"),
    "optional_mark": ("可不填", "optional"),
    "yes": ("是", "Yes"),
    "colon": ("：", ": "),
    "no": ("否", "No"),
    "choose": ("请选择", "Choose"),
    "year": ("年", "year"),
    "month": ("月", "month"),
    # form sections and fields
    "sec_work_place": ("您在哪个城市干活？", "Where do you work?"),
    "work_city": ("工作城市", "City where you work"),
    "work_city_other": ("其他城市（在下面填写）", "Another city (type it below)"),
    "work_code": (
        "不在列表里？填城市名或 6 位行政区划代码",
        "Not in the list? Type the city's name or 6-digit area code",
    ),
    "work_code_hint": (
        "例如 武汉、苏州、420100。填了这里就以这里为准。",
        "For example 武汉, suzhou or 420100. If you fill this in, it is used instead of the list.",
    ),
    "sec_hukou": ("您的户口", "Your hukou (household registration)"),
    "hukou_region": ("户口在哪里？", "Where is your hukou registered?"),
    "hukou_hint": (
        "写省和市就行，例如“河南周口”“四川南充”，也可以填 6 位行政区划代码。"
        "身份证号码的前 6 位一般就是办证时户口所在地的代码（后来迁过户口的除外）。",
        "Province and city are enough, e.g. 河南周口 or 四川南充 (Zhoukou, Henan), or the 6-digit area code. The first "
        "6 digits of your ID card number are usually the code of your hukou place when the card was issued (unless you "
        "moved your hukou since).",
    ),
    "hukou_type": ("户口类型", "Type of hukou"),
    "hukou_rural": ("农村户口（农业户口）", "Rural (agricultural)"),
    "hukou_urban": ("城镇户口（非农业户口）", "Urban (non-agricultural)"),
    "hukou_type_hint": (
        "户口本首页“户别”一栏写的是“农业家庭户”或村里的地址，一般是农村户口。",
        "If the household booklet says 农业家庭户 or gives a village address, it is usually rural.",
    ),
    "sec_job": ("您的工作", "Your work"),
    "industry": ("您做什么工作？", "What do you do?"),
    "platform": ("主要在哪个平台接单？", "Which platform do you mainly work through?"),
    "labor_contract": (
        "您和平台、配送站或外包公司签了劳动合同吗？",
        "Do you have a labour contract with the platform, a delivery station or a staffing company?",
    ),
    "labor_contract_hint": (
        "“合作协议”“承揽协议”“服务协议”或在 App 里点“同意”，都不是劳动合同。不确定就选“没有”。",
        "A 'cooperation agreement', a service contract or ticking 'agree' in the app is not a labour contract. "
        "If unsure, choose No.",
    ),
    "contract_yes": ("签了劳动合同", "Yes, a labour contract"),
    "contract_no": ("没有", "No"),
    "managed": (
        "平台会给您派单、定价格、规定送达时间或者罚款吗？",
        "Does the platform dispatch orders to you, set prices, time limits or fines?",
    ),
    "managed_yes": ("会，平台派单、管着我", "Yes, the platform dispatches and manages my work"),
    "managed_no": (
        "不会，我自己经营（例如自己开店、自己直播带货）",
        "No, I run my own business (e.g. my own shop or livestream)",
    ),
    "weekly_hours": ("每周大约干多少小时？", "About how many hours a week do you work?"),
    "weekly_hours_hint": ("大概就行；不填按 40 小时算。", "A rough figure is fine; blank means 40."),
    "sec_you": ("收入和个人情况", "Income and you"),
    "monthly_income": ("每月收入大约多少元？", "Monthly income, roughly (yuan)"),
    "monthly_income_hint": (
        "扣掉平台抽成后到手的钱，按最近几个月平均。",
        "What you keep after the platform's cut, averaged over the last few months.",
    ),
    "birth": ("出生年月", "Born (year and month)"),
    "sex": ("性别", "Sex"),
    "male": ("男", "Male"),
    "female": ("女", "Female"),
    "sex_hint": ("用于计算退休年龄。", "Used for the retirement age."),
    "sec_have": ("您已经有的保险", "Insurance you already have"),
    "enrolled": ("现在在交或已经有的（可多选；不确定就不选）", "Tick what you pay or have now (leave blank if unsure)"),
    "sec_budget": ("预算", "Budget"),
    "budget": ("每月最多愿意为社保花多少元？", "The most you would spend on social insurance each month (yuan)"),
    "budget_hint": (
        "不填也行：会按收入的 {pct} 左右来看负担得起负担不起。",
        "Optional: without it, the plan's cost is compared with about {pct} of your income.",
    ),
    "enrolled_place": ("已经有的保险，是在哪里交的？", "Where do you hold the insurance you already have?"),
    "enrolled_place_hint": (
        "只回答上面勾选了的；不确定就不选。",
        "Only for the ones ticked above; leave blank if unsure.",
    ),
    "place_work": ("在工作的城市", "Where I work"),
    "place_hukou": ("在户口所在地（老家）", "At my hukou place (home)"),
    "submit": ("看看我的保障方案", "Show my plan"),
    "submitting": ("正在计算……", "Working it out…"),
    # form errors
    "errors_title": (
        "有几项需要改一下，请看下面标红的地方。",
        "Some answers need a fix: see the fields marked in red.",
    ),
    "err_required": ("请回答这一项。", "Please answer this."),
    "err_number": ("请填一个数字，例如 7000。", "Please enter a number, for example 7000."),
    "err_negative": ("不能小于 0。", "Cannot be below 0."),
    "err_too_large": ("这个数太大了，请检查。", "This number is too large; please check it."),
    "err_hours": ("每周小时数应在 0 到 168 之间。", "Weekly hours must be between 0 and 168."),
    "err_birth": ("请选择出生年份和月份。", "Please choose your birth year and month."),
    "err_work_place": (
        "请选择工作城市，或在下面填写城市名/代码。",
        "Choose your city, or type its name or code below.",
    ),
    "err_place": (
        "找不到“{value}”这个地方。请写城市名（如 武汉、河南周口）或 6 位代码（如 420100）。",
        "Cannot find the place '{value}'. Type a city name (e.g. 武汉, wuhan, 河南周口) or a 6-digit code (e.g. 420100).",
    ),
    "err_place_outside_mainland": (
        "香港、澳门、台湾不适用内地（大陆）的社会保险制度，请填写您在内地（大陆）的工作城市。",
        "Hong Kong, Macao and Taiwan are outside the mainland's social insurance schemes: give the mainland city "
        "where you work.",
    ),
    "err_hukou_outside_mainland": (
        "港澳台居民在内地（大陆）参保按《香港澳门台湾居民在内地（大陆）参加社会保险暂行办法》（人社部、国家医保局令第41号）"
        "第二条办理：灵活就业并办理居住证的，可在居住地参加职工养老和医疗保险。本工具尚未按该办法计算，请向居住地社保经办机构咨询。",
        "Residents of Hong Kong, Macao and Taiwan enrol under Order No. 41 (2019), article 2: flexible workers "
        "holding a residence permit may join employee pension and medical insurance where they live. This tool does "
        "not compute that route yet; ask the social insurance office where you live.",
    ),
    "err_birth_age": (
        "按这个出生年月，到 {date} 您 {age} 岁；本工具为 16 至 80 岁的劳动者提供建议，请检查出生年月。",
        "With this birth month you are {age} on {date}; the advisor is for workers aged 16 to 80. Please check it.",
    ),
    "did_you_mean": ("您是不是想写：", "Did you mean: "),
    "err_choice": ("请从列表里选一项。", "Please choose one from the list."),
    "err_date": ("日期格式应为 YYYY-MM-DD。", "The date must look like YYYY-MM-DD."),
    "err_engine": ("无法按这些回答计算：", "Cannot work out advice from these answers: "),
    # result page
    "result_title": ("您的保障方案", "Your social insurance plan"),
    "result_lead": (
        "根据您的回答，按 {date} 有效的规定计算。",
        "Worked out from your answers under the rules in force on {date}.",
    ),
    "edit_answers": ("修改回答", "Change my answers"),
    "your_answers": ("您的回答", "Your answers"),
    "ans_work": ("工作地", "Works in"),
    "ans_hukou": ("户口", "Hukou"),
    "ans_job": ("工作", "Work"),
    "ans_income": ("月收入", "Monthly income"),
    "sec_diagnosis": ("您现在的处境", "Where you stand now"),
    "relation": ("您和平台是什么关系", "Your relation with the platform"),
    "employment_form": ("用工形式", "Form of work"),
    "new_form_category": ("人社部发〔2021〕56号 分类", "Category under MOHRSS 2021 No. 56"),
    "table2": ("参保困难程度（论文表 2）", "How hard it is to get covered (the paper's Table 2)"),
    "table2_hint": (
        "星越多，越难通过现有制度参保（赵青 2021，表 2；★★★★ 最难）。",
        "More stars: harder to get covered by today's system (Zhao 2021, Table 2; ★★★★ is the hardest).",
    ),
    "table2_none": ("有劳动关系，单位应为您参保", "Labour relation: your employer must enrol you"),
    "routes": ("您可以走的参保路径", "Routes open to you"),
    "routes_none": ("暂无", "none"),
    "schemes_title": ("每一项保险，您现在的情况", "Each scheme, for you now"),
    "col_scheme": ("险种", "Scheme"),
    "col_access": ("怎么参保", "How"),
    "col_place": ("在哪里", "Where"),
    "col_payers": ("谁出钱", "Who pays"),
    "col_enrolled": ("已有", "Have it"),
    "gaps_title": ("还缺的保障", "What you are missing"),
    "gaps_none": ("没有明显缺口。", "No obvious gap."),
    "risk_title": ("您面临的主要风险", "The main risks you face"),
    "plan_heading": ("拆包式参保建议（按优先顺序）", "Unbundled plan (in priority order)"),
    "sec_plan": ("建议：一项一项来，先急后缓", "What to do: one item at a time, most urgent first"),
    "plan_lead": (
        "不用一次把“五险”都买齐。先保最要紧的——受伤和看病，再按能力加上养老（论文提出的“拆包式”参保）。",
        "You need not buy every scheme at once. Cover what matters most first — injury and illness — then add a "
        "pension as you can afford it (the paper's 'unbundled' enrolment).",
    ),
    "plan_empty": ("没有需要新增的项目。", "Nothing more to add."),
    "step": ("第 {n} 步", "Step {n}"),
    "already_enrolled": ("您已经有了", "You have this"),
    "you_pay": ("您每月出", "You pay each month"),
    "free_for_you": ("您不用出钱", "Nothing for you to pay"),
    "others_pay": ("别人替您出", "Others pay"),
    "cheaper_option": ("也可以选", "Or, for less"),
    "option_saving": ("少缴 {saving}", "{saving} less"),
    "per_month": ("/月", "/month"),
    "protects": ("能保什么", "What it pays"),
    "loss": ("不参加的后果", "If you skip it"),
    "reason": ("为什么这样建议", "Why"),
    "sources": ("依据（{n} 条）", "Sources ({n})"),
    "open_source": ("查看原文", "Read the source"),
    "quote": ("原文", "Text"),
    "verification": ("核实程度", "Verification"),
    "unverified_badge": ("未核实", "UNVERIFIED"),
    "unverified_figures": ("含未核实数字", "Has UNVERIFIED figures"),
    "unverified_item": (
        "这张卡片的数字用到 {n} 项尚未核实的数据",
        "{n} figure(s) behind this card are not yet verified",
    ),
    "unverified_note": (
        "“未核实”的意思是：这个数字还没有对照官方原文确认，只能当作估算。只有用到这类数字的卡片才会标出。",
        "UNVERIFIED means the figure has not yet been checked against an official text: treat it as an estimate. "
        "Only the cards whose own figures use one are marked.",
    ),
    "sec_afford": ("负担得起吗？", "Can you afford it?"),
    "afford_total": ("按这个方案，您每月合计出", "Under this plan you pay in all each month"),
    "afford_share": ("占您收入的", "Share of your income"),
    "afford_threshold": ("一般认为能负担的大约是收入的 {pct}", "About {pct} of income is usually affordable"),
    "cheaper_routes": ("更便宜的办法（按推荐顺序）", "Cheaper routes (in the order we suggest them)"),
    "within_line": ("能负担", "affordable"),
    "route_total": ("每月合计", "Total a month"),
    "of_income": ("（收入的 {pct}）", " ({pct} of income)"),
    "gives_up": ("要放弃的", "What you give up"),
    "diagnosis_basis": (
        "判断依据（法律关系、用工形式、论文表 2）",
        "How this was decided (legal relation, form of work, the paper's Table 2)",
    ),
    "next_steps": ("下一步怎么办", "What to do next"),
    "channel": ("在哪里办", "Where"),
    "deadline": ("时间", "When"),
    "call": ("有疑问打 {number} 咨询。", "Questions? Call {number}."),
    "afford_budget": ("您的预算", "Your budget"),
    "afford_ok": ("负担得起", "Affordable"),
    "afford_heavy": ("偏重", "Heavy"),
    "drop_order": (
        "钱不够时，按这个顺序先放一放（最后一项最要紧）",
        "If money is short, put off in this order (the last matters most)",
    ),
    "sec_whatif": ("如果……会怎样", "What if…"),
    "cost_change": ("每月花费变化", "Change in monthly cost"),
    "benefit_change": ("待遇变化", "Change in benefit"),
    "no_change": ("不变", "no change"),
    "sec_verify": ("这些数字有多可靠", "How sure are these figures"),
    "weakest": ("最弱的一项来源", "Weakest source used"),
    "unverified_list": ("用到的未核实数据", "Unverified figures used"),
    "tech_notes": ("数据说明（{n} 条）", "Notes on the data ({n})"),
    "levels_help": (
        "“法律全文”：已对照法律全文；“官方原文摘录”：已对照官方原文的摘录；“二手或推算”：来自转述或推算；“未核实”：尚未确认。",
        "V1: checked against the full legal text; V2: against a verbatim official excerpt; V3: secondary or derived; "
        "UNVERIFIED: not confirmed.",
    ),
    "ask_12333": (
        "办理时带上身份证，到就业地或户籍地的社保经办机构，或在“掌上 12333”、国家医保服务平台 App、"
        "“国家社会保险公共服务平台”网上办理。",
        "To enrol, take your ID card to the social insurance office at your place of work or hukou place, or use the "
        "掌上12333 app, the national medical-insurance app or the national social-insurance public service platform.",
    ),
    "per_order_unit": (" 元/单", " per order"),
    "years_unit": (" 年", " years"),
    "months_unit": (" 个月", " months"),
    "cost_unknown_insurer_quote": ("看保险公司报价", "depends on the insurer"),
    "cost_unknown_no_regional_figure": (
        "暂无当地缴费基数数据，请咨询当地社保经办机构",
        "not known: the local contribution band is not on file; ask the local social insurance office",
    ),
    "cost_estimated_range": (
        "约 {low}–{high} 元/月（估算：当地标准暂缺）",
        "about ¥{low}–¥{high} a month (estimate: the local figure is not on file)",
    ),
    "no_route": ("暂时没有参保途径", "No route open yet"),
    "benefit_pension": ("养老金每月 {amount}（按今天的钱算）", "{amount} a month of pension (in today's money)"),
    "benefit_stay": ("每次住院 {bill}：报销 {amount}", "{amount} reimbursement per {bill} hospital stay"),
    "portability_loss": ("因转移接续每月少领", "Lost to the move, per month"),
    "dropped_for_budget": ("按您的预算，先放一放", "Put off to stay within your budget"),
    "plan_total_kept": ("按预算保留的项目每月合计", "Items kept within budget, per month"),
    "reprint": ("转载网站", "reprint site"),
}

VERIFICATION_LEVELS: dict[str, tuple[str, str]] = {
    "V1": ("法律全文", "V1 full legal text"),
    "V2": ("官方原文摘录", "V2 official excerpt"),
    "V3": ("二手或推算", "V3 secondary or derived"),
    "UNVERIFIED": ("未核实", "UNVERIFIED"),
}

# The form's choices: value sent to the advisor → (中文, English) in plain words.
WORK_CITIES: dict[str, tuple[str, str]] = {
    "110000": ("北京", "Beijing"),
    "310000": ("上海", "Shanghai"),
    "440100": ("广州", "Guangzhou"),
    "440300": ("深圳", "Shenzhen"),
    "330100": ("杭州", "Hangzhou"),
    "510100": ("成都", "Chengdu"),
    "500000": ("重庆", "Chongqing"),
}
INDUSTRY_NAMES: dict[str, tuple[str, str]] = {
    "food_delivery": ("外卖骑手", "Food delivery rider"),
    "instant_delivery": ("跑腿、同城即时配送", "Errand or same-city instant delivery"),
    "ride_hailing": ("网约车司机", "Ride-hail driver"),
    "intra_city_freight": ("同城货运司机（拉货）", "Same-city freight driver (van or truck)"),
    "courier": ("快递员", "Parcel courier"),
    "livestreaming": ("主播", "Livestreamer"),
    "ecommerce": ("电商、带货推广", "Online seller or promoter"),
    "domestic_service": ("家政服务", "Domestic services"),
    "other": ("其他", "Other"),
}
PLATFORM_NAMES: dict[str, tuple[str, str]] = {
    "meituan": ("美团", "Meituan"),
    "eleme": ("饿了么", "Ele.me"),
    "dada": ("达达", "Dada"),
    "shansong": ("闪送", "Shansong"),
    "sf_intra_city": ("顺丰同城", "SF Intra-city"),
    "didi": ("滴滴出行", "DiDi"),
    "caocao": ("曹操出行", "Caocao"),
    "huolala": ("货拉拉", "Huolala (Lalamove)"),
    "kuaigou": ("快狗打车", "Kuaigou (GOGOX)"),
    "didi_freight": ("滴滴货运", "DiDi Freight"),
    "manbang": ("满帮", "Manbang (Full Truck Alliance)"),
    "other": ("其他平台", "Another platform"),
}
ENROLMENT_NAMES: dict[str, tuple[str, str]] = {
    "occupational_injury": ("职业伤害保障（平台按单缴，“新职伤”）", "Occupational-injury protection (platform pilot)"),
    "work_injury": ("工伤保险", "Work-injury insurance"),
    "employee_medical": ("职工医保", "Employee medical insurance"),
    "resident_medical": (
        "居民医保（城乡居民医保，原“新农合”）",
        "Resident medical insurance (incl. the former rural scheme)",
    ),
    "employee_pension": ("职工养老保险", "Employee pension"),
    "resident_pension": ("城乡居民养老保险（原“新农保”）", "Resident pension (incl. the former rural scheme)"),
    "unemployment": ("失业保险", "Unemployment insurance"),
    "maternity": ("生育保险", "Maternity insurance"),
}
PLAN_ITEMS: dict[str, tuple[str, str]] = {
    "occupational_injury": ("受伤", "Injury at work"),
    "work_injury": ("受伤", "Injury at work"),
    "injury": ("受伤", "Injury at work"),
    "medical": ("看病", "Illness and hospital"),
    "pension": ("养老", "Old age"),
    "unemployment": ("失业", "Losing your work"),
    "maternity": ("生育", "Maternity"),
}
# Names of the amounts the advisor reports under `protects`, `risk` and `other_payers`, where it gives no label.
AMOUNT_LABELS: dict[str, tuple[str, str]] = {
    "platform": ("平台", "Platform"),
    "employer": ("单位", "Employer"),
    "government": ("政府补贴", "Government"),
    "worker": ("个人", "You"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def pick(names: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    """The plain name of a choice; the key itself when there is none."""
    pair = names.get(key)
    if pair is None:
        return key.replace("_", " ")
    return pair[0] if lang == "zh" else pair[1]


# What a plan item `protects`, keyed as the advisor names it: (中文, English, how to show the value).
PROTECT_LABELS: dict[str, tuple[str, str, str]] = {
    "grade7_one_time_subsidy": ("七级伤残，一次性伤残补助金", "Grade-7 disability: one-time subsidy", "money"),
    "death_lump_sum": ("因工死亡，一次性补助金", "Death at work: one-time payment", "money"),
    "funeral_subsidy": ("丧葬补助金", "Funeral grant", "money"),
    "platform_pays_per_order": ("平台每单替您缴", "The platform pays per order", "per_order"),
    "inpatient_bill": ("假如住院花了", "If a hospital stay costs", "money"),
    "expected_reimbursement": ("预计能报销", "Expected reimbursement", "money"),
    "treatment_place": ("在哪里看病", "Where you are treated", "label"),
    "projected_pension_monthly": (
        "预计每月养老金（退休当年的钱）",
        "Projected pension a month (money of that year)",
        "money",
    ),
    "projected_pension_monthly_today": ("折合成今天的钱", "In today's money", "money"),
    "paid_from": ("领哪种养老金", "Which pension", "label"),
    "paid_in": ("在哪里领", "Paid in", "region"),
    "retirement_date": ("法定退休时间", "Statutory retirement", "text"),
    "contribution_years": ("到退休时缴费年限", "Years paid by retirement", "years"),
    "minimum_years_for_employee_pension": ("领职工养老金最少要缴", "Minimum years for an employee pension", "years"),
    "months_after_5_years": ("缴满 5 年后失业，可以领", "After 5 years paid, benefit lasts", "months"),
    "benefit_monthly": ("失业保险金每月", "Unemployment benefit a month", "money"),
}
OTHER_VALUE_LABELS: dict[str, tuple[str, str]] = {
    "in_place": ("在参保地看病", "where you are insured"),
    "temporary_registered": ("异地看病（已备案）", "away from where you are insured (registered)"),
    "employee": ("职工养老金", "employee pension"),
    "resident": ("居民养老金", "resident pension"),
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
    "commercial_accident": ("商业意外险", "commercial accident insurance"),
}
RISK_NAMES: dict[str, tuple[str, str]] = {
    "accident": ("意外受伤", "Accident"),
    "illness": ("生病住院", "Illness"),
    "unemployment": ("没活干", "Losing work"),
    "old_age": ("老了没收入", "Old age"),
}
