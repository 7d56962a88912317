import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, api } from '../api.ts';
import { ErrorMessage, Loading } from '../ds/index.tsx';
import NotFound from './not-found.tsx';

/** A link's id the server does not know (malformed, unknown, or someone else's): a bad link, not an error. */
export function isBadLink(error: unknown): boolean {
  return error instanceof ApiError && [400, 403, 404].includes(error.status);
}

/** For staff pages: an id the server does not know (400 malformed, 404 unknown); a 403 stays an answer. */
export function isUnknownId(error: unknown): boolean {
  return error instanceof ApiError && [400, 404].includes(error.status);
}

/**
 * Shows `children` only when the record a page's URL names exists for this person (`path` answers 200);
 * a bad link shows the not-found page instead of a page that pretends (a "sent" page for a made-up id).
 */
export function IfFound({ path, children }: { path: string; children: ReactNode }) {
  const found = useQuery({ queryKey: ['found', path], queryFn: () => api<unknown>(path), retry: false });
  if (found.isPending) return <Loading />;
  if (found.isError) return isBadLink(found.error) ? <NotFound /> : <ErrorMessage error={found.error} />;
  return <>{children}</>;
}
