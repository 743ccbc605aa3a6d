"""Reference data every record points at: countries and the thematic taxonomy."""

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Country(Base):
    """Facts about a country, refreshed from maintained packages by `matchmaker init`."""

    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str | None] = mapped_column(String(2))
    numeric: Mapped[str | None] = mapped_column(String(3))
    names: Mapped[dict[str, str]]
    m49_region: Mapped[str] = mapped_column(String(80))
    m49_subregion: Mapped[str] = mapped_column(String(80))
    m49_intermediate_region: Mapped[str | None] = mapped_column(String(80))
    ilo_region: Mapped[str] = mapped_column(String(40), index=True)
    income_group: Mapped[str | None] = mapped_column(String(20))
    g77: Mapped[bool] = mapped_column(Boolean, default=False)
    oecd_dac: Mapped[bool] = mapped_column(Boolean, default=False)
    south_south_peer: Mapped[bool] = mapped_column(Boolean, default=True)
    ldc: Mapped[bool] = mapped_column(Boolean, default=False)
    lldc: Mapped[bool] = mapped_column(Boolean, default=False)
    sids: Mapped[bool] = mapped_column(Boolean, default=False)
    official_languages: Mapped[list[str]]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names["en"]


class Theme(Base):
    """A theme of the world of work under one Decent Work pillar (taxonomy in data/themes.yaml)."""

    __tablename__ = "themes"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    pillar: Mapped[str] = mapped_column(String(40))
    names: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]]
    keywords: Mapped[dict[str, list[str]]]
    sdg_targets: Mapped[list[str]]
    crs_codes: Mapped[list[str]]

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names["en"]
