import { eng, swe } from 'stopword';
import type { Lang } from '../kb/article.ts';
import { tokenize } from './normalize.ts';

const SWEDISH = new Set([...swe, 'hur', 'jag', 'vad', 'var', 'gör', 'gor', 'kan', 'ska', 'inte', 'och', 'att', 'pa', 'ar', 'nar', 'funkar', 'hittar', 'skriver']);
const ENGLISH = new Set([...eng, 'how', 'do', 'i', 'the', 'where', 'what', 'can', 'is', 'my', 'to', 'doesnt', 'dont', 'cant']);

/** Swedish or English, from function words and å/ä/ö; Swedish when unsure, as most staff write it. */
export function detectLanguage(text: string): Lang {
  let sv = /[åäö]/i.test(text) ? 2 : 0;
  let en = 0;
  for (const token of tokenize(text)) {
    if (SWEDISH.has(token)) sv++;
    if (ENGLISH.has(token)) en++;
  }
  return en > sv ? 'en' : 'sv';
}
