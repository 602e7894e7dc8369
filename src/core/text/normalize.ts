import { eng, swe } from 'stopword';

/** Folds Swedish and other diacritics so that "lakemedelslistan" meets "läkemedelslistan". */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/æ/g, 'a')
    .replace(/ø/g, 'o');
}

/** Words and numbers; hyphens and slashes split ("id-band" → "id", "band"). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Swedish particles carry meaning in particle verbs ("skriva ut" = print, "logga in"), so they stay.
const KEPT_PARTICLES = new Set(['ut', 'in', 'upp', 'av', 'bort', 'ner', 'nummer', 'dag', 'dagen', 'ta', 'tar', 'borta', 'nr']);

// Words that occur in nearly every question to this bot and say nothing about the task.
const DOMAIN_STOPWORDS = [
  'millennium', 'millenium', 'milennium', 'cerner', 'oracle', 'systemet', 'system', 'hej', 'hallå', 'tjena',
  'snälla', 'please', 'hi', 'hello', 'hjälp', 'help', 'fungerar', 'funkar', 'funka', 'fungera', 'work', 'works',
  'working', 'gör', 'gor', 'göra', 'gora', 'gjort', 'nya', 'nytt', 'ny', 'new', 'does', 'doesn', 'don', 't', 's',
  'im', 'ive', 'vi', 'oss', 'man', 'typ', 'liksom', 'asså', 'alltså', 'ok', 'okej', 'får', 'fa', 'kan', 'kunna',
  'ska', 'måste', 'maste', 'behöver', 'behover', 'vill', 'jag', 'jg', 'hur', 'var', 'vad', 'vart', 'när', 'nar',
  'how', 'where', 'what', 'when', 'why', 'who', 'can', 'do', 'i', 'my', 'mitt', 'min', 'mina', 'någon', 'nagon',
  'något', 'nagot', 'det', 'de', 'den', 'är', 'ar', 'på', 'pa', 'för', 'for', 'från', 'fran', 'och', 'att', 'en', 'ett',
  'sen', 'sedan', 'nu', 'idag', 'just', 'bara', 'ens', 'inte', 'not', 'no', 'ju', 'väl', 'val', 'mm', 'osv',
];

const STOPWORDS: ReadonlySet<string> = new Set(
  [...swe, ...eng, ...DOMAIN_STOPWORDS].filter((w) => !KEPT_PARTICLES.has(w)).map(fold),
);

export function isStopword(foldedToken: string): boolean {
  return STOPWORDS.has(foldedToken);
}
