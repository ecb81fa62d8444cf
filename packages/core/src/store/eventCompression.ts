/**
 * How SQLite and Postgres stores keep an event's JSON in fewer bytes: raw DEFLATE (RFC 1951)
 * with a preset dictionary of pipkit's event vocabulary (RFC 1950 section 2.2 describes preset
 * dictionaries; zlib's `deflateSetDictionary` is what `node:zlib`'s `dictionary` option calls).
 * An event is 100 to 600 bytes of JSON whose member names and values repeat across every PIP, so
 * a general-purpose compressor alone gains little on one event; the dictionary gives it those
 * repeats up front. The hash chain is unchanged: it covers the canonical JSON of the event,
 * which decompression gives back byte for byte.
 * @module
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The first byte of a compressed event: format 1 is raw DEFLATE with a 4 KiB window
 * (`windowBits` 12) and {@link EVENT_DICTIONARY_V1}. A later format gets another byte; a reader
 * keeps every format it ever wrote.
 */
export const EVENT_COMPRESSION_V1 = 1;

/** DEFLATE's window for format 1: larger than the dictionary plus most events. */
const WINDOW_BITS = 12;

/**
 * Format 1's preset dictionary (UTF-8): fragments of the events pipkit writes, the most common
 * last (DEFLATE codes a nearer match in fewer bits). Released: it never changes, or stored
 * events would no longer decompress; a new vocabulary is a new format. Another language decodes
 * an event with its zlib binding (for example Python's
 * `zlib.decompressobj(wbits=-12, zdict=dictionary).decompress(blob[1:])`).
 */
export const EVENT_DICTIONARY_V1: string = [
  '{"type":"APPEAL_LODGED","type":"APPEAL_DECIDED","type":"STAGE_ISSUED","stageId":"',
  '{"type":"MEETING_SCHEDULED","type":"MEETING_RECORDED","meetingId":"","location":"',
  '{"type":"INVESTIGATION_STARTED","type":"INVESTIGATION_CLOSED","findings":"',
  '{"type":"TERMINATION_PROPOSED","noticeEndDate":"","instances":[',
  '{"type":"REPLY_SUBMITTED","type":"DECIDED","outcome":{"status":"","effectiveAt":"',
  '{"type":"CLOSED","reason":"withdrawn","resigned","transferred","note":"',
  '{"type":"PASSED","type":"PERIOD_ENDED","type":"CHECK_IN_MISSED","type":"ESCALATED","level":',
  '{"type":"REMINDER_SENT","type":"ISSUED","type":"LEGAL_HOLD_PLACED","holdId":"',
  '{"type":"PIP_CREATED","employee":{"id":"","timeZone":"","calendar":"","group":"',
  '"orgUnitId":"","managerId":"","policy":{"id":"","version":1},"goals":[{"id":"g1","description":"","measure":"',
  '{"type":"SUBMITTED_FOR_APPROVAL","type":"APPROVED","type":"ACKNOWLEDGED","documentSha256":"',
  '{"type":"PAUSED","category":"protectedLeave","hostRef":"","since":"',
  '{"type":"RESUMED","pausedDays":0,"resumedAt":"","leaveDays":0',
  '{"type":"EXTENDED","amount":14,"unit":"calendarDays","businessDays","reason":"',
  '"plan":{"startDate":"","endDate":"","originalEndDate":"","anchorDate":"',
  '{"id":"planEnd","kind":"planEnd","id":"acknowledgement","kind":"acknowledgement","date":"',
  '"role":"system"},"role":"legal"},"role":"hr"},"role":"employee"},',
  '{"type":"DOCUMENTS_ATTACHED","documents":[{"kind":"checkInNotes","kind":"evidence","ref":"","sha256":"',
  '{"type":"CHECK_IN_HELD","number":1,"assessment":"onTrack","mixed","offTrack"',
  '"deadlines":{"clear":["checkIn:1"],"set":[{"id":"checkIn:2","kind":"checkIn","date":"',
  ':59:59.999Z","scheduledAt":"',
  ':00:00.000Z","actor":{"id":"","role":"manager"},',
  '{"type":"',
].join('');

const DICTIONARY = Buffer.from(EVENT_DICTIONARY_V1, 'utf8');

/**
 * An event's JSON text as the bytes a store keeps: {@link EVENT_COMPRESSION_V1}, then the
 * DEFLATE stream. {@link decompressEventJson} gives the same text back.
 *
 * @example
 * ```ts
 * const blob = compressEventJson(JSON.stringify(stored.event)); // written to the event column
 * decompressEventJson(blob); // the same text
 * ```
 */
export function compressEventJson(json: string): Buffer {
  const deflated = deflateRawSync(Buffer.from(json, 'utf8'), {
    dictionary: DICTIONARY,
    windowBits: WINDOW_BITS,
    level: 9,
    // Events are small: a small hash table allocates faster and compresses them as well.
    memLevel: 4,
  });
  const out = Buffer.allocUnsafe(deflated.length + 1);
  out[0] = EVENT_COMPRESSION_V1;
  deflated.copy(out, 1);
  return out;
}

/**
 * Events whose JSON is shorter than this many characters are kept as their text by
 * {@link storedEventBody}. Compressing one costs about the same 6 to 7 µs on Node 20 whatever its
 * size or the level (each call creates and frees a zlib stream), and one under 200 characters
 * saves under 100 bytes: the two events a deadline fire writes (150 to 190 characters) shrink to
 * about 60 each, while a check-in (about 220) goes to 58 and a document attached (about 250) to
 * 76.
 */
export const EVENT_COMPRESSION_MIN_LENGTH = 200;

/**
 * What a store keeps of an event's JSON text: the text itself when it is shorter than
 * {@link EVENT_COMPRESSION_MIN_LENGTH}, else {@link compressEventJson}'s bytes. A reader tells
 * them apart by type (text or bytes) and passes bytes to {@link decompressEventJson}.
 *
 * @example
 * ```ts
 * insertEvent.run(pipId, seq, storedEventBody(JSON.stringify(stored.event)));
 * ```
 */
export function storedEventBody(json: string): string | Buffer {
  return json.length < EVENT_COMPRESSION_MIN_LENGTH ? json : compressEventJson(json);
}

/**
 * The JSON text of an event a store kept as {@link compressEventJson}'s bytes, or `undefined`
 * when the bytes are not such an event (an unknown format byte, a damaged stream): the store
 * reports that row as unreadable, as it does JSON that does not parse.
 */
export function decompressEventJson(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes[0] !== EVENT_COMPRESSION_V1) return undefined;
  try {
    return inflateRawSync(bytes.subarray(1), {
      dictionary: DICTIONARY,
      windowBits: WINDOW_BITS,
    }).toString('utf8');
  } catch {
    return undefined;
  }
}
