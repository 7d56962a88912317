import { parameterFile } from '../../rules/parameters.ts';
import data from './parameters.json' with { type: 'json' };

/** The reviewed parameter file of this folder, under the namespace `exclusion`; names are typed from its keys. */
export const EXCLUSION_PARAMETERS = parameterFile('exclusion', data);
export const P = EXCLUSION_PARAMETERS.names;
