import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { lintKnowledgeBase } from '../src/core/kb/lint.ts';
import { sampleKb, tempDir, testLotsen } from './helpers.ts';

// Staff ask on the web chat; super-users work the queue; the answer arrives in the staff member's chat.
describe('escalation on the web', () => {
  let lotsen: Lotsen;
  let app: ReturnType<typeof createWebApp>;
  let kbDir: string;
  const cookies: Record<string, string> = {};

  const signIn = async (name: string, role: string, site = 'SÄS Borås avd 12') => {
    const res = await app.request('/signin', { method: 'POST', body: new URLSearchParams({ name, role, site }) });
    expect(res.status).toBe(303);
    cookies[name] = res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const post = (who: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', headers: { cookie: cookies[who]!, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const get = async (who: string, path: string) => (await app.request(path, { headers: { cookie: cookies[who]! } })).json();
  const mine = async (who: string) => (await get(who, '/api/escalations/mine')).items as { id: string; status: string; owner: string | null; answer: { text: string; by: string } | null; destination: string }[];

  beforeAll(async () => {
    // A copy of the sample knowledge base, so drafts are written there and not into the project.
    kbDir = await tempDir('lotsen-kb-');
    await cp(sampleKb, kbDir, { recursive: true });
    lotsen = await testLotsen({ LOTSEN_KB_DIR: kbDir });
    app = createWebApp(lotsen);
    await signIn('Stina Staff', 'staff');
    await signIn('Olle Other', 'staff', 'NÄL avd 40');
    await signIn('Anna Super', 'superuser');
    await signIn('Bo Super', 'superuser');
  });
  afterAll(async () => {
    await lotsen.close();
  });

  it('a question the bot cannot answer reaches the queue, one super-user wins the claim, and the answer reaches the asker', async () => {
    const asked = await (await post('Stina Staff', '/api/ask', { question: 'Hur byter jag färg på skrivbordsbakgrunden i Citrix?' })).json();
    expect(asked.outcome).toBe('escalated');
    expect(asked.escalationId).toBeTruthy();
    expect(asked.escalation).toMatchObject({ status: 'open', linked: false });
    expect(asked.answer).toContain('superanvändarna');
    const id = asked.escalationId as string;

    const queue = (await get('Anna Super', '/api/queue')).items as { id: string; status: string; asker: { site: string } }[];
    expect(queue.find((e) => e.id === id)).toMatchObject({ status: 'open', asker: { site: 'SÄS Borås avd 12' } });
    // Staff may not work the queue.
    expect((await post('Stina Staff', `/api/escalations/${id}/claim`, {})).status).toBe(403);

    const [a, b] = await Promise.all([post('Anna Super', `/api/escalations/${id}/claim`, {}), post('Bo Super', `/api/escalations/${id}/claim`, {})]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = a.status === 200 ? 'Anna Super' : 'Bo Super';
    const loser = winner === 'Anna Super' ? 'Bo Super' : 'Anna Super';
    const refusal = await (a.status === 409 ? a : b).json();
    expect(refusal).toMatchObject({ reason: 'already-claimed', owner: winner });
    expect(refusal.error).toContain(winner);
    expect((await mine('Stina Staff'))[0]).toMatchObject({ id, status: 'claimed', owner: winner });

    // Only the claimer answers; a refused act changes nothing.
    const before = await lotsen.store.getEscalation(id);
    const notOwner = await post(loser, `/api/escalations/${id}/answer`, { text: 'Gissning' });
    expect(notOwner.status).toBe(403);
    expect((await notOwner.json()).reason).toBe('not-owner');
    expect((await lotsen.store.getEscalation(id))!.version).toBe(before!.version);

    // The answer is redacted like any message, and reaches the asker.
    expect((await post(winner, `/api/escalations/${id}/answer`, { text: 'Det går inte i Citrix. Ring 070-123 45 67 om du vill veta mer.' })).status).toBe(200);
    const answered = (await mine('Stina Staff')).find((e) => e.id === id)!;
    expect(answered.status).toBe('answered');
    expect(answered.answer).toMatchObject({ by: winner });
    expect(answered.answer!.text).toContain('[PHONE]');
    expect(answered.answer!.text).not.toContain('070-123');

    // "Still stuck" re-opens it; "solved" after the next answer closes it.
    // Someone else may not close it, nor learn who has it.
    const stranger = await post('Olle Other', `/api/escalations/${id}/feedback`, { verdict: 'solved' });
    expect(stranger.status).toBe(403);
    expect((await stranger.json()).owner).toBeNull();
    expect((await (await post('Stina Staff', `/api/escalations/${id}/feedback`, { verdict: 'still-stuck' })).json()).item.status).toBe('open');
    await post(loser, `/api/escalations/${id}/claim`, {});
    await post(loser, `/api/escalations/${id}/answer`, { text: 'Bakgrunden styrs centralt av IT; den går inte att ändra.' });
    expect((await (await post('Stina Staff', `/api/escalations/${id}/feedback`, { verdict: 'solved' })).json()).item.status).toBe('closed');
    // Closed is closed: no further claim.
    expect((await (await post(winner, `/api/escalations/${id}/claim`, {})).json()).reason).toBe('closed');

    const trail = (await lotsen.store.listAudit({ subject: id })).reverse().map((e) => `${e.action}:${e.from ?? ''}>${e.to ?? ''}`);
    expect(trail).toEqual([
      'escalation.create:>open',
      'escalation.claim:open>claimed',
      'escalation.answer:claimed>answered',
      'escalation.reopen:answered>open',
      'escalation.claim:open>claimed',
      'escalation.answer:claimed>answered',
      'escalation.solved:answered>closed',
    ]);
  });

  it('routes by topic and links the same question from a second asker, so one answer reaches both', async () => {
    const first = await (await post('Stina Staff', '/api/escalations', { question: 'Zebraskrivaren på avdelningen skriver ut tomma etiketter sedan i morse' })).json();
    expect(first.escalation).toMatchObject({ destination: expect.stringContaining('IT-servicedesk'), linked: false });
    const second = await (await post('Olle Other', '/api/escalations', { question: 'Zebraskrivaren skriver ut tomma etiketter sedan i morse, vad gör jag?' })).json();
    expect(second.escalationId).toBe(first.escalationId);
    expect(second.escalation.linked).toBe(true);
    const id = first.escalationId as string;
    await post('Anna Super', `/api/escalations/${id}/claim`, {});
    await post('Anna Super', `/api/escalations/${id}/answer`, { text: 'Byt etikettrulle; **Printing** visar fel media.' });
    for (const who of ['Stina Staff', 'Olle Other']) expect((await mine(who)).find((e) => e.id === id)).toMatchObject({ status: 'answered', answer: { by: 'Anna Super' } });
    // A medication question goes to the pharmacy super-users.
    const medication = await (await post('Stina Staff', '/api/escalations', { question: 'Hur ordinerar jag läkemedel med nedtrappande dos över tio dagar?' })).json();
    expect(medication.escalation.destination).toBe('Läkemedelssuperanvändare');
  });

  it('saves a good answer as a knowledge-base draft that passes lint, carries no personal data, and is published by a super-user', async () => {
    const asked = await (await post('Stina Staff', '/api/escalations', { question: 'Kan man ändra teckenstorleken i Message Center för pat 19121212-1212?' })).json();
    const id = asked.escalationId as string;
    expect((await post('Bo Super', `/api/escalations/${id}/draft`, {})).status).toBe(400);
    await post('Bo Super', `/api/escalations/${id}/claim`, {});
    await post('Bo Super', `/api/escalations/${id}/answer`, { text: 'Ja: **Options** > **Font size**. Fråga Karin Lindqvist om det krånglar.' });
    const saved = await post('Bo Super', `/api/escalations/${id}/draft`, {});
    expect(saved.status).toBe(200);
    const draftId = (await saved.json()).item.draftId as string;
    const files = await readdir(join(kbDir, 'drafts'));
    expect(files).toContain(`${draftId}.md`);
    const text = await readFile(join(kbDir, 'drafts', `${draftId}.md`), 'utf8');
    expect(text).toMatch(/status: draft/);
    expect(text).toContain(`source: ${id}`);
    expect(text).not.toMatch(/1212-1212|Karin|Lindqvist/);
    const lint = await lintKnowledgeBase(kbDir);
    expect(lint.problems.filter((p: { file: string }) => p.file.includes('drafts'))).toEqual([]);
    expect((await get('Anna Super', '/api/drafts')).drafts.map((d: { id: string }) => d.id)).toContain(draftId);
    // Staff cannot publish; a super-user can.
    expect((await post('Stina Staff', `/api/drafts/${draftId}/publish`, {})).status).toBe(403);
    expect((await post('Anna Super', `/api/drafts/${draftId}/publish`, {})).status).toBe(200);
    expect(await readFile(join(kbDir, 'drafts', `${draftId}.md`), 'utf8')).toMatch(/status: published/);
    expect((await lotsen.store.listAudit({ subject: draftId })).map((e) => e.action)).toEqual(['knowledge.publish', 'knowledge.draft']);
  });

  it('the same Idempotency-Key gives the same question back, not a second one', async () => {
    const send = () => post('Olle Other', '/api/escalations', { question: 'Var ställer jag in standardskrivare för armband på akuten?' }, { 'idempotency-key': 'k-1' });
    const one = await (await send()).json();
    const two = await (await send()).json();
    expect(two.escalationId).toBe(one.escalationId);
    // The retry is told the same as the first time, not "someone else already asked".
    expect(two.escalation.linked).toBe(false);
    expect(two.answer).toBe(one.answer);
    expect((await mine('Olle Other')).filter((e) => e.id === one.escalationId)).toHaveLength(1);
  });

  it('keeps safety items out of the question queue; a solved question can still become a draft, once', async () => {
    const safety = await (await post('Stina Staff', '/api/ask', { question: 'Ordet "inte" försvann ur min anteckning efter att jag signerade' })).json();
    expect(safety.outcome).toBe('safety');
    for (const action of ['claim', 'answer', 'draft']) expect((await post('Anna Super', `/api/escalations/${safety.escalationId}/${action}`, { text: 'x' })).status).toBe(404);
    expect((await post('Stina Staff', `/api/escalations/${safety.escalationId}/feedback`, { verdict: 'solved' })).status).toBe(404);
    expect((await lotsen.store.getEscalation(safety.escalationId))!.status).toBe('open');

    const asked = await (await post('Olle Other', '/api/escalations', { question: 'Hur byter jag standardvy i Ambulatory Organizer till veckovy?' })).json();
    const id = asked.escalationId as string;
    await post('Anna Super', `/api/escalations/${id}/claim`, {});
    await post('Anna Super', `/api/escalations/${id}/answer`, { text: 'Välj **Week** i vyväljaren.' });
    await post('Olle Other', `/api/escalations/${id}/feedback`, { verdict: 'solved' });
    expect((await post('Anna Super', `/api/escalations/${id}/draft`, {})).status).toBe(200);
    // A second save is refused before any file is written.
    const before = lotsen.drafts.list().length;
    expect((await post('Bo Super', `/api/escalations/${id}/draft`, {})).status).toBe(400);
    expect(lotsen.drafts.list()).toHaveLength(before);
    expect(lotsen.drafts.list().filter((d) => d.source === id)).toHaveLength(1);
  });

  it('refuses bad requests clearly and changes nothing', async () => {
    expect((await post('Anna Super', '/api/escalations/nope/claim', {})).status).toBe(404);
    // Not an id of ours: never used as a store key.
    expect((await post('Anna Super', '/api/escalations/idx:question:open/claim', {})).status).toBe(404);
    expect((await post('Anna Super', '/api/escalations/x/explode', {})).status).toBe(404);
    expect((await post('Stina Staff', '/api/escalations', { question: '' })).status).toBe(400);
    expect((await post('Stina Staff', '/api/escalations/x/feedback', { verdict: 'maybe' })).status).toBe(400);
  });

  it('serves readiness and Prometheus metrics', async () => {
    expect((await app.request('/readyz')).status).toBe(200);
    const metrics = await (await app.request('/metrics', { headers: { cookie: cookies['Anna Super']! } })).text();
    expect(metrics).toMatch(/lotsen_messages_total\{platform="web",outcome="escalated"\} [1-9]/);
    expect(metrics).toMatch(/lotsen_escalation_events_total\{event="claim"\} [1-9]/);
    expect(metrics).toMatch(/lotsen_time_to_answer_seconds_count [1-9]/);
    expect(metrics).toMatch(/lotsen_outbox_depth \d/);
  });
});
