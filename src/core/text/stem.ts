import snowball from 'snowball-stemmers';

const swedish = snowball.newStemmer('swedish');
const english = snowball.newStemmer('english');
const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

/**
 * One stem for a folded token, whatever its language: the shorter of the Swedish and English
 * Snowball stems. Staff mix both languages in one sentence, so a single language-neutral stem
 * lets "printing"/"print" and "etiketterna"/"etikett" meet without guessing the language per word.
 * Snowball's Swedish algorithm leaves the definite "-an" ("listan", "tavlan"), so it is trimmed here.
 */
export function stem(token: string): string {
  const cached = memo.get(token);
  if (cached !== undefined) return cached;
  let sv = swedish.stem(token);
  if (sv.length >= 6 && sv.endsWith('an')) sv = sv.slice(0, -2);
  const en = english.stem(token);
  const result = en.length < sv.length ? en : sv;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(token, result);
  return result;
}
