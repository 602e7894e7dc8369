import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/core/ports.ts';
import { KnowledgeService, type KnowledgeState } from '../src/knowledge-service.ts';
import { article, writeTree } from './helpers.ts';

describe('configuration', () => {
  it('works with no settings at all', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', answerThreshold: 0.45, modelTimeoutMs: 8000 });
    expect(c.kbDir).toMatch(/knowledge$/);
    expect(c.model).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, /PORT: must be a whole number from 0 to 65535/],
    [{ LOTSEN_ANSWER_THRESHOLD: '2' }, /LOTSEN_ANSWER_THRESHOLD: must be a number from 0 to 1/],
    [{ OPENAI_BASE_URL: 'localhost:8000' }, /OPENAI_BASE_URL must be an http\(s\) URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' }, /AZURE_OPENAI_API_KEY: required/],
  ])('names the bad variable: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('switches the model on with a base URL alone (self-hosted servers need no key)', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).model).toMatchObject({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' });
  });
});

describe('knowledge base reload', () => {
  const nextReload = (service: KnowledgeService) =>
    new Promise<KnowledgeState>((resolve) => {
      service.watch(resolve);
    });

  it('picks up edits, and a broken edit keeps the last good version of that article', async () => {
    const dir = await writeTree({
      'remiss.md': article('remiss', { title: 'Skicka remiss' }),
      'tidbok.md': article('tidbok', { title: 'Boka tid' }),
    });
    const service = new KnowledgeService(dir, silentLogger);
    await service.load();
    try {
      let reloaded = nextReload(service);
      await writeFile(join(dir, 'kallelse.md'), article('kallelse', { title: 'Skicka kallelse' }));
      let state = await reloaded;
      expect([...state.retriever.articles.keys()].sort()).toEqual(['kallelse', 'remiss', 'tidbok']);

      service.close();
      reloaded = nextReload(service);
      await writeFile(join(dir, 'remiss.md'), '---\nid: remiss\ntitle: [trasig\n---\nText');
      state = await reloaded;
      expect(state.problems.map((p) => p.file)).toEqual(['remiss.md']);
      expect(state.retriever.articles.get('remiss')?.title).toBe('Skicka remiss');
      expect((await state.retriever.retrieve('skicka remiss')).hits[0]?.id).toBe('remiss');

      service.close();
      reloaded = nextReload(service);
      await rm(join(dir, 'tidbok.md'));
      state = await reloaded;
      expect(state.retriever.articles.has('tidbok')).toBe(false);
      expect(service.state).toBe(state);
    } finally {
      service.close();
    }
  });

  it('notices a folder replaced as a whole, as a deploy swap does', async () => {
    const parent = await writeTree({ 'kb/a.md': article('a', { title: 'Logga in' }), 'next/b.md': article('b', { title: 'Boka tid' }) });
    const service = new KnowledgeService(join(parent, 'kb'), silentLogger);
    await service.load();
    try {
      const reloaded = new Promise<KnowledgeState>((resolve) => service.watch(resolve));
      await rename(join(parent, 'kb'), join(parent, 'old'));
      await rename(join(parent, 'next'), join(parent, 'kb'));
      const state = await reloaded;
      expect([...state.retriever.articles.keys()]).toEqual(['b']);
    } finally {
      service.close();
    }
  });

  it('keeps the old index when a reload finds nothing valid', async () => {
    const dir = await writeTree({ 'a.md': article('a', { title: 'Logga in' }) });
    const service = new KnowledgeService(dir, silentLogger);
    const first = await service.load();
    await rename(join(dir, 'a.md'), join(dir, 'a.txt'));
    const second = await service.load();
    expect(second.retriever).toBe(first.retriever);
    expect(second.problems[0]?.reason).toBe('no Markdown articles found');
  });
});
