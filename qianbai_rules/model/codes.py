"""The codes of the facility record (record.md): their enums, their Chinese names, which
are accepted as input and shown in reports, and their English names for English reports.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


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

