"""Discovery of named entities in prose that no lexicon lists, by the document's own words.

Rules over the text's structure, with their vocabulary in ``data/lexicon/discovery.toml``
(merged into patterns.toml): a report never seen before yields its bodies, forces, coalitions,
plans, projects and instruments with no lexicon edit. Each rule types a name by what the text
says of it:

- ``institution``: state institutions named by a common noun and a country — "the Malian
  military", "Mali's armed forces", "the National Assembly", "the Malian National Police and
  Gendarmerie" — are that country's (``id:org/mali-armed-forces``, "Armed Forces of Mali");
- ``trailing-cue``: a capitalized name followed by a lower-case head noun — "the Afrobarometer
  survey", "the Rapid Education Risks Assessment program";
- ``appositive``: what the text calls it — "the NGO ENDA Jeunesse Action", "World Education,
  a private voluntary organization";
- ``government-demonym``: "the Nigerian government" is the Government of Nigeria;
- ``description``: "the national committee, the entity charged with coordinating government
  anti-trafficking efforts" names the report country's body sharing most of its words;
- generic plans of one report: "National Action Plan" is the report's only plan whose name
  holds it ("Mali National TIP Action Plan").

Cue-word names ("Ministry of …", "… Joint Force", "… Fund") are found by
``mentions.MentionFinder.discover_cue_names`` with the cue words of this file too; country
scoping of generic names is ``link.scope``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..iris import entity_iri, slugify
from ..read.model import Block
from .lexicon import KIND_OF_CLASS, Lexicon, fold, norm_name

if TYPE_CHECKING:
    from .mentions import MentionFinder, Run

_WORDS = re.compile(r"[a-z][a-z0-9]*")
_STOP_WORDS = ("the of for and to against on in at a an de la le les du des et pour sur au aux l "
               "d with by its their this that is was were be as or from")
_STOP = frozenset(_STOP_WORDS.split())


#: the rules that class a name by its head noun (mentions.MentionFinder)
_BY_HEAD_NOUN = ("cue:", "acronym-definition")


def _appositive_after(nouns: str, amounts: bool) -> re.Pattern[str]:
    """ ", an NOUN" right after a name (`nouns`: an alternation of appositives' nouns), two words
    at most between the article and the noun, the second in lower case, so that a list's next
    name is none ("…, the UNICEF Country Program Action Plan"); with `amounts`, after any
    number of asides in parentheses and with a sum or a number among the words ("(2017–2022),
    a $611 million project")."""
    if amounts:
        asides, first, second = "*", r"\$?[\w-]+(?:[.,]\d+)*", r"[a-z][\w-]*|\$?\d[\d.,]*"
    else:
        asides, first, second = "?", r"[\w-]+", r"[a-z][\w-]*"
    return re.compile(rf"(?:\s*\([^()]{{1,20}}\)){asides},\s+(?:an?|the)\s+(?:{first}\s+)?"
                      rf"(?:(?:{second})\s+)?(?i:(?P<noun>{nouns}))\b")


def _by_class(lexicon: Lexicon, section: str) -> dict[str, str]:
    """A discovery.toml section of class → words, as folded word → class."""
    return {fold(w): cls for cls, words in lexicon.section(section).items() for w in words}


def _alt(words: list[str]) -> str:
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(fold(w, lower=False)) for w in ordered)


class Discovery:
    """The discovery rules of one document (run by its ``MentionFinder``)."""

    def __init__(self, finder: MentionFinder) -> None:
        self.f = finder
        lexicon = finder.lexicon
        self.lexicon = lexicon
        self.scoping = lexicon.scoping
        intl = lexicon.section("international")
        self._intl = re.compile(r"(?<![\w-])(?:" + _alt(intl.get("words", [])) + r")(?![\w-])") \
            if intl.get("words") else None
        self._armed = [fold(w) for w in intl.get("armed_context", [])]
        self._armed_names = [fold(w) for w in intl.get("armed_names", [])]
        self._national_acronyms: set[str] | None = None
        inst = lexicon.section("institutions")
        self.institutions: dict[str, tuple[str, str]] = {}
        for term, value in inst.get("terms", {}).items():
            name, cls = (value, "GovernmentBody") if isinstance(value, str) else value
            self.institutions[fold(term)] = (name, cls)
        self.bare = {fold(t) for t in inst.get("bare", [])}
        self.template = inst.get("label", "{name} of {country}")
        self.trailing = {fold(k): v for k, v in lexicon.section("trailing_cues").items()}
        self.appositives = _by_class(lexicon, "appositives")
        self._with_after = {fold(w, lower=False) for w in lexicon.words("names", "with_after")}
        self.gov_nouns = [fold(n) for n in lexicon.section("governments").get("nouns", [])]
        desc = lexicon.section("descriptions")
        self.desc_heads = [fold(h) for h in desc.get("heads", [])]
        self.desc_classes = set(desc.get("classes", []))
        self.desc_min = int(desc.get("min_shared", 2))
        self.desc_ignore = {fold(w) for w in desc.get("ignore", [])} | _STOP
        self.synonyms = {fold(k): fold(v) for k, v in desc.get("synonyms", {}).items()}
        words = sorted(self.scoping.words, key=lambda w: (-len(w), w))
        self._country_alt = "|".join(re.escape(w) for w in words) or "(?!)"
        terms = _alt(sorted(self.institutions)) or "(?!)"
        self._institution_re = re.compile(
            rf"(?<![\w-])(?:(?P<pre>{self._country_alt})(?:['’]s)?\s+)?(?P<term>{terms})"
            rf"(?:\s+(?:of|du|de)\s+(?:the\s+)?(?P<post>{self._country_alt}))?(?![\w-])",
            re.IGNORECASE)
        nouns = _alt(sorted(self.appositives)) or "(?!)"
        self._before_re = re.compile(
            rf"(?<![\w])(?:the|an?)\s+(?:local\s+|international\s+|national\s+)?"
            rf"(?P<noun>{nouns})\s+(?:\([A-Z]+\)\s+)?$", re.IGNORECASE)
        # what the text calls a name right after it: "…, a local NGO", "… (CJTF), a non-state
        # self-defense militia"; after an acronym's definition also amounts and periods ("…
        # (BESDA) (2017–2022), a $611 million project")
        self._after_re = _appositive_after(nouns, amounts=False)
        self._after_acronym_re = _appositive_after(nouns, amounts=True)
        # whose deed it is: "implemented by World Hope International (WHI)" is an organization
        self.agents = _by_class(lexicon, "agents")
        self._agent_re = re.compile(
            rf"(?<![\w-])(?P<by>{_alt(sorted(self.agents)) or '(?!)'})\s+(?:the\s+)?$",
            re.IGNORECASE)
        # what is said of it: "… (CLEAR) II (2016–2018), implemented by the ILO" is a program
        self.participles = _by_class(lexicon, "participles")
        self._participle_re = re.compile(
            rf"(?:\s*\([^()]{{1,20}}\))*[,:]\s+"
            rf"(?P<said>{_alt(sorted(self.participles)) or '(?!)'})\b", re.IGNORECASE)
        self._gov_re = re.compile(rf"(?<![\w-])(?P<dem>{self._country_alt})\s+"
                                  rf"(?:{_alt(self.gov_nouns) or '(?!)'})(?![\w-])", re.IGNORECASE)
        self._desc_re = re.compile(rf"(?<![\w-])(?:{_alt(self.desc_heads) or '(?!)'})(?![\w-])")
        prefixes = intl.get("un_prefix", [])
        self._un_not_bodies = set(intl.get("un_not_bodies", []))
        listed = [w for w in intl.get("words", []) if w.isupper() and len(w) > 2]
        self._un_re = re.compile(
            rf"(?<![\w-])(?:(?:{_alt(prefixes) or '(?!)'})[A-Z]{{2,6}}|{_alt(listed) or '(?!)'})"
            r"(?![\w-])") if prefixes else None

    # -- helpers used by the cue-word discovery -----------------------------------------------

    def international(self, name: str) -> bool:
        """Whether a name holds a word of the UN system or a regional organization."""
        return bool(self._intl and self._intl.search(fold(name, lower=False)))

    def armed(self, text: str) -> bool:
        """Whether a passage is of an armed context (a cue word "Movement" or "Front" there
        names an armed group)."""
        folded = fold(text)
        return any(w in folded for w in self._armed)

    def names_armed_groups(self, sentence: str) -> bool:
        """Whether a sentence speaks of armed groups (a name defined there by its acronym,
        with no cue word, is one)."""
        folded = fold(sentence)
        return any(w in folded for w in self._armed_names)

    def country_before(self, text: str, pos: int) -> URIRef | None:
        """The country of a demonym or possessive right before a name ("Malian ", "Togo's ")."""
        m = re.search(rf"(?<![\w.])({self._country_alt})(?:['’]s)?\s+$",
                      fold(text[:pos], lower=False))
        return self.scoping.country_word(m.group(1)) if m else None

    def is_institution(self, name: str) -> bool:
        """Whether a name is an institution term ("Armed Forces", "National Assembly"), left
        to the institution rule that gives it its country."""
        return fold(" ".join(name.split())) in self.institutions

    def country_label(self, country: URIRef) -> str:
        return self.scoping.labels.get(country) or str(country).rsplit("/", 1)[-1].replace(
            "-", " ").title()

    def country_after(self, text: str) -> URIRef | None:
        """The country of "of <country>" right after a name ("Ministry of Justice of Ghana")."""
        m = re.match(rf"\s+(?:of|du|de)\s+(?:the\s+)?({self._country_alt})(?![\w])",
                     fold(text, lower=False))
        return self.scoping.country_word(m.group(1)) if m else None

    def report_country(self) -> URIRef | None:
        """The country a report names most in its prose (when its metadata names none)."""
        counts: Counter[URIRef] = Counter()
        pattern = re.compile(rf"(?<![\w.])({self._country_alt})(?![\w])")
        for block in self.f._prose():
            for m in pattern.finditer(fold(self.f.doc.text[block.start:block.end], lower=False)):
                iri = self.scoping.country_word(m.group(1))
                if iri is not None:
                    counts[iri] += 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0] if counts \
            else None

    def possessive_name(self, block: Block, text: str, part: Run,
                        covered: list[tuple[int, int]]) -> Run | None:
        """ "Understanding Children's Work Project": a cue-headed name whose first words end in
        a possessive, when those words are no entity of their own."""
        from .mentions import Run, capitalized_runs

        head = text[:part.start]
        m = re.search(r"['’]s\s+$", head)
        if m is None:
            return None
        runs = [r for r in capitalized_runs(fold(head[:m.start()], lower=False), self.lexicon)
                if r.end == m.start()]
        if not runs:
            return None
        owner = self.f.cues.trim(runs[-1])
        if owner is None or any(s <= owner.start < e for s, e in covered):
            return None
        if len(owner.tokens) == 1 and owner.tokens[0][0].isupper():
            return None  # "OHCHR's PROMIS Project": an acronym owns the project
        if self.f.registry.lookup(text[owner.start:owner.end], fuzzy=False) is not None:
            return None
        return Run(owner.tokens + part.tokens)

    @staticmethod
    def owned_by_acronym(text: str, part: Run) -> bool:
        """Whether the possessive before a name is an acronym's ("OHCHR's PROMIS Project")."""
        return re.search(r"(?<![\w-])[A-Z][A-Z0-9]{1,9}['’]s\s+$", text[:part.start]) is not None

    # -- the rules ----------------------------------------------------------------------------

    def run(self) -> None:
        for block in self.f._prose():
            text = self.f.doc.text[block.start:block.end]
            self._institutions(block, text)
            self._trailing(block, text)
            self._appositives(block, text)
            self._governments(block, text)
            self._descriptions(block, text)
            self._un_acronyms(block, text)
        self._generic_plans()

    def _covered(self, block: Block, start: int, end: int) -> bool:
        return any(m.start < block.start + end and block.start + start < m.end
                   for m in self.f.mentions.in_block(block))

    def _institutions(self, block: Block, text: str) -> None:
        folded = fold(text, lower=False)
        for m in self._institution_re.finditer(folded):
            term = fold(m.group("term"))
            printed = text[m.start("term"):m.end("term")]
            if self._covered(block, m.start(), m.end()):
                continue
            after = text[m.end():m.end() + 40]
            if re.match(r"\s+[A-Z][a-z]", after) and not re.match(r"\s+(?:and|of)\b", after):
                continue  # "Police Academy", "Armed Forces Day": part of a longer name
            before = re.search(r"([A-Z][\w'’-]*)[^\S\n]+(with[^\S\n]+)?$", text[:m.start()])
            if before is not None and not m.group("pre") and (
                    fold(before.group(1), lower=False) in self._with_after if before.group(2)
                    else fold(before.group(1), lower=False) not in self.f.cues.drop):
                continue  # "Youth Parliament", "Judicial Police", "… Associated with Armed
                # Forces": the end of a longer name
            country = None
            if m.group("pre") and self.scoping.country_word(m.group("pre")) is not None:
                country = self.scoping.country_word(m.group("pre"))
            elif m.group("post"):
                country = self.scoping.country_word(m.group("post"))
            elif printed[:1].isupper() or term in self.bare:
                country = self.f.registry.country
            if country is None:
                continue
            name, cls = self.institutions[term]
            label = self.template.format(name=name, country=self.country_label(country))
            iri = self.scoping.scoped_iri(name, cls, country)
            known = self.f.registry.lookup(label, cls=cls, fuzzy=False, scope=country)
            resolved = known.iri if known is not None else self.f.registry.resolve(
                label, cls, iri=iri, rule="institution", country=country).iri
            start = m.start("pre") if m.group("pre") else m.start("term")
            if m.group("pre"):
                self.f.registry._alias(resolved, text[start:m.end("term")], None)
            self.f._add(resolved, block, block.start + start, block.start + m.end(), "institution")

    def _trailing(self, block: Block, text: str) -> None:
        from .mentions import capitalized_runs

        folded = fold(text, lower=False)
        for raw in capitalized_runs(folded, self.lexicon):
            m = re.match(r"\s+([a-z]+)\b", text[raw.end:])
            if m is None or fold(m.group(1)) not in self.trailing:
                continue
            run = self.f.cues.trim(raw)
            if run is None:
                continue
            tokens = list(run.tokens)
            for i in range(len(tokens) - 1, 0, -1):  # the last of "X and the Y survey"
                if tokens[i - 1][0].lower() in ("and", "the", "&") or tokens[i - 1][0][-1] == ",":
                    tokens = [] if self._joins_a_complement(tokens, i - 1) else tokens[i:]
                    break
            # a country opening the name is the name's ("the Chad Household Labor survey");
            # one elsewhere in it ends it
            opening = 1 if tokens and self._country_of_word(tokens[0][0]) is not None else 0
            tokens = tokens[:opening] + [t for t in tokens[opening:]
                                         if self._country_of_word(t[0]) is None]
            if len(tokens) <= opening or all(t[0].lower() in self.f.cues.connectors
                                             for t in tokens):
                continue
            start, end = tokens[0][1], tokens[-1][2]
            known_from = tokens[opening][1]  # (the country's own mention aside)
            if len(tokens) == 1 and (start == 0 or re.search(r"[.:;!?]\s*$", text[:start])
                                     or "-" in tokens[0][0]):
                continue  # a sentence's first word, or "USAID-funded"
            if re.match(r"['’]s\b", text[raw.end:]) or self._covered(block, known_from, end):
                continue  # "the GLO.ACT program", "a USAID project": a known name
            if self.f.registry.lookup(text[start:end], fuzzy=False) is not None:
                continue
            cue_end = raw.end + m.end()
            bare = " ".join(t[0] for t in tokens)
            name = f"{bare} {m.group(1)}"
            if self.f.cues.stopped(bare) or self.f.cues.stopped(name):
                continue
            cls = self.trailing[fold(m.group(1))]
            resolved = self.f.registry.resolve(name, cls, rule="trailing-cue")
            self.f.registry._alias(resolved.iri, bare, None)
            self.f._add(resolved.iri, block, block.start + start, block.start + cue_end,
                        "trailing-cue")

    def _country_of_word(self, word: str) -> URIRef | None:
        """The country a word names: the lexicon's, or the report's own when the lexicon does
        not list it ("Lakeland" in a report on Lakeland)."""
        country = self.scoping.country_word(word)
        if country is None and self.f.registry.country is not None:
            found = self.f.registry.lookup(word, fuzzy=False)
            if found is not None and found.iri == self.f.registry.country:
                country = found.iri
        return country

    def _joins_a_complement(self, tokens: list[tuple[str, int, int]], i: int) -> bool:
        """Whether the "and" at `i` joins two words of one name's complement: "Ministry of
        Economy and Development Planning policy" is the ministry's, not a "Development Planning
        policy"."""
        words = [t[0] for t in tokens[:i]]
        cue = self.f.cues.first_cue(words)
        return (tokens[i][0] == "and" and cue is not None
                and any(w in self.f.cues.connectors for w in words[cue[0] + 1:]))

    def class_after_acronym(self, text: str, end: int) -> str | None:
        """The class an appositive right after an acronym's definition gives its name (`text`
        from `end`, the closing parenthesis): ", a $611 million project" (after a period in
        parentheses too), ", an NGO"; or what is said of it (discovery.toml [participles]):
        "(CLEAR) II (2016–2018), implemented by the ILO" (`end` after the "II")."""
        m = self._after_acronym_re.match(text, end)
        if m is not None:
            return self.appositives.get(fold(m.group("noun")))
        m = self._participle_re.match(text, end)
        return self.participles.get(fold(m.group("said"))) if m else None

    def class_of_agent(self, text: str, start: int) -> str | None:
        """The class of a name the text gives as the agent of a deed (discovery.toml [agents]),
        right before it (`start`): "project implemented by World Hope International (WHI)"."""
        m = self._agent_re.search(text[max(0, start - 60):start])
        return self.agents.get(fold(m.group("by"))) if m else None

    def _appositives(self, block: Block, text: str) -> None:
        from .mentions import Run, capitalized_runs

        folded = fold(text, lower=False)
        for raw in capitalized_runs(folded, self.lexicon):
            m = self._before_re.search(folded[max(0, raw.start - 80):raw.start])
            cls = None
            if m is not None:
                cls = self.appositives.get(fold(m.group("noun")))
            else:
                after = self._after_re.match(folded, raw.end)
                if after is not None:
                    cls = self.appositives.get(fold(after.group("noun")))
            run = self.f.cues.trim(raw)
            if cls is None and run is not None and len(run.tokens) > 1:
                cls = self.appositives.get(fold(run.tokens[0][0]))  # "the NGO Enfants Solidaires"
                rest = run.tokens[1:]
                if (cls is not None and run.tokens[0][0].isupper() and rest[0][0][:1].isupper()
                        and fold(rest[0][0]) not in self.appositives):
                    run = Run(rest)
                else:
                    cls = None
            if cls is None or run is None:
                continue
            name = text[run.start:run.end]
            if self._covered(block, run.start, run.end):
                self._reclass(name, cls)
                continue
            if (self.scoping.country_word(name) is not None or self.f.cues.stopped(name)
                    or self.f.registry.lookup(name, fuzzy=False) is not None):
                continue
            resolved = self.f.registry.resolve(name, cls, rule="appositive")
            self.f._add(resolved.iri, block, block.start + run.start, block.start + run.end,
                        "appositive")

    def _reclass(self, name: str, cls: str) -> None:
        """What the text calls a name it found by its head noun is its class: "the Civilian
        Joint Task Force (CJTF), a non-state self-defense militia" is an armed group, not the
        coordinating body "Task Force" makes it (the same kind of entity: its IRI stays). Only a
        class a head noun gave changes: a table's or an institution's stands."""
        found = self.f.registry.lookup(name, fuzzy=False)
        entity = self.f.registry.found.get(found.iri) if found is not None else None
        if (entity is not None and entity.source.startswith(_BY_HEAD_NOUN) and entity.cls != cls
                and entity.kind == KIND_OF_CLASS.get(cls)):
            entity.cls = cls

    def _governments(self, block: Block, text: str) -> None:
        folded = fold(text, lower=False)
        for m in self._gov_re.finditer(folded):
            country = self.scoping.country_word(m.group("dem"))
            if country is None or not m.group("dem")[:1].isupper():
                continue
            if self._covered(block, m.start(), m.end()):
                continue
            label = f"Government of {self.scoping.labels.get(country, '')}".strip()
            known = self.f.registry.lookup(label, cls="GovernmentBody", fuzzy=False,
                                           scope=country)
            if known is not None:
                iri = known.iri
            else:
                iri = entity_iri("org", f"government-of-{slugify(self.scoping.labels[country])}")
                iri = self.f.registry.resolve(label, "GovernmentBody", iri=iri,
                                              rule="government-of", country=country).iri
            self.f._add(iri, block, block.start + m.start(), block.start + m.end(),
                        "government-demonym")

    def _un_acronyms(self, block: Block, text: str) -> None:
        """ "This is not a UNHCR publication", "OHCHR's PROMIS Project": an acronym of the UN
        system (or of discovery.toml [international] words) no lexicon lists, unless it is one
        of a framework, no body (`un_not_bodies`: "In support of the UNDAF")."""
        if self._un_re is None:
            return
        for m in self._un_re.finditer(text):
            if self._covered(block, m.start(), m.end()) or m.group() in self._defined_nationally():
                continue
            acronym = m.group()
            if acronym in self._un_not_bodies or \
                    self.f.registry.lookup(acronym, fuzzy=False) is not None:
                continue
            resolved = self.f.registry.resolve(acronym, "InternationalOrganization",
                                               acronym=acronym, rule="un-acronym")
            self.f._add(resolved.iri, block, block.start + m.start(), block.start + m.end(),
                        "un-acronym")

    def _defined_nationally(self) -> set[str]:
        """The acronyms of the UN pattern the document prints in parentheses after a name of
        no UN or regional organization (`_defines_another`): none of them is a UN body."""
        if self._national_acronyms is None:
            text = self.f.doc.text
            self._national_acronyms = {m.group() for m in self._un_re.finditer(text)
                                       if self._defines_another(text, m)} if self._un_re else set()
        return self._national_acronyms

    def _defines_another(self, text: str, m: re.Match[str]) -> bool:
        """Whether an acronym is printed in parentheses after a name of no UN or regional
        organization ("… DDRR Coordinating body (UNPDDRR)"): it is that name's, which the
        acronym definitions judge."""
        if text[m.start() - 1:m.start()] != "(" or text[m.end():m.end() + 1] != ")":
            return False
        before = re.search(r"([A-Z][^.;:()]*?)\s*$", text[:m.start() - 1])
        return before is not None and not self.international(before.group(1))

    def _content(self, text: str) -> set[str]:
        words = set()
        for w in _WORDS.findall(fold(text)):
            w = self.synonyms.get(w, w)
            if w not in self.desc_ignore and len(w) > 1:
                words.add(w[:5] if len(w) >= 5 else w)
        return words

    def _descriptions(self, block: Block, text: str) -> None:
        folded = fold(text)
        for m in self._desc_re.finditer(folded):
            if self._covered(block, m.start(), m.end()) or not text[m.start()].islower():
                continue  # a description is in lower case; "National Committee …" is a name
            tail = re.split(r"[.;:]", folded[m.end():], maxsplit=1)[0].split()[:12]
            words = self._content(m.group() + " " + " ".join(tail))
            scored = []
            for iri, names in self._bodies():
                shared = len(words & set().union(*(self._content(n) for n in names)))
                scored.append((shared, str(iri), iri))
            scored.sort(reverse=True)
            if not scored or scored[0][0] < self.desc_min:
                continue
            if len(scored) > 1 and scored[1][0] == scored[0][0]:
                continue
            self.f._add(scored[0][2], block, block.start + m.start(), block.start + m.end(),
                        "description")

    def _bodies(self) -> list[tuple[URIRef, list[str]]]:
        """The bodies of the report's country (lexicon and document) a description may name."""
        country = self.f.registry.country
        found = []
        for iri, entity in sorted(self.lexicon.entities.items()):
            if entity.cls in self.desc_classes and entity.country == country:
                found.append((iri, entity.names()))
        for iri, entity in sorted(self.f.registry.found.items()):
            if entity.cls in self.desc_classes and entity.country in (country, None):
                found.append((iri, entity.names()))
        return found

    def _generic_plans(self) -> None:
        """A generic plan name ("National Action Plan") is the document's only plan of its
        country whose name holds all its words ("Mali National TIP Action Plan")."""
        registry = self.f.registry
        generic = {"national", "action", "plan", "policy", "strategy", "of"}
        plans = {iri: e for iri, e in registry.found.items() if e.cls == "Policy"}
        for iri, entity in sorted(plans.items()):
            words = set(norm_name(entity.label).split())
            if not words or not words <= generic:
                continue
            wider = [other for other, e in sorted(plans.items()) if other != iri
                     and words < set(norm_name(e.label).split())
                     and (e.country == entity.country or None in (e.country, entity.country))]
            if len(wider) == 1:
                registry.merge(iri, wider[0])
