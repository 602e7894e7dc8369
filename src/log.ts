import pino, { type Logger as Pino } from 'pino';

/**
 * Structured JSON logs on stderr (stdout belongs to `--json` output). Callers log ids, counts and
 * timings, never message text: questions may carry patient data.
 */
export function createLogger(level: string): Pino {
  return pino({ level, base: { app: 'lotsen' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}
