import type { Catalogue } from './catalogue.js';

/**
 * The German catalogue (Deutsch): the same ids and arguments as the English one, with German
 * plural rules (`one`, `other`) and the parts of German dates (`Di., 3. März 2026`).
 */
export const de: Catalogue = {
  'date.day': '{weekday}, {day}. {month} {year}',
  'date.time': '{date}, {hour}:{minute} {zone}',

  'timeline.heading.seq': 'Nr.',
  'timeline.heading.when': 'wann (Ortszeit der Mitarbeitenden)',
  'timeline.heading.who': 'wer',
  'timeline.heading.what': 'was',
  'timeline.who':
    '{name} ({role, select, employee {Mitarbeitende} manager {Führungskraft} seniorManager {nächsthöhere Führungskraft} hr {Personalabteilung} legal {Rechtsabteilung} system {System} other {{role}}})',

  'event.due': '; fällig: {deadlines}',
  'event.dueItem': '{id} am {date}',
  'event.document': '{kind} (SHA-256 {sha}…)',
  'event.planRuns': '; der Plan läuft vom {start} bis zum {end}',
  'event.duration':
    '{unit, select, calendarDays {{amount, plural, one {# Kalendertag} other {# Kalendertage}}} businessDays {{amount, plural, one {# Arbeitstag} other {# Arbeitstage}}} weeks {{amount, plural, one {# Woche} other {# Wochen}}} months {{amount, plural, one {# Monat} other {# Monate}}} other {{amount} {unit}}}',
  'event.effective': ', wirksam ab {at}',

  'event.PIP_CREATED':
    'hat den Plan als Entwurf mit {goals, plural, one {# Ziel} other {# Zielen}} nach {policyId}@{policyVersion} angelegt',
  'event.PLAN_UPDATED': 'hat die Ziele geändert ({goals})',
  'event.DOCUMENTS_ATTACHED': 'hat {documents} angehängt',
  'event.SUBMITTED_FOR_APPROVAL': 'hat den Plan der Personalabteilung zur Freigabe vorgelegt',
  'event.APPROVAL_REJECTED': 'hat den Plan zurückgewiesen ({reasonCode})',
  'event.APPROVED': 'hat den Plan freigegeben und den Mitarbeitenden ausgehändigt{due}',
  'event.ISSUED': 'hat den Plan den Mitarbeitenden ausgehändigt{due}',
  'event.ACKNOWLEDGED': 'hat den Empfang bestätigt (keine Zustimmung){plan}{due}',
  'event.REFUSAL_WITNESSED':
    'hat eine verweigerte Unterschrift festgehalten, bezeugt von {witnessId}{due}',
  'event.ACKNOWLEDGEMENT_OVERDUE': 'die Empfangsbestätigung ist überfällig',
  'event.CHECK_IN_HELD':
    'hat Gespräch {number} geführt: {assessment, select, onTrack {auf Kurs} mixed {gemischt} offTrack {nicht auf Kurs} other {{assessment}}}{due}',
  'event.CHECK_IN_MISSED': 'Gespräch {number} hat nicht stattgefunden{due}',
  'event.AMENDMENT_STARTED': 'hat begonnen, den Plan zu ändern (die Frist läuft weiter)',
  'event.AMENDMENT_ISSUED': 'hat den geänderten Plan zur erneuten Bestätigung ausgehändigt{due}',
  'event.AMENDMENT_CANCELLED': 'hat die Änderung verworfen',
  'event.INVESTIGATION_STARTED':
    'hat eine Untersuchung eröffnet (Referenz {hostRef}){stoppedClock, select, true {; die Frist ist angehalten} other {}}',
  'event.INVESTIGATION_CLOSED':
    'hat die Untersuchung abgeschlossen: {finding}{heldDays, plural, =0 {} one {; der Plan verschiebt sich um # Tag} other {; der Plan verschiebt sich um # Tage}}',
  'event.INVESTIGATION_OVERDUE': 'die Untersuchung ist überfällig',
  'event.REMINDER_SENT': 'hat {notify} an {target} erinnert',
  'event.ESCALATED': 'eskaliert ({trigger} Nr. {occurrence}) an {notify}',
  'event.PAUSED':
    'hat die Frist für {category} angehalten (Referenz {hostRef}); kein Grund als Text gespeichert',
  'event.RESUMED':
    'hat nach {pausedDays, plural, one {# Tag} other {# Tagen}} fortgesetzt; {end, select, none {der Plan hat noch nicht begonnen} other {der Plan endet jetzt am {end}}}{due}',
  'event.EXTENDED': 'hat um {duration} verlängert ({reason}); der Plan endet jetzt am {end}',
  'event.OBLIGATION_FULFILLED': 'hat die Pflicht {obligationId} als erfüllt vermerkt',
  'event.OBLIGATION_OVERDUE': 'die Pflicht {obligationId} ist überfällig',
  'event.MEETING_SCHEDULED': 'hat {kind} {meetingId} für {at} angesetzt',
  'event.MEETING_POSTPONED': 'hat den Termin {meetingId} auf {at} verlegt ({reason})',
  'event.MEETING_RECORDED':
    '{outcome, select, held {hat den Termin {meetingId} als abgehalten vermerkt} other {hat vermerkt, dass die Person zum Termin {meetingId} nicht erschienen ist}}',
  'event.MEETING_CANCELLED': 'hat den Termin {meetingId} abgesagt',
  'event.MEETING_OVERDUE': 'der Termin {meetingId} wurde bis Tagesende nicht vermerkt',
  'event.ISSUANCE_OVERDUE': 'der Plan wurde nicht fristgerecht nach seinem Anlass übergeben',
  'event.NOTICE_EXTENDED':
    'hat die Anhörungsfrist um {duration} verlängert ({reason}); sie endet am {noticeEnd}{due}',
  'event.RELAPSE_RECORDED':
    'hat einen Rückfall in der Beobachtungszeit festgehalten: zurück zur Abschlussbewertung{due}',
  'event.LEGAL_HOLD_PLACED': 'hat eine Aufbewahrungspflicht verhängt (Verfahren {matterRef})',
  'event.LEGAL_HOLD_RELEASED':
    'hat die Aufbewahrungspflicht aufgehoben (Verfahren {matterRef}){due}',
  'event.PURGE_DUE':
    '{held, select, true {die Aufbewahrungsfrist endete am {retainUntil}, doch Aufbewahrungspflichten halten die Akte fest (Verfahren {matters})} other {die Aufbewahrungsfrist endete am {retainUntil}: die Akte darf gelöscht werden}}',
  'event.POLICY_MIGRATED':
    'hat den Plan von der Richtlinie {fromId}@{fromVersion} auf {toId}@{toVersion} umgestellt{due}',
  'event.PERIOD_ENDED':
    'der Verbesserungszeitraum ist{early, select, true { vorzeitig} other {}} zu Ende{due}',
  'event.REVIEW_OVERDUE': 'die Abschlussbewertung ist überfällig',
  'event.PASSED': 'hat den Plan als bestanden bewertet{due}',
  'event.WATCH_ENDED': 'die Beobachtungszeit ist zu Ende: der Plan ist abgeschlossen{due}',
  'event.TERMINATION_PROPOSED':
    'hat die Kündigung vorgeschlagen; die Anhörungsfrist endet am {noticeEnd}{due}',
  'event.REPLY_SUBMITTED': 'hat eine Stellungnahme zum Vorschlag eingereicht',
  'event.REPLY_WINDOW_CLOSED': 'die Frist zur Stellungnahme ist abgelaufen',
  'event.DECISION_OVERDUE': 'die Entscheidung ist überfällig',
  'event.DECIDED':
    'hat entschieden: {decision, select, remove {Trennung} demote {Herabstufung} reassign {Versetzung} retain {Weiterbeschäftigung} other {{decision}}}{effective}{due}',
  'event.CLOSED': 'hat den Plan geschlossen ({reason}){due}',
  'event.MESSAGE_DEAD_LETTERED':
    'hat die Zustellung der Nachricht {messageId} ({messageType}) nach {attempts} Versuchen aufgegeben ({code})',
  'event.STAGE_ISSUED':
    'hat die Stufe {stage} erteilt (Stufe {number}){skipped}{review}{live}{due}',
  'event.stageSkipped': ', unter Überspringen von {stages} ({reason})',
  'event.stageReview': '; Überprüfungszeitraum bis {date}',
  'event.stageLive': '; wirksam bis einschließlich {date}',
  'event.STAGE_REVIEW_DUE': 'der Überprüfungszeitraum von Stufe {number} ist abgelaufen{due}',
  'event.WARNING_EXPIRED': 'die Abmahnung der Stufe {number} ist erloschen',
  'event.APPEAL_LODGED': 'hat Widerspruch gegen die Stufe {against} eingelegt{due}',
  'event.APPEAL_WINDOW_CLOSED': 'die Widerspruchsfrist für Stufe {number} ist abgelaufen',
  'event.APPEAL_DECIDED':
    'hat über den Widerspruch gegen die Stufe {against} entschieden: {outcome, select, upheld {bestätigt} varied {ersetzt durch {replacement}} overturned {aufgehoben} other {{outcome}}}{reinstates, select, true {; die Person ist wieder eingestellt} other {}}{due}',
  'event.APPEAL_OVERDUE':
    'die Entscheidung über den Widerspruch gegen die Stufe {against} ist überfällig',
  'event.other': '{type}{due}',
  'report.column':
    '{column, select, month {Monat} policyId {Richtlinie} status {Status} reason {Grund} count {Anzahl} state {Zustand} kind {Art} oldestSince {am längsten überfällig seit} meanDays {Tage im Mittel} p50Days {Median der Tage} p90Days {90. Perzentil der Tage} plans {Pläne} extended {verlängerte Pläne} extensions {Verlängerungen} meanExtensions {Verlängerungen im Mittel} paused {angehaltene Pläne} pausedDays {angehaltene Tage} meanPausedDays {angehaltene Tage im Mittel} other {{column}}}',
  'report.title': 'PIP-Bericht',
  'report.generatedAt': 'Erstellt am {at}',
  'report.queue.heading': 'Überfällige Pläne',
  'report.queue.summary':
    '{count, plural, =0 {Nichts ist überfällig.} one {Bei # Plan ist etwas überfällig.} other {Bei # Plänen ist etwas überfällig.}}',
  'report.queue.pipId': 'PIP',
  'report.queue.employee': 'Mitarbeitende',
  'report.queue.manager': 'Führungskraft',
  'report.queue.what': 'was ist überfällig',
  'report.queue.since': 'überfällig seit',
  'report.queue.next': 'nächste Frist',
  'report.queue.none': 'keine',
  'report.queue.item': '{kind} ({id})',
  'report.queue.nextItem': '{kind}, {date}',
  'report.deadlineKind':
    '{kind, select, acknowledgement {Empfangsbestätigung} checkIn {Gespräch} planEnd {Planende} review {Abschlussbewertung} reply {Stellungnahme} decision {Entscheidung} watch {Beobachtungszeit} pauseEnd {Ende der Unterbrechung} reminder {Erinnerung} investigation {Untersuchung} obligation {Pflicht} other {{kind}}}',
  'report.outcomes.heading': 'Ergebnisse nach Monat',
  'report.outcomes.empty': 'Noch kein Plan hat ein Ergebnis.',
  'report.outcomes.chart':
    'Balkendiagramm: {total, plural, one {# Ergebnis} other {# Ergebnisse}} in {months, plural, one {# Monat} other {# Monaten}}, gestapelt nach Status',
  'report.outcomes.bar':
    '{month}: {count, plural, one {# Plan} other {# Pläne}} {status} ({reason}, {policyId})',
  'report.outcomes.axisY': 'Pläne',
  'report.outcomes.axisX': 'Monat des Ergebnisses',
  'report.outcomes.legend': 'Status',
  'report.status':
    '{status, select, passed {bestanden} terminated {gekündigt} closed {geschlossen} other {{status}}}',
};
