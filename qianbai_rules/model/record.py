"""The facility record: the input contract of ``record.md`` as a pydantic model.

A record arrives nested (YAML/JSON) or flat with dotted names or Chinese labels
(spreadsheet columns); :func:`normalize` turns either into the nested shape the model
validates. Absent fields stay ``None``: absent is not false.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import FIRST_DATE, LAST_DATE, MAX_AREA_M2, MAX_COUNT, MAX_LIST_ITEMS
from qianbai_rules.core.problems import Text as Message
from qianbai_rules.core.safetext import char_name, first_invisible, first_unsafe
from qianbai_rules.core.yamlio import as_date
from qianbai_rules.model import creditcode

# Identity limits: an id is at most this many characters (after trimming).
MAX_ID_LENGTH: Final = 100
# Unicode categories an id's characters may have: letters, numbers, punctuation, symbols
# (and the ordinary space between them); no marks, controls, format or private-use
# characters, so that two ids that look the same are the same.
ID_CATEGORIES: Final = ("L", "N", "P", "S")


class FacilityType(StrEnum):
    station = "station"
    center = "center"  # type: ignore[assignment]  # shadows str.center, by contract
    city_demo_center = "city_demo_center"


class BuildKind(StrEnum):
    new = "new"
    renovated = "renovated"
    existing = "existing"


class CommunityKind(StrEnum):
    new = "new"
    old = "old"


class SpaceSource(StrEnum):
    new_build = "new_build"
    purchase = "purchase"
    swap = "swap"
    lease = "lease"
    conversion = "conversion"


class BasicService(StrEnum):
    emergency = "emergency"
    meals = "meals"
    cleaning = "cleaning"
    medical = "medical"
    mobility = "mobility"
    recreation = "recreation"


class ComprehensiveService(StrEnum):
    rehabilitation = "rehabilitation"
    housekeeping = "housekeeping"
    short_term_care = "short_term_care"
    long_term_care = "long_term_care"
    mental_care = "mental_care"


class OperationModel(StrEnum):
    public_built_private_run = "public_built_private_run"
    private_run_public_aid = "private_run_public_aid"
    other = "other"


class OperatorKind(StrEnum):
    elderly_care_institution = "elderly_care_institution"
    elderly_care_enterprise = "elderly_care_enterprise"
    social_organization = "social_organization"
    government = "government"


# Chinese names of the codes (record.md); accepted as input, shown in reports.
CODE_NAMES_ZH: Final[dict[type[StrEnum], dict[str, str]]] = {
    FacilityType: {
        "station": "社区养老服务站",
        "center": "社区养老服务中心",
        "city_demo_center": "市级示范社区养老服务中心",
    },
    BuildKind: {"new": "新建", "renovated": "改建", "existing": "既有"},
    CommunityKind: {"new": "新建社区", "old": "老社区"},
    SpaceSource: {
        "new_build": "新建",
        "purchase": "购买",
        "swap": "置换",
        "lease": "租赁",
        "conversion": "转换",
    },
    BasicService: {
        "emergency": "助急",
        "meals": "助餐",
        "cleaning": "助洁",
        "medical": "助医",
        "mobility": "助行",
        "recreation": "助乐",
    },
    ComprehensiveService: {
        "rehabilitation": "康复保健",
        "housekeeping": "家政服务",
        "short_term_care": "短期托养",
        "long_term_care": "长期照护",
        "mental_care": "精神关爱",
    },
    OperationModel: {
        "public_built_private_run": "公建民营",
        "private_run_public_aid": "民办公助",
        "other": "其他",
    },
    OperatorKind: {
        "elderly_care_institution": "养老机构",
        "elderly_care_enterprise": "养老服务企业",
        "social_organization": "社会组织",
        "government": "政府",
    },
}

# Other Chinese headers accepted for a field (record.md), beside its label.
LABEL_ALIASES_ZH: Final[dict[str, str]] = {"运营日期": "status.opened_on"}

# English names of the codes, for English reports.
CODE_NAMES_EN: Final[dict[str, str]] = {
    "station": "community elderly-care station",
    "center": "community elderly-care centre",
    "city_demo_center": "city-level demonstration centre",
    "new_build": "new building",
    "public_built_private_run": "public-built, privately run",
    "private_run_public_aid": "privately run with public aid",
    "elderly_care_institution": "elderly-care institution",
    "elderly_care_enterprise": "elderly-care enterprise",
    "social_organization": "social organisation",
    "short_term_care": "short-term care",
    "long_term_care": "long-term care",
    "mental_care": "mental care",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline are allowed
_LIST_SEPARATORS = re.compile(r"[、,，;；]")
_TRUE_WORDS = {"是", "有", "true", "yes", "y", "1"}
_FALSE_WORDS = {"否", "无", "false", "no", "n", "0"}


def _code_validator(enum: type[StrEnum]) -> BeforeValidator:
    by_name = {zh: code for code, zh in CODE_NAMES_ZH[enum].items()}

    def to_code(value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return by_name.get(text, text)
        return value

    return BeforeValidator(to_code)


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in _LIST_SEPARATORS.split(value) if part.strip()]
    return value


def _code_list_validator(enum: type[StrEnum]) -> BeforeValidator:
    one = _code_validator(enum).func

    def to_codes(value: Any) -> Any:
        value = _split_list(value)
        if isinstance(value, list):
            return [one(item) for item in value]  # type: ignore[call-arg]
        return value

    return BeforeValidator(to_codes)


def _strict_bool(value: Any) -> Any:
    """true/false, 是/否 and the like, and 1/0 whether written as text (CSV) or as a
    number (an XLSX number cell, YAML, JSON): one rule for every format."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE_WORDS:
        return False
    raise ValueError("bool")


