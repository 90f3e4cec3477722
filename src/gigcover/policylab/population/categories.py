"""The population's own categoricals (the rules do not read them), coded like the engine's: `Categorical` members
whose position is the code and whose `id` is the name stored as a Parquet dictionary value."""

from __future__ import annotations

from gigcover.engine import Categorical


class PlatformForm(Categorical):
    """How a platform organises the work (用工模式): the four forms of the paper (孙萍's fieldwork)."""

    DIRECT = "direct", "直营", "direct hire by the platform"
    OUTSOURCED = "outsourced", "外包", "outsourced to a contractor (e.g. a delivery station)"
    CROWDSOURCED = "crowdsourced", "众包", "crowd-sourced"
    SELF_EMPLOYED = "self_employed", "自营", "self-employed on the platform"


class Intensity(Categorical):
    """Order-taking days a year (接单天数), Meituan's three groups."""

    OCCASIONAL = "occasional", "≤30天", "30 days or fewer"
    REGULAR = "regular", "31–260天", "31 to 260 days"
    FULL_TIME = "full_time", ">260天", "more than 260 days"


class Sex(Categorical):
    MALE = "male", "男", "male"
    FEMALE = "female", "女", "female"


class SegmentScheme(Categorical):
    """The scheme of a contribution-history segment, in the projection's codes (none 0, employee 1, resident 2)."""

    NONE = "none", "未参保", "no scheme"
    EMPLOYEE = "employee", "职工基本养老保险", "employee pension"
    RESIDENT = "resident", "城乡居民基本养老保险", "resident pension"
