/**
 * Account and card numbers are shown and logged only masked: the first and last four digits stay, the
 * rest become '•', grouped in fours (`8600 •••• •••• 1234`). Anything that is not 16 to 20 digits is
 * masked entirely, so a malformed number never leaks through this function either.
 */

const FULLY_MASKED = '••••';

export function maskAccountNumber(n: string): string {
  const digits = typeof n === 'string' ? n.replace(/[\s-]/g, '') : '';
  if (!/^\d{16,20}$/.test(digits)) return FULLY_MASKED;
  const masked = digits.slice(0, 4) + '•'.repeat(digits.length - 8) + digits.slice(-4);
  return (masked.match(/.{1,4}/gu) ?? []).join(' ');
}
