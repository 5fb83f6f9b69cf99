"""Synthetic, labelled production-site lists for the matching benchmark (issue 11).

A registry of electronics factories in the ten countries where ICT hardware is made, and an incoming list as a
supplier would send it: the same sites spelt another way (legal forms, abbreviations, transliteration, typos,
city in the name or not, address shortened or left out, the country as a name or a code) beside sites the
registry does not hold. Among the latter are the hard negatives: another campus of a group the registry holds in
a different city, another plant number of a registered plant, and a different company in the same industrial park
(same street, often the same building number). Everything follows one seed.

    .venv/bin/python benchmarks/site_matching/generate.py --registry 10000 --incoming 2000 --out /tmp/sites

writes registry.csv (site_id,name,address,city,country_iso2,parent_group), incoming.csv
(record_id,name,address,city,country) and truth.csv (record_id,site_id,kind), site_id empty for a new site.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# country: (ISO2, share of sites, ways a list names it, cities (canonical, variants), districts, street words)
COUNTRIES: dict[str, dict] = {
    "CN": {
        "share": 0.42,
        "names": ["China", "CN", "CHN", "People's Republic of China", "china"],
        "cities": {
            "Shenzhen": ["Shen Zhen", "SHENZHEN", "Shenzhen City", "深圳"],
            "Dongguan": ["Dong Guan", "DONGGUAN", "Dongguan City"],
            "Kunshan": ["Kun Shan", "KUNSHAN", "Kunshan City"],
            "Suzhou": ["Su Zhou", "Suzhou City", "SUZHOU"],
            "Zhengzhou": ["Zheng Zhou", "ZHENGZHOU"],
            "Chongqing": ["Chong Qing", "CHONGQING"],
            "Chengdu": ["Cheng Du", "CHENGDU"],
            "Shanghai": ["Shang Hai", "SHANGHAI", "上海"],
            "Huizhou": ["Hui Zhou", "HUIZHOU"],
            "Wuxi": ["Wu Xi", "WUXI"],
            "Xiamen": ["Xia Men", "XIAMEN"],
            "Tianjin": ["Tian Jin", "TIANJIN"],
            "Wuhan": ["Wu Han", "WUHAN"],
            "Zhuhai": ["Zhu Hai", "ZHUHAI"],
            "Changshu": ["Chang Shu", "CHANGSHU"],
            "Jiaxing": ["Jia Xing", "JIAXING"],
        },
        "districts": ["Longhua District", "Bao'an District", "Longgang District", "Economic Development Zone",
                      "Hi-Tech Industrial Park", "Export Processing Zone", "New District", "Industrial Park"],
        "streets": ["Road", "Avenue", "Street"],
        "forms": ["Co., Ltd.", "Co. Ltd", "Co.,Ltd", "Company Limited", "CO LTD", "Co., Ltd"],
    },
    "TW": {
        "share": 0.08,
        "names": ["Taiwan", "TW", "TWN", "Taiwan, Province of China"],
        "cities": {"Hsinchu": ["Hsin Chu", "HSINCHU", "Hsinchu City"], "Taoyuan": ["Tao Yuan", "TAOYUAN"],
                   "Taichung": ["Tai Chung", "TAICHUNG"], "New Taipei": ["New Taipei City", "NEW TAIPEI"],
                   "Tainan": ["Tai Nan", "TAINAN"], "Kaohsiung": ["Kao Hsiung", "KAOHSIUNG"]},
        "districts": ["Science Park", "Industrial Zone", "Export Processing Zone", "Dist."],
        "streets": ["Road", "Rd.", "Street"],
        "forms": ["Co., Ltd.", "Corporation", "Corp.", "Inc."],
    },
    "MY": {
        "share": 0.08,
        "names": ["Malaysia", "MY", "MYS"],
        "cities": {"Penang": ["Pulau Pinang", "PENANG", "Pinang"], "Bayan Lepas": ["BAYAN LEPAS", "Bayan Lepas"],
                   "Kulim": ["KULIM"], "Johor Bahru": ["Johor Bahru", "JB"], "Senai": ["SENAI"],
                   "Shah Alam": ["SHAH ALAM"], "Ipoh": ["IPOH"]},
        "districts": ["Free Industrial Zone", "Industrial Park", "Technoplex", "Kawasan Perindustrian"],
        "streets": ["Jalan", "Lorong", "Persiaran"],
        "forms": ["Sdn. Bhd.", "Sdn Bhd", "SDN BHD", "Berhad", "Bhd"],
    },
    "VN": {
        "share": 0.10,
        "names": ["Vietnam", "Viet Nam", "VN", "VNM"],
        "cities": {"Bac Ninh": ["Bacninh", "BAC NINH"], "Hai Phong": ["Haiphong", "HAI PHONG"],
                   "Ho Chi Minh City": ["HCMC", "Ho Chi Minh", "Saigon", "HCM City"], "Hanoi": ["Ha Noi", "HANOI"],
                   "Bac Giang": ["Bacgiang", "BAC GIANG"], "Thai Nguyen": ["THAI NGUYEN"],
                   "Vinh Phuc": ["VINH PHUC"], "Dong Nai": ["DONG NAI"], "Binh Duong": ["BINH DUONG"]},
        "districts": ["Industrial Park", "Yen Phong Industrial Park", "VSIP", "Que Vo Industrial Park",
                      "Saigon Hi-Tech Park", "Dinh Tram Industrial Park"],
        "streets": ["Road", "Street", "Lot"],
        "forms": ["Co., Ltd.", "Company Limited", "JSC", "Joint Stock Company", "Co., Ltd"],
    },
    "TH": {
        "share": 0.07,
        "names": ["Thailand", "TH", "THA", "Kingdom of Thailand"],
        "cities": {"Ayutthaya": ["Phra Nakhon Si Ayutthaya", "AYUTTHAYA"], "Chonburi": ["Chon Buri", "CHONBURI"],
                   "Rayong": ["RAYONG"], "Prachinburi": ["Prachin Buri", "PRACHINBURI"],
                   "Pathum Thani": ["Pathumthani", "PATHUM THANI"], "Lamphun": ["LAMPHUN"]},
        "districts": ["Industrial Estate", "Hi-Tech Industrial Estate", "Nava Nakorn Industrial Estate",
                      "Amata City Industrial Estate", "Moo"],
        "streets": ["Moo", "Soi", "Road"],
        "forms": ["Co., Ltd.", "Public Company Limited", "Company Limited", "(Thailand) Co., Ltd.", "Ltd."],
    },
    "MX": {
        "share": 0.08,
        "names": ["Mexico", "México", "MX", "MEX"],
        "cities": {"Guadalajara": ["GUADALAJARA", "Guadalajara, Jal."], "Ciudad Juarez": ["Juarez", "Cd. Juarez",
                   "Ciudad Juárez"], "Tijuana": ["TIJUANA"], "Reynosa": ["REYNOSA"], "Monterrey": ["MONTERREY"],
                   "Chihuahua": ["CHIHUAHUA"], "Apodaca": ["APODACA"], "Queretaro": ["Querétaro", "QUERETARO"]},
        "districts": ["Parque Industrial", "Col. Industrial", "Fracc. Industrial", "Parque Industrial Aeropuerto"],
        "streets": ["Avenida", "Calle", "Blvd."],
        "forms": ["S.A. de C.V.", "S. de R.L. de C.V.", "SA de CV", "S de RL de CV"],
    },
    "CZ": {
        "share": 0.03,
        "names": ["Czechia", "Czech Republic", "CZ", "CZE", "Česko"],
        "cities": {"Pardubice": ["PARDUBICE"], "Kutna Hora": ["Kutná Hora", "KUTNA HORA"], "Brno": ["BRNO"],
                   "Ostrava": ["OSTRAVA"], "Plzen": ["Plzeň", "Pilsen"], "Liberec": ["LIBEREC"]},
        "districts": ["Průmyslová zóna", "Industrial Zone", "CTPark"],
        "streets": ["ulice", "třída", "Street"],
        "forms": ["s.r.o.", "a.s.", "spol. s r.o.", "s. r. o."],
    },
    "IN": {
        "share": 0.07,
        "names": ["India", "IN", "IND", "Republic of India"],
        "cities": {"Chennai": ["CHENNAI", "Madras"], "Sriperumbudur": ["Sriperumbadur", "SRIPERUMBUDUR"],
                   "Noida": ["NOIDA", "Greater Noida"], "Bengaluru": ["Bangalore", "BENGALURU"],
                   "Hosur": ["HOSUR"], "Pune": ["PUNE"], "Sri City": ["Sricity", "SRI CITY"]},
        "districts": ["SEZ", "Industrial Area", "Special Economic Zone", "Phase II", "Sector"],
        "streets": ["Road", "Plot", "Sector"],
        "forms": ["Pvt. Ltd.", "Private Limited", "Pvt Ltd", "Limited", "Ltd."],
    },
    "PH": {
        "share": 0.04,
        "names": ["Philippines", "PH", "PHL", "The Philippines"],
        "cities": {"Cabuyao": ["Cabuyao City", "CABUYAO"], "Santa Rosa": ["Sta. Rosa", "SANTA ROSA"],
                   "Calamba": ["CALAMBA"], "Lapu-Lapu": ["Lapu Lapu", "LAPU-LAPU"], "Lipa": ["LIPA", "Lipa City"],
                   "Clark": ["CLARK", "Clark Freeport"]},
        "districts": ["Laguna Technopark", "Light Industry and Science Park", "Mactan Economic Zone",
                      "First Philippine Industrial Park", "Special Economic Zone"],
        "streets": ["Street", "Avenue", "Road"],
        "forms": ["Inc.", "Phils. Inc.", "Philippines Inc.", "Corporation", "Corp."],
    },
    "HU": {
        "share": 0.03,
        "names": ["Hungary", "HU", "HUN", "Magyarország"],
        "cities": {"Gyor": ["Győr", "GYOR"], "Tatabanya": ["Tatabánya", "TATABANYA"], "Pecs": ["Pécs", "PECS"],
                   "Szekesfehervar": ["Székesfehérvár", "SZEKESFEHERVAR"], "Zalaegerszeg": ["ZALAEGERSZEG"],
                   "Komarom": ["Komárom", "KOMAROM"]},
        "districts": ["Ipari Park", "Industrial Park", "Ipartelep"],
        "streets": ["utca", "út", "Street"],
        "forms": ["Kft.", "Kft", "Zrt.", "Ltd."],
    },
}  # fmt: skip

GROUPS = [
    ("Hon Hai Precision Industry", ["Foxconn", "Hon Hai Precision Ind."]),
    ("Pegatron", ["Pegatron Technology"]),
    ("Quanta Computer", ["Quanta"]),
    ("Compal Electronics", ["Compal"]),
    ("Wistron", ["Wistron InfoComm"]),
    ("Inventec", ["Inventec Appliances"]),
    ("Luxshare Precision", ["Luxshare"]),
    ("BYD Electronic", ["BYD Electronics"]),
    ("Jabil Circuit", ["Jabil"]),
    ("Flextronics", ["Flex"]),
    ("Celestica", ["Celestica Electronics"]),
    ("Sanmina", ["Sanmina-SCI"]),
    ("Benchmark Electronics", ["Benchmark"]),
    ("Plexus", ["Plexus Manufacturing"]),
    ("Venture Electronics", ["Venture"]),
    ("Universal Scientific Industrial", ["USI"]),
    ("Goertek", ["Goertek Technology"]),
    ("Lens Technology", ["Lens Tech"]),
    ("Delta Electronics", ["Delta"]),
    ("Lite-On Technology", ["Liteon", "Lite On"]),
    ("Chicony Electronics", ["Chicony"]),
    ("Zollner Elektronik", ["Zollner"]),
    ("Kitron", ["Kitron Electronics"]),
    ("Fabrinet", ["Fabrinet Manufacturing"]),
    ("Hana Microelectronics", ["Hana Micro"]),
    ("Dixon Technologies", ["Dixon"]),
    ("Murata Manufacturing", ["Murata"]),
    ("TDK Electronics", ["TDK"]),
    ("Kyocera", ["Kyocera Document"]),
    ("Sunny Optical", ["Sunny Optical Technology"]),
]

SYLLABLES = [
    "an",
    "ao",
    "ba",
    "bai",
    "bao",
    "bei",
    "ben",
    "bin",
    "bo",
    "cai",
    "can",
    "chang",
    "chao",
    "chen",
    "cheng",
    "chuang",
    "da",
    "dai",
    "de",
    "ding",
    "dong",
    "du",
    "fa",
    "fan",
    "fang",
    "fei",
    "feng",
    "fu",
    "gang",
    "gao",
    "ge",
    "guang",
    "gui",
    "hai",
    "han",
    "hang",
    "hao",
    "he",
    "heng",
    "hong",
    "hua",
    "huan",
    "hui",
    "jia",
    "jian",
    "jiang",
    "jie",
    "jin",
    "jing",
    "jiu",
    "ju",
    "kai",
    "kang",
    "ke",
    "kun",
    "lai",
    "lan",
    "li",
    "lian",
    "liang",
    "lin",
    "ling",
    "long",
    "lu",
    "mei",
    "meng",
    "min",
    "ming",
    "na",
    "nan",
    "ning",
    "peng",
    "ping",
    "qi",
    "qian",
    "qiang",
    "qin",
    "qing",
    "rong",
    "rui",
    "sen",
    "shan",
    "sheng",
    "shi",
    "shun",
    "si",
    "tai",
    "tian",
    "tong",
    "wan",
    "wei",
    "wen",
    "xiang",
    "xin",
    "xing",
    "xu",
    "ya",
    "yang",
    "yao",
    "yi",
    "yin",
    "ying",
    "yong",
    "yu",
    "yuan",
    "yue",
    "zhan",
    "zhao",
    "zhen",
    "zheng",
    "zhi",
    "zhong",
    "zhou",
]
LATIN_ROOTS = [
    "Astra",
    "Nova",
    "Vertex",
    "Orion",
    "Zenith",
    "Apex",
    "Lumen",
    "Nexus",
    "Vector",
    "Helix",
    "Sigma",
    "Delta",
    "Optima",
    "Cresco",
    "Altus",
    "Vita",
    "Terra",
    "Solaris",
    "Aurum",
    "Ferro",
    "Cobalt",
    "Tecton",
    "Prisma",
    "Quanta",
    "Kinetic",
    "Polar",
    "Radix",
    "Stellar",
    "Titan",
    "Unitas",
    "Velox",
    "Wave",
    "Axis",
    "Bright",
    "Crest",
    "Dyna",
    "Elec",
    "Fine",
    "Gold",
    "Grand",
    "High",
    "Kore",
    "Link",
    "Max",
    "Micro",
    "Mega",
    "Omni",
    "Prime",
    "Pro",
    "Sun",
    "Star",
    "Top",
    "Union",
]
TRADES = ["Electronics", "Precision", "Technology", "Optoelectronic", "Circuit", "Plastic", "Metal Products",
          "Electronic Components", "Semiconductor", "Display", "Battery", "Connector", "Cable", "Power Supply",
          "Magnetics", "PCB", "Packaging", "Mould", "Acoustic", "Optical"]  # fmt: skip
TRADE_SHORT = {"Electronics": ["Elec.", "Electronic", "Electr."], "Technology": ["Tech.", "Tech", "Technologies"],
               "Precision": ["Prec."], "Electronic Components": ["Elec. Components", "Electronic Comp."],
               "Metal Products": ["Metal Prods"], "Optoelectronic": ["Opto-electronic", "Optoelectronics"]}  # fmt: skip
STREET_SHORT = {"Road": ["Rd.", "Rd", "road", "RD"], "Avenue": ["Ave.", "Ave"], "Street": ["St.", "St"],
                "District": ["Dist.", "Distr."], "Industrial": ["Ind.", "Indl."], "Building": ["Bldg.", "Bldg"],
                "Boulevard": ["Blvd."], "Avenida": ["Av."]}  # fmt: skip


@dataclass
class Site:
    site_id: str
    iso2: str
    brand: str
    trade: str
    name: str
    street_name: str
    street_kind: str
    number: int
    district: str
    city: str
    group: str = ""
    plant: int = 0


def _brand(rng: random.Random, iso2: str) -> str:
    if iso2 in {"CN", "TW"} or rng.random() < 0.35:
        # two syllables, or three (about 12,000 and 1.3 million names: a registry of a million sites should not
        # hold the same name in one city far more often than a real one does)
        syllables = 2 if rng.random() < 0.5 else 3
        return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()
    return rng.choice(LATIN_ROOTS) + rng.choice(
        ["", "tek", "tron", "tech", "com", "ex", "ix", "on", " " + rng.choice(LATIN_ROOTS)]
    )


def _street(rng: random.Random) -> str:
    return (rng.choice(SYLLABLES) + rng.choice(SYLLABLES)).capitalize()


def _site_name(site: Site, rng: random.Random) -> str:
    spec = COUNTRIES[site.iso2]
    form = spec["forms"][0]
    if site.group:
        base = f"{site.brand} ({site.city})" if rng.random() < 0.5 else f"{site.brand} {site.city}"
    elif site.iso2 == "CN" and rng.random() < 0.6:
        base = f"{site.city} {site.brand} {site.trade}"
    else:
        base = f"{site.brand} {site.trade}"
    if site.plant:
        base += f" Plant {site.plant}"
    return f"{base} {form}"


def _address(site: Site) -> str:
    if site.street_kind in {"Jalan", "Lorong", "Persiaran", "Avenida", "Calle", "Moo", "Soi", "Lot", "Plot",
                            "Sector"}:  # fmt: skip
        street = f"{site.street_kind} {site.street_name} {site.number}"
    else:
        street = f"No. {site.number} {site.street_name} {site.street_kind}"
    return f"{street}, {site.district}"


def generate_registry(n: int, rng: random.Random) -> list[Site]:
    """Registry sites: group campuses (several cities, several plants), park neighbours, single sites."""
    sites: list[Site] = []
    seen: set[tuple[str, str, str]] = set()
    isos = list(COUNTRIES)
    weights = [COUNTRIES[c]["share"] for c in isos]
    # a park: one street of one city that several companies share
    parks: dict[str, list[tuple[str, str, str, str]]] = {c: [] for c in isos}

    def new_id() -> str:
        return f"S{len(sites) + 1:07d}"

    while len(sites) < n:
        iso2 = rng.choices(isos, weights)[0]
        spec = COUNTRIES[iso2]
        roll = rng.random()
        if roll < 0.06:  # a group campus, sometimes with several plants
            brand, _aliases = rng.choice(GROUPS)
            city = rng.choice(list(spec["cities"]))
            plants = [0] if rng.random() < 0.6 else list(range(1, rng.randint(2, 4) + 1))
            street = (_street(rng), rng.choice(spec["streets"]), rng.choice(spec["districts"]))
            for plant in plants:
                site = Site(
                    new_id(),
                    iso2,
                    brand,
                    "",
                    "",
                    street[0],
                    street[1],
                    rng.randint(1, 999),
                    street[2],
                    city,
                    group=brand,
                    plant=plant,
                )
                site.name = _site_name(site, rng)
                key = (iso2, site.name, city)
                if key not in seen and len(sites) < n:
                    seen.add(key)
                    sites.append(site)
            continue
        if parks[iso2] and roll < 0.45:  # a neighbour in a park already used
            street_name, street_kind, district, city = rng.choice(parks[iso2])
        else:
            street_name, street_kind = _street(rng), rng.choice(spec["streets"])
            district, city = rng.choice(spec["districts"]), rng.choice(list(spec["cities"]))
            parks[iso2].append((street_name, street_kind, district, city))
        site = Site(
            new_id(),
            iso2,
            _brand(rng, iso2),
            rng.choice(TRADES),
            "",
            street_name,
            street_kind,
            rng.randint(1, 300),
            district,
            city,
        )
        if rng.random() < 0.04:
            site.plant = rng.randint(1, 3)
        site.name = _site_name(site, rng)
        key = (iso2, site.name, city)
        if key not in seen:
            seen.add(key)
            sites.append(site)
    return sites


# ------------------------------------------------------------------------------------------------------------
# How a supplier spells a site


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[2:])
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1 :]
    if op < 0.7 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeinorstu") + text[i + 1 :]


def _shorten(text: str, table: dict[str, list[str]], rng: random.Random) -> str:
    for long, shorts in table.items():
        if long in text and rng.random() < 0.6:
            text = text.replace(long, rng.choice(shorts))
    return text


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def spell(site: Site, rng: random.Random, *, name_core: str | None = None) -> dict[str, str]:
    """One supplier's spelling of a site."""
    spec = COUNTRIES[site.iso2]
    city_written = site.city if rng.random() < 0.5 else rng.choice(spec["cities"][site.city])
    if site.group:
        brand = site.brand if rng.random() < 0.8 else rng.choice(dict(GROUPS)[site.brand])
        where = rng.random()
        core = (
            f"{brand} ({city_written})"
            if where < 0.4
            else (f"{brand} {city_written}" if where < 0.6 else brand)
        )
    else:
        trade = site.trade if rng.random() < 0.6 else rng.choice(TRADE_SHORT.get(site.trade, [site.trade]))
        core = f"{site.brand} {trade}"
        if site.iso2 == "CN" and rng.random() < 0.5:
            core = f"{city_written} {core}"
        elif rng.random() < 0.15:
            core = f"{core} ({city_written})"
    if name_core is not None:
        core = name_core
    if site.plant:
        core += rng.choice(
            [
                f" Plant {site.plant}",
                f" Plant {site.plant}",
                f" Factory No. {site.plant}",
                f" Plant {['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'][site.plant - 1]}",
            ]
        )
    name = core if rng.random() < 0.2 else f"{core} {rng.choice(spec['forms'])}"
    if rng.random() < 0.12:
        name = _typo(name, rng)
    case = rng.random()
    if case < 0.15:
        name = name.upper()
    elif case < 0.2:
        name = name.lower()
    address = _address(site)
    roll = rng.random()
    if roll < 0.2:
        address = ""
    else:
        address = _shorten(address, STREET_SHORT, rng)
        if rng.random() < 0.3:
            address = address.split(",")[0]
        if rng.random() < 0.2:
            address = f"{address}, {city_written}"
        if rng.random() < 0.05:
            address = _typo(address, rng)
    if rng.random() < 0.01:
        name = _fullwidth(name)
    city = "" if rng.random() < 0.08 else city_written
    country = rng.choice(spec["names"])
    return {"name": name, "address": address, "city": city, "country": country}


