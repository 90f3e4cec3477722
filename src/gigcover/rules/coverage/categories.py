"""The categoricals of scheme access: Table 2 cells and routes, platforms, access routes, places, payers; the schemes and their names."""

from __future__ import annotations

from gigcover.engine import Array, Categorical, Params, choose


class Table2Cell(Categorical):
    """The paper's Table 2 cells: hukou here or elsewhere × urban or rural hukou × labour relation or not."""

    LOCAL_URBAN_LABOR = "local_urban_labor", "本地户籍·城镇·有劳动关系", "local hukou, urban, labour relation"
    LOCAL_URBAN_NO_LABOR = "local_urban_no_labor", "本地户籍·城镇·无劳动关系", "local hukou, urban, no labour relation"
    LOCAL_RURAL_LABOR = "local_rural_labor", "本地户籍·农村·有劳动关系", "local hukou, rural, labour relation"
    LOCAL_RURAL_NO_LABOR = "local_rural_no_labor", "本地户籍·农村·无劳动关系", "local hukou, rural, no labour relation"
    NONLOCAL_URBAN_LABOR = "nonlocal_urban_labor", "外地户籍·城镇·有劳动关系", "non-local hukou, urban, labour relation"
    NONLOCAL_URBAN_NO_LABOR = (
        "nonlocal_urban_no_labor",
        "外地户籍·城镇·无劳动关系",
        "non-local hukou, urban, no labour relation",
    )
    NONLOCAL_RURAL_LABOR = "nonlocal_rural_labor", "外地户籍·农村·有劳动关系", "non-local hukou, rural, labour relation"
    NONLOCAL_RURAL_NO_LABOR = (
        "nonlocal_rural_no_labor",
        "外地户籍·农村·无劳动关系",
        "non-local hukou, rural, no labour relation",
    )


class Table2Option(Categorical):
    """The insurance routes of Table 2."""

    LOCAL_EMPLOYEE = "local_employee", "本地职工保险", "local employee insurance"
    LOCAL_EMPLOYEE_INDIVIDUAL = (
        "local_employee_individual",
        "本地职工保险（个体身份）",
        "local employee insurance as an individual",
    )
    LOCAL_RESIDENT = "local_resident", "本地居民保险", "local resident insurance"
    HUKOU_PLACE_EMPLOYEE_INDIVIDUAL = (
        "hukou_place_employee_individual",
        "户籍地职工保险（个体身份）",
        "employee insurance at the hukou place, as an individual",
    )
    HUKOU_PLACE_RESIDENT = "hukou_place_resident", "户籍地居民保险", "resident insurance at the hukou place"


class Platform(Categorical):
    """The platform a worker takes orders from ('other' for any not named)."""

    MEITUAN = "meituan", "美团", "Meituan"
    ELEME = "eleme", "饿了么", "Ele.me"
    DADA = "dada", "达达", "Dada"
    SHANSONG = "shansong", "闪送", "Shansong"
    HUOLALA = "huolala", "货拉拉", "Huolala"
    KUAIGOU = "kuaigou", "快狗打车", "Kuaigou"
    CAOCAO = "caocao", "曹操出行", "Caocao"
    DIDI = "didi", "滴滴出行", "DiDi"
    SF_INTRA_CITY = "sf_intra_city", "顺丰同城", "SF Intra-city"
    DIDI_FREIGHT = "didi_freight", "滴滴货运", "DiDi Freight"
    MANBANG = "manbang", "满帮", "Manbang"
    OTHER = "other", "其他平台", "other platform"


class Access(Categorical):
    """How a worker is enrolled in a scheme (参保方式)."""

    EMPLOYER = "employer", "单位参保", "through the employer"
    PLATFORM = "platform", "平台参保", "through the platform"
    INDIVIDUAL = "individual", "个人参保", "as an individual"
    NONE = "none", "无参保途径", "no route"


class Place(Categorical):
    """Where a worker is enrolled (参保地)."""

    WORK_PLACE = "work_place", "就业地", "place of work"
    HUKOU_PLACE = "hukou_place", "户籍地", "hukou place"
    NONE = "none", "无", "nowhere"


class Payer(Categorical):
    """Who pays a scheme's contributions (缴费方); a scheme's payers are a set of these."""

    EMPLOYER = "employer", "单位", "employer"
    WORKER = "worker", "个人", "worker"
    GOVERNMENT = "government", "政府补贴", "government"
    PLATFORM = "platform", "平台", "platform"


TABLE2_CELLS = Table2Cell.ids()
TABLE2_OPTIONS = Table2Option.ids()
PLATFORMS = Platform.ids()
ACCESS = Access.ids()
PLACES = Place.ids()
SCHEMES = (
    "employee_pension",
    "employee_medical",
    "resident_pension",
    "resident_medical",
    "work_injury",
    "occupational_injury",
    "unemployment",
    "maternity",
)
SCHEME_LABELS = {
    "employee_pension": ("职工基本养老保险", "Employee basic pension"),
    "employee_medical": ("职工基本医疗保险", "Employee basic medical insurance"),
    "resident_pension": ("城乡居民基本养老保险", "Resident basic pension"),
    "resident_medical": ("城乡居民基本医疗保险", "Resident basic medical insurance"),
    "work_injury": ("工伤保险", "Work-injury insurance"),
    "occupational_injury": ("职业伤害保障", "Occupational-injury protection"),
    "unemployment": ("失业保险", "Unemployment insurance"),
    "maternity": ("生育保险", "Maternity insurance"),
}


SCHEME_OUTPUTS = tuple(f"{s}_{part}" for s in SCHEMES for part in ("access", "place", "payers"))
TABLE2_OUTPUTS = ("table2_cell", "table2_severity", "table2_options")


def rate_by_route(
    p: Params, access: Array, employee: str, individual: str, *, individual_optional: bool = False
) -> Array:
    """Each row's rate by its route: the parameter `employee` through an employer (单位参保), `individual` as a
    flexible worker (个人参保), 0 without a route. Each parameter decides only the rows of its route. With
    `individual_optional`, a region that sets no individual rate gives 0 (the route is then closed elsewhere)."""
    through_employer, alone = access == Access.EMPLOYER, access == Access.INDIVIDUAL
    with p.for_rows(through_employer):
        employee_rate = p(employee)
    with p.for_rows(alone):
        individual_rate = p.optional(individual) if individual_optional else p(individual)
    return choose([through_employer, alone], [employee_rate, 0.0 if individual_rate is None else individual_rate], 0.0)
