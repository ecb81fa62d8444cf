import { CalendarError } from '@pipkit/core';
import Holidays from 'date-holidays';

/** A country or subdivision that {@link holidayCalendar} accepts. */
export interface Region {
  /** The code to pass as `region`: `GB` for a country, `GB-SCT` for a subdivision. */
  readonly code: string;
  /** The name date-holidays gives it, in English where it has one. */
  readonly name: string;
}

/** @internal A region split into the parts date-holidays looks up. */
export interface ResolvedRegion {
  /** Upper-case ISO style code: `US` or `US-WY`. */
  readonly id: string;
  readonly country: string;
  readonly subdivision: string | undefined;
}

const REGION_PATTERN = /^([A-Za-z]{2})(?:-([A-Za-z0-9]{1,10}))?$/;
// date-holidays upper-cases every code it is given, so a subdivision keyed in mixed case
// (the islands of the Cook Islands) can never be looked up: those are not offered.
const SUBDIVISION_KEY = /^[A-Z0-9]+$/;

let catalogue: Holidays | undefined;
/** One instance answers every country and subdivision query; built on first use. */
function regionCatalogue(): Holidays {
  catalogue ??= new Holidays();
  return catalogue;
}

function countries(): Record<string, string> {
  return regionCatalogue().getCountries('en');
}

function subdivisions(country: string): Record<string, string> {
  const all =
    (regionCatalogue().getStates(country, 'en') as Record<string, string> | undefined) ?? {};
  return Object.fromEntries(Object.entries(all).filter(([key]) => SUBDIVISION_KEY.test(key)));
}

function unknownCountry(country: string, path: readonly (string | number)[]): CalendarError {
  return new CalendarError(
    `date-holidays knows no country "${country}". Use an ISO 3166-1 alpha-2 code such as "US", "GB" or "DE"; listRegions() lists all ${Object.keys(countries()).length}.`,
    path,
  );
}

/**
 * Lists the regions {@link holidayCalendar} accepts: every country, or the subdivisions of one
 * country (US states, the nations of the United Kingdom, German Länder, ...). Each `code` can be
 * passed to `holidayCalendar` as it is. Throws {@link CalendarError} (`INVALID_CALENDAR`) for an
 * unknown country.
 *
 * @param country - an ISO 3166-1 alpha-2 code; omit it to list the countries
 * @example
 * ```ts
 * listRegions('GB');
 * // [{ code: 'GB-ALD', name: 'Alderney' }, { code: 'GB-ENG', name: 'England' },
 * //  { code: 'GB-NIR', name: 'Northern Ireland' }, { code: 'GB-SCT', name: 'Scotland' },
 * //  { code: 'GB-WLS', name: 'Wales' }]
 * listRegions().length; // about 200 countries
 * ```
 */
export function listRegions(country?: string): Region[] {
  if (country === undefined) {
    return Object.entries(countries())
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }
  const code = typeof country === 'string' ? country.toUpperCase() : '';
  if (!/^[A-Z]{2}$/.test(code) || !(code in countries())) throw unknownCountry(String(country), []);
  return Object.entries(subdivisions(code))
    .map(([key, name]) => ({ code: `${code}-${key}`, name }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * @internal Checks a `COUNTRY` or `COUNTRY-SUBDIVISION` code against date-holidays' data. Throws
 * instead of letting date-holidays fall back to the country's holidays for an unknown subdivision.
 */
export function resolveRegion(region: unknown): ResolvedRegion {
  const match = typeof region === 'string' ? REGION_PATTERN.exec(region) : null;
  if (!match) {
    throw new CalendarError(
      `Region ${JSON.stringify(region)} is not an ISO 3166 style code. Write COUNTRY or COUNTRY-SUBDIVISION, for example "US", "US-WY", "GB-ENG" or "DE-BY".`,
      ['region'],
    );
  }
  const country = (match[1] ?? '').toUpperCase();
  const subdivision = match[2]?.toUpperCase();
  const countryName = countries()[country];
  if (countryName === undefined) throw unknownCountry(country, ['region']);
  if (subdivision === undefined) return { id: country, country, subdivision };

  const known = subdivisions(country);
  if (!(subdivision in known)) {
    const codes = Object.keys(known).map((key) => `"${country}-${key}"`);
    const hint =
      codes.length === 0
        ? `date-holidays has no subdivisions for ${countryName}: use "${country}".`
        : `Use one of ${codes.slice(0, 6).join(', ')}${codes.length > 6 ? ', ...' : ''} (listRegions('${country}') lists all ${codes.length}).`;
    throw new CalendarError(
      `date-holidays knows no subdivision "${subdivision}" of ${countryName} (${country}). ${hint}`,
      ['region'],
    );
  }
  return { id: `${country}-${subdivision}`, country, subdivision };
}
