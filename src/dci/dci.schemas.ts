import { z } from 'zod';

/**
 * The DCI Social Registry v1.0.0 messages Himoya receives and sends, written from the standard's OpenAPI
 * document (not copied from it). Every message is `{signature?, header, message}`. Inbound schemas are
 * lenient where the standard lets implementations extend (unknown keys are dropped, not refused); what the
 * service must understand (query types, pagination, ids) is checked strictly, and item-level problems are
 * answered per request with the standard's status reason codes rather than by refusing the envelope.
 */

export const DCI_VERSION = '1.0.0';

/** Messaging protocol status of a request: received, pending, success, rejected. */
export const DciStatus = z.enum(['rcvd', 'pdng', 'succ', 'rjct']);
export type DciStatus = z.infer<typeof DciStatus>;

/** Transport-level error codes of the standard's `Error` object (ack_status ERR). */
export const DciErrorCode = z.enum([
  'err.request.bad',
  'err.request.unauthorized',
  'err.request.forbidden',
  'err.request.not_found',
  'err.request.timeout',
  'err.version.not_supported',
  'err.request.too_many_requests',
  'err.sender_id.invalid',
  'err.sender_uri.invalid',
  'err.receiver_id.invalid',
  'err.signature.missing',
  'err.signature.invalid',
  'err.encryption.invalid',
  'err.service.unavailable',
]);
export type DciErrorCode = z.infer<typeof DciErrorCode>;

/** Reasons a whole message is rejected, in the header of an answer. */
export const MsgHeaderStatusReasonCode = z.enum([
  'rjct.version.invalid',
  'rjct.message_id.duplicate',
  'rjct.message_ts.invalid',
  'rjct.action.invalid',
  'rjct.action.not_supported',
  'rjct.total_count.invalid',
  'rjct.total_count.limit_exceeded',
  'rjct.errors.too_many',
]);
export type MsgHeaderStatusReasonCode = z.infer<typeof MsgHeaderStatusReasonCode>;

export const SearchStatusReasonCode = z.enum([
  'rjct.reference_id.invalid',
  'rjct.reference_id.duplicate',
  'rjct.timestamp.invalid',
  'rjct.search_criteria.invalid',
  'rjct.filter.invalid',
  'rjct.sort.invalid',
  'rjct.pagination.invalid',
  'rjct.search.too_many_records_found',
]);
export type SearchStatusReasonCode = z.infer<typeof SearchStatusReasonCode>;

export const SubscribeStatusReasonCode = z.enum([
  'rjct.reference_id.invalid',
  'rjct.reference_id.duplicate',
  'rjct.timestamp.invalid',
  'rjct.notify_types.invalid',
  'rjct.notify_details.invalid',
  'rjct.person_id.invalid',
  'rjct.event.already_subscribed',
]);
export type SubscribeStatusReasonCode = z.infer<typeof SubscribeStatusReasonCode>;

export const UnsubscribeStatusReasonCode = z.enum([
  'rjct.reference_id.invalid',
  'rjct.reference_id.duplicate',
  'rjct.timestamp.invalid',
  'rjct.subscription_code.invalid',
  'rjct.requester.invalid',
  'rjct.event.already_unsubscribed',
]);
export type UnsubscribeStatusReasonCode = z.infer<typeof UnsubscribeStatusReasonCode>;

const TransactionId = z.string().min(1).max(99);
const ReferenceId = z.string().min(1).max(99);
/** Checked by the service (an invalid timestamp rejects one request, not the whole message). */
const Timestamp = z.string().max(64);
/** The standard's locale: an ISO 639-3 language code (`^[a-z]{3}$`); anything else is not its message. */
export const LOCALE_PATTERN = /^[a-z]{3}$/;
const Locale = z
  .string()
  .regex(LOCALE_PATTERN, 'locale must be an ISO 639-3 code: three lower-case letters')
  .optional();

