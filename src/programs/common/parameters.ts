import { parameterFile } from '../../rules/parameters.ts';
import data from './parameters.json' with { type: 'json' };

/** The reviewed parameter file of this folder, under the namespace `common`; names are typed from its keys. */
export const COMMON_PARAMETERS = parameterFile('common', data);
export const P = COMMON_PARAMETERS.names;
