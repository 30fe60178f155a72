# ruff: noqa: E501  (data tables: one product per line reads better than wrapped)
"""What the illustrative sample is made of: products, partners, mixes and targets.

Everything here is plain data read by `generator.data.sources.sample`. Nothing here is
official statistics. The HS codes, Census country codes and the published
annual aggregates (docs/CALIBRATION.md) are facts; every other number (product
weights, country mixes, unit prices, duty rates) is an illustrative estimate
chosen so that the sample reads like real U.S. trade data.

Conventions:
- money targets are USD billions per calendar year; the generator works in USD;
- product weights are relative sizes within the product's group (roughly USD
  billions), one number or a pair (2023, 2025) when the mix drifts;
- duty rates are fractions (0.025 = 2.5 %);
- country mixes give the shares of the big partners; the rest of a group is
  spread over the other partners in proportion to their overall size.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Calibration targets (USD billions, docs/CALIBRATION.md) -------------------------

TARGET_YEARS: tuple[int, ...] = (2023, 2024, 2025)

AI_GROUPS: tuple[str, ...] = (
    "compute_hardware",
    "electrical_power",
    "networking_telecom",
    "cooling_hvac",
    "building_structure",
    "fire_safety_security",
    "specialty_materials",
)
GROUPS: tuple[str, ...] = (*AI_GROUPS, "medium", "low", "excluded")

# HS chapters kept out of every total (they are generated on top of the targets).
EXCLUDED_CHAPTERS: tuple[int, ...] = (27, 71, 98, 99)

IMPORT_TARGETS: dict[str, tuple[float, float, float]] = {
    "compute_hardware": (144.0, 203.0, 353.0),
    "electrical_power": (117.0, 128.0, 142.0),
    "networking_telecom": (63.0, 79.0, 100.0),
    "cooling_hvac": (42.0, 44.0, 48.0),
    "building_structure": (12.0, 11.0, 10.0),
    "fire_safety_security": (0.5, 0.5, 0.5),
    "specialty_materials": (0.5, 0.5, 0.5),
    "medium": (384.0, 387.0, 349.0),
    "low": (1835.0, 1939.0, 1881.0),
}
EXPORT_TARGETS: dict[str, tuple[float, float, float]] = {
    "compute_hardware": (95.0, 113.0, 135.0),
    "electrical_power": (60.0, 67.0, 75.0),
    "networking_telecom": (40.0, 46.0, 54.0),
    "cooling_hvac": (20.0, 23.0, 25.0),
    "building_structure": (5.0, 6.0, 6.0),
    "fire_safety_security": (1.0, 1.0, 1.5),
    "specialty_materials": (1.0, 2.0, 1.5),
    "medium": (230.0, 232.0, 228.0),
    "low": (1100.0, 1111.0, 1122.0),
}
# Excluded chapters, on top of the totals above (Schedule B has no chapter 99).
EXCLUDED_IMPORT_TARGETS: dict[int, tuple[float, float, float]] = {
    27: (230.0, 215.0, 200.0),
    71: (90.0, 100.0, 130.0),
    98: (75.0, 80.0, 85.0),
    99: (15.0, 16.0, 18.0),
}
EXCLUDED_EXPORT_TARGETS: dict[int, tuple[float, float, float]] = {
    27: (300.0, 320.0, 330.0),
    71: (65.0, 75.0, 95.0),
    98: (60.0, 62.0, 65.0),
}

# --- Tariff exemptions ----------------------------------------------------------

# HTS prefixes excepted from the reciprocal tariffs from April 2025: the electronics
# exclusion (computers and parts, semiconductors, smartphones, network gear, SSDs,
# monitors) and the copper and chip minerals of Annex II to EO 14257. The sample's
# duties follow this; the metrics read the lists in taxonomy/exemptions/, and a test
# keeps the two in step. Solar cells and LEDs (854141-854143) are not excepted.
RECIPROCAL_EXEMPT_PREFIXES: tuple[str, ...] = (
    *(f"74{h:02d}" for h in range(1, 14)),  # copper, headings 7401-7413
    "811292",
    "8471",
    "847330",
    "8486",
    "851713",
    "851762",
    "852351",
    "8524",
    "852852",
    "854110",
    "854121",
    "854129",
    "854130",
    "85414910",
    "85414970",
    "85414980",
    "85414995",
    "854151",
    "854159",
    "854190",
    "8542",
)


def is_exempt(hs10: str) -> bool:
    """Whether a code is excepted from the reciprocal tariffs from April 2025."""
    return hs10.startswith(RECIPROCAL_EXEMPT_PREFIXES)


# Chapters outside the reciprocal tariffs for other reasons (energy, pharmaceuticals,
# bullion, special provisions). This is separate from the electronics exclusion.
RECIPROCAL_EXEMPT_CHAPTERS: tuple[int, ...] = (27, 30, 71, 98, 99)

# --- Partners --------------------------------------------------------------------

# Short aliases for the Census Schedule C codes used in the tables below.
CAN, MEX = "1220", "2010"
GTM, SLV, HND, NIC, CRI, DOM = "2050", "2110", "2150", "2190", "2230", "2470"
COL, ECU, PER, CHL, BRA, ARG = "3010", "3310", "3330", "3370", "3510", "3570"
SWE, NOR, FIN, DNK, GBR, IRL = "4010", "4039", "4050", "4099", "4120", "4190"
NLD, BEL, FRA, DEU, AUT, CZE = "4210", "4231", "4279", "4280", "4330", "4351"
SVK, HUN, CHE, POL, ESP, PRT = "4359", "4370", "4419", "4550", "4700", "4710"
ITA, GRC, ROU, TUR = "4759", "4840", "4850", "4890"
ISR, SAU, ARE = "5081", "5170", "5200"
IND, PAK, BGD, LKA = "5330", "5350", "5380", "5420"
THA, VNM, KHM, MYS, SGP, IDN, PHL = "5490", "5520", "5550", "5570", "5590", "5600", "5650"
CHN, KOR, HKG, TWN, JPN = "5700", "5800", "5820", "5830", "5880"
AUS, NZL, ZAF = "6021", "6141", "7910"


@dataclass(frozen=True)
class Country:
    """A partner: Census code and name, overall size, trade agreements, tariff exposure."""

    code: str
    name: str
    imports_bn: float  # rough size of U.S. imports from it, to spread "rest" shares
    exports_bn: float  # rough size of U.S. exports to it
    preference: float = 0.0  # share of product lines entering duty-free under an FTA
    reciprocal: float = 1.0  # reciprocal-tariff exposure from August 2025 (10 % = 1.0)


COUNTRIES: tuple[Country, ...] = (
    Country(CAN, "Canada", 412, 349, preference=0.80, reciprocal=3.5),
    Country(MEX, "Mexico", 506, 334, preference=0.80, reciprocal=2.5),
    Country(GTM, "Guatemala", 7, 10, preference=0.6),
    Country(SLV, "El Salvador", 3, 4, preference=0.6),
    Country(HND, "Honduras", 6, 7, preference=0.6),
    Country(NIC, "Nicaragua", 5, 1, preference=0.6, reciprocal=1.8),
    Country(CRI, "Costa Rica", 10, 9, preference=0.6, reciprocal=1.5),
    Country(DOM, "Dominican Republic", 6, 13, preference=0.6),
    Country(COL, "Colombia", 17, 19, preference=0.7),
    Country(ECU, "Ecuador", 9, 7, reciprocal=1.5),
    Country(PER, "Peru", 10, 12, preference=0.7),
    Country(CHL, "Chile", 16, 18, preference=0.7),
    Country(BRA, "Brazil", 42, 49, reciprocal=3.0),
    Country(ARG, "Argentina", 8, 10),
    Country(SWE, "Sweden", 12, 6, reciprocal=1.5),
    Country(NOR, "Norway", 7, 5, reciprocal=1.5),
    Country(FIN, "Finland", 4, 3, reciprocal=1.5),
    Country(DNK, "Denmark", 11, 4, reciprocal=1.5),
    Country(GBR, "United Kingdom", 68, 80),
    Country(IRL, "Ireland", 103, 16, reciprocal=1.5),
    Country(NLD, "Netherlands", 34, 73, reciprocal=1.5),
    Country(BEL, "Belgium", 25, 38, reciprocal=1.5),
    Country(FRA, "France", 57, 52, reciprocal=1.5),
    Country(DEU, "Germany", 160, 76, reciprocal=1.5),
    Country(AUT, "Austria", 15, 5, reciprocal=1.5),
    Country(CZE, "Czech Republic", 7, 3, reciprocal=1.5),
    Country(SVK, "Slovakia", 5, 1, reciprocal=1.5),
    Country(HUN, "Hungary", 8, 2, reciprocal=1.5),
    Country(CHE, "Switzerland", 64, 20, reciprocal=3.9),
    Country(POL, "Poland", 10, 10, reciprocal=1.5),
    Country(ESP, "Spain", 20, 22, reciprocal=1.5),
    Country(PRT, "Portugal", 6, 3, reciprocal=1.5),
    Country(ITA, "Italy", 76, 27, reciprocal=1.5),
    Country(GRC, "Greece", 2, 2, reciprocal=1.5),
    Country(ROU, "Romania", 4, 2, reciprocal=1.5),
    Country(TUR, "Turkey", 17, 16, reciprocal=1.5),
    Country(ISR, "Israel", 22, 15, preference=0.7, reciprocal=1.5),
    Country(SAU, "Saudi Arabia", 13, 13),
    Country(ARE, "United Arab Emirates", 7, 27),
    Country(IND, "India", 87, 42, reciprocal=4.0),
    Country(PAK, "Pakistan", 5, 3, reciprocal=1.9),
    Country(BGD, "Bangladesh", 8, 2, reciprocal=2.0),
    Country(LKA, "Sri Lanka", 3, 0.3, reciprocal=2.0),
    Country(THA, "Thailand", 63, 18, reciprocal=1.9),
    Country(VNM, "Vietnam", 137, 13, reciprocal=2.0),
    Country(KHM, "Cambodia", 13, 0.3, reciprocal=1.9),
    Country(MYS, "Malaysia", 53, 28, reciprocal=1.9),
    Country(SGP, "Singapore", 43, 46, preference=0.7),
    Country(IDN, "Indonesia", 28, 10, reciprocal=1.9),
    Country(PHL, "Philippines", 14, 10, reciprocal=1.9),
    Country(CHN, "China", 439, 143, reciprocal=2.0),
    Country(KOR, "Korea, South", 132, 66, preference=0.7, reciprocal=1.5),
    Country(HKG, "Hong Kong", 5, 26),
    Country(TWN, "Taiwan", 116, 42, reciprocal=2.0),
    Country(JPN, "Japan", 148, 80, reciprocal=1.5),
    Country(AUS, "Australia", 16, 34, preference=0.7),
    Country(NZL, "New Zealand", 6, 4, reciprocal=1.5),
    Country(ZAF, "South Africa", 14, 6, reciprocal=3.0),
)

# --- Country affinity profiles ------------------------------------------------------
#
# How strongly each partner supplies a kind of product (relative; unlisted partners
# get the profile's default). The generator reconciles these with the group mixes
# below, so a profile shapes *which* products a partner ships, a mix *how much*.

PROFILES: dict[str, tuple[float, dict[str, float]]] = {
    "general": (1.0, {}),
    # AI-related and medium goods
    "servers": (0.1, {TWN: 5, MEX: 5, CHN: 1, THA: 1.5, VNM: 1, MYS: 0.8, KOR: 0.5, SGP: 0.5}),
    "accelerators": (0.1, {TWN: 6, MEX: 2, MYS: 1, THA: 1, VNM: 1, CHN: 0.8, SGP: 0.5, ISR: 0.3}),
    "computer_parts": (
        0.1,
        {TWN: 4, MEX: 3, CHN: 2, VNM: 2, MYS: 1.5, THA: 1.5, PHL: 1, KOR: 0.8, JPN: 0.6},
    ),
    "chips": (
        0.05,
        {MYS: 4, TWN: 3, VNM: 2, IRL: 1.5, ISR: 1.5, CRI: 1.5, PHL: 1.5, KOR: 1, THA: 1, SGP: 1},
    ),
    "memory": (0.05, {KOR: 6, TWN: 2.5, MYS: 1.5, JPN: 1, SGP: 1, CHN: 1, PHL: 0.5}),
    "storage": (0.05, {MYS: 3, THA: 3, CHN: 2, KOR: 2, TWN: 1.5, PHL: 1.5, VNM: 1, SGP: 1}),
    "chip_tools": (
        0.05,
        {NLD: 6, JPN: 6, SGP: 2, KOR: 2, DEU: 2, ISR: 1.5, GBR: 1, CHE: 1, TWN: 1, MYS: 1},
    ),
    "network": (0.1, {VNM: 4, TWN: 3, MEX: 3, MYS: 2, THA: 2, CHN: 2, ISR: 1, SGP: 0.5}),
    "optics": (0.2, {JPN: 2, CHN: 2, MEX: 2, DEU: 1, KOR: 1, TWN: 1}),
    "transformers": (
        0.1,
        {MEX: 5, KOR: 4, CAN: 2, DEU: 2, CHN: 2, BRA: 1.5, TUR: 1.5, AUT: 1, ITA: 1, JPN: 1},
    ),
    "power_electronics": (
        0.1,
        {CHN: 3, MEX: 3, TWN: 2, VNM: 2, THA: 1.5, MYS: 1, PHL: 1, DEU: 0.7, JPN: 0.7},
    ),
    "switchgear": (
        0.1,
        {MEX: 6, DEU: 2, CHN: 2, CAN: 1.5, FRA: 1.5, ITA: 1, JPN: 1, CHE: 1, IND: 0.8},
    ),
    "gensets": (0.1, {GBR: 3, MEX: 2, DEU: 1.5, CHN: 1.5, KOR: 1, ITA: 1, JPN: 1, IND: 0.8}),
    "cables": (0.1, {MEX: 4, CAN: 2, KOR: 2, CHN: 2, JPN: 1, DEU: 1, ITA: 1}),
    "batteries": (0.1, {CHN: 3, MEX: 3, KOR: 2, VNM: 1, JPN: 0.5}),
    "hvac": (0.1, {MEX: 5, CHN: 2, THA: 2, CAN: 1.5, MYS: 1, KOR: 1, JPN: 1, DEU: 1, ITA: 1}),
    "steel_structures": (0.1, {MEX: 4, CAN: 4, CHN: 2, KOR: 1, DEU: 1, TUR: 1, ITA: 0.5}),
    "prefab": (0.1, {CAN: 3, MEX: 2, CHN: 2, DEU: 1}),
    "safety": (0.2, {CHN: 2, MEX: 2, DEU: 1, ISR: 1, GBR: 1, CAN: 1}),
    "materials": (0.2, {JPN: 3, DEU: 2, CHN: 2, NOR: 2, KOR: 1.5, TWN: 1, MYS: 1, BRA: 1}),
    "laptops": (0.03, {CHN: 4, VNM: 3, TWN: 1, THA: 0.5}),
    "solar": (0.05, {VNM: 3, THA: 3, KHM: 2.5, MYS: 2, IDN: 2, IND: 1.5, KOR: 1, CHN: 1}),
    "electronics": (
        0.1,
        {CHN: 3, MEX: 3, VNM: 2, MYS: 1, THA: 1, TWN: 1, KOR: 1, JPN: 1, DEU: 0.7},
    ),
    "copper": (0.1, {CAN: 3, MEX: 3, CHL: 3, PER: 2, KOR: 1, JPN: 0.5, DEU: 0.5}),
    "furniture": (0.1, {VNM: 4, CHN: 3, MEX: 2, CAN: 1.5, MYS: 1, IDN: 1, ITA: 0.5}),
    # Other goods
    "food": (
        0.15,
        {MEX: 4, CAN: 3, CHL: 1.5, PER: 1.5, GTM: 1, CRI: 1, COL: 1, BRA: 1, ECU: 1, IND: 0.8},
    ),
    "seafood": (0.1, {CAN: 3, IND: 3, ECU: 3, CHL: 2, IDN: 2, VNM: 2, CHN: 2, THA: 1.5, NOR: 1.5}),
    "beverages": (0.05, {MEX: 5, FRA: 3, ITA: 3, GBR: 2, IRL: 1.5, NLD: 1, CAN: 1, ESP: 1}),
    "pharma": (
        0.05,
        {IRL: 6, CHE: 4, DEU: 3, IND: 2, ITA: 1.5, DNK: 1.5, BEL: 1.5, GBR: 1.5, SGP: 1, JPN: 1},
    ),
    "chemicals": (
        0.1,
        {DEU: 2, CHN: 2, CAN: 1.5, IND: 1.5, IRL: 1, JPN: 1, KOR: 1, BEL: 1, NLD: 1, CHE: 1},
    ),
    "apparel": (
        0.05,
        {VNM: 5, CHN: 5, BGD: 3, IND: 2, IDN: 2, KHM: 2, HND: 1, GTM: 1, MEX: 1, SLV: 0.8},
    ),
    "footwear": (0.05, {VNM: 6, CHN: 5, IDN: 2, ITA: 1, KHM: 1, IND: 0.6, BRA: 0.4}),
    "autos": (0.05, {MEX: 6, JPN: 5, CAN: 4, KOR: 4, DEU: 4, GBR: 1, SVK: 0.8, ITA: 0.6}),
    "auto_parts": (0.1, {MEX: 6, CAN: 2, CHN: 2, JPN: 2.5, DEU: 2, KOR: 1.5, THA: 0.5}),
    "machinery": (
        0.1,
        {DEU: 3, JPN: 3, MEX: 3, CHN: 3, ITA: 2, CAN: 1.5, KOR: 1, GBR: 1, TWN: 1, CHE: 0.8},
    ),
    "consumer_electronics": (0.05, {CHN: 5, VNM: 3, MEX: 3, IND: 1, THA: 0.8, MYS: 0.5}),
    "medical": (0.1, {MEX: 3, IRL: 2, DEU: 2, CRI: 1.5, CHN: 1.5, CHE: 1, JPN: 1, MYS: 0.6}),
    "metals": (0.2, {CAN: 5, MEX: 2, BRA: 1.5, KOR: 1, CHN: 1, JPN: 0.8, DEU: 0.8, TUR: 0.8}),
    "wood_paper": (0.1, {CAN: 6, CHN: 1.5, BRA: 1, VNM: 1, DEU: 0.5, SWE: 0.5, FIN: 0.5}),
    "toys": (0.05, {CHN: 8, VNM: 2, MEX: 1, IND: 0.5, IDN: 0.5}),
    "aircraft": (0.1, {FRA: 4, CAN: 3, GBR: 2, DEU: 2, BRA: 1.5, JPN: 1, ITA: 0.5}),
    "art": (0.05, {GBR: 3, FRA: 2, CHE: 2, DEU: 1, ITA: 1, HKG: 1}),
    "energy": (0.05, {CAN: 8, MEX: 1.5, SAU: 1, COL: 0.8, BRA: 0.6, ECU: 0.5, NOR: 0.5}),
    "bullion": (0.1, {CHE: 4, CAN: 3, IND: 2, MEX: 1.5, ISR: 1.5, ITA: 1.2, PER: 1, HKG: 0.5}),
    "returned": (0.3, {MEX: 3, CAN: 3, CHN: 1, JPN: 1, DEU: 1}),
}

# --- Products ----------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """One HTS 10-digit line of the sample."""

    hs10: str
    description: str
    group: str  # an AI category key, "medium", "low" or "excluded"
    unit1: str  # Census unit of quantity; "X" = no quantity
    unit_price: float  # USD per unit1, to derive qty1
    duty: float  # base MFN-like ad valorem rate
    imports: tuple[float, float]  # relative weight in its group, 2023 and 2025
    exports: tuple[float, float]
    profile: str = "general"
    section301: float | None = None  # China Section 301 rate; None = group default
    # False for a line a 10-digit rule names: scaled samples add no made-up suffixes
    # beside it, since they could fall on the other side of that rule.
    subdivide: bool = True

    @property
    def chapter(self) -> int:
        return int(self.hs10[:2])

    @property
    def exempt(self) -> bool:
        return is_exempt(self.hs10)


def _pair(w: float | tuple[float, float]) -> tuple[float, float]:
    return (float(w), float(w)) if isinstance(w, int | float) else (float(w[0]), float(w[1]))


def P(
    hs10: str,
    description: str,
    group: str,
    unit1: str,
    unit_price: float,
    duty: float,
    imports: float | tuple[float, float],
    exports: float | tuple[float, float] | None = None,
    profile: str = "general",
    section301: float | None = None,
    subdivide: bool = True,
) -> Product:
    """Shorthand: exports default to the import weights."""
    imp = _pair(imports)
    exp = imp if exports is None else _pair(exports)
    return Product(
        hs10, description, group, unit1, unit_price, duty, imp, exp, profile, section301, subdivide
    )


# AI-related products (tier "high" in taxonomy/ai_products.yaml): real HTS lines.
AI_PRODUCTS: tuple[Product, ...] = (
    # Compute hardware
    P("8471490000", "Automatic data processing machines presented in the form of systems",
      "compute_hardware", "NO", 9_000, 0.0, (3, 8), profile="servers"),
    P("8471500150", "Processing units other than of 8471.41 or 8471.49 (servers)",
      "compute_hardware", "NO", 12_000, 0.0, (38, 150), (30, 70), profile="servers"),
    P("8471704065", "Hard magnetic disk drive storage units",
      "compute_hardware", "NO", 180, 0.0, (3, 3), profile="storage"),
    P("8471709000", "Storage units of ADP machines, other",
      "compute_hardware", "NO", 2_000, 0.0, (2, 3), profile="storage"),
    P("8471801000", "Control or adapter units of ADP machines",
      "compute_hardware", "NO", 6_000, 0.0, (4, 30), (3, 8), profile="accelerators"),
    P("8471804000", "Units suitable for physical incorporation into ADP machines",
      "compute_hardware", "NO", 800, 0.0, (2, 6), profile="accelerators"),
    P("8471809000", "Other units of automatic data processing machines",
      "compute_hardware", "NO", 1_500, 0.0, (2, 8), profile="accelerators"),
    P("8473301140", "Memory modules, printed circuit assemblies for ADP machines",
      "compute_hardware", "NO", 60, 0.0, (3, 6), profile="memory"),
    P("8473301180", "Printed circuit assemblies for ADP machines, other",
      "compute_hardware", "NO", 400, 0.0, (12, 35), profile="computer_parts"),
    P("8473305100", "Parts and accessories of ADP machines, not printed circuit assemblies",
      "compute_hardware", "X", 0, 0.0, (5, 9), profile="computer_parts"),
    P("8542310000", "Electronic integrated circuits: processors and controllers",
      "compute_hardware", "NO", 25, 0.0, (14, 25), (25, 30), profile="chips"),
    P("8542320002", "Electronic integrated circuits: memories",
      "compute_hardware", "NO", 6, 0.0, (4, 8), profile="memory"),
    P("8542390090", "Electronic integrated circuits, other",
      "compute_hardware", "NO", 2, 0.0, (10, 15), (15, 18), profile="chips"),
    P("8486100000", "Machines for the manufacture of boules or wafers",
      "compute_hardware", "NO", 900_000, 0.0, (0.5, 0.6), (1, 1.5), profile="chip_tools"),
    P("8486200000", "Machines for the manufacture of semiconductor devices or ICs",
      "compute_hardware", "NO", 2_500_000, 0.0, (8, 10), (12, 14), profile="chip_tools"),
    P("8486300000", "Machines for the manufacture of flat panel displays",
      "compute_hardware", "NO", 1_200_000, 0.0, (0.3, 0.3), profile="chip_tools"),
    P("8486400000", "Machines and apparatus of note 11(C) to chapter 84",
      "compute_hardware", "NO", 400_000, 0.0, (2, 3), (3, 4), profile="chip_tools"),
    P("8486900000", "Parts and accessories of machines of heading 8486",
      "compute_hardware", "X", 0, 0.0, (3, 4), (6, 7), profile="chip_tools"),
    # Electrical power
    P("8504210000", "Liquid dielectric transformers, power handling capacity <= 650 kVA",
      "electrical_power", "NO", 9_000, 0.016, (1.5, 2), profile="transformers"),
    P("8504220000", "Liquid dielectric transformers, 650 kVA to 10,000 kVA",
      "electrical_power", "NO", 150_000, 0.016, (1.2, 2), profile="transformers"),
    P("8504230000", "Liquid dielectric transformers, power handling capacity > 10,000 kVA",
      "electrical_power", "NO", 2_500_000, 0.016, (1.5, 2.5), profile="transformers"),
    P("8504330000", "Other transformers, power handling capacity 16 kVA to 500 kVA",
      "electrical_power", "NO", 6_000, 0.016, (0.8, 1.1), profile="transformers"),
    P("8504340000", "Other transformers, power handling capacity > 500 kVA",
      "electrical_power", "NO", 60_000, 0.016, (0.6, 1), profile="transformers"),
    P("8504406000", "Power supplies for ADP machines of heading 8471, for physical "
      "incorporation (illustrative suffix)", "electrical_power", "NO", 150, 0.0, (6, 10),
      profile="power_electronics"),
    P("8504409510", "Static converters: uninterruptible power supplies",
      "electrical_power", "NO", 900, 0.015, (6, 9), profile="power_electronics",
      subdivide=False),
    P("8535210000", "Automatic circuit breakers for a voltage of < 72.5 kV, over 1,000 V",
      "electrical_power", "NO", 3_000, 0.027, (0.8, 1.2), profile="switchgear"),
    P("8535290000", "Automatic circuit breakers for a voltage of >= 72.5 kV",
      "electrical_power", "NO", 40_000, 0.027, (0.8, 1.3), profile="switchgear"),
    P("8535300080", "Isolating switches and make-and-break switches, over 1,000 V",
      "electrical_power", "NO", 2_500, 0.027, (0.6, 0.9), profile="switchgear"),
    P("8535908000", "Other apparatus for switching or protecting circuits, over 1,000 V",
      "electrical_power", "X", 0, 0.027, (1.5, 2.5), profile="switchgear"),
    P("8536200040", "Automatic circuit breakers, <= 1,000 V, molded case",
      "electrical_power", "NO", 90, 0.027, (2, 2.6), profile="switchgear"),
    P("8536200080", "Automatic circuit breakers, <= 1,000 V, other",
      "electrical_power", "NO", 25, 0.027, (1.5, 2), profile="switchgear"),
    P("8536308000", "Apparatus for protecting electrical circuits, <= 1,000 V, other",
      "electrical_power", "X", 0, 0.027, (2, 2.5), profile="switchgear"),
    P("8537200000", "Boards, panels and consoles for a voltage exceeding 1,000 V",
      "electrical_power", "X", 0, 0.027, (1.5, 2.5), profile="switchgear"),
    P("8502110000", "Generating sets with compression-ignition engines, <= 75 kVA",
      "electrical_power", "NO", 9_000, 0.024, (0.6, 0.8), profile="gensets"),
    P("8502120000", "Generating sets with compression-ignition engines, 75 to 375 kVA",
      "electrical_power", "NO", 40_000, 0.024, (0.6, 0.9), profile="gensets"),
    P("8502130000", "Generating sets with compression-ignition engines, > 375 kVA",
      "electrical_power", "NO", 300_000, 0.024, (1.6, 3.5), profile="gensets"),
    P("8507200080", "Lead-acid storage batteries, other than for starting engines",
      "electrical_power", "NO", 150, 0.035, (2.5, 3), profile="batteries"),
    P("8544602000", "Insulated conductors for a voltage > 1,000 V, with copper conductors",
      "electrical_power", "KG", 12, 0.035, (0.8, 1.0), profile="cables"),
    P("8544604000", "Insulated conductors for a voltage > 1,000 V, other",
      "electrical_power", "KG", 10, 0.035, (1.5, 2.2), profile="cables"),
    # Networking & telecom
    P("8517620010", "Machines for reception, conversion and transmission of data: switching "
      "and routing apparatus", "networking_telecom", "NO", 1_800, 0.0, (30, 55),
      profile="network", subdivide=False),
    P("8517690000", "Other apparatus for transmission or reception of voice, images or data",
      "networking_telecom", "NO", 200, 0.0, (3.5, 5), profile="network"),
    P("8544700000", "Optical fiber cables made up of individually sheathed fibers",
      "networking_telecom", "KG", 25, 0.0, (1, 1.8), profile="optics"),
    P("9001100075", "Optical fibers, optical fiber bundles and cables, other",
      "networking_telecom", "KG", 60, 0.067, (0.8, 1.2), profile="optics"),
    P("8536700000", "Connectors for optical fibers, optical fiber bundles or cables",
      "networking_telecom", "NO", 4, 0.027, (0.8, 1.5), profile="optics"),
    # Cooling & HVAC
    P("8415820100", "Air conditioning machines incorporating a refrigerating unit, other",
      "cooling_hvac", "NO", 2_500, 0.022, (6, 7), profile="hvac"),
    P("8418690180", "Refrigerating or freezing equipment, other: chillers",
      "cooling_hvac", "NO", 9_000, 0.0, (4, 5), profile="hvac"),
    P("8414596560", "Fans, other: centrifugal and axial fans for industrial use",
      "cooling_hvac", "NO", 150, 0.023, (3.5, 4), profile="hvac"),
    P("8414596590", "Fans, other",
      "cooling_hvac", "NO", 40, 0.023, (3, 3.5), profile="hvac"),
    P("8419505000", "Heat exchange units, other",
      "cooling_hvac", "NO", 1_500, 0.0, (5, 6), profile="hvac"),
    P("8419896500", "Cooling towers and similar plant for direct cooling",
      "cooling_hvac", "NO", 25_000, 0.042, (2, 2.5), profile="hvac"),
    # Building & structure
    P("7308909530", "Structures and parts of structures of iron or steel: columns and beams",
      "building_structure", "KG", 2.5, 0.0, (1.5, 1.2), profile="steel_structures"),
    P("7308909560", "Structures and parts of structures of iron or steel: raised floors",
      "building_structure", "KG", 3.0, 0.0, (1, 0.8), profile="steel_structures"),
    P("7308909590", "Structures and parts of structures of iron or steel, other",
      "building_structure", "KG", 2.8, 0.0, (7, 5.5), profile="steel_structures"),
    P("9406900030", "Prefabricated buildings of iron or steel",
      "building_structure", "X", 0, 0.029, (1.5, 1.5), profile="prefab"),
    P("9406900090", "Prefabricated buildings, other",
      "building_structure", "X", 0, 0.029, (0.8, 0.8), profile="prefab"),
    # Fire safety & security
    P("8424100000", "Fire extinguishers, whether or not charged",
      "fire_safety_security", "NO", 60, 0.024, (0.25, 0.25), profile="safety"),
    P("8531100035", "Burglar alarms",
      "fire_safety_security", "NO", 45, 0.013, (0.1, 0.1), profile="safety"),
    P("8531100045", "Fire alarms and smoke detectors",
      "fire_safety_security", "NO", 20, 0.013, (0.15, 0.15), profile="safety"),
    # Specialty materials
    P("2804610000", "Silicon containing by weight not less than 99.99 percent of silicon",
      "specialty_materials", "KG", 25, 0.0, (0.2, 0.15), (0.5, 0.4), profile="materials"),
    P("3818000000", "Chemical elements doped for use in electronics (wafers)",
      "specialty_materials", "KG", 900, 0.0, (0.2, 0.25), (0.4, 0.5), profile="materials"),
    P("8112921000", "Gallium, unwrought; waste and scrap; powders",
      "specialty_materials", "KG", 400, 0.03, 0.03, profile="materials"),
    P("8112923000", "Indium, unwrought; waste and scrap; powders",
      "specialty_materials", "KG", 300, 0.0, 0.03, profile="materials"),
    P("8112926000", "Germanium, unwrought; waste and scrap; powders",
      "specialty_materials", "KG", 1_500, 0.026, 0.04, profile="materials"),
)  # fmt: skip

# Medium relevance: dual-use goods, in totals but neither AI nor non-AI.
MEDIUM_PRODUCTS: tuple[Product, ...] = (
    P("8471300100", "Portable automatic data processing machines (laptops)",
      "medium", "NO", 700, 0.0, (66, 55), (8, 8), profile="laptops", section301=0.0),
    P("8471609000", "Input or output units of ADP machines, other",
      "medium", "NO", 60, 0.0, (12, 10), profile="electronics"),
    P("8471900000", "Magnetic or optical readers and other ADP machines n.e.s.",
      "medium", "NO", 150, 0.0, 1, profile="electronics"),
    P("8517180000", "Telephone sets, other",
      "medium", "NO", 40, 0.0, 1, profile="electronics"),
    P("8517710000", "Aerials and aerial reflectors of all kinds; parts",
      "medium", "X", 0, 0.0, 3, profile="electronics"),
    P("8541100080", "Diodes, other than photosensitive or light-emitting",
      "medium", "NO", 0.05, 0.0, 2, profile="chips"),
    P("8541290095", "Transistors, other than photosensitive, dissipation >= 1 W",
      "medium", "NO", 0.3, 0.0, 2.5, profile="chips"),
    P("8541420010", "Photovoltaic cells not assembled in modules",
      "medium", "NO", 0.6, 0.0, (1, 3), profile="solar"),
    P("8541430010", "Photovoltaic cells assembled in modules or made up into panels",
      "medium", "NO", 120, 0.0, (15, 8), (1, 1), profile="solar"),
    P("8541590000", "Semiconductor devices, other",
      "medium", "NO", 0.5, 0.0, 2, profile="chips"),
    P("8542330001", "Electronic integrated circuits: amplifiers",
      "medium", "NO", 1.5, 0.0, 1, profile="chips"),
    P("8507600010", "Lithium-ion batteries for the propulsion of electric vehicles",
      "medium", "NO", 9_000, 0.034, (6, 5), profile="batteries"),
    P("8507600020", "Lithium-ion storage batteries, other",
      "medium", "NO", 60, 0.034, (17, 16), profile="batteries"),
    P("8544422000", "Insulated electric conductors, <= 1,000 V, with connectors, "
      "for telecommunications", "medium", "X", 0, 0.0, 3, profile="cables"),
    P("8544429090", "Insulated electric conductors, <= 1,000 V, with connectors, other",
      "medium", "X", 0, 0.026, 5, profile="cables"),
    P("8504314000", "Other transformers, power handling capacity <= 1 kVA",
      "medium", "NO", 3, 0.016, 1, profile="power_electronics"),
    P("8536509065", "Switches for a voltage <= 1,000 V, other",
      "medium", "NO", 3, 0.027, 3, profile="switchgear"),
    P("8536694000", "Plugs and sockets for a voltage <= 1,000 V, connectors",
      "medium", "NO", 0.4, 0.027, 3.5, profile="electronics"),
    P("8536904000", "Terminals, electrical splices and couplings, <= 1,000 V",
      "medium", "NO", 0.2, 0.027, 1.5, profile="switchgear"),
    P("8502200000", "Generating sets with spark-ignition internal combustion engines",
      "medium", "NO", 700, 0.024, 1, profile="gensets"),
    P("8415810100", "Air conditioning machines with reversible heat pump",
      "medium", "NO", 1_200, 0.022, 2, profile="hvac"),
    P("8415830000", "Air conditioning machines not incorporating a refrigerating unit",
      "medium", "NO", 800, 0.022, 0.5, profile="hvac"),
    P("7408116000", "Wire of refined copper, maximum cross-sectional dimension over 6 mm",
      "medium", "KG", 10, 0.01, 0.8, profile="copper"),
    P("7408190030", "Wire of refined copper, other",
      "medium", "KG", 12, 0.03, 0.5, profile="copper"),
    P("7413005000", "Stranded wire, cables and plaited bands of copper, not insulated",
      "medium", "KG", 11, 0.026, 0.5, profile="copper"),
    P("8517790000", "Parts of apparatus of heading 8517, other than aerials",
      "medium", "X", 0, 0.0, (2.5, 4), profile="network"),
    P("8538100000", "Boards, panels and consoles of 8537, not equipped with apparatus",
      "medium", "X", 0, 0.035, (1, 1.2), profile="switchgear"),
    P("8538908180", "Parts of switchgear and switchboards, other",
      "medium", "X", 0, 0.035, (6, 7), profile="switchgear"),
    P("8504409580", "Static converters, other",
      "medium", "NO", 40, 0.015, (22, 28), profile="power_electronics"),
    P("8414308030", "Compressors used in refrigerating equipment, hermetic",
      "medium", "NO", 120, 0.0, (2, 2), profile="hvac"),
    P("8414308060", "Compressors used in refrigerating equipment, other",
      "medium", "NO", 700, 0.0, (5, 5.5), profile="hvac"),
    P("8523510000", "Solid-state non-volatile storage devices",
      "medium", "NO", 90, 0.0, (7, 10), profile="storage"),
    P("8471410150", "ADP machines with CPU, input and output unit in one housing, other",
      "medium", "NO", 2_500, 0.0, (4, 6), profile="servers"),
    P("8504909690", "Parts of transformers and static converters, other",
      "medium", "X", 0, 0.024, (5, 6), profile="power_electronics"),
    P("8517620020", "Machines for reception, conversion and transmission of data: "
      "transceivers", "medium", "NO", 300, 0.0, (8, 12), profile="network"),
    P("8517620090", "Machines for reception, conversion and transmission of data, other",
      "medium", "NO", 250, 0.0, (14, 19), profile="network"),
    P("8537109170", "Boards and panels for electric control, <= 1,000 V, other",
      "medium", "X", 0, 0.027, (5, 7), profile="switchgear"),
    P("8537109190", "Boards, panels and consoles, <= 1,000 V, not elsewhere specified",
      "medium", "X", 0, 0.027, (4, 5.5), profile="switchgear"),
    P("9403200050", "Metal furniture, other than for offices: racks and cabinets",
      "medium", "NO", 120, 0.0, 4, profile="furniture"),
    P("9403200090", "Metal furniture, other",
      "medium", "NO", 80, 0.0, 2, profile="furniture"),
)  # fmt: skip

# Non-AI goods ("low"). Every chapter 01-97 except 77 and the excluded ones. In the
# chapters the AI rules touch (28, 38, 73, 74, 81, 84, 85, 87, 90, 94) these are real
# headings outside every high or medium rule; elsewhere the statistical suffix is
# illustrative. Columns: hs10, description, unit1, unit price, base duty,
# imports weight, exports weight, profile.
_LOW: tuple[tuple[str, str, str, float, float, float, float, str], ...] = (
    # 01-05 animals and animal products
    ("0102294054", "Live cattle, other than purebred breeding", "NO", 1_400, 0.01, 2.5, 0.3, "food"),
    ("0103920090", "Live swine, weighing 50 kg or more", "NO", 200, 0.0, 0.5, 0.1, "food"),
    ("0106900000", "Live animals, other (illustrative)", "NO", 300, 0.0, 0.5, 0.6, "general"),
    ("0201305000", "Fresh or chilled boneless bovine meat", "KG", 9, 0.04, 5, 3, "food"),
    ("0202305000", "Frozen boneless bovine meat", "KG", 7, 0.04, 5, 2, "food"),
    ("0203294000", "Frozen meat of swine, other", "KG", 4, 0.01, 1.5, 5, "food"),
    ("0207142000", "Frozen cuts and offal of chickens", "KG", 2, 0.04, 0.3, 3, "food"),
    ("0302140000", "Fresh or chilled Atlantic and Danube salmon", "KG", 11, 0.0, 4, 0.3, "seafood"),
    ("0304810000", "Frozen fillets of Pacific, Atlantic and Danube salmon", "KG", 12, 0.0, 3, 0.5, "seafood"),
    ("0306170040", "Frozen shrimps and prawns, peeled", "KG", 9, 0.0, 6, 0.2, "seafood"),
    ("0306140000", "Frozen crabs", "KG", 20, 0.0, 3, 0.4, "seafood"),
    ("0402210000", "Milk and cream in powder, not sweetened", "KG", 4, 0.05, 0.1, 2, "food"),
    ("0406909500", "Cheese, other", "KG", 10, 0.1, 2, 1.5, "food"),
    ("0409000000", "Natural honey", "KG", 3, 0.02, 0.6, 0.1, "food"),
    ("0504000000", "Guts, bladders and stomachs of animals", "KG", 3, 0.0, 0.5, 1, "food"),
    ("0511998500", "Animal products n.e.s., other (illustrative)", "X", 0, 0.0, 1.5, 1, "general"),
    # 06-14 vegetable products
    ("0602904000", "Live plants, other (illustrative)", "NO", 2, 0.02, 1, 0.3, "food"),
    ("0603110060", "Cut roses, fresh", "NO", 0.3, 0.068, 1.2, 0.02, "food"),
    ("0702006000", "Tomatoes, fresh or chilled", "KG", 1.5, 0.03, 3.5, 0.3, "food"),
    ("0707005000", "Cucumbers, fresh or chilled", "KG", 1, 0.04, 1, 0.1, "food"),
    ("0709604000", "Fruits of the genus Capsicum (peppers), fresh", "KG", 1.8, 0.05, 2, 0.2, "food"),
    ("0713339000", "Dried kidney beans, other", "KG", 1.2, 0.0, 0.3, 1.5, "food"),
    ("0802120000", "Almonds, fresh or dried, shelled", "KG", 5, 0.0, 0.1, 5, "food"),
    ("0802520000", "Pistachios, shelled", "KG", 15, 0.0, 0.05, 1.5, "food"),
    ("0803900025", "Bananas, fresh", "KG", 0.8, 0.0, 2.5, 0.05, "food"),
    ("0804400010", "Avocados, fresh", "KG", 3, 0.01, 3, 0.1, "food"),
    ("0806101000", "Fresh grapes", "KG", 2.5, 0.01, 2, 0.8, "food"),
    ("0810400030", "Fresh blueberries", "KG", 6, 0.0, 2.5, 0.4, "food"),
    ("0901110025", "Coffee, not roasted, not decaffeinated", "KG", 6, 0.0, 8, 0.2, "food"),
    ("0901210000", "Coffee, roasted, not decaffeinated", "KG", 12, 0.0, 2, 0.5, "food"),
    ("0902300000", "Black tea, in packages <= 3 kg", "KG", 8, 0.0, 0.5, 0.05, "food"),
    ("0904120000", "Pepper of the genus Piper, crushed or ground", "KG", 7, 0.0, 0.8, 0.05, "food"),
    ("1001992000", "Wheat and meslin, other", "T", 280, 0.01, 0.8, 6, "food"),
    ("1005902000", "Maize (corn), other than seed, yellow dent", "T", 220, 0.0, 0.4, 13, "food"),
    ("1006300000", "Semi-milled or wholly milled rice", "KG", 1.1, 0.02, 1.5, 1.8, "food"),
    ("1101000090", "Wheat or meslin flour (illustrative)", "KG", 0.6, 0.01, 0.3, 0.2, "food"),
    ("1107100000", "Malt, not roasted", "KG", 0.6, 0.01, 0.5, 0.1, "food"),
    ("1201900000", "Soybeans, other than seed", "T", 450, 0.0, 0.2, 24, "food"),
    ("1205100000", "Low erucic acid rape or colza seeds", "T", 500, 0.0, 1, 0.1, "food"),
    ("1302199140", "Vegetable saps and extracts, other (illustrative)", "KG", 15, 0.0, 1.5, 0.6, "chemicals"),
    ("1401900000", "Vegetable materials used primarily for plaiting, other", "KG", 2, 0.0, 0.05, 0.01, "general"),
    # 15-24 prepared foods, beverages, tobacco
    ("1509200000", "Extra virgin olive oil", "KG", 7, 0.03, 2, 0.1, "beverages"),
    ("1511100000", "Crude palm oil", "KG", 1, 0.0, 1.5, 0.01, "food"),
    ("1514190000", "Low erucic acid rape or colza oil, other than crude", "KG", 1.3, 0.06, 4, 0.3, "food"),
    ("1507904050", "Soybean oil, refined (illustrative)", "KG", 1.2, 0.19, 0.05, 1, "food"),
    ("1604141091", "Tunas, prepared or preserved (illustrative)", "KG", 6, 0.06, 1, 0.1, "seafood"),
    ("1605211020", "Shrimps and prawns, prepared, not in airtight containers", "KG", 10, 0.0, 1.5, 0.05, "seafood"),
    ("1701140000", "Raw cane sugar, other", "KG", 0.6, 0.02, 1.5, 0.05, "food"),
    ("1704909000", "Sugar confectionery, other", "KG", 4, 0.05, 2.5, 0.7, "food"),
    ("1801000000", "Cocoa beans, whole or broken, raw or roasted", "KG", 6, 0.0, 1.5, 0.01, "food"),
    ("1806900090", "Chocolate and food preparations containing cocoa, other", "KG", 7, 0.05, 3, 1, "food"),
    ("1902190000", "Uncooked pasta, not containing eggs", "KG", 2, 0.0, 1.5, 0.2, "beverages"),
    ("1905906090", "Bread, pastry, cakes, biscuits, other", "KG", 5, 0.0, 6, 2, "food"),
    ("2005995000", "Vegetables prepared or preserved, other (illustrative)", "KG", 3, 0.11, 3, 1, "food"),
    ("2008199090", "Nuts and seeds, prepared or preserved, other", "KG", 7, 0.0, 2, 1.5, "food"),
    ("2009110000", "Orange juice, frozen", "L", 1.5, 0.08, 1, 0.1, "food"),
    ("2103909091", "Sauces and preparations therefor, other", "KG", 3, 0.06, 2, 1, "food"),
    ("2106909998", "Food preparations not elsewhere specified, other", "KG", 8, 0.06, 6, 5, "food"),
    ("2203000030", "Beer made from malt, in containers <= 4 liters", "L", 1.4, 0.0, 8, 0.5, "beverages"),
    ("2204215040", "Wine of fresh grapes, in containers <= 2 liters", "L", 7, 0.02, 6, 1, "beverages"),
    ("2208303060", "Whiskies, in containers <= 4 liters", "L", 25, 0.0, 2.5, 1.5, "beverages"),
    ("2208904000", "Tequila, in containers <= 4 liters", "L", 20, 0.0, 5, 0.1, "beverages"),
    ("2207100000", "Undenatured ethyl alcohol of 80 % vol or higher", "L", 0.6, 0.025, 0.3, 3, "food"),
    ("2304000000", "Oilcake and other solid residues of soybean oil", "T", 400, 0.0, 0.2, 5, "food"),
    ("2309109000", "Dog or cat food, put up for retail sale, other", "KG", 3, 0.0, 1.5, 2, "food"),
    ("2401204000", "Tobacco, partly or wholly stemmed, flue-cured (illustrative)", "KG", 6, 0.1, 1, 1, "general"),
    ("2402100000", "Cigars, cheroots and cigarillos containing tobacco", "NO", 1.5, 0.04, 1, 0.1, "general"),
    # 25-26 mineral products
    ("2501000000", "Salt and pure sodium chloride (illustrative)", "T", 60, 0.0, 0.5, 0.1, "metals"),
    ("2508100000", "Bentonite", "T", 120, 0.0, 0.05, 1, "metals"),
    ("2515120000", "Marble and travertine, merely cut into blocks or slabs", "T", 700, 0.03, 0.4, 0.05, "general"),
    ("2523290000", "Portland cement, other than white", "T", 110, 0.0, 2, 0.2, "metals"),
    ("2601120030", "Iron ores and concentrates, agglomerated", "T", 110, 0.0, 0.4, 1.5, "metals"),
    ("2603000010", "Copper ores and concentrates: copper content", "KG", 8, 0.0, 0.3, 3.5, "metals"),
    ("2606000060", "Aluminum ores and concentrates (bauxite), other", "T", 50, 0.0, 0.4, 0.05, "metals"),
    ("2615906060", "Niobium, tantalum or vanadium ores, other (illustrative)", "KG", 30, 0.0, 0.4, 0.02, "metals"),
    # 28-38 chemicals
    ("2804695000", "Silicon containing by weight less than 99.99 percent of silicon", "KG", 3, 0.053, 0.8, 0.3, "materials"),
    ("2814100000", "Anhydrous ammonia", "T", 450, 0.0, 1, 0.3, "chemicals"),
    ("2818200000", "Aluminum oxide, other than artificial corundum", "KG", 0.5, 0.0, 0.5, 0.3, "chemicals"),
    ("2836910010", "Lithium carbonate", "KG", 15, 0.037, 0.6, 0.1, "chemicals"),
    ("2844200020", "Uranium enriched in U235 (illustrative)", "KG", 3_000, 0.0, 1.5, 0.5, "chemicals"),
    ("2902200000", "Benzene", "KG", 1, 0.0, 1, 1.5, "chemicals"),
    ("2905120050", "Propan-1-ol and propan-2-ol (illustrative)", "KG", 1.5, 0.055, 0.5, 1.5, "chemicals"),
    ("2924297195", "Cyclic amides, other (illustrative)", "KG", 60, 0.065, 5, 2, "pharma"),
    ("2933998900", "Heterocyclic compounds with nitrogen hetero-atoms, other", "KG", 400, 0.065, 25, 8, "pharma"),
    ("2937190000", "Polypeptide hormones, protein hormones, other", "KG", 5_000, 0.0, 8, 6, "pharma"),
    ("2941909000", "Antibiotics, other", "KG", 200, 0.0, 1, 0.8, "pharma"),
    ("3002120000", "Antisera and other blood fractions", "KG", 2_000, 0.0, 20, 8, "pharma"),
    ("3002150190", "Immunological products, put up in measured doses or retail packings", "KG", 10_000, 0.0, 60, 20, "pharma"),
    ("3002490000", "Vaccines, toxins, cultures of micro-organisms, other", "KG", 3_000, 0.0, 15, 8, "pharma"),
    ("3004909290", "Medicaments put up in measured doses or retail packings, other", "KG", 600, 0.0, 95, 30, "pharma"),
    ("3006930000", "Placebos and blinded clinical trial kits", "KG", 300, 0.0, 4, 2, "pharma"),
    ("3102100000", "Urea, whether or not in aqueous solution", "T", 350, 0.0, 2, 0.2, "chemicals"),
    ("3104202000", "Potassium chloride", "T", 320, 0.0, 4, 0.2, "metals"),
    ("3105300000", "Diammonium hydrogenorthophosphate (DAP)", "T", 600, 0.0, 0.3, 1.5, "chemicals"),
    ("3204170000", "Synthetic organic pigments and preparations based thereon", "KG", 10, 0.065, 1.5, 0.8, "chemicals"),
    ("3208200000", "Paints and varnishes based on acrylic or vinyl polymers", "KG", 5, 0.036, 1.5, 2, "chemicals"),
    ("3215190000", "Printing ink, other than black", "KG", 8, 0.018, 1, 1, "chemicals"),
    ("3302101000", "Mixtures of odoriferous substances for the food industry", "KG", 25, 0.0, 2, 1.5, "chemicals"),
    ("3303003000", "Perfumes and toilet waters", "L", 60, 0.0, 4, 1, "beverages"),
    ("3304990000", "Beauty or make-up preparations, other", "KG", 20, 0.0, 7, 4, "chemicals"),
    ("3307900000", "Perfumery, cosmetic or toilet preparations n.e.s.", "KG", 9, 0.054, 1, 1, "chemicals"),
    ("3401110000", "Soap for toilet use in bars or cakes", "KG", 4, 0.0, 1, 0.4, "chemicals"),
    ("3402909000", "Washing and cleaning preparations, other", "KG", 3, 0.037, 2, 2, "chemicals"),
    ("3403190000", "Lubricating preparations containing petroleum oils, other", "KG", 4, 0.058, 1, 1.5, "chemicals"),
    ("3506910000", "Adhesives based on polymers or rubber", "KG", 6, 0.021, 1, 1, "chemicals"),
    ("3507909000", "Enzymes and prepared enzymes, other", "KG", 30, 0.0, 1.5, 1, "chemicals"),
    ("3602000000", "Prepared explosives, other than propellent powders", "KG", 3, 0.0, 0.2, 0.3, "general"),
    ("3604100000", "Fireworks", "KG", 3, 0.024, 0.5, 0.02, "toys"),
    ("3701300000", "Photographic plates and film, any side exceeding 255 mm", "M2", 15, 0.037, 0.5, 0.3, "chemicals"),
    ("3707901000", "Chemical preparations for photographic uses, other", "KG", 30, 0.0, 0.6, 0.5, "chemicals"),
    ("3808915000", "Insecticides, other", "KG", 10, 0.05, 1.5, 1.5, "chemicals"),
    ("3815190000", "Supported catalysts, other", "KG", 20, 0.0, 1.2, 1.5, "chemicals"),
    ("3822190040", "Diagnostic or laboratory reagents on a backing, other", "KG", 200, 0.0, 4, 4, "medical"),
    ("3824999397", "Chemical products and preparations n.e.s., other", "KG", 5, 0.05, 6, 6, "chemicals"),
    ("3826001000", "Biodiesel and mixtures thereof", "L", 1.3, 0.046, 1.5, 0.5, "food"),
    # 39-40 plastics and rubber
    ("3901105000", "Polyethylene having a specific gravity of less than 0.94", "KG", 1.3, 0.065, 1, 8, "chemicals"),
    ("3902100000", "Polypropylene, in primary forms", "KG", 1.3, 0.065, 1, 3, "chemicals"),
    ("3907610000", "Poly(ethylene terephthalate), viscosity number >= 78 ml/g", "KG", 1.3, 0.065, 2, 2, "chemicals"),
    ("3920100000", "Plates, sheets and film of polymers of ethylene", "KG", 4, 0.042, 5, 3, "chemicals"),
    ("3923100000", "Boxes, cases, crates and similar articles of plastics", "KG", 4, 0.03, 5, 2, "toys"),
    ("3924104000", "Tableware and kitchenware of plastics", "KG", 5, 0.034, 4, 0.4, "toys"),
    ("3926909985", "Other articles of plastics, other", "KG", 8, 0.053, 18, 5, "machinery"),
    ("4001220000", "Technically specified natural rubber (TSNR)", "KG", 1.7, 0.0, 2, 0.02, "general"),
    ("4011101050", "New pneumatic radial tires of rubber, for motor cars", "NO", 70, 0.04, 15, 2, "auto_parts"),
    ("4011201015", "New pneumatic radial tires of rubber, for buses or lorries", "NO", 220, 0.04, 5, 0.8, "auto_parts"),
    ("4016995500", "Articles of vulcanized rubber, other (illustrative)", "KG", 9, 0.025, 4, 2, "auto_parts"),
    # 41-43 hides, leather, travel goods
    ("4101500000", "Whole raw hides and skins of bovine animals, over 16 kg", "NO", 40, 0.0, 0.05, 0.8, "food"),
    ("4107120000", "Leather of bovine animals, grain splits (illustrative)", "M2", 20, 0.0, 0.4, 0.3, "apparel"),
    ("4202219000", "Handbags with outer surface of leather, other", "NO", 120, 0.09, 4, 0.5, "apparel"),
    ("4202923100", "Travel, sports and similar bags, outer surface of man-made fibres", "NO", 12, 0.1, 4, 0.3, "apparel"),
    ("4203290000", "Gloves, mittens and mitts of leather, other", "DOZ", 90, 0.1, 1, 0.05, "apparel"),
    ("4302300000", "Whole tanned furskins, assembled (illustrative)", "NO", 80, 0.0, 0.1, 0.05, "general"),
    ("4303100000", "Articles of apparel of furskin", "NO", 500, 0.04, 0.1, 0.05, "apparel"),
    # 44-49 wood, paper, books
    ("4403210000", "Coniferous wood in the rough, of pine, other (illustrative)", "M3", 90, 0.0, 0.1, 1.5, "wood_paper"),
    ("4407110000", "Coniferous wood sawn lengthwise, of pine", "M3", 300, 0.0, 8, 1, "wood_paper"),
    ("4412310000", "Plywood with an outer ply of tropical wood", "M3", 600, 0.08, 2, 0.2, "wood_paper"),
    ("4418990000", "Builders' joinery and carpentry of wood, other", "X", 0, 0.03, 3, 0.5, "wood_paper"),
    ("4421999880", "Other articles of wood, other (illustrative)", "X", 0, 0.033, 1, 0.3, "furniture"),
    ("4503100000", "Corks and stoppers of natural cork", "NO", 0.2, 0.0, 0.1, 0.01, "beverages"),
    ("4504900000", "Agglomerated cork and articles thereof, other", "KG", 5, 0.0, 0.1, 0.01, "beverages"),
    ("4602190000", "Basketwork and wickerwork of vegetable materials, other", "X", 0, 0.04, 0.5, 0.02, "furniture"),
    ("4703290000", "Chemical wood pulp, semi-bleached or bleached, non-coniferous", "T", 700, 0.0, 3, 1, "wood_paper"),
    ("4703210000", "Chemical wood pulp, semi-bleached or bleached, coniferous", "T", 800, 0.0, 1, 4, "wood_paper"),
    ("4707100000", "Recovered kraft paper or paperboard", "T", 150, 0.0, 0.1, 1.5, "wood_paper"),
    ("4802566000", "Uncoated paper, weighing 40 to 150 g/m2, in sheets", "KG", 1.2, 0.0, 2, 0.8, "wood_paper"),
    ("4804110000", "Uncoated kraftliner, unbleached", "KG", 0.6, 0.0, 0.3, 4, "wood_paper"),
    ("4811596000", "Paper coated with plastics, other (illustrative)", "KG", 3, 0.0, 2, 1.5, "wood_paper"),
    ("4818100000", "Toilet paper", "KG", 2, 0.0, 2, 0.3, "wood_paper"),
    ("4819100040", "Cartons, boxes and cases of corrugated paper", "KG", 1.5, 0.0, 3, 1.5, "wood_paper"),
    ("4901990093", "Printed books, other", "NO", 4, 0.0, 2, 1, "toys"),
    ("4911998000", "Printed matter, other", "KG", 10, 0.0, 2, 1, "wood_paper"),
    # 50-60 textiles
    ("5007206500", "Woven fabrics of silk, other (illustrative)", "M2", 15, 0.0, 0.05, 0.01, "apparel"),
    ("5112906000", "Woven fabrics of combed wool, other (illustrative)", "M2", 25, 0.07, 0.2, 0.05, "apparel"),
    ("5201001800", "Cotton, not carded or combed, staple length 28.575 mm to 34.925 mm", "KG", 1.7, 0.0, 0.05, 5, "food"),
    ("5205120000", "Single cotton yarn of uncombed fibres (illustrative)", "KG", 4, 0.05, 0.3, 0.3, "apparel"),
    ("5208520000", "Printed plain weave cotton fabrics (illustrative)", "M2", 2, 0.08, 0.6, 0.1, "apparel"),
    ("5309290000", "Woven fabrics of flax, other (illustrative)", "M2", 6, 0.0, 0.2, 0.01, "apparel"),
    ("5402470000", "Synthetic filament yarn of polyesters, other (illustrative)", "KG", 3, 0.08, 0.8, 0.5, "apparel"),
    ("5407610000", "Woven fabrics of non-textured polyester filaments (illustrative)", "M2", 2, 0.1, 1, 0.3, "apparel"),
    ("5503200000", "Synthetic staple fibres of polyesters, not carded", "KG", 1.2, 0.043, 0.5, 0.2, "apparel"),
    ("5515110000", "Woven fabrics of polyester staple and viscose (illustrative)", "M2", 3, 0.1, 0.5, 0.1, "apparel"),
    ("5603940000", "Nonwovens of other than man-made filaments, > 150 g/m2", "KG", 4, 0.0, 2, 2, "chemicals"),
    ("5607500000", "Twine, cordage and ropes of other synthetic fibres", "KG", 4, 0.065, 0.6, 0.2, "apparel"),
    ("5701100000", "Carpets, knotted, of wool or fine animal hair", "M2", 60, 0.0, 0.5, 0.01, "apparel"),
    ("5703200000", "Tufted carpets of nylon or other polyamides (illustrative)", "M2", 6, 0.06, 1.5, 0.3, "apparel"),
    ("5705002000", "Carpets and other textile floor coverings, other", "M2", 4, 0.0, 1, 0.1, "apparel"),
    ("5804210000", "Lace of man-made fibres, machine-made (illustrative)", "KG", 20, 0.1, 0.2, 0.05, "apparel"),
    ("5806320000", "Narrow woven fabrics of man-made fibres (illustrative)", "KG", 12, 0.06, 0.3, 0.2, "apparel"),
    ("5903201000", "Textile fabrics laminated with polyurethane (illustrative)", "M2", 4, 0.08, 0.8, 0.5, "apparel"),
    ("5911900000", "Textile products for technical uses, other (illustrative)", "KG", 12, 0.04, 0.8, 1, "chemicals"),
    ("6006320000", "Knitted fabrics of synthetic fibres, dyed (illustrative)", "KG", 6, 0.1, 1, 0.5, "apparel"),
    # 61-67 apparel, footwear, headgear
    ("6104620000", "Women's or girls' trousers and shorts of cotton, knitted (illustrative)", "DOZ", 90, 0.1, 4, 0.1, "apparel"),
    ("6105100010", "Men's or boys' shirts of cotton, knitted (illustrative)", "DOZ", 100, 0.1, 2, 0.05, "apparel"),
    ("6109100012", "T-shirts and singlets of cotton, knitted", "DOZ", 45, 0.1, 6, 0.2, "apparel"),
    ("6110202079", "Sweaters, pullovers and similar articles of cotton, other", "DOZ", 110, 0.1, 7, 0.2, "apparel"),
    ("6111206000", "Babies' garments of cotton, knitted (illustrative)", "DOZ", 50, 0.08, 1.5, 0.05, "apparel"),
    ("6115950000", "Hosiery of cotton, knitted (illustrative)", "DOZ", 25, 0.1, 3, 0.1, "apparel"),
    ("6202930000", "Women's anoraks and windbreakers of man-made fibres (illustrative)", "DOZ", 300, 0.1, 3, 0.05, "apparel"),
    ("6203424011", "Men's or boys' trousers of cotton, denim (illustrative)", "DOZ", 150, 0.1, 6, 0.2, "apparel"),
    ("6204624021", "Women's or girls' trousers of cotton, denim (illustrative)", "DOZ", 140, 0.1, 6, 0.2, "apparel"),
    ("6205202066", "Men's or boys' shirts of cotton, not knitted (illustrative)", "DOZ", 130, 0.1, 3, 0.05, "apparel"),
    ("6211430010", "Women's garments of man-made fibres, not knitted (illustrative)", "DOZ", 120, 0.1, 2, 0.05, "apparel"),
    ("6212105020", "Brassieres of man-made fibres (illustrative)", "DOZ", 50, 0.1, 2, 0.05, "apparel"),
    ("6302100010", "Bed linen, knitted or crocheted (illustrative)", "NO", 8, 0.07, 4, 0.1, "apparel"),
    ("6305330010", "Sacks and bags of polyethylene strip (illustrative)", "KG", 3, 0.08, 1, 0.1, "apparel"),
    ("6307909891", "Made up textile articles, other", "X", 0, 0.07, 6, 0.5, "apparel"),
    ("6309000010", "Worn clothing and other worn articles", "KG", 1, 0.0, 0.05, 0.6, "general"),
    ("6402993165", "Footwear with outer soles and uppers of rubber or plastics, other", "PRS", 10, 0.1, 8, 0.2, "footwear"),
    ("6403999065", "Footwear with uppers of leather, other (illustrative)", "PRS", 30, 0.1, 6, 0.2, "footwear"),
    ("6404116000", "Sports footwear with uppers of textile materials (illustrative)", "PRS", 18, 0.1, 8, 0.3, "footwear"),
    ("6406909000", "Parts of footwear, other", "X", 0, 0.05, 1, 0.2, "footwear"),
    ("6505008015", "Hats and other headgear, knitted, of man-made fibres (illustrative)", "DOZ", 40, 0.08, 2, 0.1, "apparel"),
    ("6601990000", "Umbrellas, other", "NO", 3, 0.065, 0.6, 0.01, "toys"),
    ("6702904000", "Artificial flowers of man-made fibres (illustrative)", "KG", 6, 0.09, 0.8, 0.02, "toys"),
    ("6704110000", "Complete wigs of synthetic textile materials", "NO", 10, 0.0, 1, 0.02, "toys"),
    # 68-70 stone, ceramics, glass
    ("6802930035", "Worked granite, other (illustrative)", "KG", 0.4, 0.03, 2, 0.1, "general"),
    ("6806100000", "Slag wool, rock wool and similar mineral wools", "KG", 1.5, 0.0, 0.5, 0.3, "general"),
    ("6810990000", "Articles of cement or concrete, other", "KG", 0.5, 0.0, 1, 0.2, "metals"),
    ("6815990000", "Articles of stone or other mineral substances, other", "KG", 8, 0.0, 1, 0.5, "general"),
    ("6907210000", "Ceramic flags and paving, hearth or wall tiles, low absorption", "M2", 9, 0.085, 2.5, 0.1, "general"),
    ("6910100010", "Ceramic sinks, wash basins and water closets of porcelain", "NO", 40, 0.058, 1.3, 0.1, "general"),
    ("6911104500", "Tableware and kitchenware of porcelain (illustrative)", "X", 0, 0.06, 1, 0.05, "toys"),
    ("6912004800", "Ceramic tableware and kitchenware, other (illustrative)", "X", 0, 0.09, 1, 0.05, "toys"),
    ("7007110000", "Toughened (tempered) safety glass for vehicles", "M2", 30, 0.055, 1.5, 0.5, "auto_parts"),
    ("7010905050", "Glass bottles and jars, other (illustrative)", "GR", 0.3, 0.0, 1.5, 0.3, "general"),
    ("7013490000", "Glassware for table or kitchen purposes, other", "NO", 2, 0.1, 1.5, 0.1, "toys"),
    ("7019900000", "Glass fibres and articles thereof, other", "KG", 4, 0.049, 2, 1.5, "chemicals"),
    ("7020006000", "Other articles of glass (illustrative)", "X", 0, 0.05, 1, 0.5, "general"),
    # 72-83 base metals (7308 90 is AI-related; 7408 and 7413 are medium)
    ("7202210000", "Ferrosilicon containing by weight more than 55 % silicon", "KG", 2, 0.015, 3, 0.2, "metals"),
    ("7204490070", "Ferrous waste and scrap, other", "T", 350, 0.0, 0.5, 3, "metals"),
    ("7207120050", "Semifinished products of iron or non-alloy steel, slabs", "KG", 0.6, 0.0, 3, 0.1, "metals"),
    ("7208510060", "Flat-rolled iron or non-alloy steel, hot-rolled, > 10 mm thick", "KG", 0.9, 0.0, 4, 0.5, "metals"),
    ("7210490091", "Flat-rolled steel, galvanized, other", "KG", 1.1, 0.0, 4, 0.8, "metals"),
    ("7219330050", "Flat-rolled stainless steel, cold-rolled, 1 mm to 3 mm thick", "KG", 3, 0.0, 2, 0.3, "metals"),
    ("7304293160", "Casing of iron or steel for oil or gas drilling", "KG", 1.5, 0.0, 3, 0.8, "metals"),
    ("7306306000", "Welded tubes and pipes of circular cross-section, non-alloy steel", "KG", 1.4, 0.0, 2, 0.5, "metals"),
    ("7308100000", "Bridges and bridge-sections of iron or steel", "KG", 2, 0.0, 0.3, 0.1, "steel_structures"),
    ("7308200020", "Towers and lattice masts of iron or steel", "KG", 2, 0.0, 1, 0.2, "steel_structures"),
    ("7308305000", "Doors, windows and their frames of iron or steel", "KG", 4, 0.0, 0.5, 0.1, "steel_structures"),
    ("7310290050", "Tanks, casks, drums and cans of iron or steel, other", "NO", 5, 0.0, 1.5, 0.5, "metals"),
    ("7315820000", "Chain of iron or steel, welded link", "KG", 3, 0.0, 1, 0.2, "machinery"),
    ("7317005502", "Nails, tacks and staples of iron or steel (illustrative)", "KG", 1.5, 0.0, 1, 0.1, "machinery"),
    ("7318156580", "Bolts and bolts and their nuts of iron or steel, other", "KG", 4, 0.0, 6, 2, "machinery"),
    ("7321110000", "Cooking appliances and plate warmers for gas fuel", "NO", 150, 0.0, 1.5, 0.3, "machinery"),
    ("7323930080", "Table, kitchen or household articles of stainless steel, other", "X", 0, 0.02, 2, 0.2, "toys"),
    ("7326908688", "Other articles of iron or steel, other", "X", 0, 0.029, 8, 3, "machinery"),
    ("7403110000", "Refined copper cathodes and sections of cathodes", "KG", 9, 0.01, 8, 0.3, "copper"),
    ("7404006090", "Copper waste and scrap, other", "KG", 7, 0.0, 1, 3, "copper"),
    ("7409110000", "Plates, sheets and strip of refined copper, in coils", "KG", 11, 0.01, 0.5, 0.3, "copper"),
    ("7411101000", "Tubes and pipes of refined copper, seamless", "KG", 11, 0.015, 1, 0.3, "copper"),
    ("7419800000", "Other articles of copper", "X", 0, 0.03, 0.8, 0.4, "copper"),
    ("7502100000", "Unwrought nickel, not alloyed", "KG", 18, 0.0, 1.8, 0.3, "metals"),
    ("7505120000", "Bars, rods and profiles of nickel alloys (illustrative)", "KG", 40, 0.03, 0.3, 0.5, "metals"),
    ("7601103000", "Unwrought aluminum, not alloyed, other", "KG", 2.8, 0.0, 12, 0.5, "metals"),
    ("7602000090", "Aluminum waste and scrap, other", "KG", 1.8, 0.0, 1, 3, "metals"),
    ("7604291090", "Bars, rods and profiles of aluminum alloys (illustrative)", "KG", 4, 0.05, 2, 0.5, "metals"),
    ("7606123090", "Plates, sheets and strip of aluminum alloys, rectangular", "KG", 4, 0.03, 5, 2, "metals"),
    ("7610900080", "Aluminum structures and parts of structures, other", "KG", 6, 0.057, 1, 0.3, "metals"),
    ("7616995190", "Other articles of aluminum, other", "X", 0, 0.025, 3, 1, "machinery"),
    ("7801100000", "Refined lead, unwrought", "KG", 2.2, 0.0, 0.6, 0.1, "metals"),
    ("7806008000", "Other articles of lead (illustrative)", "KG", 4, 0.0, 0.1, 0.05, "metals"),
    ("7901110000", "Unwrought zinc, not alloyed, >= 99.99 % zinc", "KG", 3, 0.015, 1.5, 0.1, "metals"),
    ("7907006000", "Other articles of zinc (illustrative)", "KG", 5, 0.0, 0.1, 0.05, "metals"),
    ("8001100000", "Unwrought tin, not alloyed", "KG", 30, 0.0, 0.7, 0.05, "metals"),
    ("8007005000", "Other articles of tin (illustrative)", "KG", 40, 0.0, 0.05, 0.02, "metals"),
    ("8101999000", "Articles of tungsten, other", "KG", 150, 0.0, 0.3, 0.2, "materials"),
    ("8104110000", "Unwrought magnesium, containing >= 99.8 % magnesium", "KG", 5, 0.08, 0.2, 0.05, "materials"),
    ("8105200000", "Cobalt mattes and other intermediate products; unwrought cobalt", "KG", 35, 0.0, 0.4, 0.1, "materials"),
    ("8108200000", "Unwrought titanium; powders", "KG", 12, 0.15, 0.6, 0.2, "materials"),
    ("8110100000", "Unwrought antimony; powders", "KG", 20, 0.0, 0.2, 0.01, "materials"),
    ("8112990000", "Other base metals and articles thereof, other", "KG", 60, 0.04, 0.1, 0.1, "materials"),
    ("8113000000", "Cermets and articles thereof", "KG", 80, 0.037, 0.2, 0.2, "materials"),
    ("8201100000", "Spades and shovels", "DOZ", 60, 0.0, 0.6, 0.05, "toys"),
    ("8203200000", "Pliers, pincers, tweezers and similar tools", "DOZ", 50, 0.05, 0.8, 0.1, "machinery"),
    ("8204110000", "Hand-operated spanners and wrenches, non-adjustable", "DOZ", 40, 0.09, 0.8, 0.1, "machinery"),
    ("8205598000", "Hand tools, other (illustrative)", "X", 0, 0.05, 2, 0.5, "machinery"),
    ("8207199060", "Rock drilling or earth boring tools, other (illustrative)", "X", 0, 0.029, 3, 2, "machinery"),
    ("8211910000", "Table knives having fixed blades", "NO", 0.8, 0.05, 1, 0.1, "toys"),
    ("8215990500", "Spoons, forks and similar kitchen tableware (illustrative)", "NO", 0.3, 0.0, 0.6, 0.05, "toys"),
    ("8301402000", "Locks of base metal, other (illustrative)", "NO", 5, 0.057, 1.5, 0.3, "machinery"),
    ("8302413000", "Base metal mountings and fittings for buildings", "X", 0, 0.039, 4, 1, "machinery"),
    ("8306290000", "Statuettes and other ornaments of base metal, other", "X", 0, 0.0, 0.8, 0.05, "toys"),
    ("8309900000", "Stoppers, caps and lids of base metal, other", "X", 0, 0.026, 0.8, 0.5, "machinery"),
    ("8311100000", "Coated electrodes of base metal for electric arc-welding", "KG", 4, 0.0, 0.5, 0.3, "machinery"),
    # 84 machinery outside the AI rules
    ("8407342000", "Spark-ignition reciprocating engines for vehicles, over 1,000 cc", "NO", 3_000, 0.025, 10, 5, "auto_parts"),
    ("8408204000", "Compression-ignition engines for vehicles of chapter 87", "NO", 7_000, 0.025, 6, 3, "auto_parts"),
    ("8409919990", "Parts for spark-ignition internal combustion engines, other", "X", 0, 0.025, 10, 4, "auto_parts"),
    ("8411914000", "Parts of turbojets and turbopropellers", "X", 0, 0.0, 20, 30, "aircraft"),
    ("8413709990", "Centrifugal pumps for liquids, other", "NO", 600, 0.0, 8, 4, "machinery"),
    ("8418102000", "Combined refrigerator-freezers, fitted with separate external doors", "NO", 700, 0.0, 4, 4, "hvac"),
    ("8418210090", "Refrigerators, household type, compression-type, other", "NO", 500, 0.0, 2.5, 2.5, "hvac"),
    ("8414510090", "Table, floor, wall or ceiling fans, motor output <= 125 W", "NO", 25, 0.047, 1.5, 0.1, "consumer_electronics"),
    ("8415103000", "Window or wall type air conditioning machines, self-contained", "NO", 350, 0.022, 1.2, 0.1, "hvac"),
    ("8419110000", "Instantaneous gas water heaters", "NO", 400, 0.0, 1, 0.2, "machinery"),
    ("8421230000", "Oil or fuel filters for internal combustion engines", "NO", 6, 0.0, 8, 3, "auto_parts"),
    ("8422110000", "Dishwashing machines of the household type", "NO", 450, 0.024, 2, 0.2, "machinery"),
    ("8424820090", "Agricultural or horticultural sprayers, other (illustrative)", "NO", 500, 0.024, 1, 1, "machinery"),
    ("8427100000", "Self-propelled fork-lift trucks powered by an electric motor", "NO", 25_000, 0.0, 3, 1, "machinery"),
    ("8428900290", "Lifting, handling, loading or unloading machinery, other", "NO", 20_000, 0.0, 3, 2, "machinery"),
    ("8429110010", "Track-laying bulldozers and angledozers", "NO", 400_000, 0.0, 4, 2, "machinery"),
    ("8431499095", "Parts of machinery of headings 8426, 8429 or 8430, other", "X", 0, 0.0, 5, 6, "machinery"),
    ("8432900000", "Parts of agricultural, horticultural or forestry machinery", "X", 0, 0.0, 2, 2, "machinery"),
    ("8433510000", "Combine harvester-threshers", "NO", 450_000, 0.0, 3, 2, "machinery"),
    ("8443321000", "Printer units capable of connecting to an ADP machine", "NO", 200, 0.0, 4, 1, "electronics"),
    ("8450110010", "Fully-automatic household washing machines, top-loading", "NO", 450, 0.01, 4, 0.2, "machinery"),
    ("8462290000", "Bending, folding or straightening machines, other (illustrative)", "NO", 120_000, 0.044, 2, 1, "machinery"),
    ("8467290090", "Electromechanical tools for working in the hand, other", "NO", 60, 0.017, 5, 1, "machinery"),
    ("8474390000", "Machinery for mixing or kneading mineral substances, other", "NO", 80_000, 0.0, 1.5, 1, "machinery"),
    ("8479899499", "Machines having individual functions n.e.s., other", "NO", 20_000, 0.025, 12, 10, "machinery"),
    ("8481809050", "Taps, cocks, valves and similar appliances, other", "NO", 50, 0.02, 10, 6, "machinery"),
    ("8482105044", "Ball bearings, radial, other", "NO", 6, 0.09, 4, 1.5, "machinery"),
    ("8483409000", "Gears and gearing; ball or roller screws; gear boxes, other", "NO", 400, 0.025, 8, 4, "auto_parts"),
    # 85 electrical goods outside the AI rules
    ("8501524000", "AC motors, multi-phase, output 750 W to 75 kW", "NO", 600, 0.028, 3, 1.5, "machinery"),
    ("8503009560", "Parts of electric motors and generators, other", "X", 0, 0.03, 3, 2, "machinery"),
    ("8502310000", "Wind-powered electric generating sets", "NO", 1_500_000, 0.025, 1.5, 0.1, "machinery"),
    ("8504100000", "Ballasts for discharge lamps or tubes", "NO", 15, 0.0, 0.3, 0.1, "electronics"),
    ("8504500000", "Other inductors", "NO", 2, 0.0, 1, 0.5, "electronics"),
    ("8506100000", "Primary cells and batteries of manganese dioxide", "NO", 0.3, 0.027, 0.8, 0.3, "batteries"),
    ("8507100060", "Lead-acid storage batteries for starting piston engines", "NO", 90, 0.035, 2, 0.8, "batteries"),
    ("8508110000", "Vacuum cleaners with self-contained motor, <= 1,500 W", "NO", 80, 0.0, 3, 0.2, "consumer_electronics"),
    ("8509400000", "Food grinders, mixers, fruit or vegetable juice extractors", "NO", 35, 0.042, 1.5, 0.1, "consumer_electronics"),
    ("8511409000", "Starter motors and generators for engines (illustrative)", "NO", 80, 0.025, 2, 1, "auto_parts"),
    ("8512201000", "Lighting or visual signalling equipment for motor vehicles", "NO", 40, 0.025, 4, 1, "auto_parts"),
    ("8516310000", "Electro-thermic hair dryers", "NO", 15, 0.0, 0.5, 0.05, "consumer_electronics"),
    ("8516500000", "Microwave ovens", "NO", 80, 0.02, 1.5, 0.1, "consumer_electronics"),
    ("8516604000", "Ovens, cooking stoves, ranges and cookers (illustrative)", "NO", 600, 0.034, 1.5, 0.2, "consumer_electronics"),
    ("8517130000", "Smartphones", "NO", 450, 0.0, 50, 5, "consumer_electronics"),
    ("8517140000", "Other telephones for cellular networks or other wireless networks", "NO", 40, 0.0, 1, 0.3, "consumer_electronics"),
    ("8518302000", "Headphones and earphones, other", "NO", 25, 0.049, 4, 0.5, "consumer_electronics"),
    ("8525890000", "Television cameras, digital cameras and video camera recorders, other", "NO", 150, 0.0, 3, 1, "consumer_electronics"),
    ("8527212500", "Radio receivers for motor vehicles, with sound recording (illustrative)", "NO", 120, 0.0, 2, 0.2, "consumer_electronics"),
    ("8528520000", "Monitors capable of directly connecting to an ADP machine", "NO", 180, 0.0, 8, 0.5, "consumer_electronics"),
    ("8528726400", "Reception apparatus for television, color, display > 34.29 cm", "NO", 300, 0.039, 12, 0.5, "consumer_electronics"),
    ("8529909900", "Parts for apparatus of headings 8524 to 8528, other (illustrative)", "X", 0, 0.0, 3, 1, "electronics"),
    ("8531200040", "Indicator panels incorporating LCDs or LEDs", "NO", 40, 0.0, 1, 0.5, "electronics"),
    ("8539520000", "Light-emitting diode (LED) lamps", "NO", 2, 0.02, 2.5, 0.3, "consumer_electronics"),
    ("8543709960", "Electrical machines with individual functions n.e.s., other", "NO", 150, 0.026, 5, 4, "electronics"),
    ("8544300000", "Ignition wiring sets and other wiring sets used in vehicles", "X", 0, 0.05, 12, 5, "auto_parts"),
    ("8546200000", "Electrical insulators of ceramics", "KG", 6, 0.0, 0.5, 0.2, "electronics"),
    # 86-89 transport equipment
    ("8606990000", "Rail freight wagons, other", "NO", 100_000, 0.028, 1, 0.2, "metals"),
    ("8607190000", "Axles, wheels and parts for railway vehicles (illustrative)", "X", 0, 0.0, 1.5, 0.8, "metals"),
    ("8608000000", "Railway or tramway track fixtures and fittings", "X", 0, 0.0, 0.3, 0.2, "metals"),
    ("8703230190", "Passenger motor vehicles, spark-ignition, 1,500 to 3,000 cc, new", "NO", 32_000, 0.025, 100, 35, "autos"),
    ("8703240190", "Passenger motor vehicles, spark-ignition, over 3,000 cc, new", "NO", 45_000, 0.025, 60, 20, "autos"),
    ("8703400000", "Passenger vehicles, hybrid spark-ignition and electric, not plug-in", "NO", 35_000, 0.025, 40, 3, "autos"),
    ("8703800000", "Passenger vehicles with only electric motor for propulsion", "NO", 50_000, 0.025, 12, 6, "autos"),
    ("8704310000", "Motor vehicles for goods, spark-ignition, g.v.w. <= 5 tonnes", "NO", 35_000, 0.1, 35, 3, "autos"),
    ("8708298000", "Parts and accessories of bodies of motor vehicles, other (illustrative)", "X", 0, 0.025, 12, 4, "auto_parts"),
    ("8708302000", "Brakes and servo-brakes and parts thereof (illustrative)", "X", 0, 0.025, 5, 2, "auto_parts"),
    ("8708409000", "Gear boxes and parts thereof (illustrative)", "X", 0, 0.025, 12, 5, "auto_parts"),
    ("8708800000", "Suspension systems and parts thereof (illustrative)", "X", 0, 0.025, 5, 2, "auto_parts"),
    ("8708995800", "Parts and accessories of motor vehicles, other (illustrative)", "X", 0, 0.025, 25, 12, "auto_parts"),
    ("8711400000", "Motorcycles with engine of 500 cc to 800 cc (illustrative)", "NO", 9_000, 0.024, 2, 0.5, "autos"),
    ("8712001500", "Bicycles having both wheels not exceeding 63.5 cm (illustrative)", "NO", 100, 0.1, 1.3, 0.05, "toys"),
    ("8714996000", "Parts and accessories of bicycles, other (illustrative)", "X", 0, 0.05, 1.5, 0.2, "toys"),
    ("8716390090", "Trailers and semi-trailers for the transport of goods, other", "NO", 20_000, 0.0, 2, 1, "auto_parts"),
    ("8802300060", "Airplanes of an unladen weight 2,000 kg to 15,000 kg (illustrative)", "NO", 8_000_000, 0.0, 3, 10, "aircraft"),
    ("8802400060", "Airplanes of an unladen weight exceeding 15,000 kg (illustrative)", "NO", 60_000_000, 0.0, 12, 60, "aircraft"),
    ("8806210000", "Unmanned aircraft, remote-piloted, weight <= 250 g (illustrative)", "NO", 300, 0.0, 0.5, 0.2, "consumer_electronics"),
    ("8807300060", "Parts of airplanes, helicopters or unmanned aircraft, other", "X", 0, 0.0, 18, 45, "aircraft"),
    ("8901100000", "Cruise ships, excursion boats and similar vessels", "NO", 300_000_000, 0.0, 1.5, 0.2, "aircraft"),
    ("8903990000", "Yachts and other vessels for pleasure or sports, other (illustrative)", "NO", 300_000, 0.015, 1.5, 1, "aircraft"),
    ("8905200000", "Floating or submersible drilling or production platforms", "NO", 200_000_000, 0.0, 0.3, 0.2, "aircraft"),
    # 90-97 instruments, furniture, toys and miscellaneous
    ("9001300000", "Contact lenses", "NO", 1.5, 0.02, 1.5, 0.5, "medical"),
    ("9004100000", "Sunglasses", "DOZ", 60, 0.02, 1.2, 0.2, "medical"),
    ("9006590000", "Photographic cameras, other (illustrative)", "NO", 300, 0.0, 0.5, 0.1, "consumer_electronics"),
    ("9013200000", "Lasers, other than laser diodes", "NO", 4_000, 0.035, 1, 1, "medical"),
    ("9015800000", "Surveying, hydrographic or meteorological instruments, other", "NO", 1_500, 0.0, 0.5, 0.5, "medical"),
    ("9018390050", "Catheters, cannulae and the like, other", "X", 0, 0.0, 8, 3, "medical"),
    ("9018908000", "Instruments and appliances used in medical sciences, other", "X", 0, 0.0, 12, 8, "medical"),
    ("9019200000", "Ozone, oxygen, aerosol therapy and respiration apparatus", "NO", 400, 0.0, 2, 1, "medical"),
    ("9021390000", "Artificial parts of the body, other", "X", 0, 0.0, 5, 2, "medical"),
    ("9022140000", "X-ray apparatus for medical, surgical or veterinary uses, other", "NO", 50_000, 0.0, 1.5, 1, "medical"),
    ("9025198040", "Thermometers, not combined with other instruments, other", "NO", 20, 0.017, 0.5, 0.3, "medical"),
    ("9026208000", "Instruments for measuring or checking pressure, other", "NO", 150, 0.0, 1, 1, "medical"),
    ("9027899000", "Instruments for physical or chemical analysis, other", "X", 0, 0.0, 3, 5, "medical"),
    ("9031498000", "Optical measuring or checking instruments, other", "NO", 3_000, 0.0, 3, 3, "medical"),
    ("9032890000", "Automatic regulating or controlling instruments, other", "NO", 150, 0.017, 4, 4, "machinery"),
    ("9101210000", "Wrist-watches of precious metal, automatic winding", "NO", 12_000, 0.05, 2, 0.1, "art"),
    ("9102112000", "Wrist-watches, battery powered, mechanical display (illustrative)", "NO", 40, 0.06, 2, 0.2, "toys"),
    ("9105210000", "Wall clocks, electrically operated", "NO", 12, 0.04, 0.5, 0.02, "toys"),
    ("9202900000", "String musical instruments, other (illustrative)", "NO", 150, 0.046, 0.5, 0.1, "toys"),
    ("9207900000", "Musical instruments with sound produced electrically, other", "NO", 250, 0.054, 0.7, 0.2, "toys"),
    ("9209940000", "Parts and accessories for electric musical instruments", "X", 0, 0.0, 0.4, 0.1, "toys"),
    ("9302000000", "Revolvers and pistols", "NO", 450, 0.0, 1, 0.3, "machinery"),
    ("9303300000", "Sporting, hunting or target-shooting rifles", "NO", 600, 0.0, 0.8, 0.2, "machinery"),
    ("9305100000", "Parts and accessories of revolvers or pistols", "X", 0, 0.0, 1, 0.5, "machinery"),
    ("9306300000", "Cartridges and parts thereof, other", "NO", 0.4, 0.0, 1.5, 1.5, "machinery"),
    ("9401200000", "Seats of a kind used for motor vehicles", "NO", 150, 0.0, 3, 0.5, "auto_parts"),
    ("9401614000", "Upholstered seats with wooden frames, other", "NO", 200, 0.0, 6, 0.3, "furniture"),
    ("9401790050", "Seats with metal frames, other (illustrative)", "NO", 60, 0.0, 2, 0.3, "furniture"),
    ("9403500000", "Wooden furniture of a kind used in the bedroom", "NO", 150, 0.0, 3, 0.1, "furniture"),
    ("9403608081", "Wooden furniture, other (illustrative)", "NO", 100, 0.0, 6, 0.5, "furniture"),
    ("9403700000", "Furniture of plastics", "NO", 40, 0.0, 1, 0.2, "furniture"),
    ("9403910000", "Parts of furniture, of wood (illustrative)", "X", 0, 0.0, 5, 0.5, "furniture"),
    ("9404210000", "Mattresses of cellular rubber or plastics", "NO", 150, 0.03, 1.5, 0.3, "furniture"),
    ("9405110000", "Chandeliers and other ceiling or wall lighting fittings, LED", "NO", 30, 0.039, 3, 0.3, "furniture"),
    ("9405420000", "Electric lamps and lighting fittings, LED, other", "NO", 20, 0.039, 2, 0.3, "furniture"),
    ("9406100000", "Prefabricated buildings of wood", "X", 0, 0.0, 0.4, 0.1, "prefab"),
    ("9503000090", "Toys, scale models and puzzles, other", "X", 0, 0.0, 20, 1.5, "toys"),
    ("9504504000", "Video game consoles and machines", "NO", 300, 0.0, 6, 0.5, "toys"),
    ("9505906000", "Festive, carnival or other entertainment articles, other", "X", 0, 0.0, 4, 0.1, "toys"),
    ("9506310000", "Golf clubs, complete", "NO", 100, 0.044, 1, 0.5, "toys"),
    ("9506911000", "Exercise equipment, other (illustrative)", "X", 0, 0.046, 3, 0.5, "toys"),
    ("9507909000", "Fishing articles, other", "X", 0, 0.09, 0.5, 0.1, "toys"),
    ("9603290000", "Shaving brushes, hair brushes and other toilet brushes", "NO", 1, 0.0, 1, 0.1, "toys"),
    ("9608100000", "Ball point pens", "DOZ", 2, 0.0, 1, 0.1, "toys"),
    ("9613100000", "Pocket lighters, gas fuelled, non-refillable", "NO", 0.2, 0.09, 0.5, 0.02, "toys"),
    ("9617004000", "Vacuum flasks and other vacuum vessels, complete", "NO", 8, 0.072, 0.8, 0.1, "toys"),
    ("9619000100", "Sanitary towels, tampons, napkins and diapers (illustrative)", "X", 0, 0.0, 2, 1, "wood_paper"),
    ("9701210000", "Paintings, drawings and pastels, over 100 years old (illustrative)", "NO", 100_000, 0.0, 8, 5, "art"),
    ("9703100000", "Original sculptures and statuary, over 100 years old (illustrative)", "NO", 80_000, 0.0, 2, 1, "art"),
    ("9705100000", "Collections and collectors' pieces of archaeological interest", "NO", 5_000, 0.0, 1, 0.5, "art"),
    ("9706100000", "Antiques of an age exceeding 250 years", "NO", 20_000, 0.0, 1, 0.3, "art"),
)  # fmt: skip

LOW_PRODUCTS: tuple[Product, ...] = tuple(
    P(hs10, desc, "low", unit, price, duty, imp, exp, profile)
    for hs10, desc, unit, price, duty, imp, exp, profile in _LOW
)

# Chapters 27, 71, 98 and 99: generated on top of the calibrated totals.
EXCLUDED_PRODUCTS: tuple[Product, ...] = (
    P("2709002090", "Petroleum oils and oils from bituminous minerals, crude",
      "excluded", "BBL", 75, 0.001, 150, 120, profile="energy"),
    P("2710194510", "Light oils and preparations, gasoline and blends (illustrative)",
      "excluded", "BBL", 95, 0.001, 45, 120, profile="energy"),
    P("2711210000", "Natural gas in gaseous state",
      "excluded", "M3", 0.15, 0.0, 15, 70, profile="energy"),
    P("2716000000", "Electrical energy",
      "excluded", "X", 0, 0.0, 3, 1, profile="energy"),
    P("7102391010", "Non-industrial diamonds, worked, not mounted or set (illustrative)",
      "excluded", "X", 0, 0.0, 20, 12, profile="bullion"),
    P("7106911010", "Silver, unwrought, other (illustrative)",
      "excluded", "KG", 900, 0.0, 8, 3, profile="bullion"),
    P("7108121020", "Gold, non-monetary, unwrought, other (illustrative)",
      "excluded", "KG", 70_000, 0.0, 50, 45, profile="bullion"),
    P("7113192900", "Jewelry of precious metal other than silver, other (illustrative)",
      "excluded", "X", 0, 0.055, 12, 5, profile="bullion"),
    P("9801001098", "U.S. goods returned without having been advanced in value",
      "excluded", "X", 0, 0.0, 50, 0, profile="returned"),
    P("9802008040", "Articles assembled abroad with U.S. components (illustrative)",
      "excluded", "X", 0, 0.0, 25, 0, profile="returned"),
    P("9880004000", "Exports of low-valued shipments, estimated (illustrative)",
      "excluded", "X", 0, 0.0, 0, 60, profile="general"),
    P("9999950000", "Estimated imports of low-valued transactions (illustrative)",
      "excluded", "X", 0, 0.0, 15, 0, profile="general"),
)  # fmt: skip

PRODUCTS: tuple[Product, ...] = AI_PRODUCTS + MEDIUM_PRODUCTS + LOW_PRODUCTS + EXCLUDED_PRODUCTS

# --- Country mixes -------------------------------------------------------------------
#
# Shares of the big partners in each group (or excluded chapter, "ch27"), per year
# (fractions of the group's value). The remainder goes to the other partners in
# proportion to their size. Groups without a mix (the two smallest AI groups, the
# excluded chapters on the import side) follow the product profiles and partner
# sizes alone.

Mix = dict[int, dict[str, float]]

IMPORT_MIXES: dict[str, Mix] = {
    "compute_hardware": {
        2023: {TWN: .25, MEX: .14, CHN: .12, MYS: .08, KOR: .07, VNM: .06, JPN: .06, THA: .05,
               NLD: .03, SGP: .02, PHL: .02, ISR: .01, IRL: .01, CAN: .01},
        2024: {TWN: .33, MEX: .18, CHN: .07, MYS: .07, KOR: .06, VNM: .07, JPN: .04, THA: .06,
               NLD: .025, SGP: .02, PHL: .015, ISR: .01, IRL: .01, CAN: .01},
        2025: {TWN: .40, MEX: .18, VNM: .08, THA: .06, KOR: .05, MYS: .05, CHN: .03, JPN: .03,
               NLD: .02, SGP: .02, PHL: .01, ISR: .01, IRL: .01, CAN: .01},
    },
    "electrical_power": {
        2023: {MEX: .33, CHN: .20, KOR: .05, JPN: .05, DEU: .05, CAN: .055, TWN: .03, VNM: .03,
               THA: .03, ITA: .02, IND: .02, PHL: .015, MYS: .015, AUT: .01, BRA: .01},
        2024: {MEX: .35, CHN: .15, KOR: .055, JPN: .05, DEU: .05, CAN: .05, TWN: .03, VNM: .045,
               THA: .04, ITA: .02, IND: .025, PHL: .015, MYS: .015, AUT: .01, BRA: .01},
        2025: {MEX: .40, CHN: .08, KOR: .06, VNM: .06, THA: .05, JPN: .05, DEU: .05, CAN: .05,
               TWN: .03, IND: .03, ITA: .02, PHL: .015, MYS: .015, AUT: .01, BRA: .01},
    },
    "networking_telecom": {
        2023: {MEX: .20, CHN: .15, VNM: .12, TWN: .08, MYS: .08, THA: .08, KOR: .03, ISR: .02,
               JPN: .02, SGP: .02, CAN: .02},
        2024: {MEX: .22, CHN: .10, VNM: .14, TWN: .10, MYS: .07, THA: .09, KOR: .03, ISR: .02,
               JPN: .02, SGP: .02, CAN: .02},
        2025: {MEX: .25, VNM: .15, TWN: .12, THA: .10, MYS: .06, CHN: .05, KOR: .03, ISR: .02,
               JPN: .02, SGP: .02, CAN: .02},
    },
    "cooling_hvac": {
        2023: {MEX: .30, CHN: .22, THA: .07, CAN: .06, KOR: .05, JPN: .05, MYS: .03, DEU: .03,
               ITA: .02, VNM: .02},
        2024: {MEX: .33, CHN: .17, THA: .08, CAN: .055, KOR: .05, JPN: .05, MYS: .03, DEU: .03,
               ITA: .02, VNM: .03},
        2025: {MEX: .35, CHN: .12, THA: .08, CAN: .05, KOR: .05, JPN: .05, MYS: .03, DEU: .03,
               ITA: .02, VNM: .04},
    },
    "building_structure": {
        2023: {MEX: .20, CAN: .20, CHN: .20, KOR: .05, DEU: .04, TUR: .03, ITA: .02},
        2024: {MEX: .20, CAN: .19, CHN: .15, KOR: .05, DEU: .04, TUR: .03, ITA: .02},
        2025: {MEX: .20, CAN: .18, CHN: .10, KOR: .06, DEU: .05, TUR: .04, ITA: .02},
    },
    "medium": {
        2023: {CHN: .30, MEX: .23, VNM: .08, KOR: .05, TWN: .04, MYS: .04, THA: .04, JPN: .04,
               CAN: .04, DEU: .02, KHM: .02, IND: .01, IDN: .01},
        2024: {CHN: .26, MEX: .24, VNM: .10, KOR: .05, TWN: .04, MYS: .04, THA: .045, JPN: .04,
               CAN: .04, DEU: .02, KHM: .02, IND: .015, IDN: .015},
        2025: {CHN: .20, MEX: .255, VNM: .12, KOR: .05, TWN: .045, MYS: .04, THA: .05, JPN: .04,
               CAN: .04, DEU: .02, KHM: .015, IND: .02, IDN: .02},
    },
    "low": {
        2023: {MEX: .160, CAN: .118, CHN: .140, VNM: .055, DEU: .055, JPN: .052, KOR: .035,
               IND: .030, IRL: .035, ITA: .025, GBR: .022, FRA: .022, CHE: .020, THA: .020,
               TWN: .015, BRA: .015, MYS: .013, IDN: .012, NLD: .012},
        2024: {MEX: .162, CAN: .116, CHN: .125, VNM: .060, DEU: .055, JPN: .050, KOR: .035,
               IND: .033, IRL: .037, ITA: .025, GBR: .022, FRA: .022, CHE: .022, THA: .022,
               TWN: .016, BRA: .015, MYS: .013, IDN: .012, NLD: .012},
        2025: {MEX: .160, CAN: .1085, CHN: .090, VNM: .070, DEU: .056, JPN: .048, KOR: .034,
               IND: .036, IRL: .055, ITA: .026, GBR: .022, FRA: .022, CHE: .030, THA: .025,
               TWN: .018, BRA: .014, MYS: .014, IDN: .013, NLD: .012},
    },
}  # fmt: skip

EXPORT_MIXES: dict[str, Mix] = {
    "compute_hardware": {
        2023: {MEX: .20, CAN: .10, CHN: .08, TWN: .07, MYS: .06, KOR: .06, JPN: .05, NLD: .04,
               SGP: .04, HKG: .03, DEU: .03, GBR: .03, IRL: .02, ISR: .02, PHL: .02, VNM: .02},
        2024: {MEX: .21, CAN: .10, CHN: .05, TWN: .08, MYS: .06, KOR: .06, JPN: .05, NLD: .04,
               SGP: .04, HKG: .03, DEU: .03, GBR: .03, IRL: .02, ISR: .02, PHL: .02, VNM: .02},
        2025: {MEX: .22, CAN: .10, CHN: .03, TWN: .09, MYS: .06, KOR: .06, JPN: .05, NLD: .04,
               SGP: .04, HKG: .03, DEU: .03, GBR: .03, IRL: .02, ISR: .02, PHL: .02, VNM: .02},
    },
    "electrical_power": {
        y: {CAN: .30, MEX: .30, CHN: .04, DEU: .03, GBR: .03, JPN: .02, KOR: .02, SAU: .02}
        for y in TARGET_YEARS
    },
    "networking_telecom": {
        y: {MEX: .20, CAN: .15, CHN: .05, GBR: .04, JPN: .04, NLD: .04, DEU: .03, SGP: .03,
            BRA: .02, IND: .02}
        for y in TARGET_YEARS
    },
    "cooling_hvac": {
        y: {CAN: .35, MEX: .25, SAU: .03, CHN: .03, GBR: .02, AUS: .02} for y in TARGET_YEARS
    },
    "building_structure": {y: {CAN: .40, MEX: .25} for y in TARGET_YEARS},
    "medium": {
        y: {CAN: .22, MEX: .20, CHN: .05, JPN: .03, DEU: .03, GBR: .03, KOR: .03, NLD: .02}
        for y in TARGET_YEARS
    },
    "ch27": {y: {MEX: .20, CAN: .12, NLD: .08, CHN: .06, JPN: .06, KOR: .06, GBR: .05, IND: .04,
                 FRA: .03, BRA: .03, SGP: .03, CHL: .02, COL: .02, PER: .02, ESP: .02, ITA: .02}
             for y in TARGET_YEARS},
    "ch71": {y: {CHE: .25, GBR: .15, HKG: .12, IND: .08, ARE: .06, CAN: .06, ISR: .04, BEL: .03}
             for y in TARGET_YEARS},
    "ch98": {y: {CAN: .30, MEX: .25, CHN: .04, JPN: .03, GBR: .03, DEU: .02}
             for y in TARGET_YEARS},
    "low": {
        2023: {CAN: .175, MEX: .155, CHN: .085, JPN: .045, KOR: .040, GBR: .045, DEU: .040,
               NLD: .045, BRA: .030, IND: .025, FRA: .030, BEL: .025, AUS: .020, SGP: .025,
               TWN: .025, HKG: .015, CHE: .010},
        2024: {CAN: .175, MEX: .158, CHN: .080, JPN: .045, KOR: .040, GBR: .046, DEU: .040,
               NLD: .046, BRA: .030, IND: .026, FRA: .030, BEL: .025, AUS: .020, SGP: .025,
               TWN: .025, HKG: .015, CHE: .010},
        2025: {CAN: .170, MEX: .160, CHN: .065, JPN: .046, KOR: .041, GBR: .047, DEU: .041,
               NLD: .047, BRA: .030, IND: .027, FRA: .030, BEL: .025, AUS: .020, SGP: .026,
               TWN: .027, HKG: .015, CHE: .010},
    },
}  # fmt: skip

# --- Monthly shape -------------------------------------------------------------------

# Calendar seasonality (mean 1): imports dip in February and peak in autumn.
IMPORT_SEASONALITY: tuple[float, ...] = (
    1.00, 0.91, 1.02, 0.98, 1.02, 0.99, 1.01, 1.04, 1.02, 1.05, 1.00, 0.96,
)  # fmt: skip
EXPORT_SEASONALITY: tuple[float, ...] = (
    0.96, 0.94, 1.05, 1.00, 1.02, 1.00, 0.97, 1.00, 0.98, 1.03, 1.02, 1.03,
)  # fmt: skip

# Front-loading ahead of the April 2025 tariffs and the dip after (imports of low
# and medium goods), as multipliers on the trend.
FRONT_LOADING: dict[str, float] = {
    "2025-01": 1.06,
    "2025-02": 1.08,
    "2025-03": 1.10,
    "2025-04": 0.95,
    "2025-05": 0.93,
    "2025-06": 0.96,
}
FRONT_LOADED_GROUPS: tuple[str, ...] = ("medium", "low")

# AI groups diverge from early 2024: their log trend is linear through 2023 and
# gains a quadratic term from this month on.
AI_DIVERGENCE_START = "2024-01"
# Growth rate (per year, log) that trends relax to outside the calibrated years.
LONG_RUN_GROWTH = 0.03

# --- Tariffs -------------------------------------------------------------------------

# The 2025 tariff step starts in January (China only until March); the reciprocal
# tariffs and the electronics exclusion apply from April.
STEP_FROM = "2025-01"
NEW_TARIFFS_FROM = "2025-04"
# Effective tariff (duty / imports for consumption) of the base rates and Section 301
# alone, in the months of each year before April 2025; the base rates of each tier
# are scaled per year to meet them (2025: the 2024 level).
BASE_RATE_TARGETS: dict[str, dict[int, float]] = {
    "high": {2023: 0.017, 2024: 0.018, 2025: 0.018},
    "low": {2023: 0.026, 2024: 0.027, 2025: 0.027},
}
# China Section 301 rates by group (products may override).
SECTION_301: dict[str, float] = {
    "compute_hardware": 0.03,
    "electrical_power": 0.08,
    "networking_telecom": 0.05,
    "cooling_hvac": 0.08,
    "building_structure": 0.08,
    "fire_safety_security": 0.08,
    "specialty_materials": 0.05,
    "medium": 0.06,
    "low": 0.09,
    "excluded": 0.0,
}
# Effective tariff path for non-AI (low-tier) imports in 2025: the 2025 tariff step
# is solved month by month to follow it (kept at the December level afterwards).
LOW_TARIFF_PATH_2025: dict[int, float] = {
    1: 0.028, 2: 0.030, 3: 0.033, 4: 0.065, 5: 0.085, 6: 0.095,
    7: 0.100, 8: 0.105, 9: 0.110, 10: 0.115, 11: 0.118, 12: 0.120,
}  # fmt: skip
# Additional duty on all goods from China from April 2025: the IEEPA "fentanyl" duty
# (20 % most of the year, 10 % from November; 15 % here). January to March the China
# duty is the solved step itself.
CHINA_IEEPA = 0.15
# Month from which partner-specific reciprocal rates replace the 10 % baseline.
RECIPROCAL_PARTNER_RATES_FROM = "2025-08"
# Exposure to the reciprocal step before partner-specific rates (10 % baseline = 1).
# Mexico and Canada: only goods not entered under USMCA pay it (25 %).
RECIPROCAL_BASELINE: dict[str, float] = {CHN: 2.0, MEX: 2.5, CAN: 2.5}


@dataclass(frozen=True)
class Sparsity:
    """How often small product x partner cells trade in a month."""

    # A cell with expected monthly value E trades with probability 1 - exp(-E / scale_usd).
    scale_usd: float = 2.0e6  # divided by the sample scale
    noise_sigma: float = 1.0  # log-normal spread of a small traded cell around its expectation
    noise_floor: float = 0.08  # ... and of the biggest cells
    steady_usd: float = 3e7  # expected monthly value at which a cell is half-way steady
    pair_sigma: float = 0.9  # persistent spread between product x partner pairs


SPARSITY = Sparsity()
