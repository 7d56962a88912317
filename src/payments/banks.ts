import { BANK_CODES } from '../shared/banks.ts';

/** The bank codes the demo population's accounts are spread over (src/shared/banks.ts names them). */
export const DEMO_BANK_CODES: readonly string[] = BANK_CODES;
