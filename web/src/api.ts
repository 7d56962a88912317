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
  if (!response.ok) throw apiError(response, data);
  return data as T;
}

function apiError(response: Response, data: unknown): ApiError {
  const error = (data as { error?: { code: string; message: string; details?: Record<string, unknown> } })
    ?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'HTTP',
    error?.message ?? response.statusText,
    error?.details,
  );
}

/** The JSON of an error answer, or nothing when the body is not JSON. */
async function errorBody(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends a file's bytes as they are (a bank's result file as text/csv) and reads the JSON answer. */
export async function apiSendFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': currentLanguage(),
    'content-type': contentType,
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: await file.arrayBuffer(),
  });
  if (!response.ok) throw apiError(response, await errorBody(response));
  return (await response.json()) as T;
}

/** A file the server gives (a bank file, a CSV), with the name its content-disposition header names. */
export async function apiDownload(path: string): Promise<{ blob: Blob; fileName: string | undefined }> {
  const response = await fetch(path, {
    headers: { 'accept-language': currentLanguage() },
    credentials: 'same-origin',
  });
  if (!response.ok) throw apiError(response, await errorBody(response));
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1];
  return { blob: await response.blob(), fileName };
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
