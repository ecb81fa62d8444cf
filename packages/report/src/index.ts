/**
 * @pipkit/report: host helpers with no native dependency. Timeline rows and event descriptions
 * from a message catalogue (English and German, ICU plurals through `Intl`), and evidence bundles
 * with their verification, and report exports (CSV, JSON, a self-contained HTML page), for a
 * server or the `pipkit` command.
 * @packageDocumentation
 */

export type { Catalogue, MessageId, MessageValues } from './messages/catalogue.js';
export {
  catalogues,
  createMessages,
  formatMessage,
  isLocale,
  LOCALES,
  resolveLocale,
  UNKNOWN_LOCALE,
  UnknownLocaleError,
} from './messages/messages.js';
export type { Locale, Messages } from './messages/messages.js';
export { localDate, localTime } from './timeline/dates.js';
export type { DateOptions } from './timeline/dates.js';
export { describeEvent } from './timeline/describeEvent.js';
export type { DescribeOptions } from './timeline/describeEvent.js';
export { renderTimeline, timelineRows } from './timeline/timelineRows.js';
export type { TimelineOptions, TimelineRow } from './timeline/timelineRows.js';
export { verifyStoredPip } from './evidence/verifyStoredPip.js';
export type { StoredPipVerification } from './evidence/verifyStoredPip.js';
export { evidenceBundle, exportEvidenceBundle } from './evidence/evidenceBundle.js';
export type {
  EvidenceBundle,
  EvidenceBundleOptions,
  ExportBundleOptions,
} from './evidence/evidenceBundle.js';
export {
  checkBundleCheckpoints,
  NOT_AN_EVIDENCE_BUNDLE,
  parseEvidenceBundle,
  verifyEvidenceBundle,
} from './evidence/verifyBundle.js';
export type {
  BundleCheckpointResult,
  BundleVerification,
  VerifyBundleOptions,
} from './evidence/verifyBundle.js';
export { reportToCsv, reportToJson } from './reports/reportCsv.js';
export type { CsvOptions } from './reports/reportCsv.js';
export { REPORT_COLUMNS } from './reports/reportColumns.js';
export { escapeHtml } from './reports/html.js';
export { renderReportHtml } from './reports/reportHtml.js';
export type { ReportPageInput } from './reports/reportHtml.js';
export type { OverdueQueueEntry } from './reports/overdueQueue.js';
