import type { Lang } from '../kb/article.ts';

/** Every sentence Lotsen itself says, in both languages. */
export const messages = {
  sv: {
    notCovered:
      'Det här hittar jag inte i kunskapsbanken, så jag vill inte gissa. En superanvändare kan hjälpa dig – vill du att jag skickar frågan vidare?',
    source: 'Källa',
    seeAlso: 'Se även',
    readMore: 'Läs hela artikeln',
  },
  en: {
    notCovered:
      "I can't find this in the knowledge base, and I won't guess. A super-user can help you – shall I pass the question on?",
    source: 'Source',
    seeAlso: 'See also',
    readMore: 'Read the whole article',
  },
} satisfies Record<Lang, Record<string, string>>;
