"""Which official-record element is which graph term: the scorer's field map.

The record's elements are USDOL's (Sweat & Toil); the graph's terms are the ontology's (indicator
concepts, lexicon agreements) and the words of the Findings tables' own row labels. Nothing here
is a value: only where to look.
"""

from __future__ import annotations

from dataclasses import dataclass

ID = "https://w3id.org/ctipgraph/id/"


@dataclass(frozen=True)
class Statistic:
    """A Country_Statistics group: its indicator and the elements holding share and count."""

    element: str
    indicator: str
    label: str
    share: str
    count: str | None = None
    has_ages: bool = True


STATISTICS = (
    Statistic("Children_Work_Statistics", "working-children", "working children",
              "Total_Percentage_of_Working_Children", "Total_Working_Population"),
    Statistic("Education_Statistics_Attendance_Statistics", "attending-school",
              "attending school", "Percentage"),
    Statistic("Children_Working_and_Studying_7-14_yrs_old", "combining-work-and-school",
              "combining work and school", "Total"),
    Statistic("UNESCO_Primary_Completion_Rate", "primary-completion-rate",
              "primary completion rate", "Rate", has_ages=False),
)

#: Conventions element → the lexicon's agreement (data/lexicon/laws.ttl).
CONVENTIONS = {
    "C_138_Ratified": ID + "agreement/ilo-c-138",
    "C_182_Ratified": ID + "agreement/ilo-c-182",
    "Convention_on_the_Rights_of_the_Child_Ratified": ID + "agreement/un-crc",
    "CRC_Commercial_Sexual_Exploitation_of_Children_Ratified":
        ID + "agreement/un-crc-optional-protocol-sale-of-children",
    "CRC_Armed_Conflict_Ratified": ID + "agreement/un-crc-optional-protocol-armed-conflict",
    "Palermo_Ratified": ID + "agreement/palermo-protocol",
}

#: Legal_Standards element → word groups of the table's "Standard" wording (every word of one
#: group, in the folded wording); the first element whose group matches takes the row, so the
#: more specific come first.
STANDARDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("Minimum_Hazardous_Work", (("minimum", "hazardous"),)),
    ("Types_Hazardous_Work", (("hazardous",),)),
    ("Minimum_Work", (("minimum", "age", "work"),)),
    ("Prohibition_Forced_Labor", (("forced", "labor"),)),
    ("Prohibition_Child_Trafficking", (("trafficking",),)),
    ("Prohibition_CSEC", (("commercial", "sexual"),)),
    ("Prohibition_Illicit_Activities", (("illicit",),)),
    ("Minumum_Non_State_Military", (("non", "state"),)),
    ("Minimum_Compulsory_Military", (("military", "compulsory"), ("conscription",))),
    ("Minumum_Voluntary_Military", (("military", "voluntary"),)),
    ("Compulsory_Education", (("compulsory", "education"),)),
    ("Free_Public_Education", (("free", "education"),)),
)


@dataclass(frozen=True)
class Enforcement:
    """An Enforcements element: the table it is a row of (labor or criminal), whether it is a
    figure or a Yes/No answer, the indicator concepts that hold it, and the words of the row
    label that name it (for figures found by the row they were read from)."""

    element: str
    table: str
    kind: str  # "number", "money" or "answer"
    indicators: tuple[str, ...]
    row: tuple[tuple[str, ...], ...]


def _e(element: str, table: str, kind: str, indicators: tuple[str, ...],
       *row: tuple[str, ...]) -> Enforcement:
    return Enforcement(element, table, kind, indicators, row)


