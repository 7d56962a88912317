/**
 * The banks families are paid through, by code. Illustrative codes of the demo population, not the
 * Central Bank's register: a deployment loads its own list with the payment accounts it receives.
 */
export const DEMO_BANK_CODES = ['00014', '00440', '00873', '01101', '00444', '00958'] as const;
