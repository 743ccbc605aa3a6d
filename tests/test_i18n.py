"""The interface in English, French and Spanish: complete catalogues, locale choice, localised
dates, numbers, country and theme names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import refresh

from matchmaker import create_app
from matchmaker.config import PROJECT_ROOT
from matchmaker.extensions import db
from tests.conftest import _config

TRANSLATIONS = PROJECT_ROOT / "translations"
LOCALES = ("fr", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
HTML_LANG = re.compile(r'<html lang="(\w+)"')


def _current_messages() -> Catalog:
    """The messages of today's code and templates, extracted as `make translations` does."""
    method_map = [("**.py", "python"), ("**.html", "jinja2")]
    options = {"**.html": {"trimmed": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None}
    catalog = Catalog()
    for folder in ("matchmaker", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT_ROOT / folder), method_map, options, keywords=keywords
        ):
            catalog.add(message)
    return catalog


def _placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text)}


def _catalogue(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    catalogue = _catalogue(locale)
    problems = []
    for message in _current_messages():
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = (
            (found.string if isinstance(found.string, tuple) else (found.string,)) if found else ()
        )
        if found is None or found.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated in {locale} (run `make translations`): {problems}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale: str) -> None:
    wrong = []
    for message in _catalogue(locale):
        if not message.id:
            continue
        plural = isinstance(message.id, tuple)
        expected = _placeholders(message.id[-1] if plural else message.id)
        for string in message.string if plural else (message.string,):
            found = _placeholders(string)
            # a plural form may leave the count out ("un échange"), never add or drop another
            if found - expected or expected - found - ({"num"} if plural else set()):
                wrong.append((message.id, string))
    assert not wrong


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogues compiled as `make install` does, into a scratch folder."""
    folder = tmp_path_factory.mktemp("translations")
    for locale in LOCALES:
        target = folder / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as handle:
            write_mo(handle, _catalogue(locale))
    return folder


@pytest.fixture
def app(database_url: str, tmp_path: Path, compiled: Path) -> Iterator[Flask]:
    app = create_app(
        {**_config(database_url, tmp_path), "BABEL_TRANSLATION_DIRECTORIES": str(compiled)}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def need(make_organisation, make_need):
    organisation = make_organisation("Ministère du Travail", "SEN")
    return make_need(organisation, themes=["employment_policy"], title="Inspection du travail")


PAGES = {  # path -> a phrase of the page in (French, Spanish)
    "/": ("Apprenez de pairs qui ont résolu le même problème", "Aprenda de pares que resolvieron"),
    "/directory?kind=needs": ("Besoins d'apprentissage", "Necesidades de aprendizaje"),
    "/login": ("Mot de passe", "Contraseña"),
    "/public": ("Chiffres clés", "Cifras clave"),
    "/needs/{need}": ("Politique de l’emploi", "Política de empleo"),
}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("index, locale", list(enumerate(LOCALES)))
def test_pages_follow_the_browser(client, need, path: str, index: int, locale: str) -> None:
    page = client.get(path.format(need=need.id), headers={"Accept-Language": f"{locale},en;q=0.5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert HTML_LANG.search(html).group(1) == locale
    assert PAGES[path][index] in html


def test_english_without_a_preference_and_for_other_languages(client) -> None:
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Learn from peers" in page


def test_the_switcher_wins_over_the_browser(client, need) -> None:
    home = client.get("/directory?kind=needs", headers={"Accept-Language": "fr"})
    assert "/language?lang=es&amp;next=/directory?kind%3Dneeds" in home.get_data(as_text=True)
    answer = client.get("/language?lang=es&next=/directory?kind=needs")
    assert answer.status_code == 302 and answer.headers["Location"] == "/directory?kind=needs"
    for path in PAGES:
        html = client.get(path.format(need=need.id), headers={"Accept-Language": "fr"})
        assert HTML_LANG.search(html.get_data(as_text=True)).group(1) == "es"
        assert PAGES[path][1] in html.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_the_switcher_goes_back_to_local_paths_only(client, target: str) -> None:
    answer = client.get("/language", query_string={"lang": "fr", "next": target})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_the_switcher_refuses_unknown_languages(client) -> None:
    assert client.get("/language?lang=de").status_code == 400
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "locale, number, day",
    [
        ("en", "1,234.56", "Mar 31, 2027"),
        ("fr", "1\u202f234,56", "31 mars 2027"),
        ("es", "1.234,56", "31 mar 2027"),
    ],
)
def test_numbers_and_dates_are_localised(app, locale: str, number: str, day: str) -> None:
    template = "{{ 1234.564|number(2) }}|{{ when|dateformat }}"
    with app.test_request_context(headers={"Accept-Language": locale}):
        refresh()  # the locale is cached per app context, which the fixture shares
        rendered = app.jinja_env.from_string(template).render(when=date(2027, 3, 31))
    assert rendered == f"{number}|{day}"


def test_country_and_theme_names_in_french(client, need, make_offer) -> None:
    make_offer(need.organisation, themes=["employment_policy"], title="Une offre")
    french = {"Accept-Language": "fr"}
    detail = client.get(f"/needs/{need.id}", headers=french).get_data(as_text=True)
    assert "Sénégal" in detail and "Politique de l’emploi" in detail
    directory = client.get("/directory?kind=offers", headers=french).get_data(as_text=True)
    assert "Sénégal" in directory and "Politique de l’emploi" in directory
    assert '<option value="SEN">Sénégal</option>' in directory
    english = client.get("/directory?kind=offers").get_data(as_text=True)
    assert "Senegal" in english and "Employment policy" in english


def test_a_matching_round_reads_in_french(
    client, need, make_organisation, make_offer, make_user, sign_in
) -> None:
    provider = make_organisation("Autorité de la formation", "CIV")
    make_offer(provider, themes=["employment_policy"], title="Inspection et formation")
    sign_in(make_user(role="coordinator"))
    french = {"Accept-Language": "fr"}
    data = {"name": "Appel 2027", "min_partners": "1", "max_partners": "2", "candidates": "50"}
    created = client.post("/rounds/new", data=data, headers=french, follow_redirects=True)
    page = created.get_data(as_text=True)
    assert "Cycle créé avec 1 besoin." in page and "Partenaires par besoin" in page
    assert "1 besoin ouvert" in page and "de 1 à 2" in page and "Matching round" not in page
    round_id = int(re.search(r"/rounds/(\d+)/solve", page).group(1))
    solved = client.post(
        f"/rounds/{round_id}/solve", data={"version": "1"}, headers=french, follow_redirects=True
    ).get_data(as_text=True)
    assert "Statistiques" in solved and "Publier : proposer les échanges" in solved
    assert "(Sénégal) · 1 candidat" in solved  # the slate, with the country in French
