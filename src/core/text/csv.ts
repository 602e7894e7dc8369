import { stringify } from 'csv-stringify/sync';

/**
 * How a CSV file is written: RFC 4180 (commas, decimal points) for scripts and trackers, or what
 * Excel with Swedish regional settings opens as columns: semicolons, decimal commas, and a byte-order
 * mark without which it reads UTF-8 "å" as "Ã¥".
 */
export interface CsvDialect {
  delimiter: ',' | ';';
  decimalComma: boolean;
  bom: boolean;
}

export const RFC4180: CsvDialect = { delimiter: ',', decimalComma: false, bom: false };
export const SWEDISH_EXCEL: CsvDialect = { delimiter: ';', decimalComma: true, bom: true };

/**
 * Text a spreadsheet shows as text: a cell starting with = + - @ (or a tab or carriage return) would
 * run as a formula ("CSV injection"), and "- starta om skrivaren" would show as #NAME?.
 */
const asSpreadsheetText = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** Rows as CSV with CRLF line ends; strings are made spreadsheet-safe, numbers written in the dialect's decimals. */
export function toCsv(rows: readonly (readonly (string | number)[])[], dialect: CsvDialect = RFC4180): string {
  const cells = rows.map((row) => row.map((v) => (typeof v === 'number' ? (dialect.decimalComma ? String(v).replace('.', ',') : String(v)) : asSpreadsheetText(v))));
  return stringify(cells, { delimiter: dialect.delimiter, bom: dialect.bom, record_delimiter: 'windows' });
}
