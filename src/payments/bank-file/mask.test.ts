import { describe, expect, it } from 'vitest';
import { maskAccountNumber } from './mask.ts';

describe('masking an account or card number', () => {
  it('keeps the first and last four digits of a 16-digit card, grouped in fours', () => {
    expect(maskAccountNumber('8600123456781234')).toBe('8600 •••• •••• 1234');
  });

  it('groups a 20-digit account the same way', () => {
    expect(maskAccountNumber('20208000900123456789')).toBe('2020 •••• •••• •••• 6789');
  });

  it('reveals no more than eight digits of any length it accepts', () => {
    for (let length = 16; length <= 20; length += 1) {
      const number = '1234567890123456789012'.slice(0, length);
      const masked = maskAccountNumber(number);
      expect(masked.replace(/\D/g, '')).toBe(number.slice(0, 4) + number.slice(-4));
      expect(masked.replace(/ /g, '')).toHaveLength(length);
    }
  });

  it('accepts a number already written with spaces or hyphens', () => {
    expect(maskAccountNumber('8600 1234 5678 1234')).toBe('8600 •••• •••• 1234');
    expect(maskAccountNumber('8600-1234-5678-1234')).toBe('8600 •••• •••• 1234');
  });

  it('masks entirely whatever is not 16 to 20 digits, so nothing leaks', () => {
    for (const bad of [
      '',
      '1234',
      '860012345678123',
      '860012345678123456789',
      '8600x23456781234',
      'Rahimov Ali',
    ]) {
      expect(maskAccountNumber(bad)).toBe('••••');
    }
    expect(maskAccountNumber(undefined as unknown as string)).toBe('••••');
  });
});
