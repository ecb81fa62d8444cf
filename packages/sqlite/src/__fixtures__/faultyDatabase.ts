/**
 * Test helper: wraps a real better-sqlite3 `Database` so that chosen statements throw an error
 * with a given SQLite result code, the way better-sqlite3 reports a failing device or lock.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from '../sqliteDatabase.js';

/** When set, statements whose SQL matches `statement` throw an error with `code`. */
export interface Fault {
  code?: string | undefined;
  statement?: RegExp | undefined;
}

/** The wrapped database and the switch that turns the fault on and off. */
export function faultyDatabase(real: Database.Database, fault: Fault): SqliteDatabase {
  const maybeFail = (source: string) => {
    if (fault.code !== undefined && (fault.statement ?? /./).test(source)) {
      throw Object.assign(new Error(`simulated ${fault.code}`), { code: fault.code });
    }
  };
  return {
    get open() {
      return real.open;
    },
    get memory() {
      return real.memory;
    },
    get readonly() {
      return real.readonly;
    },
    prepare(source: string): SqliteStatement {
      const statement = real.prepare(source);
      return {
        run: (...parameters) => (maybeFail(source), statement.run(...parameters)),
        get: (...parameters) => (maybeFail(source), statement.get(...parameters)),
        all: (...parameters) => (maybeFail(source), statement.all(...parameters)),
      };
    },
    exec: (source) => real.exec(source),
    pragma: (source, options) => real.pragma(source, options),
    transaction: (fn) => real.transaction(fn),
    backup: (destination) => real.backup(destination),
    close: () => real.close(),
  };
}