/** The header of a request message (MsgHeader_V1.0.0). */
export const DciHeader = z.object({
  version: z.string().max(20).default(DCI_VERSION),
  message_id: z.string().min(1).max(99),
  message_ts: z.string().min(1).max(64),
  action: z.string().min(1).max(40),
  sender_id: z.string().min(1).max(200),
  sender_uri: z.string().max(2000).optional(),
  receiver_id: z.string().max(200).optional(),
  total_count: z.number().int().min(0),
  is_msg_encrypted: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type DciHeader = z.infer<typeof DciHeader>;

/** The standard's encrypted payload (JWE parts): recognised so that it can be refused with its own code. */
export const EncryptedMessage = z.object({
  header: z.object({ alg: z.string().max(40), enc: z.string().max(40), kid: z.string().max(200) }),
  ciphertext: z.string().max(1_000_000),
  encrypted_key: z.string().max(10_000),
  tag: z.string().max(200),
  iv: z.string().max(200),
});

const Purpose = z
  .object({ text: z.string().max(999).optional(), code: z.string().max(99).optional() })
  .partial()
  .optional();
/** consent / authorize: where a caller states why it asks. */
const Authorization = z.object({ ts: Timestamp.optional(), purpose: Purpose }).partial().optional();

/** A scalar or object value of an identifier or attribute (the standard allows any JSON scalar or object). */
export const AttributeValue = z.union([
  z.string().max(1000),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string().max(1000), z.number()])).max(100),
  z.record(z.string(), z.unknown()),
]);

/** One comparison of a predicate query. */
export const PredicateExpression = z.object({
  attribute_name: z.string().min(1).max(64),
  operator: z.enum(['gt', 'lt', 'eq', 'ge', 'le', 'in']),
  attribute_value: AttributeValue,
});
export const PredicateItem = z.object({
  seq_num: z.number().optional(),
  expression1: PredicateExpression,
  condition: z.enum(['and', 'or', 'not']).optional(),
  expression2: PredicateExpression.optional(),
});
export const PredicateQuery = z.array(PredicateItem).min(1).max(50);
export type PredicateQuery = z.infer<typeof PredicateQuery>;

/** `{type, value}`: an identifier type and value, or a query language and its expression. */
export const TypedQuery = z.object({ type: z.string().max(200).optional(), value: z.unknown() });
export type TypedQuery = z.infer<typeof TypedQuery>;

export const QueryType = z.enum(['idtype-value', 'expression', 'predicate']);
export type QueryType = z.infer<typeof QueryType>;

export const SortItem = z.object({
  attribute_name: z.string().min(1).max(64),
  sort_order: z.enum(['asc', 'desc']).default('asc'),
});

/** Parsed loosely here and checked by the service, so that a bad page is `rjct.pagination.invalid`. */
export const Pagination = z.object({ page_size: z.unknown(), page_number: z.unknown().optional() });

export const SearchCriteria = z.object({
  version: z.string().max(20).optional(),
  reg_type: z.string().max(200).optional(),
  reg_record_type: z.string().max(200).optional(),
  query_type: z.string().max(40),
  response_entity: z.string().max(40).optional(),
  /** Parsed by dci.query.ts, per query type. */
  query: z.union([z.array(z.unknown()).max(50), z.record(z.string(), z.unknown())]),
  sort: z.array(z.unknown()).max(10).optional(),
  pagination: Pagination.optional(),
  consent: Authorization,
  authorize: Authorization,
});
export type SearchCriteria = z.infer<typeof SearchCriteria>;

export const SearchRequestItem = z.object({
  reference_id: ReferenceId,
  timestamp: Timestamp,
  search_criteria: SearchCriteria,
  locale: Locale,
});
export type SearchRequestItem = z.infer<typeof SearchRequestItem>;

export const SearchRequest = z.object({
  transaction_id: TransactionId,
  search_request: z.array(SearchRequestItem).min(1).max(100),
});
export type SearchRequest = z.infer<typeof SearchRequest>;

export const SubscribeCriteria = z.object({
  version: z.string().max(20).optional(),
  reg_type: z.string().max(200).optional(),
  reg_event_type: z.string().min(1).max(200),
  frequency: z.record(z.string(), z.unknown()).optional(),
  filter_type: z.string().max(40).optional(),
  filter: z.union([z.array(z.unknown()).max(50), z.record(z.string(), z.unknown())]),
  notify_record_type: z.string().min(1).max(200),
  authorize: Authorization,
});
export type SubscribeCriteria = z.infer<typeof SubscribeCriteria>;

export const SubscribeRequestItem = z.object({
  reference_id: ReferenceId,
  timestamp: Timestamp,
  subscribe_criteria: SubscribeCriteria,
  locale: Locale,
});
export type SubscribeRequestItem = z.infer<typeof SubscribeRequestItem>;

