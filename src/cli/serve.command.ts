import { startApp } from '../app.ts';
import type { CliCommand } from './command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Start the web app and API (seeds a demo population into an empty database)',
  usage:
    'himoya serve\n\nConfigured by environment: PORT, DATA_DIR, DATABASE_URL, SEED_HOUSEHOLDS, DEMO, LOG_LEVEL.',
  async run(_args, config) {
    const running = await startApp(config);
    const shutdown = (signal: string) => {
      running.ctx.logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          running.ctx.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    return -1;
  },
};
