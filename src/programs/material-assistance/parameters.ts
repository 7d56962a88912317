import { parameterFile } from '../../rules/parameters.ts';
import data from './parameters.json' with { type: 'json' };

/** The reviewed parameter file of this folder, under the namespace `material_assistance`; names are typed from its keys. */
export const MATERIAL_ASSISTANCE_PARAMETERS = parameterFile('material_assistance', data);
export const P = MATERIAL_ASSISTANCE_PARAMETERS.names;
