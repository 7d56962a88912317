import type { ContextModule } from '../platform/context-module.ts';
import { registerSmsDelivery } from './dispatcher.ts';
import { notificationRoutes } from './notification.routes.ts';

export const notificationsModule: ContextModule = {
  name: 'notifications',
  docs: "SMS and portal messages in the citizen's language: templates, providers, SMS sent through the outbox",
  routes: [notificationRoutes],
  // SMS leave through the outbox: this registers the handler of its 'sms' kind.
  registerJobs: registerSmsDelivery,
  tables: ['notification'],
  actions: ['notifications.callback'],
};
