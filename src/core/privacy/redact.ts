import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { fold, isStopword } from '../text/normalize.ts';
import { FAMILY_NAMES, GIVEN_NAMES, SURNAME_ENDING } from './names.ts';

export type PiiKind = 'PERSONNUMMER' | 'PHONE' | 'EMAIL' | 'NAME' | 'ADDRESS';

export interface Redaction {
  text: string;
  /** How many of each kind were replaced; empty when nothing was. */
  found: Partial<Record<PiiKind, number>>;
}

const tag = (kind: PiiKind) => `[${kind}]`;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// 6 or 8 date digits (a space may follow the century), an optional -, + or space, then 4 digits;
// letters and labels may touch it ("pnr:800626-4801saknar", "no.3701090783", "a/b"), other digits may not.
// Check digit and date are validated afterwards, so order numbers and dates stay.
const PERSONNUMMER = /(?<![\p{N}+]|\p{N}[-./,:])((?:(?:18|19|20) ?)?\d{6})( ?[-+] ?| )?(\d{3}[\dA-Z])(?!\p{N}|[-.,:]\d)/gu;

// Swedish numbers in national (0…) or international (+46, 0046) form and other +NN numbers, in digit
// groups; libphonenumber decides which prefix of the groups is a real number.
const PHONE = /(?<![\p{L}\p{N}+\-/.,:])(?:(?:\+|00)?\d+|\(0\d{1,3}\))(?:(?:[ \u00a0.-]|[ \u00a0]?\(0\)[ \u00a0]?| ?\/ ?)\d+){0,6}(?![\p{L}\p{N}]|[/.,:]\d)/gu;

const STREET_SUFFIX = '(?:gatan|gata|gate|gaten|gade|veien|vei|vej|vägen|väg|gränd|gränden|stigen|torget|torg|backen|backe|allén|allé|leden|platsen|plats|kajen|stråket|esplanaden|promenaden|slingan|ringen|liden|hagen)';
const STREET = new RegExp(
  `(?<![\\p{L}])(?:(?:[\\p{Lu}][\\p{L}]+ ){1,2}${STREET_SUFFIX}|[\\p{L}][\\p{L}-]{1,30}${STREET_SUFFIX}) \\d{1,4}(?: ?[A-Za-z](?![\\p{L}]))?(?:,? (?:lgh|lägenhet) ?\\d{3,4})?`,
  'giu',
);
const EN_STREET = /(?<![\p{L}\p{N}])\d{1,4} (?:[\p{Lu}][\p{L}]+ ){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Way|Court|Ct\.?|Close|Place|Boulevard|Blvd\.?|Terrace|Gardens|Crescent|Grove|Row|Mews|Hill|Square|Walk|Green|Park)(?![\p{L}])/gu;
// "506 30 Borås" or "SE-506 30 Borås"
const POSTCODE = /(?<![\p{L}\p{N}])(?:SE-?)?\d{3} ?\d{2} [\p{Lu}][\p{Ll}]+(?:[- ][\p{Lu}][\p{Ll}]+)?|(?<=, )\d{4} [\p{Lu}][\p{Ll}]+|(?:[\p{Lu}][\p{Ll}]+ )?(?<![\p{L}\p{N}])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?![\p{L}\p{N}])/gu;

// Words that start a name after them whatever the name looks like.
const STRONG_CUE = String.raw`patient(?:en|ens)?|pat\.?|pt\.?|vårdtagare(?:n)?|brukare(?:n)?|mamma(?:n)?|pappa(?:n)?|modern|fadern|dottern|sonen|maken|makan|frun|hustrun|sambon|anhörig(?:a|e)?|närstående|herr|fru|mr\.?|mrs\.?|ms\.?|miss|heter|hette|named|called|namn(?:et)?:?|name:?|namnet är|name is|kollega(?:n)?|colleague|dr\.?|doktor|läkaren|överläkaren|sköterskan|barnmorskan|undersköterskan|nurse|mother|father|daughter|son|wife|husband|relative|vårdnadshavare\w*|förälder|föräldern|föräldrarna|guardian|parent|this is|i am|i'm|jag heter|mitt namn är|my name is|kontaktperson(?:en)?|contact person|god man|gode man|förvaltare(?:n)?|ssk|usk|läkare|consultant|referring|next of kin`;
// Small words that often precede a name but as often a place or a screen ("till Anna", "till Message Center").
const WEAK_CUE = String.raw`till|från|hos|med|och|ring|ringde|kontakta|contact|with|from|to|and|for|för|åt|som|av`;

