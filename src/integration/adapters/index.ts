import type { AgencyName, AnyAdapter } from './adapter.ts';
import { bankAdapter } from './bank.adapter.ts';
import { cadastreAdapter } from './cadastre.adapter.ts';
import { civilRegistryAdapter } from './civil-registry.adapter.ts';
import { medicalAdapter } from './medical.adapter.ts';
import { pensionAdapter } from './pension.adapter.ts';
import { taxAdapter } from './tax.adapter.ts';
import { vehicleAdapter } from './vehicle.adapter.ts';

/** Every agency's adapter, by agency name. */
export const ADAPTERS: Readonly<Record<AgencyName, AnyAdapter>> = {
  tax: taxAdapter,
  pension_fund: pensionAdapter,
  cadastre: cadastreAdapter,
  vehicles: vehicleAdapter,
  civil_registry: civilRegistryAdapter,
  banks: bankAdapter,
  medical: medicalAdapter,
};
