/** Paging shared by both back ends. */

/** Clamps a requested page size. Defaults to `fallback`. */
export function pageLimit(limit: number | undefined, fallback: number, max = 500): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}