const CAPITALISED = String.raw`[\p{Lu}][\p{Ll}]+(?:[-'][\p{Lu}]?[\p{Ll}]+)?`;
const ANY_WORD = String.raw`[\p{L}][\p{L}'-]*`;
const CUE = new RegExp(`(?<![\\p{L}])(?:${STRONG_CUE})(?:[:,] ?| )+`, 'giu');
const FOLLOWING_WORDS = new RegExp(`^${ANY_WORD}(?: ${ANY_WORD}){0,2}`, 'u');
const AFTER_WEAK_CUE = new RegExp(`(?<![\\p{L}])(${WEAK_CUE}) (${ANY_WORD}(?: ${ANY_WORD}){0,2})`, 'giu');
const NAME_TOKEN = String.raw`(?:${CAPITALISED}|\p{Lu}{2,}|\p{Lu}\.?)`;
const CAPITALISED_RUN = new RegExp(`(?<![\\p{L}])${NAME_TOKEN}(?: (?:(?:von|af|de|van) )?${NAME_TOKEN}){1,2}(?![\\p{L}])`, 'gu');

const LOWERCASE_PAIR = /(?<![\p{L}\[])(\p{Ll}{3,}) (\p{Ll}{3,}s?)(?![\p{L}\]])/gu;

// Capitalised words that are screens, places or sentence openers, never a person here.
const NOT_NAMES = new Set(
  `millennium cerner oracle powerchart iview mar firstnet carecompass message center results review powerplan
  powerorders scheduling organizer dynamic documentation powernote depart process tracking list board medication
  administration wizard patient search citrix siths ambulatory appointment book inbox proxies proxy orders
  sign refuse forward add ok apply finish next establish relationship relationships clinical interactive view
  downtime viewer 724access level labels label wristband print printer zebra melior obstetrix elvis orbit asynja
  visph sal rum säng sang avd avdelning akuten akutmottagning mottagning vårdcentral vardcentral sjukhus
  måndag tisdag onsdag torsdag fredag lördag söndag monday tuesday wednesday thursday friday saturday sunday
  januari februari mars april maj juni juli augusti september oktober november december january february
  march may june july august october
  borås boras göteborg goteborg alingsås skövde trollhättan uddevalla kungälv mölndal kinna ulricehamn
  säs sas nu lab labb röntgen rontgen ivo imy mrn fin id pnr tel mob tack hej hello thanks covid
  summary overview history details information banner flag status profile portal header menu problem problems
  problemlista management person office workspace manager conversation registration worklist
  vital signs set bookmark fyi order review task form result required general infirmary hospital clinic centre university royal county regional lasarett klinik kliniken vårdcentralen
  universitetssjukhus närhälsan östra västra norra södra ostra vastra sodra`.split(/\s+/).filter(Boolean),
);

const PARTICLES = new Set(['von', 'af', 'de', 'van', 'der', 'la', 'di', 'da', 'el', 'al', 'bin', 'ibn']);
// The generated lists hold each name also without diacritics ("Hadzic"), so no folding here ("säga" is no "Saga").
const inList = (list: ReadonlySet<string>, word: string): boolean => list.has(word.toLowerCase());
// "Annas" and "Karlssons" are names in the genitive.
// A genitive that is itself a common word ("Finns") is the word.
const known = (word: string) =>
  inList(GIVEN_NAMES, word) || (word.length > 3 && /s$/i.test(word) && !isStopword(fold(word)) && inList(GIVEN_NAMES, word.slice(0, -1)));
const familyLike = (word: string) =>
  SURNAME_ENDING.test(word) || (word.length > 2 && (inList(FAMILY_NAMES, word) || (/s$/i.test(word) && inList(FAMILY_NAMES, word.slice(0, -1)))));

const isNameWord = (word: string, capitalisedOnly: boolean): boolean => {
  // "ANNA KARLSSON" typed in capitals.
  // Shorter words in capitals are abbreviations (IVA, MAR, BB).
  if (/^\p{Lu}{2,}$/u.test(word)) return word.length > 3 && (known(word) || SURNAME_ENDING.test(word));
  // An initial, "A." or "A", before a family name.
  if (/^\p{Lu}\.?$/u.test(word)) return true;
  const f = fold(word);
  if (NOT_NAMES.has(f) || NOT_NAMES.has(word.toLowerCase())) return false;
  const capitalised = /^\p{Lu}\p{Ll}/u.test(word);
  if (capitalised) return !isStopword(f) || known(word);
  if (capitalisedOnly) return false;
  // Typed in lower case, a name is recognised only when it is a known given name or looks like a family name.
  // "-ska" is as often a Swedish word (sjuksköterska, engelska) as a Polish name.
  return known(word) || (SURNAME_ENDING.test(word) && !/ska$/.test(word) && !isStopword(f) && word.length > 4);
};

