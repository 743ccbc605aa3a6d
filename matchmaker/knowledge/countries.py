"""Facts about the 195 countries Matchmaker knows: the 193 UN member states, Palestine and Kosovo.

Facts come from maintained packages wherever one carries them: pycountry (codes, names and
their translations), hdx-python-country used offline (UN M49 regions, centroids, World Bank
income groups) and countrygroups (G77). The CSV files in data/countries/ hold only what no
package carries, or what a package has out of date; data/countries/README.md gives the source
and date of each. Everything is read once, offline, and cached for the life of the process.
"""

import csv
import dataclasses
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from countrygroups import G77

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "countries"

ILO_REGIONS: tuple[str, ...] = (
    "africa",
    "americas",
    "arab_states",
    "asia_pacific",
    "europe_central_asia",
)
INCOME_GROUPS: tuple[str, ...] = ("low", "lower_middle", "upper_middle", "high")
# hdx-python-country 4.2.5 ships the World Bank classification of FY2024 (July 2023);
# data/countries/corrections.csv brings it to the FY2026 one (July 2025 - June 2026).
INCOME_YEAR = "FY2026"
NAME_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt")

_HDX_INCOME = {
    "Low": "low",
    "Lower middle": "lower_middle",
    "Upper middle": "upper_middle",
    "High": "high",
}
# How each correctable field is read from the `value` column of corrections.csv.
_CORRECTABLE: dict[str, Callable[[str], object]] = {
    "income_group": lambda value: value or None,
    "ldc": {"true": True, "false": False}.__getitem__,
    "latitude": float,
    "longitude": float,
}


@dataclass(frozen=True)
class CountryFacts:
    """What the matching engine, the web app and the database need to know about a country.

    `south_south_peer` is derived as "not an OECD-DAC member": the traditional donors are the
    North of South-South cooperation, while every other country, including OECD members that are
    not in the DAC (Mexico, Türkiye, Chile, ...), can be a peer. `official_languages` are the
    languages the country uses, main one first, as listed by GeoNames (through the
    datasets/country-codes package), kept to their ISO 639-1 codes.
    """

    iso3: str
    iso2: str | None
    numeric: str | None
    # Short name in each of NAME_LANGUAGES ("pt" is pycountry's European Portuguese); left out
    # of the hash so that records stay hashable.
    names: dict[str, str] = dataclasses.field(hash=False)
    m49_region: str
    m49_subregion: str
    m49_intermediate_region: str | None
    ilo_region: str
    income_group: str | None  # one of INCOME_GROUPS (World Bank, INCOME_YEAR); None: unclassified
    g77: bool
    oecd_dac: bool
    south_south_peer: bool
    ldc: bool
    lldc: bool
    sids: bool
    official_languages: tuple[str, ...]
    latitude: float | None
    longitude: float | None


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _hdx_countries() -> dict[str, dict[str, str]]:
    """The OCHA countries-and-territories table that hdx-python-country ships, read offline.

    Imported here, not at module level: hdx pulls in most of a second of dependencies that a
    process importing this module for a constant should not pay.
    """
    from hdx.location.country import Country

    Country.set_use_live_default(False)
    return Country.countriesdata()["countries"]


def _languages(tags: str) -> tuple[str, ...]:
    """ISO 639-1 codes from BCP 47 tags such as "fa-AF,ps,uz-AF,tk"; longer codes are dropped."""
    primaries = (tag.strip().split("-")[0].lower() for tag in tags.split(","))
    return tuple(dict.fromkeys(code for code in primaries if len(code) == 2))


def _names(record: Any, translations: dict[str, gettext.NullTranslations]) -> dict[str, str]:
    """pycountry's short English name (its common name where it has one) and its translations."""
    english = getattr(record, "common_name", None) or record.name
    return {"en": english} | {lang: t.gettext(english) for lang, t in translations.items()}


def _ilo_region(iso3: str, region: str, subregion: str, rules: dict[tuple[str, str], str]) -> str:
    """The ILO region by ilo_regions.csv: a country rule beats a sub-region rule, which beats a
    region rule, so the file lists only the exceptions to the M49 regions."""
    for scope, key in (("country", iso3), ("subregion", subregion), ("region", region)):
        if (scope, key) in rules:
            return rules[scope, key]
    raise ValueError(f"{iso3}: no ILO region rule for M49 region {region!r} / {subregion!r}")


