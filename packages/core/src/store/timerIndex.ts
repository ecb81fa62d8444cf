import type { TimerRow } from './pipStore.js';

const CHUNK = 512;

function before(a: TimerRow, b: TimerRow): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.timerId < b.timerId);
}

/**
 * Pending timers ordered by `(dueAt, timerId)`, for stores that keep them in memory: a sorted
 * list of small sorted chunks, so inserting or removing one of 100,000 timers moves a few hundred
 * entries instead of all of them, and a sweep reads only the due prefix. @internal
 */
export class TimerIndex {
  private readonly chunks: TimerRow[][] = [];

  /** Adds a row (its id must not be present). */
  insert(row: TimerRow): void {
    if (this.chunks.length === 0) {
      this.chunks.push([row]);
      return;
    }
    const chunkIndex = Math.min(this.chunkFor(row), this.chunks.length - 1);
    const chunk = this.chunks[chunkIndex] as TimerRow[];
    chunk.splice(this.positionIn(chunk, row), 0, row);
    if (chunk.length > CHUNK * 2) this.chunks.splice(chunkIndex + 1, 0, chunk.splice(CHUNK));
  }

  /** Removes the row with this id and due time, if present. */
  remove(row: TimerRow): void {
    const chunkIndex = this.chunkFor(row);
    const chunk = this.chunks[chunkIndex];
    if (!chunk) return;
    const position = this.positionIn(chunk, row);
    if (chunk[position]?.timerId !== row.timerId) return;
    chunk.splice(position, 1);
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
  }

  /** Rows due at or before `now`, earliest first, at most `limit`. */
  due(now: string, limit: number): TimerRow[] {
    const rows: TimerRow[] = [];
    for (const row of this.dueInOrder(now)) {
      if (rows.length >= limit) break;
      rows.push(row);
    }
    return rows;
  }

  /** Rows due at or before `now`, earliest first, read lazily (a claim stops when it has enough). */
  *dueInOrder(now: string): Generator<TimerRow> {
    for (const chunk of this.chunks) {
      for (const row of chunk) {
        if (row.dueAt > now) return;
        yield row;
      }
    }
  }

  /** Index of the first chunk whose last row sorts at or after `row` (`chunks.length` if none). */
  private chunkFor(row: TimerRow): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.chunks[middle] as TimerRow[];
      if (before(chunk[chunk.length - 1] as TimerRow, row)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private positionIn(chunk: readonly TimerRow[], row: TimerRow): number {
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(chunk[middle] as TimerRow, row)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
