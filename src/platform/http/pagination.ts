import { z } from 'zod';

/** Query parameters every list endpoint accepts. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('1-based page number'),
  pageSize: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (at most 200)'),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().describe('Items matching the filters, across all pages'),
  });
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const offsetOf = (q: PageQuery) => (q.page - 1) * q.pageSize;

/**
 * The answer of a list's `/count` companion: how many items the same filters and the same area scoping
 * find, without reading (or auditing) any of them. Worklists on the staff home show it.
 */
export const CountAnswer = z.object({
  total: z.number().int().describe('Items matching the filters within your areas'),
});