export const SubscribeRequest = z.object({
  transaction_id: TransactionId,
  subscribe_request: z.array(SubscribeRequestItem).min(1).max(100),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export const UnsubscribeRequest = z.object({
  transaction_id: TransactionId,
  timestamp: Timestamp,
  subscription_codes: z.array(z.string().min(1).max(99)).min(1).max(100),
});
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequest>;

export const TxnStatusRequest = z.object({
  transaction_id: TransactionId,
  txnstatus_request: z.object({
    reference_id: ReferenceId,
    txn_type: z.enum(['search', 'subscribe', 'receipt']),
    attribute_type: z.enum(['transaction_id', 'reference_id_list', 'correlation_id']),
    attribute_value: z.union([z.string().min(1).max(99), z.array(ReferenceId).min(1).max(100)]),
    locale: Locale,
  }),
});
export type TxnStatusRequest = z.infer<typeof TxnStatusRequest>;

/** `{signature?, header, message}` with the message of one action (or an encrypted one, refused later). */
export function envelopeOf<M extends z.ZodType>(message: M) {
  return z.object({
    signature: z.string().max(10_000).optional(),
    header: DciHeader,
    message: z.union([message, EncryptedMessage]),
  });
}

export const SearchEnvelope = envelopeOf(SearchRequest);
export type SearchEnvelope = z.infer<typeof SearchEnvelope>;
export const SubscribeEnvelope = envelopeOf(SubscribeRequest);
export type SubscribeEnvelope = z.infer<typeof SubscribeEnvelope>;
export const UnsubscribeEnvelope = envelopeOf(UnsubscribeRequest);
export type UnsubscribeEnvelope = z.infer<typeof UnsubscribeEnvelope>;
export const TxnStatusEnvelope = envelopeOf(TxnStatusRequest);
export type TxnStatusEnvelope = z.infer<typeof TxnStatusEnvelope>;

// --- What Himoya sends ---

/** The acknowledgement of a message (the standard's `Response`). */
export interface DciAck {
  message: {
    ack_status: 'ACK' | 'NACK' | 'ERR';
    timestamp: string;
    correlation_id: string;
    error?: { code: DciErrorCode; message: string };
  };
}

/** The header of a response or callback (MsgCallbackHeader_V1.0.0). */
export interface DciCallbackHeader {
  version: string;
  message_id: string;
  message_ts: string;
  action: string;
  status: DciStatus;
  status_reason_code?: MsgHeaderStatusReasonCode;
  status_reason_message?: string;
  total_count?: number;
  completed_count?: number;
  sender_id?: string;
  receiver_id?: string;
  is_msg_encrypted?: boolean;
}

export interface DciIdentifier {
  '@type': 'Identifier';
  identifier_type: string;
  identifier_value: string;
}

export interface DciMember {
  '@type': 'Member';
  '@id': string;
  member_identifier: DciIdentifier[];
  demographic_info: {
    '@type': 'SRPerson';
    identifier: DciIdentifier[];
    name: { '@type': 'Name'; surname: string; given_name: string; second_name?: string };
    sex: 'male' | 'female';
    birth_date: string;
    death_date?: string;
  };
  relationship_head: string;
  employment_status: string;
  education_level: string;
  registration_date: string;
  group_identifier: DciIdentifier[];
}

export interface DciGroup {
  '@type': 'Group';
  '@id': string;
  group_identifier: DciIdentifier[];
  group_type: 'household';
  place: {
    '@type': 'Place';
    address: string;
    region_code: string;
    district_code: string;
    mahalla_code: string;
  };
  poverty_score: number | null;
  poverty_score_type: string;
  group_head_info?: DciMember;
  group_size: number;
  member_list: DciMember[];
  registration_date: string;
  additional_attributes: { name: string; value: string | number | null }[];
}

export type DciRecord = DciGroup | DciMember;

export interface SearchResponseItem {
  reference_id: string;
  timestamp: string;
  status: DciStatus;
  status_reason_code?: SearchStatusReasonCode;
  status_reason_message?: string;
  data?: { version: string; reg_type: string; reg_record_type: string; reg_records: DciRecord[] };
  pagination?: { page_size: number; page_number: number; total_count: number };
  locale?: string;
}

export interface SearchResponse {
  transaction_id: string;
  correlation_id: string;
  search_response: SearchResponseItem[];
}
