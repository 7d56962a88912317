/**
 * Where a household or a person is, as the access policy sees it: the lookups other contexts use to ask
 * the policy about a record. Contexts reach them through this service, never through access's repository
 * (the boundary rule `data-through-service` of .dependency-cruiser.cjs).
 */
export {
  findCurrentHouseholdOfPerson,
  findGoverningHouseholdOfPerson,
  findPlaceOfHousehold,
} from './access.repository.ts';
