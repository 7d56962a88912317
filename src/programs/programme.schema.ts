import { z } from 'zod';
import { programmeIds } from './catalogue.ts';
import type { ProgrammeChannels } from './description.ts';

/**
 * A programme id at a trust boundary: one of the catalogue's, or only those the channel may name (an
 * application names a programme one may apply for). The enum is built from the registry, so a new
 * programme folder reaches every route and the OpenAPI document without an edit here.
 */
export function ProgrammeId(channel?: keyof ProgrammeChannels) {
  return z
    .enum(programmeIds(channel))
    .describe('A programme id (GET /api/programmes lists them with their names)');
}