# A number written as text (CSV, an XLSX text cell, a YAML scalar kept as written): ASCII
# digits with an optional sign, decimal point and exponent, as JSON writes one, or with
# thousands separated by commas in groups of exactly three, as Excel writes 1,500,000.
# Nothing else: no 4_2_0 (Python would read 420), no Arabic-Indic or full-width digits,
# no 0x1F, no inf or nan.
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", re.ASCII)


def _strict_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("number")
    if isinstance(value, str):
        text = value.strip()
        if _GROUPED_NUMBER.fullmatch(text):
            return text.replace(",", "")
        if not _NUMBER_TEXT.fullmatch(text):
            raise ValueError("number")
        return text
    return value


def _strict_date(value: Any) -> Any:
    """An ISO date from FIRST_DATE to LAST_DATE (as the as-of date): a year after or
    before any record date stays a date."""
    parsed = as_date(value.strip() if isinstance(value, str) else value)
    if parsed is None:
        raise ValueError("date")
    if not FIRST_DATE <= parsed <= LAST_DATE:
        raise ValueProblem(Message(
            f"日期 {_zh_date(parsed)}超出范围：应在 {_zh_date(FIRST_DATE)}至 "
            f"{_zh_date(LAST_DATE)}之间",
            f"the date {parsed.isoformat()} is out of range: a date from "
            f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()} is expected"))
    return parsed


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _to_text(value: Any) -> Any:
    """Text as given, trimmed; numbers become text; control characters are refused, and
    so are bytes (YAML ``!!binary``, refused by the loader already): never decoded."""
    if isinstance(value, bytes | bytearray | memoryview):
        raise ValueError("text")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        if _CONTROL.search(value) or (not value.isprintable() and _unencodable(value)):
            raise ValueError("text")
    return value


class ValueProblem(QianbaiError, ValueError):
    """Why a field's value is refused, in both languages, saying what was expected."""

    def __init__(self, text: Message) -> None:
        super().__init__(text.en)
        self.text = text


class CharacterError(ValueProblem):
    """Why an id or a name is refused, naming the character."""


# What ids and names refuse: how to find it, and what it is (zh, en).
_REFUSED: Final = (
    (first_unsafe, "控制字符、格式字符或非字符（不可见或改变显示）",
     "a control, format or non-character (invisible, or it changes how text is shown)"),
    (first_invisible, "不可见字符（显示为空白或不显示）",
     "an invisible character (shown as nothing or as a blank)"),
)


def _name(value: Any) -> Any:
    """A name (or an id): text that shows what it is. Control characters (line breaks and
    tabs too), format characters (zero-width space, word joiner, soft hyphen, BOM,
    bidirectional controls) and non-characters are refused: they are invisible or change
    how text around them is shown, so two names that look alike could differ."""
    if isinstance(value, str):
        for find, kind_zh, kind_en in _REFUSED:
            found = find(value.strip())
            if found is not None:
                position, char = found
                raise CharacterError(Message(
                    f"第 {position} 个字符 U+{ord(char):04X} 是{kind_zh}；编号和名称中不得含有此类字符",
                    f"character {position} is {char_name(char)}, {kind_en}; ids and names take "
                    f"none of these"))
    return _to_text(value)


def _identifier(value: Any) -> Any:
    """An id: a name of at most :data:`MAX_ID_LENGTH` letters, digits, punctuation marks
    and symbols (spaces between them allowed)."""
    value = _name(value)
    if not isinstance(value, str):
        return value
    if len(value) > MAX_ID_LENGTH:
        raise CharacterError(Message(
            f"编号不得超过 {MAX_ID_LENGTH} 个字符，实际为 {len(value)} 个",
            f"an id has at most {MAX_ID_LENGTH} characters, this one has {len(value)}"))
    for position, char in enumerate(value, start=1):
        if char != " " and not unicodedata.category(char).startswith(ID_CATEGORIES):
            raise CharacterError(Message(
                f"编号的第 {position} 个字符 U+{ord(char):04X} 不是文字、数字、标点或符号；"
                f"编号只能由文字、数字、标点、符号和空格组成",
                f"character {position} of the id, {char_name(char)}, is not a letter, digit, "
                f"punctuation mark or symbol; an id is made of these and spaces"))
    return value


# Dashes that look like the hyphen-minus, compared as '-' (NFKC already folds the small
# and full-width hyphen-minus U+FE63 and U+FF0D, and U+2011 into U+2010).
_DASHES: Final = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"))


def id_key(record_id: str) -> str:
    """What two ids are compared by: their NFKC form with look-alike dashes as '-', so that
    the full-width ＪＢ－００１, JB‐001 (U+2010 HYPHEN), JB−001 (U+2212 MINUS SIGN) and
    JB-001 (or ① and 1) are one id. The id itself is kept as written."""
    return unicodedata.normalize("NFKC", record_id).translate(_DASHES)


def _credit_code(value: Any) -> Any:
    """A unified social credit code, checked and upper-cased (see :mod:`.creditcode`)."""
    return creditcode.normalize(value if isinstance(value, str) else str(value))


def _unencodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from JSON "\ud800"
        return True
    return False


Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Area = Annotated[
    int | float, Field(gt=0, le=MAX_AREA_M2, allow_inf_nan=False), BeforeValidator(_strict_number)
]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT), BeforeValidator(_strict_number)]
Date = Annotated[dt.date, BeforeValidator(_strict_date)]
Text = Annotated[str, Field(min_length=1, max_length=500), BeforeValidator(_to_text)]
_Items = Field(max_length=MAX_LIST_ITEMS)
TextList = Annotated[list[Text], _Items, BeforeValidator(_split_list)]
Name = Annotated[str, Field(min_length=1, max_length=500), BeforeValidator(_name)]
Identifier = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH),
                       BeforeValidator(_identifier)]
