import type { Lang } from '../kb/article.ts';

/** Every sentence Lotsen itself says, in both languages. */
export const messages = {
  sv: {
    notCovered:
      'Det här hittar jag inte i kunskapsbanken, så jag vill inte gissa. Fråga en superanvändare på din enhet eller go-live-ledningscentralen.',
    source: 'Källa',
  },
  en: {
    notCovered:
      "I can't find this in the knowledge base, and I won't guess. Please ask a super-user on your unit or the go-live command centre.",
    source: 'Source',
  },
} satisfies Record<Lang, Record<string, string>>;