/** The longest leading run of words that are a name; 0 when the first word is not one. */
function nameLength(words: string[], capitalisedOnly: boolean): number {
  let n = 0;
  while (n < words.length) {
    const w = words[n]!;
    const initial = /^\p{Lu}\.?$/u.test(w);
    if (n > 0 && PARTICLES.has(w) && words[n + 1] && isNameWord(words[n + 1]!, true)) {
      n += 2;
      continue;
    }
    if (!isNameWord(w, capitalisedOnly) || (initial && !(words[n + 1] && isNameWord(words[n + 1]!, true)))) break;
    n++;
  }
  return n;
}

/** Luhn over YYMMDDNNN plus the check digit, and a real date (day + 60 for samordningsnummer). */
function validPersonnummer(tenDigits: string, century: string | undefined): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  if (sum % 10 !== 0) return false;
  const month = Number(tenDigits.slice(2, 4));
  let day = Number(tenDigits.slice(4, 6));
  if (day > 60) day -= 60;
  if (month < 1 || month > 12 || day < 1) return false;
  // Without a century any year fits; 29 February needs a leap year only when the year is known.
  const year = century ? Number(century + tenDigits.slice(0, 2)) : 2000;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Personnummer and samordningsnummer (day + 60) with a valid date and check digit. */
function replacePersonnummer(text: string, count: (k: PiiKind) => void): string {
  return text.replace(PERSONNUMMER, (whole, date: string, sep: string | undefined, last: string) => {
    const digits = date.replace(' ', '');
    // A letter in the last four marks a reserve number (reservnummer) for an unidentified patient.
    if (/[A-Z]/.test(last)) {
      if (!/\d{3}[A-Z]/.test(last) || !sep) return whole;
      count('PERSONNUMMER');
      return tag('PERSONNUMMER');
    }
    const century = digits.length === 8 ? digits.slice(0, 2) : undefined;
    if (!validPersonnummer(digits.slice(-6) + last, century)) return whole;
    count('PERSONNUMMER');
    return tag('PERSONNUMMER');
  });
}

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  const international = candidate.startsWith('+') || candidate.startsWith('00');
  if (!international && !/^\(?0/.test(candidate)) return false;
  if (digits.length < 7 || digits.length > 15) return false;
  const bare = candidate.replace(/^\((0\d{1,3})\)/, '$1');
  const normalised = bare.startsWith('00') ? `+${bare.slice(2)}` : bare;
  const number = parsePhoneNumberFromString(normalised.replace(/\(0\)/, ''), 'SE');
  // An explicit country code is cue enough; a national number must be in a real Swedish range.
  return international && !normalised.startsWith('+46') ? number?.isPossible() === true : number?.isValid() === true;
}

/** Tries the longest run of digit groups first, so "ring 070-123 45 67 2 ggr" keeps the "2". */
function replacePhones(text: string, count: (k: PiiKind) => void): string {
  return text.replace(PHONE, (whole) => {
    const parts = whole.split(/(?<=\d|\))(?=[ \u00a0.\-(/])/);
    for (let n = parts.length; n >= 1; n--) {
      const candidate = parts.slice(0, n).join('');
      if (isPhone(candidate)) {
        count('PHONE');
        return tag('PHONE') + parts.slice(n).join('');
      }
    }
    return whole;
  });
}

