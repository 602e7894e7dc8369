import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../src/core/kb/load.ts';

/**
 * Writes a knowledge base of `count` articles made by recombining the sample articles' sentences
 * and words, so sizes, vocabulary and Swedish/English mix resemble real articles. Deterministic.
 */
export async function generateKb(sampleDir: string, outDir: string, count: number): Promise<void> {
  const sample = (await loadKnowledgeBase(sampleDir)).articles;
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const words = sample.flatMap((a) => a.body.split(/\s+/)).filter((w) => /^[\p{L}-]{4,}$/u.test(w));
  await mkdir(outDir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const base = sample[i % sample.length]!;
    const other = pick(sample);
    const id = `${base.id}-${i}`;
    const extra = Array.from({ length: 3 }, () => pick(words)).join(' ');
    const lines = base.body.split('\n');
    const mixed = [...lines.slice(0, Math.ceil(lines.length / 2)), ...other.body.split('\n').slice(Math.ceil(lines.length / 2))];
    const body = `${extra}.\n\n${mixed.join('\n')}`;
    const fm = [
      '---',
      `id: ${id}`,
      `title: "${base.title} ${extra.split(' ')[0]} ${i}"`,
      `lang: ${base.lang}`,
      `system: ${JSON.stringify(base.system ?? 'PowerChart')}`,
      `tags: [${[...base.tags, pick(words).toLowerCase()].map((t) => JSON.stringify(t)).join(', ')}]`,
      `aliases: [${base.aliases.map((t) => JSON.stringify(`${t} ${i % 7}`)).join(', ')}]`,
      '---',
    ].join('\n');
    await writeFile(join(outDir, `${id}.md`), `${fm}\n${body}\n`);
  }
}
