// date-holidays publishes its raw data as `date-holidays/data` without types. This declares the
// one slice pipkit reads: the weekend some countries and subdivisions record.
declare module 'date-holidays/data' {
  /** A country or subdivision entry of the raw data. */
  interface RawDivision {
    readonly weekend?: readonly string[];
    readonly states?: Readonly<Record<string, RawDivision>>;
    readonly regions?: Readonly<Record<string, RawDivision>>;
  }
  /** The raw holiday data shipped with date-holidays. */
  export const data: {
    readonly version: string;
    readonly holidays: Readonly<Record<string, RawDivision>>;
  };
}
