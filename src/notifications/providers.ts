import { type Config, ConfigError } from '../platform/config.ts';
import type { Language } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * SMS gateways behind one interface. A provider never throws: it says whether the message was accepted,
 * and if not whether trying again may help (a timeout, a 5xx, a 429) or not (the gateway refused it).
 */

export interface SmsMessage {
  /** notification.id: sent along, so that the gateway can deduplicate a retried send. */
  id: string;
  phone: string;
  text: string;
  language: Language;
}

export type SendResult =
  | {
      ok: true;
      providerMessageId: string | null;
      /** True when the provider confirms delivery at once (the console provider); else a report follows. */
      delivered: boolean;
    }
  | { ok: false; retryable: boolean; error: string };

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SendResult>;
}

/** Only the last digits of a phone number go into logs. */
export const maskPhone = (phone: string) => `***${phone.slice(-4)}`;

/** The default: writes the SMS to the log and counts it delivered (development, demos, tests). */
export function consoleProvider(logger: Logger): SmsProvider {
  return {
    name: 'console',
    async send(message) {
      logger.info(
        {
          notification: message.id,
          to: maskPhone(message.phone),
          language: message.language,
          text: message.text,
        },
        'SMS (console provider)',
      );
      return { ok: true, providerMessageId: `console-${message.id}`, delivered: true };
    },
  };
}

export interface HttpProviderOptions {
  url: string;
  apiKey?: string | undefined;
  apiKeyHeader?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs `{id, to, text, language}` as JSON with the API key in a header. 2xx: accepted, the message id
 * read from `messageId`, `message_id` or `id` of the JSON answer; 408, 429, 5xx, a timeout or a network
 * error: retryable; any other status: refused for good.
 */
export function httpProvider(options: HttpProviderOptions): SmsProvider {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    name: 'http',
    async send(message) {
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { [options.apiKeyHeader ?? 'x-api-key']: options.apiKey } : {}),
          },
          body: JSON.stringify({
            id: message.id,
            to: message.phone,
            text: message.text,
            language: message.language,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: string }).name;
        return {
          ok: false,
          retryable: true,
          error: name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `network: ${String(error)}`,
        };
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        return { ok: true, providerMessageId: messageIdOf(text), delivered: false };
      }
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return { ok: false, retryable, error: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    },
  };
}

function messageIdOf(text: string): string | null {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const id = body.messageId ?? body.message_id ?? body.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}

/** The provider the configuration names; SMS_PROVIDER=http without SMS_PROVIDER_URL is a config error. */
export function providerFromConfig(config: Config, logger: Logger): SmsProvider {
  if (config.SMS_PROVIDER === 'console') return consoleProvider(logger);
  if (!config.SMS_PROVIDER_URL) {
    throw new ConfigError([
      'SMS_PROVIDER_URL: required when SMS_PROVIDER=http (the SMS gateway send endpoint)',
    ]);
  }
  return httpProvider({
    url: config.SMS_PROVIDER_URL,
    apiKey: config.SMS_PROVIDER_API_KEY,
    apiKeyHeader: config.SMS_PROVIDER_API_KEY_HEADER,
    timeoutMs: config.SMS_PROVIDER_TIMEOUT_MS,
  });
}
