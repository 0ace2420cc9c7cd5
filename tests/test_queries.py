"""The twelve competency questions (queries/*.rq) against the hand-written fixture.

Each query runs in pyoxigraph over tests/fixtures/mini.ttl and must give exactly the rows listed
here, in the query's own order. IRIs are written with the prefixes ``id:``, ``ctipc:`` and
``ctip:``; typed literals become Python values (int, Decimal, bool, str); a column built with
GROUP_CONCAT is compared as a set of its parts, because GROUP_CONCAT does not define an order.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from ctipgraph.store.derive import derive

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
FIXTURE = ROOT / "tests" / "fixtures" / "mini.ttl"

ID = "https://w3id.org/ctipgraph/id/"
CTIPC = ID + "concept/"
CTIP = "https://w3id.org/ctipgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int")}

FINDINGS = "id:doc/usdol-findings-2017-mali"
TIP2015 = "id:doc/tip-report-2015-mali"
USAID = "id:doc/usaid-ctip-research-2021-mali"
FINDINGS_IRI = ID + "doc/usdol-findings-2017-mali"
USAID_IRI = ID + "doc/usaid-ctip-research-2021-mali"
FINDINGS_TITLE = "2017 Findings on the Worst Forms of Child Labor: Mali"
TIP2015_TITLE = "Trafficking in Persons Report: Mali"
USAID_TITLE = (
    "DRG Learning, Evaluation, and Research Activity — Mali Counter-Trafficking in Persons"
    " (C-TIP) Research, Final Report"
)
ABF = "id:program/a-better-future-for-malis-children"
ABF_LABEL = (
    "A Better Future for Mali's Children: Combating Child Trafficking through Education in Mali"
)
GLOACT_LABEL = "Global Action Against Trafficking in Persons and the Smuggling of Migrants"
GLOACT_ALT = (
    "Global Action to Prevent and Address Trafficking in Persons and the Smuggling of Migrants"
)
GAP = "id:program/global-action-program-on-child-labor-issues"
CNCLTPA_LABEL = (
    "National Coordinating Committee for the Fight Against Trafficking in Persons and Associated"
    " Practices"
)
CNS_LABEL = "National Committee to Monitor Programs to Combat Trafficking in Children in Mali"
TP2017 = "id:assessment/mali-tier-placement-2017"
LSA_MIN = "id:assessment/mali-2017-minimum-age-for-work"
LSA_ILL = "id:assessment/mali-2017-prohibition-of-using-children-in-illicit-activities"
LSA_MIL = "id:assessment/mali-2017-prohibition-of-military-recruitment-non-state"
T2WL = "ctipc:tier/tier-2-watch-list"
T3 = "ctipc:tier/tier-3"
CHILD_SOLDIERING = "ctipc:exploitation/child-soldiering"
REC_SOCIAL = (
    "id:recommendation/ensure-that-government-social-services-have-sufficient-resources-and"
    "-facilities"
)
REC_SOCIAL_TEXT = (
    "Ensure that government social services have sufficient resources and facilities to provide"
    " the necessary care for victims of the worst forms of child labor."
)
T8_CELL1 = FINDINGS + "/table/10/row/3/cell/1"
T8_CELL2 = FINDINGS + "/table/10/row/3/cell/2"
T8_CELL2_EXACT = (
    "Coordinate government efforts to combat human trafficking. Chaired by the Ministry of Justice"
    " and includes various government agencies and civil society groups. (66; 67; 1; 2) In 2017,"
    " received its first ever budget of $381,000 to conduct training on human trafficking, fund"
    " victim services, and purchase transportation equipment. (33)"
)
USAID_CNCLTPA_EXACT = (
    "Mali then established, in collaboration with the International Organization for Migration"
    " (IOM) and the United Nations Office on Drugs and Crime (UNODC), the Comité national de"
    " coordination de la lutte contre la traite des personnes et les pratiques assimilées"
    " (CNCLTPA, National Coordination Committee against Trafficking in Persons and Assimilated"
    " Practices) under the supervision of the Ministry of Justice of Mali in 2011."
)
ABF_FOOTNOTE_EXACT = (
    "²⁴ The project “A Better Future for Mali’s Children: Combating Child Trafficking through "
    "Education in Mali” (2003–2007) was funded by USDOL at USD 3,000,000 and implemented by CARE "
    "Mali, which contributed USD 802,455 in matching funds."
)
GAP_ROW_EXACT = (
    "Global Action Program on Child Labor Issues (2011–2017)\tUSDOL-funded project implemented by "
    "the ILO in approximately 40 countries to support the priorities of the Roadmap for Achieving "
    "the Elimination of the Worst Forms of Child Labor by 2016 established by the Hague Global "
    "Child Labor Conference in 2010. (86) During 2017, conducted a study on the effectiveness of "
    "the School Speed Program on reducing child labor and supported activities under the Roadmap "
    "to Combat Child Labor in Agriculture. (75) Additional information is available on the USDOL "
    "website."
)
CNS_ESTABLISHED_EXACT = (
    "In 2006, Order No. 06-1940/MPFEF-SG established the Comité national de suivi des programmes "
    "de lutte contre la traite des enfants au Mali (CNS, National Committee to Monitor Programs "
    "to Combat Trafficking in Children in Mali)."
)
CNCLTPA_BUDGET_EXACT = (
    "Coordinate government efforts to combat human trafficking. Chaired by the Ministry of "
    "Justice and includes various government agencies and civil society groups. (66; 67; 1; 2) "
    "In 2017, received its first ever budget of $381,000 to conduct training on human "
    "trafficking, fund victim services, and purchase transportation equipment. (33)"
)
# the quotes queries 01, 04, 05 and 06 give beside each answer (issue 12: sources beside the rows)
CHILD_SOLDIERS_EXACT = (
    "Although the incidence of child soldiers decreased during the reporting period, children "
    "continued to be forcibly recruited and trained by non-state armed groups, including the "
    "Coordination of Azawad Movements (CMA), the National Movement for the Liberation of Azawad "
    "(MNLA), the High Council for the Unity of Azawad (HCUA), the Arab Movement of Azawad (MAA), "
    "and Tuareg Imghad and Allies Self-Defense Group (GATIA), all signatories of the 2015 Peace "
    "Accord. (33; 3; 34; 4)"
)
TIER_2015_EXACT = (
    "Despite these efforts, the government did not demonstrate evidence of overall increasing "
    "anti-trafficking efforts compared to the previous reporting period; therefore, Mali is "
    "placed on Tier 2 Watch List for the third consecutive year."
)
TIER_2017_EXACT = "The U.S. Department of State placed Mali on the Tier 2 Watch List in 2017. (2)"
TIER_USAID_EXACT = (
    "The U.S. State Department listed Mali in the Tier 3 list in 2017 and upgraded it to the "
    "Tier 2 Watch List in 2018 and to Tier 2 in 2019 but downgraded it back to the Tier 2 Watch "
    "List in 2020, where the country remained in 2021 as well."
)
GLOACT_ROW_EXACT = (
    "Global Action Against Trafficking in Persons and the Smuggling of Migrants (GLO ACT)*\t$13"
    " million EU-funded global project implemented by the UNODC, UNICEF, and the IOM to combat"
    " human trafficking and migrant smuggling. In 2017, conducted training for justice"
    " enforcement officials on best practices to identify human trafficking victims and"
    " prosecute crimes related to human trafficking. (93; 94)"
)
USAID_GLOACT_1 = (
    "For example, as part of the UNODC's Global Action to Prevent and Address Trafficking in"
    " Persons and the Smuggling of Migrants (GLO.ACT), a training workshop for judges was"
    " organized in late 2018 in Sikasso, Mali."
)
USAID_GLOACT_2 = (
    "One notable exception was GLO.ACT, which included a training component on trafficking of"
    " children by armed groups in Niger and Mali, although it was mostly related to improving"
    " the treatment of these children."
)


def ref(key):
    return f"{FINDINGS}/ref/{key}"


def names(*parts):
    return frozenset(parts)


REF_TEXT = {
    1: "U.S. Embassy- Bamako. Reporting, February 23, 2018.",
    2: "U.S. Department of State. Trafficking in Persons Report- 2017: Mali. Washington, DC."
    " June 27, 2017. <https://www.state.gov/j/tip/rls/tiprpt/countries/2017/271237.htm>.",
    33: "U.S. Embassy- Bamako. Reporting, February 12, 2018.",
    66: "U.S. Embassy- Bamako. Reporting, February 14, 2017.",
    67: "Government of Mali. Decree 2011-036 to create a National Coordinating Committee for the"
    " Fight Against Trafficking in Persons and Associated Practices. Enacted: 2011."
    " <http://extwprlegs1.fao.org/docs/pdf/ml152170.pdf>.",
}

# file -> (columns, {GROUP_CONCAT column: separator}, expected rows in the query's order)
EXPECTED = {
    "01-programs-funders-implementers.rq": (
        ["program", "programLabel", "funder", "funderLabel", "fundingKind", "amount", "currency",
         "startYear", "endYear", "implementers", "quote", "document"],
        {"implementers": " | "},
        [
            (ABF, ABF_LABEL, "id:org/care-mali", "CARE Mali", "matching", Decimal("802455"),
             "USD", None, None, names("CARE Mali"), ABF_FOOTNOTE_EXACT, USAID),
            (ABF, ABF_LABEL, "id:org/usdol", "U.S. Department of Labor", "funding",
             Decimal("3000000"), "USD", "2003", "2007", names("CARE Mali"), ABF_FOOTNOTE_EXACT,
             USAID),
            ("id:program/glo-act", GLOACT_LABEL, "id:org/european-union", "European Union",
             "funding", Decimal("13000000"), "USD", None, None,
             names("International Organization for Migration", "United Nations Children's Fund",
                   "United Nations Office on Drugs and Crime"), GLOACT_ROW_EXACT, FINDINGS),
            (GAP, "Global Action Program on Child Labor Issues", "id:org/usdol",
             "U.S. Department of Labor", None, None, None, "2011", "2017",
             names("International Labour Organization"), GAP_ROW_EXACT, FINDINGS),
        ],
    ),
    "02-funders-totals.rq": (
        ["funder", "funderLabel", "currency", "totalAmount", "fundings", "documents"],
        {"documents": " | "},
        [
            ("id:org/care-mali", "CARE Mali", "USD", Decimal("802455"), 1, names(USAID_IRI)),
            ("id:org/european-union", "European Union", "USD", Decimal("13000000"), 1,
             names(FINDINGS_IRI)),
            ("id:org/government-of-mali", "Government of Mali", "USD", Decimal("381000"), 1,
             names(FINDINGS_IRI)),
            ("id:org/usdol", "U.S. Department of Labor", "USD", Decimal("3000000"), 1,
             names(USAID_IRI)),
        ],
    ),
    "03-legal-standards-not-met.rq": (
        ["assessment", "standard", "age", "instrument", "instrumentLabel", "partOf",
         "partOfLabel", "documents", "quote", "quoteDocument"],
        {"documents": " | "},
        [
            (LSA_MIL, "Prohibition of Military Recruitment: Non-state", 15, "id:law/penal-code",
             "Penal Code", None, None, names(FINDINGS_IRI),
             "Non-state\tNo\t15\tArticles 31.23, 31.31, and 32 of the Penal Code (49)", FINDINGS),
            (LSA_ILL, "Prohibition of Using Children in Illicit Activities", None,
             "id:law/penal-code-article-193", "Article 193 of the Penal Code",
             "id:law/penal-code", "Penal Code", names(FINDINGS_IRI),
             "Prohibition of Using Children in Illicit Activities\tNo\t\tArticle 193 of the Penal "
             "Code (49)", FINDINGS),
        ],
    ),
    "04-armed-groups-children.rq": (
        ["group", "groupLabel", "acronyms", "form", "document", "reportingYear", "passages",
         "quote"],
        {"acronyms": " | "},
        [
            ("id:org/mnla", "National Movement for the Liberation of Azawad", names("MNLA"),
             CHILD_SOLDIERING, FINDINGS, "2017", 1, CHILD_SOLDIERS_EXACT),
            ("id:org/gatia", "Tuareg Imghad and Allies Self-Defense Group", names("GATIA"),
             CHILD_SOLDIERING, FINDINGS, "2017", 1, CHILD_SOLDIERS_EXACT),
        ],
    ),
    "05-tier-by-year.rq": (
        ["year", "tier", "tierLabel", "document", "documentTitle", "reportingYear", "quote"],
        {},
        [
            ("2015", T2WL, "Tier 2 Watch List", TIP2015, TIP2015_TITLE, "2015",
             TIER_2015_EXACT),
            ("2017", T2WL, "Tier 2 Watch List", FINDINGS, FINDINGS_TITLE, "2017",
             TIER_2017_EXACT),
            ("2017", T3, "Tier 3", USAID, USAID_TITLE, "2021", TIER_USAID_EXACT),
            ("2018", T2WL, "Tier 2 Watch List", USAID, USAID_TITLE, "2021", TIER_USAID_EXACT),
        ],
    ),
    "06-coordinating-bodies.rq": (
        ["body", "bodyLabel", "acronyms", "leader", "leaderLabel", "budget", "amount",
         "currency", "year", "quote", "document"],
        {"acronyms": " | "},
        [
            ("id:org/cns", CNS_LABEL, names("CNS"), None, None, None, None, None, None,
             CNS_ESTABLISHED_EXACT, USAID),
            ("id:org/cncltpa", CNCLTPA_LABEL, names("CNCLTPA"), "id:org/ministry-of-justice",
             "Ministry of Justice", "id:funding/cncltpa-2017", Decimal("381000"), "USD",
             "2017", CNCLTPA_BUDGET_EXACT, FINDINGS),
        ],
    ),
    "07-fact-evidence.rq": (
        ["document", "documentTitle", "passage", "exact", "reference", "referenceKey",
         "referenceText", "url"],
        {},
        [
            (USAID, USAID_TITLE, USAID + "/sentence/216", USAID_CNCLTPA_EXACT, None, None, None,
             None),
            (FINDINGS, FINDINGS_TITLE, T8_CELL1, CNCLTPA_LABEL, None, None, None, None),
            (FINDINGS, FINDINGS_TITLE, T8_CELL2, T8_CELL2_EXACT, ref(1), "1", REF_TEXT[1], None),
            (FINDINGS, FINDINGS_TITLE, T8_CELL2, T8_CELL2_EXACT, ref(2), "2", REF_TEXT[2],
             "https://www.state.gov/j/tip/rls/tiprpt/countries/2017/271237.htm"),
            (FINDINGS, FINDINGS_TITLE, T8_CELL2, T8_CELL2_EXACT, ref(33), "33", REF_TEXT[33],
             None),
            (FINDINGS, FINDINGS_TITLE, T8_CELL2, T8_CELL2_EXACT, ref(66), "66", REF_TEXT[66],
             None),
            (FINDINGS, FINDINGS_TITLE, T8_CELL2, T8_CELL2_EXACT, ref(67), "67", REF_TEXT[67],
             "http://extwprlegs1.fao.org/docs/pdf/ml152170.pdf"),
        ],
    ),
    "08-agreement-disagreement.rq": (
        ["status", "subject", "predicate", "object", "documents", "documentCount"],
        {"documents": " | "},
        [
            ("agree", TP2017, "ctip:country", "id:place/mali", names(FINDINGS_IRI, USAID_IRI), 2),
            ("agree", TP2017, "ctip:year", "2017", names(FINDINGS_IRI, USAID_IRI), 2),
            ("agree", "id:org/cncltpa", "ctip:ledBy", "id:org/ministry-of-justice",
             names(FINDINGS_IRI, USAID_IRI), 2),
            ("agree", "id:program/glo-act", "ctip:implementedBy", "id:org/unodc",
             names(FINDINGS_IRI, USAID_IRI), 2),
            ("disagree", TP2017, "ctip:tier", T2WL, names(FINDINGS_IRI), 1),
            ("disagree", TP2017, "ctip:tier", T3, names(USAID_IRI), 1),
        ],
    ),
    "09-citations.rq": (
        ["kind", "reference", "referenceKey", "document", "citations", "claims", "subject",
         "predicate", "object"],
        {},
        [
            ("reference", ref(key), str(key), FINDINGS, citations, claims, None, None, None)
            for key, citations, claims in [
                (2, 2, 9), (33, 2, 8), (49, 2, 8), (93, 1, 10), (94, 1, 10), (1, 1, 6),
                (66, 1, 6), (67, 1, 6), (75, 1, 6), (86, 1, 6), (44, 1, 3), (3, 1, 2),
                (4, 1, 2), (34, 1, 2),
            ]
        ]
        + [
            ("single-reference-fact", ref(key), str(key), FINDINGS, None, 1, s, p, o)
            for key, s, p, o in [
                (2, TP2017, "ctip:country", "id:place/mali"),
                (2, TP2017, "ctip:tier", T2WL),
                (2, TP2017, "ctip:year", "2017"),
                (44, LSA_MIN, "ctip:meetsInternationalStandards", True),
                (44, LSA_MIN, "ctip:setBy", "id:law/law-2017-021"),
                (44, LSA_MIN, "ctip:standard", "Minimum Age for Work"),
                (49, LSA_MIL, "ctip:age", 15),
                (49, LSA_MIL, "ctip:meetsInternationalStandards", False),
                (49, LSA_MIL, "ctip:setBy", "id:law/penal-code"),
                (49, LSA_MIL, "ctip:standard", "Prohibition of Military Recruitment: Non-state"),
                (49, LSA_ILL, "ctip:meetsInternationalStandards", False),
                (49, LSA_ILL, "ctip:setBy", "id:law/penal-code-article-193"),
                (49, LSA_ILL, "ctip:standard",
                 "Prohibition of Using Children in Illicit Activities"),
                (49, "id:law/penal-code-article-193", "ctip:partOf", "id:law/penal-code"),
            ]
        ],
    ),
    "10-recurring-recommendations.rq": (
        ["recommendation", "text", "area", "areaLabel", "yearCount", "firstYear", "lastYear",
         "years", "documents"],
        {"years": ", ", "documents": " | "},
        [
            (REC_SOCIAL, REC_SOCIAL_TEXT, "ctipc:area/enforcement", "Enforcement", 2, "2016",
             "2017", names("2016", "2017"), names(FINDINGS_IRI)),
        ],
    ),
    "11-entity-mentions.rq": (
        ["document", "reportingYear", "passage", "exact", "namesUsed", "allNames"],
        {"namesUsed": " | ", "allNames": " | "},
        [
            (FINDINGS, "2017", FINDINGS + "/table/13/row/7", GLOACT_ROW_EXACT,
             names(GLOACT_LABEL, "GLO ACT"),
             names(GLOACT_LABEL, GLOACT_ALT, "GLO ACT", "GLO.ACT")),
            (USAID, "2021", USAID + "/sentence/371", USAID_GLOACT_1,
             names(GLOACT_ALT, "GLO.ACT"),
             names(GLOACT_LABEL, GLOACT_ALT, "GLO ACT", "GLO.ACT")),
            (USAID, "2021", USAID + "/sentence/375", USAID_GLOACT_2, names("GLO.ACT"),
             names(GLOACT_LABEL, GLOACT_ALT, "GLO ACT", "GLO.ACT")),
        ],
    ),
    "12-indicator-by-year.rq": (
        ["year", "value", "unit", "ageMin", "ageMax", "observation", "document",
         "reportingYear", "references"],
        {"references": " | "},
        [
            ("2013", Decimal("1216300"), "children", 5, 14,
             "id:observation/mali-2013-working-children-5-14-number", FINDINGS, "2017", None),
            ("2013", Decimal("25.1"), "percent", 5, 14,
             "id:observation/mali-2013-working-children-5-14-percent", FINDINGS, "2017", None),
        ],
    ),
}


def value(term):
    """A query result term as a plain Python value (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        iri = term.value
        for base, prefix in ((CTIPC, "ctipc:"), (ID, "id:"), (CTIP, "ctip:")):
            if iri.startswith(base):
                return prefix + iri[len(base):]
        return iri
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in INTEGER_TYPES:
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    raise AssertionError(f"unexpected term in a result: {term!r}")


@pytest.fixture(scope="module")
def store():
    s = Store()
    s.load(path=str(FIXTURE), format=RdfFormat.TURTLE)
    derive(s)  # as a built store has them (08 and 09 read them)
    return s


def run(store, name, set_columns):
    solutions = store.query((QUERIES / name).read_text(encoding="utf-8"))
    columns = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = []
        for column in columns:
            cell = value(solution[column])
            if column in set_columns and cell is not None:
                cell = frozenset(cell.split(set_columns[column])) if cell else frozenset()
            row.append(cell)
        rows.append(tuple(row))
    return columns, rows


def test_the_twelve_query_files_are_there():
    present = {p.name for p in QUERIES.glob("*.rq")}
    assert set(EXPECTED) <= present, sorted(set(EXPECTED) - present)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_answer(store, name):
    expected_columns, set_columns, expected_rows = EXPECTED[name]
    columns, rows = run(store, name, set_columns)
    assert columns == expected_columns
    assert rows == expected_rows


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_header_prefixes_and_syntax(name):
    text = (QUERIES / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    for line, key in zip(lines, ("title", "question", "returns"), strict=False):
        assert re.fullmatch(rf"# {key}: \S.*", line), f"{name}: expected '# {key}: …', got {line!r}"
    assert len(lines) > 3
    assert lines[1].rstrip().endswith("?"), f"{name}: the question should be a question"
    body_lines = [line for line in lines if not line.startswith("#")]
    assert body_lines[0].startswith("PREFIX "), f"{name}: PREFIX lines come right after the header"
    declared = re.findall(r"^PREFIX (\w*):", text, flags=re.MULTILINE)
    body = "\n".join(line for line in body_lines if not line.startswith("PREFIX "))
    body = re.sub(r'"[^"\n]*"', '""', body)  # ignore prefixed-looking text inside strings
    body = re.sub(r"<[^<>\s]*>", "<>", body)  # and inside full IRIs
    for prefix in declared:
        assert re.search(rf"(?<![\w-]){prefix}:", body), f"{name}: PREFIX {prefix}: is unused"
    used = set(re.findall(r"(?<![\w?$-])([A-Za-z][\w-]*):", body))
    assert used <= set(declared), f"{name}: undeclared prefixes {used - set(declared)}"
    Store().query(text)  # parses (raises SyntaxError otherwise)


def test_fixture_claims_match_plain_triples(store):
    """Every claim's triple is asserted; every ctip: fact about an n-ary resource has a claim."""
    unclaimed = store.query(
        """
        PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?c WHERE {
          ?c a ctip:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          FILTER NOT EXISTS { ?s ?p ?o }
        }"""
    )
    assert list(unclaimed) == []
    missing = store.query(
        """
        PREFIX ctip: <https://w3id.org/ctipgraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?s ?p ?o WHERE {
          VALUES ?type { ctip:Funding ctip:MatchingFunding ctip:TierPlacement ctip:Observation
                         ctip:LegalStandardAssessment ctip:Recommendation ctip:Program }
          ?s a ?type ; ?p ?o .
          FILTER(STRSTARTS(STR(?p), STR(ctip:)) && ?p != ctip:mentionedIn && ?p != ctip:acronym)
          FILTER NOT EXISTS { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
          FILTER NOT EXISTS { GRAPH <https://w3id.org/ctipgraph/graph/derived> { ?s ?p ?o } }
        }"""
    )
    assert [tuple(value(t) for t in row) for row in missing] == []


def test_fixture_quotes_fit_their_offsets_and_has_no_blank_nodes(store):
    rows = store.query(
        """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?passage ?start ?end ?exact WHERE {
          ?passage oa:hasSelector ?position, ?quote .
          ?position oa:start ?start ; oa:end ?end .
          ?quote oa:exact ?exact .
        }"""
    )
    checked = 0
    for row in rows:
        assert int(row["end"].value) - int(row["start"].value) == len(row["exact"].value)
        checked += 1
    assert checked >= 20
    blank = store.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")
    assert not bool(blank)
