export interface Member {
  personId: string;
  relationship: string;
  pinfl: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  education: string;
  employment: string;
  source: string;
  membershipSource: string;
}

export interface HouseholdView {
  id: string;
  address: string;
  source: string;
  members: Member[];
  facts: {
    incomes: { personId: string; kind: string; monthlyAmount: number; source: string }[];
    dwellings: { cadastreNumber: string; kind: string; areaM2: number; source: string }[];
    vehicles: { plate: string; make: string; modelYear: number; source: string }[];
    bankDeposits: { personId: string; balance: number; source: string }[];
  };
}

export type Programme = 'social_registry' | 'child_allowance' | 'material_assistance';

export interface Offer {
  decisionId: number;
  programme: Programme;
  month: string;
  amount: number;
  category: string;
  response: 'accepted' | 'declined' | null;
  respondedAt: string | null;
}

export interface DecisionView {
  id: number;
  householdId: string;
  programme: Programme;
  month: string;
  kind: 'granted' | 'amount_changed' | 'ended';
  categoryAfter: string;
  amountAfter: number;
  explanation: string;
  language?: string;
  parameters: { name: string; value: number | boolean; unit: string; from: string }[];
}

export function memberName(m: { firstName: string; lastName: string }): string {
  return `${m.firstName} ${m.lastName}`;
}
