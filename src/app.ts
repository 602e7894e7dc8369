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
import type { Article } from './core/kb/article.ts';
import { triage } from './core/triage/classify.ts';

export interface Lotsen {
  config: Config;
  knowledge: KnowledgeService;
  answerer: Answerer;
  store: Store;
  safety: SafetyDesk;
  assistant: Assistant;
  log: Logger;
  /** Reloads the knowledge base on change and records what changed in the audit log. */
  watchKnowledge(): void;
  close(): Promise<void>;
}

const fingerprint = (a: Article) => `${a.status}\u0000${a.title}\u0000${a.body}`;

/** Which article ids appeared, changed or went between two loads. */
function knowledgeDiff(before: ReadonlyMap<string, Article>, after: ReadonlyMap<string, Article>) {
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.values()].filter((a) => before.has(a.id) && fingerprint(before.get(a.id)!) !== fingerprint(a)).map((a) => a.id);
  return { added, changed, removed };
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
    watchKnowledge() {
      let previous = knowledge.state.articles;
      knowledge.watch((state) => {
        const diff = knowledgeDiff(previous, state.articles);
        previous = state.articles;
        if (!diff.added.length && !diff.changed.length && !diff.removed.length) return;
        // Files carry no author; the folder is the actor. Drafts published in the app name the person.
        void store
          .appendAudit({ actor: `files:${config.kbDir}`, role: 'system', action: 'knowledge.change', subject: 'knowledge-base', detail: diff }, new Date())
          .catch((err: unknown) => log.error({ err: String(err) }, 'cannot write the audit log'));
      });
    },
    async close() {
      knowledge.close();
      safety.stop();
      await store.close();
    },
  };
}