ENFORCEMENT = (
    _e("Labor_Funding", "labor", "money", ("labor-inspectorate-funding",), ("funding",)),
    _e("Dedicated_Labor_Inspectors", "labor", "number", ("dedicated-labor-inspectors",),
       ("dedicated",)),
    _e("Labor_Inspectors", "labor", "number", ("labor-inspectors",),
       ("number", "labor", "inspectors")),
    _e("Labor_Inspectors_Intl_Standards", "labor", "answer",
       ("labor-inspectors-meet-ilo-advice", "labor-inspectors-intl-standards"),
       ("ilo",), ("international", "standard")),
    _e("Authorized_Access_Penalties", "labor", "answer",
       ("inspectorate-authorized-to-assess-penalties", "authorized-to-assess-penalties"),
       ("assess", "penalties")),
    _e("Labor_New_Employee_Training", "labor", "answer",
       ("labor-initial-training", "initial-training-labor-inspectors"),
       ("initial", "training")),
    _e("Labor_New_Law_Training", "labor", "answer",
       ("labor-new-law-training", "training-on-new-laws-labor"), ("training", "new", "laws")),
    _e("Labor_Refresher_Courses", "labor", "answer",
       ("labor-refresher-courses", "refresher-courses-labor"), ("refresher",)),
    _e("Labor_Worksite_Inspections", "labor", "number",
       ("worksite-inspections", "labor-inspections-worksite"), ("worksite",)),
    _e("Labor_Desk_Review_Inspections", "labor", "number",
       ("desk-review-inspections", "labor-inspections-desk-review"), ("desk",)),
    _e("Labor_Inspections", "labor", "number", ("labor-inspections",),
       ("number", "labor", "inspections")),
    _e("Labor_Violations", "labor", "number",
       ("labor-violations", "child-labor-violations"), ("violations", "found")),
    _e("Labor_Penalties_Collected", "labor", "number",
       ("labor-penalties-collected", "penalties-collected"), ("collected",)),
    _e("Labor_Penalties_Imposed", "labor", "number",
       ("labor-penalties-imposed", "penalties-imposed"), ("penalties", "imposed")),
    _e("Labor_Routine_Inspections_Conducted", "labor", "answer",
       ("routine-inspections-conducted",), ("routine", "conducted")),
    _e("Labor_Routine_Inspections_Targeted", "labor", "answer",
       ("routine-inspections-targeted",), ("routine", "targeted")),
    _e("Labor_Unannounced_Inspections_Premitted", "labor", "answer",
       ("unannounced-inspections-permitted",), ("unannounced", "permitted")),
    _e("Labor_Unannounced_Inspections_Conducted", "labor", "answer",
       ("unannounced-inspections-conducted",), ("unannounced", "conducted")),
    _e("Labor_Complaint_Mechanism", "labor", "answer", ("complaint-mechanism",),
       ("complaint",)),
    _e("Labor_Referral_Mechanism", "labor", "answer",
       ("labor-referral-mechanism", "referral-mechanism-labor"), ("referral",)),
    _e("Criminal_New_Employee_Training", "criminal", "answer",
       ("criminal-initial-training", "initial-training-criminal-investigators"),
       ("initial", "training")),
    _e("Criminal_New_Law_Training", "criminal", "answer",
       ("criminal-new-law-training", "training-on-new-laws-criminal"),
       ("training", "new", "laws")),
    _e("Criminal_Refresher_Courses", "criminal", "answer",
       ("criminal-refresher-courses", "refresher-courses-criminal"), ("refresher",)),
    _e("Criminal_Investigations", "criminal", "number", ("investigations",),
       ("number", "investigations")),
    _e("Criminal_Violations", "criminal", "number",
       ("criminal-violations", "violations-found"), ("violations", "found")),
    _e("Criminal_Prosecutions", "criminal", "number", ("prosecutions",), ("prosecutions",)),
    _e("Criminal_Convictions", "criminal", "number", ("convictions",), ("convictions",)),
    _e("Criminal_Penalties_for_WFCL", "criminal", "answer",
       ("criminal-penalties-imposed", "penalties-for-wfcl"), ("penalties",)),
    _e("Criminal_Referral_Mechanism", "criminal", "answer",
       ("criminal-referral-mechanism", "referral-mechanism-criminal"), ("referral",)),
)

#: The extraction methods (table kinds of patterns.toml) of the two enforcement tables.
ENFORCEMENT_TABLES = {"labor": "table:labor-enforcement", "criminal": "table:criminal-enforcement"}
