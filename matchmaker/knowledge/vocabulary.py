"""Fixed code lists of data/README.md, dependency-free, so files, forms and models agree."""

from types import MappingProxyType

PILLARS: tuple[str, ...] = ("employment", "social_protection", "social_dialogue", "rights")

CONSTITUENT_TYPES: tuple[str, ...] = ("government", "employers", "workers", "other")

SUBTYPES_BY_TYPE: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "government": (
            "ministry",
            "public_employment_service",
            "social_security_institution",
            "labour_inspectorate",
            "training_institute",
            "local_government",
        ),
        "employers": ("employers_organisation",),
        "workers": ("workers_organisation",),
        "other": (
            "training_institute",
            "regional_body",
            "un_agency",
            "development_partner",
            "research_institute",
            "civil_society",
        ),
    }
)

SUBTYPES: tuple[str, ...] = tuple(
    dict.fromkeys(sub for subs in SUBTYPES_BY_TYPE.values() for sub in subs)
)

MODALITIES: tuple[str, ...] = (
    "study_visit",
    "peer_review",
    "workshop",
    "expert_mission",
    "twinning",
    "training_course",
    "virtual_exchange",
)

OFFER_STATUSES: tuple[str, ...] = ("draft", "published", "closed")
NEED_STATUSES: tuple[str, ...] = OFFER_STATUSES
DEFAULT_STATUS = "published"

FACILITATOR_ROLES: tuple[str, ...] = ("funding", "technical_support", "logistics")
