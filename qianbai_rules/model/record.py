"""The facility record: the input contract of ``record.md`` as a pydantic model.

A record arrives nested (YAML/JSON) or flat with dotted names or Chinese labels
(spreadsheet columns); :func:`qianbai_rules.model.validation.parse_record` turns either
into the nested shape the model validates. Absent fields stay ``None``: absent is not false. The
codes are in :mod:`.codes`, the value types and why a value is refused in :mod:`.values`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qianbai_rules.model.codes import (
    BasicService,
    BuildKind,
    CommunityKind,
    ComprehensiveService,
    FacilityType,
    OperationModel,
    OperatorKind,
    SpaceSource,
)
from qianbai_rules.model.values import (
    LIST_ITEMS,
    Area,
    Bool,
    Count,
    CreditCode,
    Date,
    Identifier,
    Name,
    ShortText,
    ShortTextList,
    code_list_validator,
    code_validator,
)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Community(_Part):
    name: Name | None = Field(None, title="所在社区", description="community name")
    kind: Annotated[CommunityKind, code_validator(CommunityKind)] | None = Field(
        None, title="社区类型", description="community kind"
    )
    population: Count | None = Field(None, title="社区人口", description="community population")
    space_source: Annotated[SpaceSource, code_validator(SpaceSource)] | None = Field(
        None, title="用房来源", description="source of the premises"
    )


class Contact(_Part):
    person: Name | None = Field(None, title="负责人", description="person in charge")
    phone: ShortText | None = Field(None, title="联系电话", description="telephone")


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
    equipment: ShortTextList | None = Field(None, title="设施设备", description="facilities and equipment")
    service_team: ServiceTeam = ServiceTeam()
    service_standards: Bool | None = Field(None, title="服务标准", description="service standards")
    information_platform: Bool | None = Field(None, title="信息平台", description="information platform")
    service_projects: ShortTextList | None = Field(None, title="服务项目", description="service projects")


class Services(_Part):
    basic: Annotated[list[BasicService], LIST_ITEMS, code_list_validator(BasicService)] | None = Field(
        None, title="基本公共服务", description="basic public services"
    )
    market: ShortTextList | None = Field(None, title="市场化服务", description="market-based services")
    comprehensive: (
        Annotated[list[ComprehensiveService], LIST_ITEMS,
                  code_list_validator(ComprehensiveService)] | None
    ) = Field(None, title="综合性服务", description="comprehensive services")


class Demo(_Part):
    medical_linkage: Bool | None = Field(None, title="医疗联动机制", description="medical linkage")
    supported_stations: Count | None = Field(None, title="辐射带动站点数", description="stations supported")


class Operation(_Part):
    model: Annotated[OperationModel, code_validator(OperationModel)] | None = Field(
        None, title="运营模式", description="operating model"
    )
    operator_kind: Annotated[OperatorKind, code_validator(OperatorKind)] | None = Field(
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


# The record's status group (its dates and evaluation), not a rule's outcome (that is
# compile.compiled.Status). No docstring: it would become the schema's description.
class FacilityStatus(_Part):
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
    address: ShortText | None = Field(None, title="地址", description="address")
    contact: Contact = Contact()
    street_town: Name | None = Field(None, title="街镇", description="street/town")
    facility_type: Annotated[FacilityType, code_validator(FacilityType)] = Field(
        title="类型", description="facility type"
    )
    build_kind: Annotated[BuildKind, code_validator(BuildKind)] | None = Field(
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
    status: FacilityStatus = FacilityStatus()