function replaceNames(text: string, count: (k: PiiKind) => void): string {
  const replaceRun = (prefix: string, run: string, capitalisedOnly: boolean): string | undefined => {
    const words = run.split(' ');
    const n = nameLength(words, capitalisedOnly);
    if (n === 0) return undefined;
    count('NAME');
    return `${prefix}${tag('NAME')}${words.length > n ? ' ' + words.slice(n).join(' ') : ''}`;
  };
  // Cues are found without consuming what follows, so "his wife is Ms Rania Khoury" still reaches "Ms".
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CUE)) {
    const start = m.index + m[0].length;
    if (m.index < last) continue;
    const words = text.slice(start).match(FOLLOWING_WORDS)?.[0].split(' ') ?? [];
    const n = nameLength(words, false);
    if (n === 0) continue;
    count('NAME');
    out += text.slice(last, start) + tag('NAME');
    last = start + words.slice(0, n).join(' ').length;
  }
  out += text.slice(last);
  // After a small word, only a known given name (or two capitalised words) is taken as a person.
  out = out.replace(AFTER_WEAK_CUE, (whole, cue: string, run: string) => {
    const words = run.split(' ');
    const first = words[0]!;
    const known = GIVEN_NAMES.has(first.toLowerCase()) && /^\p{Lu}/u.test(first) && !NOT_NAMES.has(fold(first));
    if (!known) return whole;
    return replaceRun(`${cue} `, run, true) ?? whole;
  });
  // "Karlberg, Agnes": family name, comma, known given name.
  out = out.replace(new RegExp(`(?<![\\p{L}])(${CAPITALISED}|\\p{Lu}{2,}), (${CAPITALISED}|\\p{Lu}{2,})(?![\\p{L}])`, 'gu'), (whole, family: string, given: string) => {
    if (!isNameWord(family, true) || !(known(given) || (familyLike(family) && isNameWord(given, true)))) return whole;
    count('NAME');
    return tag('NAME');
  });
  // "Tom Evans here" introduces the writer.
  out = out.replace(new RegExp(`(?<![\\p{L}])(${CAPITALISED} ${CAPITALISED})(?= här\\b| here\\b)`, 'gu'), (whole) => {
    if (nameLength(whole.split(' '), true) < 2) return whole;
    count('NAME');
    return tag('NAME');
  });
  // Without a cue: a known given name followed by a capitalised word, or any capitalised pair ending in a family-name ending.
  // The run may start with a capitalised non-name ("Kan Leila Tahmasebi …", "Gäller Sanna Räsänen").
  out = out.replace(CAPITALISED_RUN, (whole) => {
    const words = whole.split(' ');
    for (let start = 0; start < words.length - 1; start++) {
      const n = nameLength(words.slice(start), true);
      if (n < 2) continue;
      const run = words.slice(start, start + n);
      const looksLikePerson = known(run[0]!) || run.slice(1).some((w) => familyLike(w) && /\p{Ll}/u.test(w) === /\p{Ll}/u.test(run[0]!));
      if (!looksLikePerson) continue;
      count('NAME');
      return [...words.slice(0, start), tag('NAME'), ...words.slice(start + n)].join(' ');
    }
    return whole;
  });
  // Typed all in lower case, without a cue ("tuulikki väisänen"): a known given name and a family name.
  out = out.replace(LOWERCASE_PAIR, (whole, given: string, family: string) => {
    const plain = (w: string) => !isStopword(fold(w)) && !NOT_NAMES.has(fold(w));
    // Short lower-case words are more often ordinary words ("den ena pekar"), so a listed family name must be long.
    const isFamily = SURNAME_ENDING.test(family) || (family.length >= 6 && familyLike(family));
    if (!plain(given) || !plain(family) || !known(given) || !isFamily) return whole;
    count('NAME');
    return tag('NAME');
  });
  return out;
}

/**
 * Replaces personal data with tags before anything is stored, logged, shown or sent on.
 * Numbers are checked (check digit, real date, real phone number range) so that order numbers,
 * FIN numbers, dates, times, doses and versions stay as they were.
 */
export function redact(input: string): Redaction {
  const found: Partial<Record<PiiKind, number>> = {};
  const count = (k: PiiKind) => {
    found[k] = (found[k] ?? 0) + 1;
  };
  let text = input.replace(EMAIL, () => (count('EMAIL'), tag('EMAIL')));
  // Twice, so that the second of "a/b" is checked against a tag rather than the first number's digits.
  text = replacePersonnummer(replacePersonnummer(text, count), count);
  text = replacePhones(text, count);
  text = text.replace(STREET, () => (count('ADDRESS'), tag('ADDRESS')));
  text = text.replace(EN_STREET, () => (count('ADDRESS'), tag('ADDRESS')));
  text = text.replace(POSTCODE, () => (count('ADDRESS'), tag('ADDRESS')));
  text = replaceNames(text, count);
  return { text, found };
}

export const redactedKinds = (r: Redaction): PiiKind[] => Object.keys(r.found) as PiiKind[];
