import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../src/core/kb/load.ts';
import { lintKnowledgeBase } from '../src/core/kb/lint.ts';
import { extractGlossary } from '../src/core/kb/glossary.ts';
import { article, sampleKb, writeTree } from './helpers.ts';

describe('knowledge base loader', () => {
  it('loads every valid article, reports each bad file by name and reason, and keeps the rest', async () => {
    const dir = await writeTree({
      'good.md': article('good', { tags: '[a, b]', verified: '2026-10-15', aliases: '[ett annat sätt]' }),
      'sub/also-good.md': article('also-good', { lang: 'en' }),
      'no-front.md': '# Just a heading\n\nText.',
      'bad-yaml.md': '---\nid: x\ntitle: [unclosed\n---\nBody',
      'bad-lang.md': article('bad-lang', { lang: 'de' }),
      'bad-id.md': article('Bad_Id'),
      'no-title.md': '---\nid: no-title\nlang: sv\n---\nBody',
      'zz-dupe.md': article('good'),
      'README.md': 'not an article',
    });
    const kb = await loadKnowledgeBase(dir);
    expect(kb.articles.map((a) => a.id).sort()).toEqual(['also-good', 'good']);
    const reasons = Object.fromEntries(kb.problems.map((p) => [p.file, p.reason]));
    expect(reasons['no-front.md']).toMatch(/front matter/);
    expect(reasons['bad-yaml.md']).toMatch(/not valid YAML/);
    expect(reasons['bad-lang.md']).toMatch(/lang must be "sv" or "en"/);
    expect(reasons['bad-id.md']).toMatch(/kebab-case/);
    expect(reasons['no-title.md']).toMatch(/title/);
    expect(reasons['zz-dupe.md']).toMatch(/already used by good\.md/);
    const good = kb.articles.find((a) => a.id === 'good')!;
    expect(good.tags).toEqual(['a', 'b']);
    expect(good.verified).toBe('2026-10-15');
    expect(good.aliases).toEqual(['ett annat sätt']);
    expect(good.status).toBe('published');
  });

  it('reports a missing folder instead of throwing', async () => {
    const kb = await loadKnowledgeBase('/nonexistent/lotsen-kb');
    expect(kb.articles).toEqual([]);
    expect(kb.problems[0]?.reason).toBe('folder not found');
  });

  it('lint lists problems and warnings; the sample knowledge base is clean', async () => {
    const dir = await writeTree({
      'a.md': article('a', { review_by: '2020-01-01' }),
      'b.md': article('b', { status: 'publicerad' }),
      'c.md': article('other-id', {}, 'Bara text utan steg.'),
    });
    const report = await lintKnowledgeBase(dir, '2026-11-21');
    expect(report.problems).toEqual([{ file: 'b.md', reason: 'status must be draft, published or retired' }]);
    expect(report.warnings.map((w) => `${w.file}: ${w.reason}`)).toEqual([
      'a.md: review_by 2020-01-01 has passed',
      'c.md: id "other-id" differs from the file name',
      'c.md: no numbered steps; answers will quote the first paragraph only',
    ]);
    const sample = await lintKnowledgeBase(sampleKb, '2026-11-21');
    expect(sample.problems).toEqual([]);
    expect(sample.articles).toBeGreaterThanOrEqual(40);
  });

  it('the sample knowledge base is at least 40 articles, two thirds Swedish, with a glossary', async () => {
    const kb = await loadKnowledgeBase(sampleKb);
    const swedish = kb.articles.filter((a) => a.lang === 'sv').length;
    expect(kb.articles.length).toBeGreaterThanOrEqual(40);
    expect(swedish / kb.articles.length).toBeGreaterThanOrEqual(2 / 3);
    const glossary = extractGlossary(kb.articles);
    expect(glossary.length).toBeGreaterThan(40);
    expect(glossary.find((e) => e.words.some((w) => /^läkemedelslista$/i.test(w)))?.labels).toContain('Medication List');
  });
});
