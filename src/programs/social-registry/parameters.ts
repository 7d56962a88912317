import { parameterFile } from '../../rules/parameters.ts';
import data from './parameters.json' with { type: 'json' };

/** The reviewed parameter file of this folder, under the namespace `social_registry`; names are typed from its keys. */
export const SOCIAL_REGISTRY_PARAMETERS = parameterFile('social_registry', data);
export const P = SOCIAL_REGISTRY_PARAMETERS.names;
