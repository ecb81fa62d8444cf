/**
 * The English catalogue: one ICU MessageFormat string per message id. It is the reference: every
 * other locale has exactly these ids, with the same arguments.
 *
 * Codes that come from the data (a deadline id, a trigger, a policy id, a reason code) stay as
 * they are; the words around them, plurals and dates are the catalogue's.
 */
export const en = {
  // Dates: the parts come from Intl.DateTimeFormat; the catalogue orders them.
  'date.day': '{weekday} {day} {month} {year}',
  'date.time': '{date} {hour}:{minute} {zone}',

  // The timeline table.
  'timeline.heading.seq': '#',
  'timeline.heading.when': 'when (employee time)',
  'timeline.heading.who': 'who',
  'timeline.heading.what': 'what',
  'timeline.who': '{name} ({role})',

  // Pieces several events share.
  'event.due': '; due: {deadlines}',
  'event.dueItem': '{id} {date}',
  'event.document': '{kind} (sha256 {sha}…)',
  'event.planRuns': '; the plan runs {start} to {end}',
  'event.duration':
    '{unit, select, calendarDays {{amount, plural, one {# calendar day} other {# calendar days}}} businessDays {{amount, plural, one {# business day} other {# business days}}} weeks {{amount, plural, one {# week} other {# weeks}}} months {{amount, plural, one {# month} other {# months}}} other {{amount} {unit}}}',
  'event.effective': ', effective {at}',

  // One sentence per event type.
  'event.PIP_CREATED':
    'opened the plan in draft with {goals, plural, one {# goal} other {# goals}} under {policyId}@{policyVersion}',
  'event.PLAN_UPDATED': 'updated the goals ({goals})',
  'event.DOCUMENTS_ATTACHED': 'attached {documents}',
  'event.SUBMITTED_FOR_APPROVAL': 'submitted the plan to HR for approval',
  'event.APPROVAL_REJECTED': 'sent the plan back ({reasonCode})',
  'event.APPROVED': 'approved and issued the plan to the employee{due}',
  'event.ISSUED': 'issued the plan to the employee{due}',
  'event.ACKNOWLEDGED': 'acknowledged receipt (not agreement){plan}{due}',
  'event.REFUSAL_WITNESSED': 'recorded a refusal to sign, witnessed by {witnessId}{due}',
  'event.ACKNOWLEDGEMENT_OVERDUE': 'acknowledgement is overdue',
  'event.CHECK_IN_HELD':
    'held check-in {number}: {assessment, select, onTrack {on track} mixed {mixed} offTrack {off track} other {{assessment}}}{due}',
  'event.CHECK_IN_MISSED': 'check-in {number} was missed{due}',
  'event.AMENDMENT_STARTED': 'started amending the plan (the clock keeps running)',
  'event.AMENDMENT_ISSUED': 'issued the amended plan for re-acknowledgement{due}',
  'event.AMENDMENT_CANCELLED': 'cancelled the amendment',
  'event.INVESTIGATION_STARTED':
    'opened an investigation hold (host ref {hostRef}){stoppedClock, select, true {; the clock is stopped} other {}}',
  'event.INVESTIGATION_CLOSED':
    'closed the investigation: {finding}{heldDays, plural, =0 {} one {; the plan moved # day} other {; the plan moved # days}}',
  'event.INVESTIGATION_OVERDUE': 'the investigation is overdue',
  'event.REMINDER_SENT': 'reminded {notify} of {target}',
  'event.ESCALATED': 'escalated ({trigger} #{occurrence}) to {notify}',
  'event.PAUSED': 'paused the clock for {category} (host ref {hostRef}); no reason text is stored',
  'event.RESUMED':
    'resumed after {pausedDays, plural, one {# day} other {# days}}; {end, select, none {the plan has not started yet} other {the plan now ends {end}}}{due}',
  'event.EXTENDED': 'extended by {duration} ({reason}); the plan now ends {end}',
  'event.OBLIGATION_FULFILLED': 'recorded obligation {obligationId} as met',
  'event.OBLIGATION_OVERDUE': 'obligation {obligationId} is overdue',
  'event.MEETING_SCHEDULED': 'scheduled {kind} {meetingId} for {at}',
  'event.MEETING_POSTPONED': 'moved meeting {meetingId} to {at} ({reason})',
  'event.MEETING_RECORDED':
    '{outcome, select, held {recorded meeting {meetingId} as held} other {recorded that the employee did not attend meeting {meetingId}}}',
  'event.MEETING_CANCELLED': 'cancelled meeting {meetingId}',
  'event.MEETING_OVERDUE': 'meeting {meetingId} was not recorded by the end of its day',
  'event.ISSUANCE_OVERDUE': 'the plan was not given by the deadline counted from its trigger',
  'event.NOTICE_EXTENDED':
    'extended the notice by {duration} ({reason}); notice ends {noticeEnd}{due}',
  'event.RELAPSE_RECORDED': 'recorded a relapse during the watch window: back to review{due}',
  'event.LEGAL_HOLD_PLACED': 'placed a legal hold (matter {matterRef})',
  'event.LEGAL_HOLD_RELEASED': 'released the legal hold (matter {matterRef}){due}',
  'event.PURGE_DUE':
    '{held, select, true {the retention period ended on {retainUntil}, but legal holds keep the record (matters {matters})} other {the retention period ended on {retainUntil}: the record may be purged}}',
  'event.POLICY_MIGRATED':
    'moved the plan from policy {fromId}@{fromVersion} to {toId}@{toVersion}{due}',
  'event.PERIOD_ENDED': 'the improvement period ended{early, select, true { early} other {}}{due}',
  'event.REVIEW_OVERDUE': 'the final review is overdue',
  'event.PASSED': 'passed the plan{due}',
  'event.WATCH_ENDED': 'the watch window ended: the plan is complete{due}',
  'event.TERMINATION_PROPOSED': 'proposed termination; notice ends {noticeEnd}{due}',
  'event.REPLY_SUBMITTED': 'submitted a reply to the proposal',
  'event.REPLY_WINDOW_CLOSED': 'the reply window closed',
  'event.DECISION_OVERDUE': 'the decision is overdue',
  'event.DECIDED': 'decided: {decision}{effective}{due}',
  'event.CLOSED': 'closed the plan ({reason}){due}',
  'event.MESSAGE_DEAD_LETTERED':
    'gave up delivering message {messageId} ({messageType}) after {attempts} attempts ({code})',
  // Formal stages and appeals (Acas Code paras 18-22, 26-29).
  'event.STAGE_ISSUED': 'issued the {stage} (stage {number}){skipped}{review}{live}{due}',
  'event.stageSkipped': ', skipping {stages} ({reason})',
  'event.stageReview': '; review period to {date}',
  'event.stageLive': '; live through {date}',
  'event.STAGE_REVIEW_DUE': 'the review period of stage {number} ended{due}',
  'event.WARNING_EXPIRED': 'the warning of stage {number} has lapsed',
  'event.APPEAL_LODGED': 'appealed against the {against}{due}',
  'event.APPEAL_WINDOW_CLOSED': 'the window to appeal stage {number} closed',
  'event.APPEAL_DECIDED':
    'decided the appeal against the {against}: {outcome, select, upheld {upheld} varied {varied to the {replacement}} overturned {overturned} other {{outcome}}}{reinstates, select, true {; the employee is reinstated} other {}}{due}',
  'event.APPEAL_OVERDUE': 'the appeal against the {against} is overdue',
  // An event type added to core later, until it gets its own sentence: its type as words.
  'event.other': '{type}{due}',
  // Reports: CSV headers, the HTML page (overdue queue, outcomes by month).
  'report.column':
    '{column, select, month {month} policyId {policy} status {status} reason {reason} count {count} state {state} kind {kind} oldestSince {oldest since} meanDays {mean days} p50Days {median days} p90Days {90th percentile days} plans {plans} extended {extended plans} extensions {extensions} meanExtensions {mean extensions} paused {paused plans} pausedDays {paused days} meanPausedDays {mean paused days} other {{column}}}',
  'report.title': 'PIP report',
  'report.generatedAt': 'Generated {at}',
  'report.queue.heading': 'Overdue queue',
  'report.queue.summary':
    '{count, plural, =0 {Nothing is overdue.} one {# plan has something overdue.} other {# plans have something overdue.}}',
  'report.queue.pipId': 'PIP',
  'report.queue.employee': 'employee',
  'report.queue.manager': 'manager',
  'report.queue.what': 'what is overdue',
  'report.queue.since': 'overdue since',
  'report.queue.next': 'next deadline',
  'report.queue.none': 'none',
  'report.queue.item': '{kind} ({id})',
  'report.queue.nextItem': '{kind}, {date}',
  'report.deadlineKind':
    '{kind, select, acknowledgement {acknowledgement} checkIn {check-in} planEnd {plan end} review {final review} reply {reply} decision {decision} watch {watch window} pauseEnd {end of pause} reminder {reminder} investigation {investigation} obligation {obligation} other {{kind}}}',
  'report.outcomes.heading': 'Outcomes by month',
  'report.outcomes.empty': 'No plan has reached an outcome yet.',
  'report.outcomes.chart':
    'Bar chart: {total, plural, one {# outcome} other {# outcomes}} over {months, plural, one {# month} other {# months}}, stacked by status',
  'report.outcomes.bar':
    '{month}: {count, plural, one {# plan} other {# plans}} {status} ({reason}, {policyId})',
  'report.outcomes.axisY': 'plans',
  'report.outcomes.axisX': 'month of the outcome',
  'report.outcomes.legend': 'status',
  'report.status':
    '{status, select, passed {passed} terminated {terminated} closed {closed} other {{status}}}',
} as const satisfies Readonly<Record<string, string>>;
