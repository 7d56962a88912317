import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Area } from '../access/actor.ts';
import { translateDynamic } from '../i18n/index.ts';
import type { DB } from '../platform/db/schema.ts';
import { languageFromHeader } from '../platform/errors.ts';
import type { Language } from '../shared/format.ts';
import { placesOfAreas } from '../territory/territory.service.ts';
import { staffByUsernames } from './identity.repository.ts';

/**
 * Who did something, as a person reads it: never the stored actor string (`staff:district`,
 * `citizen:<person id>`, `machine:<client>`). Citizens see an official by role and area ("District social
 * protection officer, Xiva district"), never by name; staff see the account's display name too.
 */
export interface ActorDisplay {
  kind: 'staff' | 'citizen' | 'machine' | 'system' | 'anonymous';
  /** The official's display name: only for a staff viewer. */
  name?: string;
  /** The role in the viewer's language ("Social worker"); for a citizen or a system, what they are. */
  role: string;
  /** The area the role is bound to, named in the viewer's language ("Xiva district"); null when none. */
  area: string | null;
  /** One line: "Bobur Yusupov — District social protection officer, Xiva district" or without the name. */
  text: string;
}

export interface Viewer {
  language: Language;
  /** Staff see names; citizens see roles. */
  kind: 'staff' | 'citizen';
  /** The citizen's own person id: their own steps read "You". */
  personId?: string;
}

const people = (key: string, language: Language, fallback: string) =>
  translateDynamic('people', key, language, {}, fallback);

/** The role's label in a language (an unknown role reads as "Official"). */
export function roleLabel(role: string | null, language: Language): string {
  const official = people('kind.staff', language, 'Official');
  return role ? people(`role.${role}`, language, official) : official;
}

/** Resolves actor strings to what a viewer may see of them; unknown accounts read by role kind only. */
export async function describeActors(
  db: Kysely<DB>,
  actors: readonly (string | null | undefined)[],
  viewer: Viewer,
): Promise<Map<string, ActorDisplay>> {
  const { language } = viewer;
  const ids = [...new Set(actors.filter((a): a is string => Boolean(a)))];
  const usernames = ids.filter((a) => a.startsWith('staff:')).map((a) => a.slice('staff:'.length));
  const staff = await staffByUsernames(db, usernames);
  const areas = [...staff.values()].flatMap((s) => (s.grant?.area ? [s.grant.area] : []));
  const places = await placesOfAreas(db, areas);
  const areaName = (area: Area | null) =>
    area ? (places.get(`${area.kind}:${area.code}`)?.names[language] ?? null) : null;
  const result = new Map<string, ActorDisplay>();
  for (const id of ids) result.set(id, describeOne(id));
  return result;

  function describeOne(id: string): ActorDisplay {
    const [prefix = '', rest = ''] = splitOnce(id);
    if (prefix === 'staff') {
      const found = staff.get(rest);
      const role = roleLabel(found?.grant?.role ?? null, language);
      const area = areaName(found?.grant?.area ?? null);
      const roleText = area ? `${role}, ${area}` : role;
      const name = viewer.kind === 'staff' ? found?.displayName : undefined;
      return {
        kind: 'staff',
        role,
        area,
        ...(name ? { name } : {}),
        text: name ? `${name} — ${roleText}` : roleText,
      };
    }
    if (prefix === 'citizen') {
      const own = viewer.personId !== undefined && rest === viewer.personId;
      const role = people(own ? 'kind.you' : 'kind.citizen', language, 'Citizen');
      return { kind: 'citizen', role, area: null, text: role };
    }
    if (prefix === 'machine') {
      const role = people('kind.machine', language, 'Agency system');
      return { kind: 'machine', role, area: null, text: role };
    }
    if (id === 'anonymous') {
      const role = people('kind.anonymous', language, 'Unknown');
      return { kind: 'anonymous', role, area: null, text: role };
    }
    const role = people('kind.system', language, 'Himoya');
    return { kind: 'system', role, area: null, text: role };
  }
}

function splitOnce(id: string): [string, string] {
  const at = id.indexOf(':');
  return at < 0 ? [id, ''] : [id.slice(0, at), id.slice(at + 1)];
}

/** One actor (a convenience over describeActors). */
export async function describeActor(db: Kysely<DB>, actor: string, viewer: Viewer): Promise<ActorDisplay> {
  const map = await describeActors(db, [actor], viewer);
  return map.get(actor) as ActorDisplay;
}

/** The API shape of an ActorDisplay (routes that show who did something add it next to the stored id). */
export const ActorDisplaySchema = z
  .object({
    kind: z.enum(['staff', 'citizen', 'machine', 'system', 'anonymous']),
    name: z.string().optional().describe("The official's display name: for staff viewers only"),
    role: z.string().describe('The role in the asked language, or what kind of actor'),
    area: z.string().nullable().describe("The role's area in the asked language"),
    text: z.string().describe('One line to show: name (staff viewers) and role, area'),
  })
  .describe('Who did it, as a person reads it (never an id)');

/** Who is looking: staff see names, a citizen sees roles (and "You" for their own steps). */
export function viewerOf(request: FastifyRequest): Viewer {
  const language = languageFromHeader(request.headers['accept-language']);
  const actor = request.actor as FastifyRequest['actor'] | undefined;
  if (actor?.kind === 'citizen') return { language, kind: 'citizen', personId: actor.personId };
  return { language, kind: 'staff' };
}

/** Adds `<field>Display` next to each named actor field of each item, resolved in one go. */
export async function withActorDisplays<T extends object, K extends keyof T & string>(
  db: Kysely<DB>,
  viewer: Viewer,
  items: readonly T[],
  fields: readonly K[],
): Promise<(T & Partial<Record<`${K}Display`, ActorDisplay | null>>)[]> {
  const ids = items.flatMap((item) => fields.map((f) => item[f] as unknown as string | null));
  const displays = await describeActors(db, ids, viewer);
  return items.map((item) => {
    const extra: Record<string, ActorDisplay | null> = {};
    for (const f of fields) {
      const id = item[f] as unknown as string | null;
      extra[`${f}Display`] = id ? (displays.get(id) ?? null) : null;
    }
    return { ...item, ...extra } as T & Partial<Record<`${K}Display`, ActorDisplay | null>>;
  });
}
