import type { Report } from '@pipkit/core/schemas';
import { memoryStore } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { REPORT_COLUMNS, reportToCsv, reportToJson } from '../index.js';
import { HR, seedReports } from './__fixtures__/reportSeed.js';

/** A minimal RFC 4180 reader: enough to check that what we write reads back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i] as string;
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += character;
  }
  return records;
}

const outcomes: Report<'outcomesByMonth'> = {
  name: 'outcomesByMonth',
  rows: [
    { month: '2026-03', policyId: 'acme, "v2"', status: 'closed', reason: 'resigned', count: 2 },
    { month: '2026-05', policyId: 'line\r\nbreak', status: 'passed', reason: 'passed', count: 3 },
  ],
};

describe('reportToCsv', () => {
  it('writes a header of column names, quoted text, bare numbers and CRLF line ends', () => {
    const csv = reportToCsv(outcomes);
    expect(csv.split('\r\n')[0]).toBe('"month","policy","status","reason","count"');
    expect(csv).toContain('"2026-03","acme, ""v2""","closed","resigned",2\r\n');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
    expect(parseCsv(csv)).toEqual([
      ['month', 'policy', 'status', 'reason', 'count'],
      ['2026-03', 'acme, "v2"', 'closed', 'resigned', '2'],
      ['2026-05', 'line\r\nbreak', 'passed', 'passed', '3'],
    ]);
  });

  it('names the columns in German with locale de, and keeps the data as stored', () => {
    const csv = reportToCsv(
      { name: 'openByState', rows: [{ state: 'active', count: 3 }] },
      {
        locale: 'de',
      },
    );
    expect(csv).toBe('"Zustand","Anzahl"\r\n"active",3\r\n');
  });

  it('writes the header of an empty report', () => {
    expect(reportToCsv({ name: 'longPlans', rows: [] })).toBe('"policy","count"\r\n');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])(
    'guards %j against formula injection with a leading quote',
    (value) => {
      const csv = reportToCsv({ name: 'openByState', rows: [{ state: value, count: -1 }] });
      const [, row] = parseCsv(csv);
      expect(row).toEqual([`'${value}`, '-1']);
    },
  );

  it('leaves text that only contains a formula character alone', () => {
    const [, row] = parseCsv(
      reportToCsv({ name: 'openByState', rows: [{ state: 'a=b', count: 1 }] }),
    );
    expect(row).toEqual(['a=b', '1']);
  });

  it('writes every report of a seeded engine with its declared columns', async () => {
    const { engine } = await seedReports(memoryStore());
    for (const name of Object.keys(REPORT_COLUMNS) as (keyof typeof REPORT_COLUMNS)[]) {
      const report = await engine.report(name === 'longPlans' ? { name, overDays: 30 } : { name }, {
        actor: HR,
      });
      const records = parseCsv(reportToCsv(report));
      expect(records).toHaveLength(report.rows.length + 1);
      for (const [index, row] of report.rows.entries())
        expect(records[index + 1]).toEqual(
          REPORT_COLUMNS[name].map((column) => String((row as Record<string, unknown>)[column])),
        );
    }
  });
});

describe('reportToJson', () => {
  it('keeps the rows as the engine returned them, with the column order', () => {
    expect(JSON.parse(reportToJson(outcomes))).toEqual({
      name: 'outcomesByMonth',
      columns: ['month', 'policyId', 'status', 'reason', 'count'],
      rows: outcomes.rows,
    });
    expect(reportToJson(outcomes).endsWith('}\n')).toBe(true);
  });
});
