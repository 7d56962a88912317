import type { Config } from '../platform/config.ts';

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code; -1 means "keep running" (a server). */
  run(args: string[], config: Config): Promise<number>;
}

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
