import matter from 'gray-matter';
import { z } from 'zod';

export type Lang = 'sv' | 'en';

export interface Article {
  id: string;
  title: string;
  lang: Lang;
  system?: string;
  tags: string[];
  roles: string[];
  sites: string[];
  phase?: string;
  owner?: string;
  verified?: string;
  reviewBy?: string;
  status: 'draft' | 'published' | 'retired';
  aliases: string[];
  /** Markdown body without front matter. */
  body: string;
  /** Path relative to the knowledge base folder. */
  file: string;
}

const dateLike = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v));
const stringList = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .transform((v) => (Array.isArray(v) ? v.map(String) : [v]));

const frontMatterSchema = z.object({
  id: z
    .string({ error: 'id is required' })
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'id must be kebab-case (a-z, 0-9 and single hyphens)'),
  title: z.string({ error: 'title is required' }).trim().min(1, 'title is empty'),
  lang: z.enum(['sv', 'en'], { error: 'lang must be "sv" or "en"' }),
  system: z.string().optional(),
  tags: stringList.optional(),
  roles: stringList.optional(),
  sites: stringList.optional(),
  phase: z.string().optional(),
  owner: z.string().optional(),
  verified: dateLike.optional(),
  review_by: dateLike.optional(),
  status: z.enum(['draft', 'published', 'retired'], { error: 'status must be draft, published or retired' }).optional(),
  aliases: stringList.optional(),
  /** For drafts from a super-user's answer: the escalation id. */
  source: z.string().optional(),
});

export type ParseResult = { ok: true; article: Article } | { ok: false; reason: string };

/** Parses one Markdown file with YAML front matter. Never throws: a bad file gives a reason. */
export function parseArticle(file: string, source: string): ParseResult {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Passing options turns off gray-matter's global cache, which would keep every text ever parsed.
    parsed = matter(source, {});
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, reason: `front matter is not valid YAML (${detail})` };
  }
  if (!source.trimStart().startsWith('---')) return { ok: false, reason: 'no YAML front matter (the file must start with ---)' };
  const result = frontMatterSchema.safeParse(parsed.data);
  if (!result.success) {
    const reasons = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return issue.message.includes(key) || !key ? issue.message : `${key}: ${issue.message}`;
    });
    return { ok: false, reason: reasons.join('; ') };
  }
  const fm = result.data;
  const body = parsed.content.trim();
  if (!body) return { ok: false, reason: 'the article has no text after the front matter' };
  return {
    ok: true,
    article: {
      id: fm.id,
      title: fm.title,
      lang: fm.lang,
      system: fm.system,
      tags: fm.tags ?? [],
      roles: fm.roles ?? [],
      sites: fm.sites ?? [],
      phase: fm.phase,
      owner: fm.owner,
      verified: fm.verified,
      reviewBy: fm.review_by,
      status: fm.status ?? 'published',
      aliases: fm.aliases ?? [],
      body,
      file,
    },
  };
}
