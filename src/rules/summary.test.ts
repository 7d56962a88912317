import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../programs/catalogue.ts';
import type { ProgrammeDescription } from '../programs/description.ts';
import { describe as describeTrace, explain, summariseDecision, VARIABLES } from './index.ts';
import { populationFromSituations } from './population.builder.ts';

const HOUSEHOLD = '5f0c7a34-9d2e-4c61-8b1f-2a7e9c3d4b10';
const PEOPLE = ['0b6f2c1e-1111-4a3b-9c8d-000000000001', '0b6f2c1e-2222-4a3b-9c8d-000000000002'];
const BABY = '0b6f2c1e-3333-4a3b-9c8d-000000000003';

function family(vehicles: number[]) {
  return populationFromSituations(
    [
      {
        id: HOUSEHOLD,
        district: '1733212',
        members: [
          {
            id: PEOPLE[0] ?? '',
            role: 'head',
            sex: 'M',
            birthDate: '1984-05-01',
            employment: 'employed_informal',
            monthlyIncome: 1_500_000,
            vehicles,
          },
          { id: PEOPLE[1] ?? '', role: 'spouse', sex: 'F', birthDate: '1987-03-01', employment: 'homemaker' },
          { id: BABY, role: 'child', sex: 'F', birthDate: '2024-03-15' },
        ],
      },
    ],
    '2026-03',
  );
}

const programme = (id: string): ProgrammeDescription => {
  const found = CATALOGUE.find((p) => p.id === id);
  if (!found) throw new Error(id);
  return found;
};

const LANGUAGES = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SNAKE = /\b[a-z]+_[a-z_]+\b/;
const DOTTED = /\b[a-z_]+\.[a-z_]+\b/;

/** Every text a person reads of a summary. */
function texts(s: ReturnType<typeof summariseDecision>): string[] {
  return [s.what, s.why, s.fix, ...s.facts.flatMap((f) => [f.text, f.reportLabel ?? ''])];
}

describe('decision summary: an eligible family (poor, one child under 3)', () => {
  const trace = explain(family([]), 0, '2026-03');
  const decision = {
    id: 41,
    kind: 'granted' as const,
    month: '2026-03',
    categoryAfter: 'poor',
    amountAfter: 360_000,
  };

  it('says what, why and what to do in each language, in people’s words', () => {
    for (const language of LANGUAGES) {
      const s = summariseDecision(trace, programme('child_allowance'), decision, language, {
        variables: VARIABLES,
      });
      for (const text of texts(s)) {
        expect(text, `${language}: ${text}`).not.toMatch(UUID);
        expect(text, `${language}: ${text}`).not.toMatch(SNAKE);
        expect(text, `${language}: ${text}`).not.toMatch(DOTTED);
        expect(text).not.toContain('1733212');
      }
      expect(s.facts.length).toBeGreaterThan(0);
      expect(s.facts.length).toBeLessThanOrEqual(2);
    }
  });

  it('names the amount a month, the income band with its source, and the child', () => {
    const en = summariseDecision(trace, programme('child_allowance'), decision, 'en', {
      variables: VARIABLES,
    });
    expect(en.what).toBe(
      'Child allowance (monthly): 360,000 so‘m a month, from March 2026.'.replace(
        'Child allowance (monthly)',
        programme('child_allowance').label.en,
      ),
    );
    expect(en.why).toMatch(/^Why: /);
    expect(en.why).toContain('according to the Tax Committee');
    expect(en.why).toContain('4,500,000 so‘m');
    expect(en.facts.map((f) => f.fact)).toEqual(['income', 'membership']);
    expect(en.facts[0]?.report).toBe('/citizen/household/report?fact=income&decision=41');
    expect(en.facts[0]?.reportLabel).toBe('Report a mistake: income');
    const ru = summariseDecision(trace, programme('child_allowance'), decision, 'ru', {
      variables: VARIABLES,
    });
    expect(ru.what).toMatch(/360\s000 сум в месяц с марта 2026 г\.$/);
    expect(ru.why).toContain('по данным Налогового комитета');
    const uz = summariseDecision(trace, programme('child_allowance'), decision, 'uz-Latn', {
      variables: VARIABLES,
    });
    expect(uz.why).toContain('Soliq qo‘mitasi');
    const cyrl = summariseDecision(trace, programme('child_allowance'), decision, 'uz-Cyrl', {
      variables: VARIABLES,
    });
    expect(cyrl.why).toMatch(/Солиқ қўмитаси/);
    expect(cyrl.facts[0]?.report).toBe(en.facts[0]?.report);
  });

  it('names the category of a status programme', () => {
    const s = summariseDecision(
      trace,
      programme('social_registry'),
      { ...decision, amountAfter: 1000 },
      'en',
      {
        variables: VARIABLES,
      },
    );
    expect(s.what).toContain('category “');
    expect(s.what).toContain('from March 2026');
    expect(s.facts.map((f) => f.fact)).toEqual(['income']);
  });
});

