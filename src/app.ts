import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { Answerer, type Prompts } from './core/answer/answerer.ts';
import { Assistant } from './core/assistant.ts';
import type { Logger } from './core/ports.ts';
import { SafetyDesk, type SafetyNotifier } from './core/safety/safety-desk.ts';
import type { Store } from './core/store/store.ts';
import { SqliteStore } from './adapters/store/sqlite-store.ts';
import { WebhookNotifier } from './adapters/notify/webhook-notifier.ts';
import { MemoryRateLimiter } from './adapters/rate-limit/memory-limiter.ts';
import { KnowledgeService } from './knowledge-service.ts';
import { triage } from './core/triage/classify.ts';

export interface Lotsen {
  config: Config;
  knowledge: KnowledgeService;
  answerer: Answerer;
  store: Store;
  safety: SafetyDesk;
  assistant: Assistant;
  log: Logger;
  close(): Promise<void>;
}

async function loadPrompts(dir: string): Promise<Prompts> {
  const [system, user] = await Promise.all([readFile(join(dir, 'answer-system.md'), 'utf8'), readFile(join(dir, 'answer-user.md'), 'utf8')]);
  return { system, user };
}

/** Wires configuration to the core: the model, embeddings and notifiers only when they are configured. */
export async function createLotsen(config: Config, log: Logger): Promise<Lotsen> {
  // The model SDKs take most of a second to import, so they load only when configured.
  const model = config.model ? (await import('./adapters/llm/langchain-chat.ts')).createChatModel(config.model) : undefined;
  const embedder = config.model
    ? (await import('./adapters/llm/openai-embedder.ts')).createEmbedder(config.model, config.modelTimeoutMs)
    : undefined;
  const prompts = model ? await loadPrompts(config.promptsDir) : undefined;
  const knowledge = new KnowledgeService(config.kbDir, log, embedder);
  await knowledge.load();
  const answerer = new Answerer({ threshold: config.answerThreshold, model, prompts, modelTimeoutMs: config.modelTimeoutMs, log });
  // Trains the triage model now (about 0.2 s) rather than on the first message.
  triage('');
  const store = new SqliteStore(join(config.dataDir, 'lotsen.db'));
  const notifiers: SafetyNotifier[] = config.safetyWebhookUrl ? [new WebhookNotifier(config.safetyWebhookUrl)] : [];
  const safety = new SafetyDesk({
    store,
    notifiers,
    oncallFor: (site) => (site && config.oncall.bySite.get(site.toLowerCase())) || config.oncall.default,
    log,
  });
  await safety.resume();
  const assistant = new Assistant({ answerer, retriever: () => knowledge.state.retriever, safety, limiter: new MemoryRateLimiter(config.rateLimits), log });
  return {
    config,
    knowledge,
    answerer,
    store,
    safety,
    assistant,
    log,
    async close() {
      knowledge.close();
      safety.stop();
      await store.close();
    },
  };
}
