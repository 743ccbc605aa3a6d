"""Country facts: checked against the packages they come from and against known facts."""

import csv
import gettext

import countrygroups
import pycountry
import pytest
from hdx.location.country import Country

from matchmaker.knowledge.countries import (
    DATA_DIR,
    ILO_REGIONS,
    INCOME_GROUPS,
    INCOME_YEAR,
    NAME_LANGUAGES,
    CountryFacts,
    country,
    load_countries,
)

SAMPLE = ("ZMB", "KEN", "ZAF", "PAK", "MYS", "BRA", "DEU")
HDX_INCOME = {"Low": "low", "Lower middle": "lower_middle", "Upper middle": "upper_middle"}
HDX_INCOME["High"] = "high"


@pytest.fixture(scope="module")
def hdx() -> dict[str, dict[str, str]]:
    Country.set_use_live_default(False)
    return Country.countriesdata()["countries"]


def test_exactly_the_un_member_states_plus_palestine_and_kosovo() -> None:
    codes = [c.iso3 for c in load_countries()]
    assert len(codes) == 195
    assert len(set(codes)) == 195
    assert codes == sorted(codes)
    # countrygroups' UN regional groups are an independent list of the 193 member states.
    assert set(codes) == set(countrygroups.UN_REGIONAL_GROUPS) | {"PSE", "XKX"}
    assert not {"TWN", "VAT", "COK", "NIU", "EUU"} & set(codes)


def test_every_record_is_complete() -> None:
    for c in load_countries():
        assert c.ilo_region in ILO_REGIONS, c.iso3
        assert set(c.names) == set(NAME_LANGUAGES), c.iso3
        assert all(name.strip() for name in c.names.values()), c.iso3
        assert c.income_group in (*INCOME_GROUPS, None), c.iso3
        assert c.m49_region and c.m49_subregion, c.iso3
        assert c.official_languages, c.iso3
        assert all(len(code) == 2 and code.islower() for code in c.official_languages), c.iso3
        assert c.latitude is not None and -90 <= c.latitude <= 90, c.iso3
        assert c.longitude is not None and -180 <= c.longitude <= 180, c.iso3
        assert c.south_south_peer is not c.oecd_dac, c.iso3
        assert c.iso2 and len(c.iso2) == 2, c.iso3
        hash(c)


def test_loaded_once_and_income_year_stated() -> None:
    assert load_countries() is load_countries()
    assert INCOME_YEAR == "FY2026"


@pytest.mark.parametrize("iso3", SAMPLE)
def test_sample_agrees_with_the_packages(iso3: str, hdx: dict[str, dict[str, str]]) -> None:
    c = country(iso3)
    record = pycountry.countries.get(alpha_3=iso3)
    english = getattr(record, "common_name", None) or record.name
    assert (c.iso2, c.numeric, c.names["en"]) == (record.alpha_2, record.numeric, english)
    for language in ("fr", "es", "pt"):
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        assert c.names[language] == translation.gettext(english)
    row = hdx[iso3]
    assert c.m49_region == row["Region Name"]
    assert c.m49_subregion == row["Sub-region Name"]
    assert c.m49_intermediate_region == (row["Intermediate Region Name"] or None)
    # None of the sample changed income group between hdx's FY2024 and FY2026.
    assert c.income_group == HDX_INCOME[row["World Bank Income Level"]]
    assert c.g77 is (iso3 in countrygroups.G77)


def test_zambia() -> None:
    zmb = country("ZMB")
    assert (zmb.m49_region, zmb.m49_subregion) == ("Africa", "Sub-Saharan Africa")
    assert zmb.m49_intermediate_region == "Eastern Africa"
    assert zmb.ilo_region == "africa"
    assert zmb.ldc and zmb.lldc and not zmb.sids
    assert zmb.g77 and not zmb.oecd_dac and zmb.south_south_peer
    assert zmb.income_group == "lower_middle"
    assert zmb.names == {"en": "Zambia", "fr": "Zambie", "es": "Zambia", "pt": "Zâmbia"}
    assert zmb.official_languages[0] == "en"
    assert (zmb.iso2, zmb.numeric) == ("ZM", "894")


def test_germany() -> None:
    deu = country("DEU")
    assert deu.oecd_dac and not deu.south_south_peer and not deu.g77
    assert deu.income_group == "high"
    assert deu.ilo_region == "europe_central_asia"
    assert deu.names["es"] == "Alemania"
    assert deu.official_languages == ("de",)


