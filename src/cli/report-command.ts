import { parseArgs } from 'node:util';
import { createLotsen } from '../app.ts';
import { loadConfig } from '../config.ts';
import { formatWeek, lastCompleteWeek, parseWeek } from '../core/report/calendar.ts';
import { reportSources } from '../core/report/publish.ts';
import { FORMATS, renderReport, type ReportFormat } from '../core/report/render.ts';
import { buildWeeklyReport } from '../core/report/report.ts';
import { createLogger } from '../log.ts';

export const REPORT_USAGE = `  report [--week 2026-W47] [--format md|html|csv] [--lang sv|en] [--json]
                                                the managers' weekly tally from the configured store
                                                (LOTSEN_DATA_DIR or REDIS_URL); default: the last
                                                complete week in LOTSEN_REPORT_TZ`;

/** Refused arguments: the message says what is wrong; the exit code is 2. */
export class ReportUsageError extends Error {
  override name = 'ReportUsageError';
}

/** `lotsen report`: builds one week's report from the store and prints it (Markdown by default). */
export async function reportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { week: { type: 'string' }, format: { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' } } });
  const format = (values.format ?? 'md') as ReportFormat;
  if (!FORMATS.includes(format)) throw new ReportUsageError(`--format must be md, html or csv (got "${values.format}")`);
  if (values.lang !== undefined && values.lang !== 'sv' && values.lang !== 'en') throw new ReportUsageError(`--lang must be sv or en (got "${values.lang}")`);
  const env = { ...process.env };
  // The terminal is for the report; the log says only what went wrong.
  if (!env.LOG_LEVEL) env.LOG_LEVEL = 'warn';
  const config = loadConfig(env);
  const tz = config.report.tz;
  let week: string;
  try {
    week = values.week === undefined ? formatWeek(lastCompleteWeek(new Date(), tz)) : formatWeek(parseWeek(values.week));
  } catch (err) {
    throw new ReportUsageError(`--week: ${(err as Error).message}`);
  }
  const lang = (values.lang ?? config.report.lang) as 'sv' | 'en';
  const lotsen = await createLotsen(config, createLogger(config.logLevel));
  try {
    const report = await buildWeeklyReport({ week, tz, lang }, reportSources(lotsen));
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : renderReport(report, format));
  } finally {
    await lotsen.close();
  }
  return 0;
}
