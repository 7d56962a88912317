import type { ContextModule } from '../platform/context-module.ts';
import { registerNotificationJobs, startNotificationDispatch } from './dispatcher.ts';
import { notificationRoutes } from './notification.routes.ts';

export const notificationsModule: ContextModule = {
  name: 'notifications',
  docs: "SMS and portal messages in the citizen's language: templates, providers, dispatch with retries",
  routes: [notificationRoutes],
  registerJobs: registerNotificationJobs,
  // SMS leave as soon as they are queued (and retries wake up on time).
  start: startNotificationDispatch,
  tables: ['notification'],
  actions: ['notifications.callback'],
};