def test_known_facts_of_the_sample() -> None:
    assert country("PAK").ilo_region == "asia_pacific"
    assert country("BRA").names["pt"] == "Brasil"
    assert country("BRA").official_languages[0] == "pt"
    assert country("ZAF").names["fr"] == "Afrique du Sud"
    assert country("KEN").income_group == "lower_middle"
    assert country("MYS").income_group == "upper_middle"
    assert 0 < country("MYS").latitude < 8 and 99 < country("MYS").longitude < 120


@pytest.mark.parametrize(
    ("iso3", "ilo_region"),
    [
        ("JOR", "arab_states"),
        ("LBN", "arab_states"),
        ("PSE", "arab_states"),
        ("SAU", "arab_states"),
        ("EGY", "africa"),
        ("DZA", "africa"),
        ("MAR", "africa"),
        ("SDN", "africa"),
        ("MRT", "africa"),
        ("KAZ", "europe_central_asia"),
        ("UZB", "europe_central_asia"),
        ("TUR", "europe_central_asia"),
        ("ISR", "europe_central_asia"),
        ("GEO", "europe_central_asia"),
        ("XKX", "europe_central_asia"),
        ("IRN", "asia_pacific"),
        ("AFG", "asia_pacific"),
        ("FJI", "asia_pacific"),
        ("MEX", "americas"),
        ("CAN", "americas"),
    ],
)
def test_ilo_region(iso3: str, ilo_region: str) -> None:
    assert country(iso3).ilo_region == ilo_region


def test_ilo_region_sizes() -> None:
    sizes = {region: 0 for region in ILO_REGIONS}
    for c in load_countries():
        sizes[c.ilo_region] += 1
    assert sizes == {
        "africa": 54,
        "americas": 35,
        "arab_states": 12,
        "asia_pacific": 39,
        "europe_central_asia": 55,
    }


@pytest.mark.parametrize("iso3", ["MEX", "TUR", "SRB", "MKD", "KAZ", "CHL", "CHN", "XKX"])
def test_south_south_peers(iso3: str) -> None:
    assert country(iso3).south_south_peer and not country(iso3).oecd_dac


def test_oecd_dac_is_32_countries() -> None:
    dac = {c.iso3 for c in load_countries() if c.oecd_dac}
    assert len(dac) == 32
    assert {"DEU", "USA", "JPN", "KOR", "LTU", "EST", "LVA", "HUN"} <= dac
    assert not {"MEX", "TUR", "CHL", "COL", "CRI", "ISR"} & dac
    with (DATA_DIR / "oecd_dac.csv").open(encoding="utf-8") as file:
        assert {row["iso3"] for row in csv.DictReader(file)} == dac


def test_kosovo_supplement() -> None:
    xkx = country("XKX")
    assert (xkx.iso2, xkx.numeric) == ("XK", None)
    assert set(xkx.names.values()) == {"Kosovo"}
    assert (xkx.m49_region, xkx.m49_subregion) == ("Europe", "Southern Europe")
    assert xkx.income_group == "upper_middle"
    assert xkx.official_languages == ("sq", "sr")
    assert not (xkx.g77 or xkx.ldc or xkx.lldc or xkx.sids)


def test_corrections_override_the_packages(hdx: dict[str, dict[str, str]]) -> None:
    # hdx still has FY2024 groups; the corrections carry FY2025 and FY2026.
    assert hdx["RUS"]["World Bank Income Level"] == "Upper middle"
    assert country("RUS").income_group == "high"
    assert country("CRI").income_group == "high"
    assert country("NAM").income_group == "lower_middle"
    assert country("PSE").income_group == "lower_middle"
    assert country("ETH").income_group is None
    assert country("VEN").income_group is None
    assert not country("STP").ldc
    assert country("SLB").ldc
    assert float(hdx["PHL"]["Latitude"]) < 0 < country("PHL").latitude


def test_flags_from_country_codes() -> None:
    assert sum(c.ldc for c in load_countries()) == 44
    assert sum(c.lldc for c in load_countries()) == 32
    assert country("BOL").lldc and not country("BOL").ldc
    assert country("HTI").sids and country("HTI").ldc
    assert country("PSE").g77 and not country("PSE").ldc


def test_lookup_is_case_insensitive_and_unknown_codes_fail() -> None:
    assert country("zmb") is country("ZMB")
    assert isinstance(country("KEN"), CountryFacts)
    with pytest.raises(KeyError, match="unknown country code 'ABC'"):
        country("ABC")
    with pytest.raises(KeyError):
        country("TWN")
    with pytest.raises(KeyError):
        country("ZM")
