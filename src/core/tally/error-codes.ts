/**
 * Error codes and quoted error messages in a report. The same code in two reports is the strongest
 * sign of one failure; a quoted message is nearly as strong, but staff paraphrase what they quote, so
 * it only adds weight and never keeps reports apart.
 */

export interface ErrorEvidence {
  /** Canonical codes: "ORA-12541", "0x80070005", "ERROR 1603", "HTTP 503". */
  codes: string[];
  /** Quoted passages, as they were written (folding and stemming happen in the profile). */
  quotes: string[];
  /** The text with codes removed, so that their digits do not become content words. */
  rest: string;
}

// Letters-dash-digits ("ORA-12541", "CCL-0042", "TNS-12535"); words that are places or dates are not codes.
const PREFIXED = /(?<![\p{L}\p{N}])([A-Za-z]{2,6})[- ]?(\d{3,6})(?![\p{L}\p{N}])/gu;
const PREFIX_NEEDS_DASH = /^(?:ora|tns|ccl|sql|dpr|sec|msg|err|http|hl7|iis|rpc)$/i;
const NOT_A_PREFIX = /^(?:avd|sal|rum|sang|bed|room|ward|unit|vecka|week|covid|nr|no|id|lgh|tel|kl|ca|och|and|av|the|på|pa|dag|day|version|ver|v|år|ar|year|mg|ml|ie|kg|pnr|fin|mrn|page|sida)$/i;
const HEX = /(?<![\p{L}\p{N}])0x([0-9a-f]{4,8})(?![\p{L}\p{N}])/giu;
const NUMBERED = /(?<![\p{L}\p{N}])(error|err|fel|felkod|felkoden|felnummer|code|kod|koden|status|http|exception|undantag)(?: ?code| ?kod| ?nummer| ?nr| ?no\.?)?[ :#=.-]{0,3}(\d{3,6})(?![\p{L}\p{N}])/giu;
const QUOTED = /["“”«»]([^"“”«»\n]{3,120})["“”«»]|(?<![\p{L}\p{N}])['‘’]([^'‘’\n]{3,80})['‘’](?![\p{L}\p{N}])/gu;

const NUMBER_WORD: Record<string, string> = { http: 'HTTP', status: 'HTTP' };

export function errorEvidence(text: string): ErrorEvidence {
  const codes = new Set<string>();
  let rest = text.replace(HEX, (_, hex: string) => {
    codes.add(`0x${hex.toUpperCase()}`);
    return ' ';
  });
  rest = rest.replace(NUMBERED, (_, word: string, digits: string) => {
    codes.add(`${NUMBER_WORD[word.toLowerCase()] ?? 'ERROR'} ${digits}`);
    return ' ';
  });
  rest = rest.replace(PREFIXED, (whole: string, prefix: string, digits: string) => {
    const dashed = whole.includes('-') || PREFIX_NEEDS_DASH.test(prefix);
    if (!dashed || NOT_A_PREFIX.test(prefix)) return whole;
    codes.add(`${prefix.toUpperCase()}-${digits}`);
    return ' ';
  });
  const quotes: string[] = [];
  for (const m of text.matchAll(QUOTED)) {
    const quoted = (m[1] ?? m[2] ?? '').trim();
    if (quoted) quotes.push(quoted);
  }
  return { codes: [...codes], quotes, rest };
}
