import type { QueryReader } from "./query-reader.js";

/** One page of a list: `items` are `total` items' [offset, offset + limit) slice. */
export interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  /** The offset of the next page; absent on the last page. */
  readonly nextOffset?: number;
  readonly items: readonly T[];
}

/** Bounds of the `limit` parameter (the OpenAPI document states the same). */
export const PAGE_LIMITS = { min: 1, fallback: 100, max: 1000 } as const;
/** Largest `offset`: the largest integer a JSON number holds exactly. */
export const OFFSET_MAX = Number.MAX_SAFE_INTEGER;

/** The page the `limit` and `offset` parameters ask for. */
export function pageOf<T>(items: readonly T[], query: QueryReader, limits: { readonly fallback: number; readonly max: number } = PAGE_LIMITS): Page<T> {
  const limit = query.integer("limit", { min: PAGE_LIMITS.min, max: limits.max, fallback: limits.fallback });
  const offset = query.integer("offset", { min: 0, max: OFFSET_MAX, fallback: 0 });
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return { total: items.length, offset, limit, ...(next < items.length ? { nextOffset: next } : {}), items: slice };
}
