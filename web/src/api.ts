import { currentLanguage } from './i18n.ts';

/** An error answer of the API: `{error: {code, message, requestId, details}}`, message in our language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

export interface Actor {
  kind: 'staff' | 'citizen' | 'anonymous' | 'machine';
  username?: string;
  displayName?: string;
  personId?: string;
  grants?: { role: string }[];
}

export interface Session {
  actor: Actor;
  csrfToken?: string;
  /** The language kept on the account, applied at sign-in (null: none chosen yet). */
  language?: string | null;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': currentLanguage(),
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string; details?: Record<string, unknown> } })
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP',
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return data as T;
}

export async function loadSession(): Promise<Session> {
  const session = await api<Session>('/auth/session');
  csrfToken = session.csrfToken;
  return session;
}

export async function staffLogin(username: string, password: string): Promise<Session> {
  const session = await api<Session>('/auth/login', { method: 'POST', body: { username, password } });
  csrfToken = session.csrfToken;
  return session;
}

export async function logout(): Promise<void> {
  await api('/auth/logout', { method: 'POST' });
  csrfToken = undefined;
}

/** Keeps the chosen language on the signed-in account, so the next sign-in (any browser) uses it too. */
export async function saveLanguage(actor: Actor, language: string): Promise<void> {
  if (actor.kind === 'staff') await api('/auth/language', { method: 'PUT', body: { language } });
  else if (actor.kind === 'citizen') await api('/api/me/language', { method: 'PUT', body: { language } });
}

export function newId(): string {
  return crypto.randomUUID();
}
