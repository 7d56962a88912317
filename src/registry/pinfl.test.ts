import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPinflAgainst, makePinfl, parsePinfl, pinflCheckDigit } from './pinfl.ts';

describe('PINFL', () => {
  it('computes the check digit with weights 7,3,1 repeated, mod 10', () => {
    // 3 0 1 0 1 9 0 1 2 3 4 5 6  x 7 3 1 7 3 1 7 3 1 7 3 1 7
    // = 21+0+1+0+3+9+0+3+2+21+12+5+42 = 119 -> 9
    expect(pinflCheckDigit('3010190123456')).toBe(9);
    expect(parsePinfl('30101901234569')).toEqual({
      ok: true,
      parts: { sex: 'M', birthDate: '1990-01-01', areaCode: '123', serial: '456' },
    });
  });

  it('reads sex from the parity of the first digit and the century from its pair', () => {
    const woman2005 = makePinfl('2005-02-28', 'F', '733', 17);
    expect(woman2005[0]).toBe('6');
    expect(parsePinfl(woman2005)).toMatchObject({ ok: true, parts: { sex: 'F', birthDate: '2005-02-28' } });
    const man1950 = makePinfl('1950-12-31', 'M', '733', 1);
    expect(man1950[0]).toBe('3');
  });

  it('rejects malformed numbers with the reason', () => {
    expect(parsePinfl('3010190123456')).toEqual({ ok: false, problem: 'format' });
    expect(parsePinfl('3010190123456a')).toEqual({ ok: false, problem: 'format' });
    expect(parsePinfl(' 30101901234569')).toEqual({ ok: false, problem: 'format' });
    expect(parsePinfl('70101901234569')).toEqual({ ok: false, problem: 'century' });
    expect(parsePinfl('00101901234569')).toEqual({ ok: false, problem: 'century' });
    expect(parsePinfl('33102901234569'.slice(0, 13) + pinflCheckDigit('3310290123456'))).toEqual({
      ok: false,
      problem: 'date',
    });
    expect(parsePinfl('30101901234568')).toEqual({ ok: false, problem: 'check_digit' });
  });

  it('rejects 29 February outside leap years and accepts it in them', () => {
    const leap = `5290204733001`;
    expect(parsePinfl(leap + pinflCheckDigit(leap))).toMatchObject({ ok: true });
    const notLeap = `5290203733001`;
    expect(parsePinfl(notLeap + pinflCheckDigit(notLeap))).toEqual({ ok: false, problem: 'date' });
  });

  it('checks agreement with the birth date and sex', () => {
    const pinfl = makePinfl('1987-06-15', 'F', '733', 5);
    expect(checkPinflAgainst(pinfl, { birthDate: '1987-06-15', sex: 'F' })).toEqual({ ok: true });
    expect(checkPinflAgainst(pinfl, { birthDate: '1987-06-16', sex: 'F' })).toEqual({
      ok: false,
      problem: 'birth_date',
    });
    expect(checkPinflAgainst(pinfl, { birthDate: '1987-06-15', sex: 'M' })).toEqual({
      ok: false,
      problem: 'sex',
    });
  });

  it('round-trips any generated number and catches any single changed digit', () => {
    const date = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2099-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        date,
        fc.constantFrom('M' as const, 'F' as const),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 1, max: 9 }),
        (birthDate, sex, area, serial, position, delta) => {
          const pinfl = makePinfl(birthDate, sex, String(area), serial);
          expect(checkPinflAgainst(pinfl, { birthDate, sex })).toEqual({ ok: true });
          const digit = (pinfl.charCodeAt(position) - 48 + delta) % 10;
          const changed = pinfl.slice(0, position) + digit + pinfl.slice(position + 1);
          expect(checkPinflAgainst(changed, { birthDate, sex }).ok).toBe(false);
        },
      ),
    );
  });
});
