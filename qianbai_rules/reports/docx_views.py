"""What the Word documents of ``qianbai check`` hold, from the view models the HTML shows:
the inspector's 检查意见书 (:class:`~.opinion.Opinion`) and the operator's self-check
(:class:`~.model.RecordReport`), each with the technical appendix at its end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docx.text.paragraph import Paragraph

from qianbai_rules.reports.claimmodel import ConstructionClaim, OperatingClaim
from qianbai_rules.reports.docx_base import Word
from qianbai_rules.reports.model import Finding, RecordReport, RejectedEntry
from qianbai_rules.reports.opinion import Opinion
from qianbai_rules.reports.render import remedy, responsible
from qianbai_rules.reports.runview import RunAbout
from qianbai_rules.texts import formats
from qianbai_rules.texts.labels import fill, status_word

Labels = Mapping[str, Any]


def _p(L: Labels, key: str) -> str:
    return str(L["punct"][key])


def _status(f: Finding, L: Labels) -> str:
    return f"{L['symbol'][f.status]} {status_word(f.status, f.severity, f.entitlement, L)}"


def _marks(word: Word, o: Opinion, f: Finding, L: Labels) -> None:
    attested = o.attested.get(f.rule)
    if attested is not None:
        extra = [x for x in (attested.evidence, attested.note) if x]
        word.para(_p(L, "semicolon").join([attested.line, *extra]))
        for line in (attested.discrepancy, attested.standing):
            if line:
                word.para(line)
    waived = o.waived.get(f.rule)
    if waived is not None:
        word.para(waived.line + _p(L, "semicolon"), (waived.standing, True))


def _facts(word: Word, rows: Sequence[tuple[str, str]]) -> None:
    word.table(None, [list(row) for row in rows])


def _todo(word: Word, o: Opinion, L: Labels) -> None:
    OP = L["opinion"]
    word.heading(OP["fix"], 2)
    for number, item in enumerate(o.fix, 1):
        f = item.finding
        head = f"{_p(L, 'open')}{f.rule}{_p(L, 'comma')}{L['severity'][f.severity]}" \
               f"{_p(L, 'close')}{_p(L, 'colon')}{f.message}"
        word.item(number, (f.title, True), head)
        if f.remediation:
            word.para(remedy(f, L))
        tags = f"{L['reading']['tag']}{L['value']['list_separator'].join(item.readings)}" \
            if item.readings else ""
        deadline = fill(OP["deadline_line"], {"deadline": item.deadline or OP["blank"]})
        word.para(deadline + tags + (_p(L, "semicolon") + responsible(f, L) if f.responsible
                                     else ""))
        _marks(word, o, f, L)
    if not o.fix:
        word.para(OP["none"])
    for key, findings in (("supply", o.supply), ("advice", o.advice)):
        word.heading(OP[key], 2)
        for number, f in enumerate(findings, 1):
            text = (f.remediation or f.message) if key == "supply" else f.message
            word.item(number, (f.title, True),
                      f"{_p(L, 'open')}{f.rule}{_p(L, 'close')}{_p(L, 'colon')}{text}")
            if key == "supply" and f.responsible:
                word.para(responsible(f, L))
            if key == "advice" and f.remediation:
                word.para(remedy(f, L))
            if key == "supply":
                _marks(word, o, f, L)
        if not findings:
            word.para(OP["none"])
    word.heading(OP["marks"], 2)
    for number, f in enumerate(o.marked, 1):
        word.item(number, (f.title, True),
                  f"{_p(L, 'open')}{f.rule}{_p(L, 'close')}{_p(L, 'colon')}{_status(f, L)}")
        _marks(word, o, f, L)
    if not o.marked:
        word.para(OP["none"])


def _sections(word: Word, o: Opinion, L: Labels) -> None:
    R = L["report"]
    word.heading(L["opinion"]["rules"], 2)
    for section in o.sections:
        word.heading(f"{section.clause} {section.title}", 3)
        rows = []
        for f in section.findings:
            observed = "\n".join(f"{x.label}{_p(L, 'colon')}{x.value}" for x in f.observed_text)
            required = f.requirement
            if f.status != "pass":
                required += "\n" + f.message
            if f.status in ("fail", "unknown") and f.responsible:
                required += "\n" + responsible(f, L)
            rows.append([f"{f.title}\n{f.rule}{_p(L, 'open')}{L['severity'][f.severity]}"
                         f"{_p(L, 'comma')}{f.clause}{_p(L, 'close')}",
                         _status(f, L), observed, required])
        word.table([R["col_item"], R["col_status"], R["col_observed"], R["col_required"]], rows)
    if o.not_applicable:
        word.para(o.not_applicable)


def _seal(word: Word, o: Opinion, L: Labels) -> None:
    OP, R = L["opinion"], L["report"]
    colon = _p(L, "colon")
    kept: list[Paragraph] = [word.heading(R["signatures"], 2)]
    for name in o.inspectors:
        kept.append(word.para(f"{R['inspector_sign']}{colon}{name or ''}{OP['blank_line']}"))
    kept.append(word.para(f"{R['sign_date']}{colon}{OP['blank_line']}"))
    kept += [word.para(OP["seal"]), word.para(""), word.para(o.date or OP["blank_line"])]
    kept.append(word.para((OP["receipt"], True)))
    semi = _p(L, "semicolon")
    kept.append(word.para(f"{OP['receipt_name']}{colon}{o.receiver or OP['blank_line']}{semi}"
                          f"{OP['signature']}{colon}{OP['blank_line']}{semi}"
                          f"{R['sign_date']}{colon}{OP['blank_line']}"))
    copy_to = L["value"]["list_separator"].join(o.copy_to) if o.copy_to else R["none"]
    kept.append(word.para(f"{OP['copy_to']}{colon}{copy_to}"))
    word.keep_together(kept)


def _subsidy(word: Word, r: RecordReport, L: Labels) -> None:
    R = L["report"]
    word.heading(R["subsidy"], 2)
    s = r.subsidy or {}
    rows, messages = [], []
    c, op = s.get("construction"), s.get("operating")
    if isinstance(c, ConstructionClaim):
        rows.append([R["construction"], R["subsidy_status"][c.status], formats.money(c.total),
                     formats.money(c.city), formats.money(c.district)])
        messages.append((R["construction"], c.message))
    if isinstance(op, OperatingClaim):
        name = f"{R['operating']}{_p(L, 'open')}{op.year}{_p(L, 'close')}"
        rows.append([name, R["subsidy_status"][op.status], formats.money(op.amount), "", ""])
        messages.append((name, op.message))
    if rows:  # each claim's explanation under the table, at the page's width
        word.table(["", R["col_status"], R["total"], R["city"], R["district"]], rows)
    for name, message in messages:
        word.para((f"{name}{_p(L, 'colon')}", True), message)
    word.heading(R["claims"], 3)
    for e in r.entitlements or []:
        word.para((e["title"], True), f"{_p(L, 'open')}{e['clause']}{_p(L, 'comma')}"
                  f"{e['rule']}{_p(L, 'close')}{_p(L, 'colon')}{e['text']}")
    if not r.entitlements:
        word.para(R["none"])


def _run(word: Word, about: RunAbout, L: Labels) -> None:
    """The as-of date, the subsidy year, and why that date."""
    _facts(word, [(L["text"]["as_of"], about.as_of), (L["text"]["year"], about.year)])
    if about.note:
        word.para(about.note)


def _readings(word: Word, run: Mapping[str, Any], about: RunAbout, L: Labels) -> None:
    """The readings (执行口径) the run applies, a section of their own."""
    readings = run.get("readings") or []
    if not readings:
        return
    G, sep = L["reading"], L["value"]["list_separator"]
    word.heading(G["heading"], 2)
    for number, r in enumerate(readings, 1):
        word.item(number, (r["id"], True), f"{_p(L, 'colon')}{r['text']}")
        if r.get("rules"):
            word.para(fill(G["rules"], {"rules": sep.join(r["rules"])}))
        if r.get("parameters"):
            names = sep.join(about.names.get(p, p) for p in r["parameters"])
            word.para(fill(G["parameters"], {"parameters": names}))
        if r.get("outputs"):
            shown = sep.join(G["output"][o] for o in r["outputs"])
            word.para(fill(G["outputs"], {"outputs": shown}))


def technote(word: Word, run: Mapping[str, Any], about: RunAbout, L: Labels) -> None:
    """The 技术附注: ruleset, fingerprint, engine, version, parameter keys and dates."""
    R = L["report"]
    word.heading(L["text"]["tech_note"], 2)
    ruleset = run["ruleset"]
    _facts(word, [(R["ruleset"], f"{ruleset['name']}{_p(L, 'comma')}{ruleset['version']}"),
                  (R["fingerprint"], ruleset["fingerprint"]), (R["engine"], run["engine"]),
                  (R["version"], run["version"])])
    word.table([R["parameter_key"], R["value"], R["since"]],
               [[p.key, p.value, p.since] for p in about.parameters])


def inspector(word: Word, o: Opinion, run: Mapping[str, Any], about: RunAbout,
              L: Labels) -> None:
    """One facility's 检查意见书 / 复查意见书."""
    OP, R, r = L["opinion"], L["report"], o.report
    word.new_page()
    word.heading(OP["title_reinspection"] if o.reinspection else OP["title"], 0)
    word.para(R["subtitle"])
    word.heading(OP["particulars"], 2)
    _facts(word, [(p.label, p.value if p.value is not None else OP["blank"])
                  for p in o.particulars])
    if o.ask:
        word.para(o.ask)
    word.heading(R["identity"], 2)
    _facts(word, [(row["label"], row["value"]) for row in r.identity])
    _run(word, about, L)
    word.heading(OP["conclusion_heading"], 2)
    word.para((o.conclusion, True))
    word.para(fill(L["text"]["counts"], r.counts))
    if o.follow_up is not None:
        word.heading(OP["reinspection"], 2)
        word.para(o.follow_up.previous)
        for key, lines in (("closed", o.follow_up.closed),
                           ("still_open", o.follow_up.still_open),
                           ("overdue", o.follow_up.overdue)):
            word.heading(OP[key], 3)
            for number, line in enumerate(lines, 1):
                word.item(number, line)
            if not lines:
                word.para(OP["none"])
        word.heading(OP["new_findings"], 2)
    _todo(word, o, L)
    _sections(word, o, L)
    _readings(word, run, about, L)
    _subsidy(word, r, L)
    _seal(word, o, L)
    word.heading(OP["appendix"], 1)
    word.table([R["parameter"], R["value"], R["since"], R["source"]],
               [[p.name, p.value, p.since, p.reference] for p in about.parameters])
    technote(word, run, about, L)
    if o.evidence:
        word.heading(OP["evidence_files"], 3)
        word.table([R["col_rule"], OP["col_file"], OP["col_digest"]],
                   [[e.rule, e.name, e.sha256] for e in o.evidence])


