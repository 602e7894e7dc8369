import { beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { checkGrounding } from '../src/core/answer/grounding.ts';
import { extractSteps } from '../src/core/answer/extract.ts';
import { testLotsen } from './helpers.ts';

let lotsen: Lotsen;
const ask = (q: string) => lotsen.answerer.ask(lotsen.knowledge.state.retriever, q);

beforeAll(async () => {
  lotsen = await testLotsen();
});

describe('extractive answers', () => {
  it('answers a covered question with the steps of the article, verbatim, and cites it', async () => {
    const result = await ask('hur skriver jag ut ett nytt id-band?');
    expect(result.outcome).toBe('answered');
    expect(result.lang).toBe('sv');
    expect(result.citations).toEqual([{ id: 'id-band-skriva-ut', title: 'Skriva ut ett nytt ID-band', url: '/kb/id-band-skriva-ut' }]);
    const body = lotsen.knowledge.state.articles.get('id-band-skriva-ut')!.body;
    const firstStep = result.answer.split('\n').find((l) => l.startsWith('1. '))!;
    expect(body).toContain(firstStep);
    expect(result.answer).toContain('**Skriva ut ett nytt ID-band**');
    expect(result.ranked[0]).toBe('id-band-skriva-ut');
  });

  it('says honestly that the knowledge base does not cover a question, and offers a super-user', async () => {
    const result = await ask('var hittar jag min lönespec?');
    expect(result.outcome).toBe('escalated');
    expect(result.citations).toEqual([]);
    expect(result.answer).toMatch(/superanvändare/);
    expect(result.ranked.length).toBeGreaterThan(0);
  });

  it('answers in the asker’s language when the knowledge base has the article in it', async () => {
    const en = await ask('how do I grant a proxy in message center');
    expect(en.outcome).toBe('answered');
    expect(en.lang).toBe('en');
    expect(en.citations[0]?.id).toBe('message-center-proxy');
    const sv = await ask('hur ger jag ombud i message center');
    expect(sv.citations[0]?.id).toBe('message-center-ombud');
  });

  it('picks the numbered list that matches the question when an article has several', () => {
    const body = 'Intro.\n\n## Logga in\n1. Sätt i kortet.\n2. Skriv PIN.\n\n## Logga ut\n1. Klicka **Log Out**.\n2. Ta ut kortet.';
    const a = { id: 'x', title: 'X', lang: 'sv' as const, tags: [], roles: [], sites: [], aliases: [], status: 'published' as const, body, file: 'x.md' };
    expect(extractSteps(a, 'hur loggar jag ut').steps).toBe('1. Klicka **Log Out**.\n2. Ta ut kortet.');
    expect(extractSteps(a, 'hur loggar jag in med kortet').steps).toBe('1. Sätt i kortet.\n2. Skriv PIN.');
    expect(extractSteps(a, 'hur loggar jag in').intro).toBe('Intro.');
  });
});

describe('grounding check of model replies', () => {
  const retrieved = new Set(['soka-patient', 'find-a-patient']);
  const kb = new Set([...retrieved, 'ordlista']);
  it('accepts citations of retrieved articles and links into the knowledge base', () => {
    expect(checkGrounding('1. Klicka **Patient Search** [soka-patient]. Se [artikeln](/kb/soka-patient).', retrieved, kb)).toEqual({ ok: true, cited: ['soka-patient'] });
  });
  it.each([
    ['Gör så här: klicka Search.', 'no citation'],
    ['Klicka Search [ordlista].', 'cites articles it was not given: ordlista'],
    ['Klicka Search [soka-patient], mer på https://evil.example/x', 'links outside the knowledge base'],
    ['Klicka Search [soka-patient], se [här](/kb/okand)', 'links outside the knowledge base'],
  ])('rejects %j', (reply, reason) => {
    expect(checkGrounding(reply, retrieved, kb)).toMatchObject({ ok: false, reason });
  });
});