def _build() -> list[CountryFacts]:
    hdx = _hdx_countries()
    codes = {row["ISO3166-1-Alpha-3"]: row for row in _read("country_codes.csv")}
    dac = {row["iso3"] for row in _read("oecd_dac.csv")}
    rules = {(row["scope"], row["key"]): row["ilo_region"] for row in _read("ilo_regions.csv")}
    g77 = set(G77)
    translations = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for language in NAME_LANGUAGES[1:]
    }
    # The UN's DGACM list is the list of the 193 member states.
    members = sorted(iso3 for iso3, row in hdx.items() if row["Appears in DGACM list"] == "Y")

    def facts(iso3: str, m49_region: str, m49_subregion: str, **rest: Any) -> CountryFacts:
        return CountryFacts(
            iso3=iso3,
            m49_region=m49_region,
            m49_subregion=m49_subregion,
            ilo_region=_ilo_region(iso3, m49_region, m49_subregion, rules),
            g77=iso3 in g77,
            oecd_dac=iso3 in dac,
            south_south_peer=iso3 not in dac,
            **rest,
        )

    countries = []
    for iso3 in [*members, "PSE"]:
        row, code = hdx[iso3], codes[iso3]
        record = pycountry.countries.get(alpha_3=iso3)
        countries.append(
            facts(
                iso3,
                iso2=record.alpha_2,
                numeric=record.numeric,
                names=_names(record, translations),
                m49_region=row["Region Name"],
                m49_subregion=row["Sub-region Name"],
                m49_intermediate_region=row["Intermediate Region Name"] or None,
                income_group=_HDX_INCOME.get(row["World Bank Income Level"] or ""),
                ldc=code["Least Developed Countries (LDC)"] == "x",
                lldc=code["Land Locked Developing Countries (LLDC)"] == "x",
                sids=code["Small Island Developing States (SIDS)"] == "x",
                official_languages=_languages(code["Languages"]),
                latitude=float(row["Latitude"]),
                longitude=float(row["Longitude"]),
            )
        )
    for row in _read("supplement.csv"):
        countries.append(
            facts(
                row["iso3"],
                iso2=row["iso2"],
                numeric=None,
                names={language: row[f"name_{language}"] for language in NAME_LANGUAGES},
                m49_region=row["m49_region"],
                m49_subregion=row["m49_subregion"],
                m49_intermediate_region=None,
                income_group=row["income_group"] or None,
                ldc=False,
                lldc=False,
                sids=False,
                official_languages=_languages(row["languages"]),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
        )
    return _corrected(sorted(countries, key=lambda c: c.iso3))


def _corrected(countries: list[CountryFacts]) -> list[CountryFacts]:
    """Apply corrections.csv in file order, so a later row (a later year) wins."""
    by_iso3 = {c.iso3: c for c in countries}
    for row in _read("corrections.csv"):
        iso3, field = row["iso3"], row["field"]
        if iso3 not in by_iso3 or field not in _CORRECTABLE:
            raise ValueError(f"corrections.csv: cannot correct {field!r} of {iso3!r}")
        value = _CORRECTABLE[field](row["value"])
        by_iso3[iso3] = dataclasses.replace(by_iso3[iso3], **{field: value})
    return list(by_iso3.values())


@cache
def load_countries() -> list[CountryFacts]:
    """All 195 countries, sorted by ISO3; built on first call, then served from memory.

    Callers share the one list: treat it and the records' `names` as read-only.
    """
    return _build()


@cache
def _index() -> dict[str, CountryFacts]:
    return {c.iso3: c for c in load_countries()}


def country(iso3: str) -> CountryFacts:
    """The facts of one country by ISO 3166-1 alpha-3 code (case-insensitive)."""
    try:
        return _index()[iso3.upper()]
    except KeyError:
        raise KeyError(
            f"unknown country code {iso3!r}: expected the ISO 3166-1 alpha-3 code of a UN member "
            "state, PSE (State of Palestine) or XKX (Kosovo)"
        ) from None