describe('decision summary: a family whose income is above the limits', () => {
  const trace = explain(
    populationFromSituations(
      [
        {
          id: HOUSEHOLD,
          district: '1733212',
          members: [
            {
              id: 'a',
              role: 'head',
              sex: 'M',
              birthDate: '1984-05-01',
              employment: 'employed_formal',
              monthlyIncome: 9_500_000,
            },
            { id: 'c', role: 'child', sex: 'F', birthDate: '2024-03-15' },
          ],
        },
      ],
      '2026-03',
    ),
    0,
    '2026-03',
  );
  it('gives the income band, not the child the family does have', () => {
    const decision = {
      id: 7,
      kind: 'ended' as const,
      month: '2026-03',
      categoryAfter: 'none',
      amountAfter: 0,
    };
    const s = summariseDecision(trace, programme('child_allowance'), decision, 'en', {
      variables: VARIABLES,
    });
    expect(s.facts.map((f) => f.fact)).toEqual(['income']);
    expect(s.why).toContain('above');
    expect(s.why).toContain('according to the Tax Committee');
  });
});

describe('decision summary: a family excluded by its cars', () => {
  const trace = explain(family([2023, 2010]), 0, '2026-03');
  const decision = {
    id: 42,
    kind: 'ended' as const,
    month: '2026-03',
    categoryAfter: 'none',
    amountAfter: 0,
  };

  it('gives the cars as the reason, from the vehicle register, with a report link for vehicles', () => {
    for (const language of LANGUAGES) {
      const s = summariseDecision(trace, programme('child_allowance'), decision, language, {
        variables: VARIABLES,
      });
      expect(s.facts.map((f) => f.fact)).toEqual(['vehicle', 'vehicle']);
      expect(s.facts.every((f) => f.source === 'vehicles')).toBe(true);
      for (const text of texts(s)) {
        expect(text).not.toMatch(UUID);
        expect(text).not.toMatch(SNAKE);
        expect(text).not.toMatch(DOTTED);
      }
    }
    const en = summariseDecision(trace, programme('child_allowance'), decision, 'en', {
      variables: VARIABLES,
    });
    expect(en.what).toContain('not granted from March 2026');
    expect(en.why).toContain('cars owned by members: 2');
    expect(en.why).toContain('according to the traffic police vehicle register');
    expect(en.why).not.toContain('Child under');
    expect(en.facts[0]?.report).toBe('/citizen/household/report?fact=vehicle&decision=42');
  });
});

describe('the folded trace', () => {
  const trace = explain(family([2023, 2010]), 0, '2026-03');

  it('shows no ids, codes or variable names, and values in words, in every language', () => {
    for (const language of LANGUAGES) {
      for (const audience of ['citizen', 'staff'] as const) {
        const text = describeTrace(trace, language, { outputs: ['child_allowance.amount'], audience });
        expect(text).not.toMatch(UUID);
        expect(text).not.toContain('1733212');
        expect(text).not.toMatch(SNAKE);
        expect(text).not.toMatch(DOTTED);
        expect(text).not.toMatch(/\b(true|false|boolean|count)\b/);
      }
    }
    const ru = describeTrace(trace, 'ru', { outputs: ['social_registry.category'] });
    expect(ru).toContain('Два и более автомобиля: да');
    expect(ru).toContain('сум');
  });

  it('marks unverified rule values for staff once per value, never for citizens, with no reviewer notes', () => {
    const outputs = ['social_registry.category', 'social_registry.benefit_share'];
    for (const [language, word] of [
      ['uz-Latn', 'tasdiqlanmagan'],
      ['ru', 'не подтверждено'],
      ['en', 'unverified'],
    ] as const) {
      const citizen = describeTrace(trace, language, { outputs, audience: 'citizen' });
      expect(citizen).not.toContain(word);
      const staff = describeTrace(trace, language, { outputs, audience: 'staff' });
      const marks = staff.split(word).length - 1;
      const unverified = Object.values(trace.parameters).filter((p) => p.unverified).length;
      expect(marks).toBeGreaterThan(0);
      expect(marks).toBeLessThanOrEqual(unverified);
      for (const p of Object.values(trace.parameters)) if (p.note) expect(staff).not.toContain(p.note);
    }
  });

  it('explains only the programme asked for', () => {
    const text = describeTrace(trace, 'en', { outputs: ['child_allowance.amount'] });
    expect(text).not.toContain('Material assistance');
    expect(text.length).toBeLessThan(describeTrace(trace, 'en').length);
  });
});
