/** Web `Headers`, or Node's `IncomingHttpHeaders`-style record. */
export type HeaderSource =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads a header by its lowercase name from either kind of header collection. */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[name];
  if (value === undefined) {
    // Node lowercases keys; a hand-built record may not. Most keys differ in length: a
    // receiver looks for a header that is usually absent on every delivery.
    for (const key in record) if (key.length === name.length && key.toLowerCase() === name) value = record[key];
  }
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}
