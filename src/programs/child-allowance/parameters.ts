import { parameterFile } from '../../rules/parameters.ts';
import data from './parameters.json' with { type: 'json' };

/** The reviewed parameter file of this folder, under the namespace `child_allowance`; names are typed from its keys. */
export const CHILD_ALLOWANCE_PARAMETERS = parameterFile('child_allowance', data);
export const P = CHILD_ALLOWANCE_PARAMETERS.names;
