import { translate } from './index.ts';

/**
 * Compile-time proof that message keys are checked: `tsc --noEmit` fails if a line marked
 * `@ts-expect-error` stops being an error, i.e. if an unknown key were ever accepted.
 */
export function keysAreChecked(): string[] {
  return [
    translate('errors', 'NOT_FOUND', 'en'),
    translate('notifications', 'offer.granted', 'ru', { programme: 'x' }),
    // @ts-expect-error: no such error code
    translate('errors', 'NO_SUCH_CODE', 'en'),
    // @ts-expect-error: a notification key is not an error key
    translate('errors', 'offer.granted', 'en'),
    // @ts-expect-error: no such namespace
    translate('nowhere', 'NOT_FOUND', 'en'),
  ];
}