def _operator_todo(word: Word, findings: list[Finding], fix: bool, L: Labels) -> None:
    R = L["report"]
    for number, f in enumerate(findings, 1):
        word.item(number, (f.title, True))
        word.para(f"{R['now']}{_p(L, 'colon')}{f.message}")
        for line in f.mark_lines:
            word.para(line)
        word.para((f"{R['how']}{_p(L, 'colon')}", True), f.remediation or f.requirement)
        if fix:
            word.para(f"{_p(L, 'open')}{f.clause}{_p(L, 'semicolon')}{responsible(f, L)}"
                      f"{_p(L, 'close')}")


def operator(word: Word, r: RecordReport, run: Mapping[str, Any], about: RunAbout,
             L: Labels) -> None:
    """One facility's self-check, in the order of what to do."""
    R = L["report"]
    word.new_page()
    word.heading(R["operator_title"], 0)
    word.para(f"{r.name or r.id}{_p(L, 'open')}{r.type_name}{_p(L, 'close')}")
    _run(word, about, L)
    word.para((f"{L['symbol'][r.verdict]} {L['verdict'][r.verdict]}", True))
    word.para(fill(R["operator_verdict"][r.verdict], {"count": len(r.fix)}))
    if r.unwaived_verdict:
        word.para(fill(L["marks"]["operator_waived"], {
            "count": len(r.waived), "verdict": L["verdict"][r.unwaived_verdict]}))
    word.heading(R["identity"], 2)
    _facts(word, [(row["label"], row["value"]) for row in r.identity])
    word.heading(R["fix"], 2)
    _operator_todo(word, r.fix, True, L)
    if not r.fix:
        word.para(R["nothing_to_fix"])
    word.heading(R["supply"], 2)
    if r.missing:
        word.para(R["supply_fields"])
        for number, name in enumerate(r.missing, 1):
            word.item(number, name)
    else:
        word.para(R["nothing_to_supply"])
    word.heading(R["improve"], 2)
    _operator_todo(word, r.improve, False, L)
    if not r.improve:
        word.para(R["nothing_to_improve"])
    _subsidy(word, r, L)
    _readings(word, run, about, L)
    technote(word, run, about, L)


def rejected(word: Word, entries: list[RejectedEntry], L: Labels) -> None:
    R = L["report"]
    word.heading(R["rejected"], 2)
    word.table([R["col_source"], R["col_reason"]],
               [[x.source, message] for x in entries
                for message in ([e.message for e in x.errors] if x.errors else [x.message])])
