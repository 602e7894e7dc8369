import type { Article, Lang } from '../kb/article.ts';
import type { ChatModel, Logger } from '../ports.ts';
import { silentLogger } from '../ports.ts';
import type { Retriever } from '../retrieval/retriever.ts';
import type { TranslationFinder } from '../kb/translations.ts';
import { extractSteps } from './extract.ts';
import { checkGrounding } from './grounding.ts';
import { messages } from './messages.ts';

export interface Citation {
  id: string;
  title: string;
  url: string;
}

export interface AskResult {
  outcome: 'answered' | 'escalated';
  /** Markdown. */
  answer: string;
  citations: Citation[];
  /** Up to five article ids, best first. */
  ranked: string[];
  confidence: number;
  lang: Lang;
  /** Where the answer text came from. */
  source: 'extract' | 'model' | 'none';
}

export interface Prompts {
  system: string;
  user: string;
}

export interface AnswererOptions {
  /** Below this confidence the question goes to a super-user (0..1). */
  threshold: number;
  model?: ChatModel;
  prompts?: Prompts;
  /** How long a model may take before the extract is used instead. */
  modelTimeoutMs: number;
  log?: Logger;
}

export const articleUrl = (id: string) => `/kb/${encodeURIComponent(id)}`;

const PASSAGES = 3;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Pick the article to answer from: the best one, or its equal in the asker's language. */
function inAskersLanguage(ranked: readonly string[], articles: ReadonlyMap<string, Article>, lang: Lang, translations: TranslationFinder): Article | undefined {
  const best = articles.get(ranked[0] ?? '');
  if (!best || best.lang === lang) return best;
  const translation = ranked.slice(1, 3).map((id) => articles.get(id)).find((a) => a?.lang === lang && translations.areTranslations(best, a));
  return translation ?? best;
}

export class Answerer {
  private readonly options: AnswererOptions;
  private readonly log: Logger;

  constructor(options: AnswererOptions) {
    this.options = options;
    this.log = options.log ?? silentLogger;
  }

  async ask(retriever: Retriever, question: string): Promise<AskResult> {
    // One time budget covers the question's embedding and the model's answer together; the
    // embedding may use a quarter of it before lexical ranking goes on alone.
    const deadline = Date.now() + this.options.modelTimeoutMs;
    const retrieval = await retriever.retrieve(question, AbortSignal.timeout(Math.max(50, Math.floor(this.options.modelTimeoutMs / 4))));
    const ranked = retrieval.hits.slice(0, 5).map((h) => h.id);
    const lang = retrieval.lang;
    const base = { ranked, confidence: retrieval.confidence, lang };
    if (retrieval.confidence < this.options.threshold || ranked.length === 0) {
      return { ...base, outcome: 'escalated', answer: messages[lang].notCovered, citations: [], source: 'none' };
    }
    const article = inAskersLanguage(ranked, retriever.articles, lang, retriever.translations)!;
    // What the bot cites comes first, so the ranking reported is the one the asker saw.
    if (ranked[0] !== article.id) base.ranked = [article.id, ...ranked.filter((id) => id !== article.id)];
    const citation = { id: article.id, title: article.title, url: articleUrl(article.id) };
    const generated = await this.generate(retriever, question, ranked, lang, deadline - Date.now());
    if (generated) return { ...base, outcome: 'answered', ...generated, source: 'model' };
    const { intro, steps } = extractSteps(article, question);
    // The citation travels beside the text; each adapter shows it its own way.
    const answer = [`**${article.title}**`, intro, steps].filter(Boolean).join('\n\n');
    return { ...base, outcome: 'answered', answer, citations: [citation], source: 'extract' };
  }

  private async generate(retriever: Retriever, question: string, ranked: string[], lang: Lang, budgetMs: number) {
    const { model, prompts } = this.options;
    if (!model || !prompts || budgetMs <= 0) return undefined;
    const given = ranked.slice(0, PASSAGES).map((id) => retriever.articles.get(id)!);
    const passages = given
      .map((a) => `<article id="${a.id}" title="${a.title.replace(/"/g, "'")}" link="${articleUrl(a.id)}">\n${a.body}\n</article>`)
      .join('\n\n');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('model time budget exceeded')), budgetMs);
    const started = Date.now();
    try {
      const reply = await Promise.race([
        model.complete(
          [
            { role: 'system', content: fill(prompts.system, { lang: lang === 'sv' ? 'svenska' : 'English' }) },
            { role: 'user', content: fill(prompts.user, { question, passages }) },
          ],
          controller.signal,
        ),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })),
      ]);
      const check = checkGrounding(reply, new Set(given.map((a) => a.id)), new Set(retriever.articles.keys()));
      if (!check.ok) {
        // The reason may quote the reply, so only its kind is logged.
        this.log.warn({ reason: check.kind, ms: Date.now() - started }, 'model answer rejected; using extract');
        return undefined;
      }
      const citations = check.cited.map((id) => {
        const a = retriever.articles.get(id)!;
        return { id, title: a.title, url: articleUrl(id) };
      });
      return { answer: reply.trim(), citations };
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), ms: Date.now() - started }, 'model failed; using extract');
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
