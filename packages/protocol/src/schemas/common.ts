import * as v from 'valibot';

/** Ids are ULIDs: 26 Crockford base-32 characters, sortable by creation time. */
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const IdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, 'Invalid id format'));

/** ISO 8601 timestamp string (`2026-11-28T18:00:00.000Z`). */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp());

/** Opaque cursor for the next page; `null` when there is none. */
export const CursorSchema = v.pipe(v.string(), v.maxLength(200), v.regex(/^[A-Za-z0-9_-]+$/, 'Invalid cursor'));

/** Query-string integer in a range (query values arrive as strings). */
export function queryInt(min: number, max: number) {
  return v.pipe(
    v.union([v.string(), v.number()]),
    v.transform((x) => (typeof x === 'number' ? x : Number(x))),
    v.number('Expected a number'),
    v.integer('Expected an integer'),
    v.minValue(min),
    v.maxValue(max),
  );
}

/** Query-string boolean: `true|false|1|0`. */
export const QueryBoolSchema = v.pipe(
  v.union([v.boolean(), v.picklist(['true', 'false', '1', '0'])]),
  v.transform((x) => x === true || x === 'true' || x === '1'),
);

/** One page of a cursor-paged listing. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Schema factory for a page of items. */
export function pageSchema<T extends v.GenericSchema>(item: T) {
  return v.object({ items: v.array(item), next_cursor: v.nullable(v.string()) });
}