def _hard_negative(
    site: Site, rng: random.Random, sites_by_group: dict, registry_keys: set
) -> tuple[Site, str]:
    """A site the registry does not hold that looks like one it does."""
    spec = COUNTRIES[site.iso2]
    kind = rng.random()
    if site.group and kind < 0.5:  # the group's campus in another city
        cities = [c for c in spec["cities"] if (site.group, c) not in sites_by_group]
        if cities:
            city = rng.choice(cities)
            other = Site(
                "",
                site.iso2,
                site.brand,
                "",
                "",
                _street(rng),
                site.street_kind,
                rng.randint(1, 999),
                site.district,
                city,
                group=site.group,
            )
            return other, "campus_other_city"
    if (
        site.plant or kind < 0.55
    ):  # another plant of the same site (Plant 1 / Plant 2, or a plant of an unnumbered one)
        plant = (site.plant or 1) + rng.randint(1, 3)
        if (site.iso2, site.brand, site.city, plant) not in registry_keys:
            other = Site(
                "",
                site.iso2,
                site.brand,
                site.trade,
                "",
                site.street_name,
                site.street_kind,
                site.number,
                site.district,
                site.city,
                group=site.group,
                plant=plant,
            )
            return other, "other_plant"
    # a different company in the same park, often the same building number
    number = site.number if rng.random() < 0.5 else rng.randint(1, 300)
    other = Site(
        "",
        site.iso2,
        _brand(rng, site.iso2),
        rng.choice(TRADES),
        "",
        site.street_name,
        site.street_kind,
        number,
        site.district,
        site.city,
    )
    return other, "park_neighbour"


