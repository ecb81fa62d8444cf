/**
 * Escaping for the HTML report. Every string that reaches the page (ids, policy ids and reason
 * codes from the host, and the catalogue's own words) goes through {@link escapeHtml}, in text and
 * in attribute values alike, so an id such as `<img src=x onerror=...>` is shown as text.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `&`, `<`, `>`, `"` and `'`: safe in element text and in a quoted attribute value.
 *
 * @example
 * ```ts
 * escapeHtml('<b title="x">&</b>'); // '&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/** A number as an SVG coordinate: at most three decimals, no exponent. @internal */
export function coordinate(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