CreditCode = Annotated[str, Field(pattern=creditcode.PATTERN), BeforeValidator(_credit_code)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Community(_Part):
    name: Name | None = Field(None, title="所在社区", description="community name")
    kind: Annotated[CommunityKind, _code_validator(CommunityKind)] | None = Field(
        None, title="社区类型", description="community kind"
    )
    population: Count | None = Field(None, title="社区人口", description="community population")
    space_source: Annotated[SpaceSource, _code_validator(SpaceSource)] | None = Field(
        None, title="用房来源", description="source of the premises"
    )


class Contact(_Part):
    person: Name | None = Field(None, title="负责人", description="person in charge")
    phone: Text | None = Field(None, title="联系电话", description="telephone")


class Siting(_Part):
    terrain_flat: Bool | None = Field(None, title="地形平坦", description="flat terrain")
    sunlight_sufficient: Bool | None = Field(None, title="阳光充足", description="sufficient sunlight")
    ventilation_good: Bool | None = Field(None, title="通风良好", description="good ventilation")
    greening_good: Bool | None = Field(None, title="绿化良好", description="good greening")
    safety_compliant: Bool | None = Field(None, title="符合安全要求", description="meets safety requirements")
    hygiene_compliant: Bool | None = Field(
        None, title="符合卫生要求", description="meets hygiene requirements"
    )
    environmental_compliant: Bool | None = Field(
        None, title="符合环保要求", description="meets environmental requirements"
    )


class ServiceTeam(_Part):
    staff_count: Count | None = Field(None, title="服务人员数", description="staff count")


class FiveOnes(_Part):
    equipment: TextList | None = Field(None, title="设施设备", description="facilities and equipment")
    service_team: ServiceTeam = ServiceTeam()
    service_standards: Bool | None = Field(None, title="服务标准", description="service standards")
    information_platform: Bool | None = Field(None, title="信息平台", description="information platform")
    service_projects: TextList | None = Field(None, title="服务项目", description="service projects")


class Services(_Part):
    basic: Annotated[list[BasicService], _Items, _code_list_validator(BasicService)] | None = Field(
        None, title="基本公共服务", description="basic public services"
    )
    market: TextList | None = Field(None, title="市场化服务", description="market-based services")
    comprehensive: (
        Annotated[list[ComprehensiveService], _Items,
                  _code_list_validator(ComprehensiveService)] | None
    ) = Field(None, title="综合性服务", description="comprehensive services")


class Demo(_Part):
    medical_linkage: Bool | None = Field(None, title="医疗联动机制", description="medical linkage")
    supported_stations: Count | None = Field(None, title="辐射带动站点数", description="stations supported")


class Operation(_Part):
    model: Annotated[OperationModel, _code_validator(OperationModel)] | None = Field(
        None, title="运营模式", description="operating model"
    )
    operator_kind: Annotated[OperatorKind, _code_validator(OperatorKind)] | None = Field(
        None, title="运营主体类型", description="operator kind"
    )
    operator_name: Name | None = Field(None, title="运营主体", description="operator")
    operator_credit_code: CreditCode | None = Field(
        None, title="统一社会信用代码", description="operator's unified social credit code"
    )
    full_time_care: Bool | None = Field(None, title="全托服务", description="full-time care")
    priority_groups_first: Bool | None = Field(
        None, title="优先保障特殊老人", description="priority groups served first"
    )
    capability_assessment: Bool | None = Field(None, title="能力评估", description="capability assessment")
    service_list_published: Bool | None = Field(
        None, title="服务清单公开", description="service list published"
    )


class Smart(_Part):
    online_services: Bool | None = Field(None, title="线上服务", description="online services")


class Health(_Part):
    public_health_services: Bool | None = Field(
        None, title="基本公共卫生服务", description="basic public health services"
    )
    family_doctor_contracts: Bool | None = Field(
        None, title="家庭医生签约", description="family-doctor contracts"
    )


class Insurance(_Part):
    liability: Bool | None = Field(None, title="综合责任保险", description="liability insurance")


class SubsidyFacts(_Part):
    city_construction_granted: Bool | None = Field(
        None, title="市级建设补贴", description="city construction subsidy granted"
    )
    meets_national_project_criteria: Bool | None = Field(
        None, title="符合国家项目申报条件", description="meets national project criteria"
    )
    construction_approved_yuan: Count | None = Field(
        None, title="核定建设补贴（元）", description="construction subsidy approved (yuan)"
    )
    construction_paid_yuan: Count | None = Field(
        None, title="已拨付建设补贴（元）", description="construction subsidy paid (yuan)"
    )


class Status(_Part):
    completed_on: Date | None = Field(None, title="建成日期", description="completion date")
    accepted_on: Date | None = Field(None, title="验收日期", description="acceptance date")
    opened_on: Date | None = Field(None, title="开始运营日期", description="opening date")
    closed_on: Date | None = Field(None, title="停运日期", description="closing date")
    operating_evaluation_passed: Bool | None = Field(
        None, title="运营评估通过", description="operating evaluation passed"
    )


class FacilityRecord(_Part):
    """One community elderly-care site (社区养老服务中心（站）) as record.md defines it."""

    id: Identifier = Field(title="编号", description="id")
    name: Name | None = Field(None, title="名称", description="name")
    district: Name = Field("江北区", title="区县", description="district")
    address: Text | None = Field(None, title="地址", description="address")
    contact: Contact = Contact()
    street_town: Name | None = Field(None, title="街镇", description="street/town")
    facility_type: Annotated[FacilityType, _code_validator(FacilityType)] = Field(
        title="类型", description="facility type"
    )
    build_kind: Annotated[BuildKind, _code_validator(BuildKind)] | None = Field(
        None, title="建设方式", description="build kind"
    )
    floor_area_m2: Area | None = Field(None, title="建筑面积（平方米）", description="floor area (m²)")
    community: Community = Community()
    siting: Siting = Siting()
    five_ones: FiveOnes = FiveOnes()
    services: Services = Services()
    demo: Demo = Demo()
    operation: Operation = Operation()
    smart: Smart = Smart()
    health: Health = Health()
    insurance: Insurance = Insurance()
    subsidy: SubsidyFacts = SubsidyFacts()
    status: Status = Status()