def generate(
    n_registry: int, n_incoming: int, seed: int, *, share_known: float = 0.7, share_hard: float = 0.15
) -> tuple[list[Site], list[dict[str, str]], list[tuple[str, str, str]]]:
    """The registry, the incoming records and the truth (record_id, site_id or '', kind)."""
    rng = random.Random(seed)
    registry = generate_registry(n_registry, rng)
    sites_by_group = {(s.group, s.city): s for s in registry if s.group}
    registry_keys = {(s.iso2, s.brand, s.city, s.plant) for s in registry}
    incoming: list[dict[str, str]] = []
    truth: list[tuple[str, str, str]] = []
    for i in range(n_incoming):
        record_id = f"R{i + 1:06d}"
        site = rng.choice(registry)
        roll = rng.random()
        if roll < share_known:
            record = spell(site, rng)
            truth.append((record_id, site.site_id, "known"))
        elif roll < share_known + share_hard:
            other, kind = _hard_negative(site, rng, sites_by_group, registry_keys)
            record = spell(other, rng)
            truth.append((record_id, "", kind))
        else:
            iso2 = site.iso2
            spec = COUNTRIES[iso2]
            other = Site(
                "",
                iso2,
                _brand(rng, iso2),
                rng.choice(TRADES),
                "",
                _street(rng),
                rng.choice(spec["streets"]),
                rng.randint(1, 300),
                rng.choice(spec["districts"]),
                rng.choice(list(spec["cities"])),
            )
            record = spell(other, rng)
            truth.append((record_id, "", "new"))
        incoming.append({"record_id": record_id, **record})
    return registry, incoming, truth


def registry_rows(registry: list[Site]) -> Iterator[dict[str, str]]:
    for site in registry:
        yield {"site_id": site.site_id, "name": site.name, "address": _address(site), "city": site.city,
               "country_iso2": site.iso2, "parent_group": site.group}  # fmt: skip


def write(
    out: Path, registry: list[Site], incoming: list[dict[str, str]], truth: list[tuple[str, str, str]]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "registry.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["site_id", "name", "address", "city", "country_iso2", "parent_group"])
        w.writeheader()
        w.writerows(registry_rows(registry))
    with (out / "incoming.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, ["record_id", "name", "address", "city", "country"])
        w.writeheader()
        w.writerows(incoming)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as f:
        tw = csv.writer(f)
        tw.writerow(["record_id", "site_id", "kind"])
        tw.writerows(truth)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registry", type=int, default=10_000)
    parser.add_argument("--incoming", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    registry, incoming, truth = generate(args.registry, args.incoming, args.seed)
    write(args.out, registry, incoming, truth)
    print(f"wrote {len(registry):,} registry sites and {len(incoming):,} incoming records to {args.out}")


if __name__ == "__main__":
    main()
