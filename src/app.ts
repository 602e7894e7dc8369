import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { Answerer, type Prompts } from './core/answer/answerer.ts';
import type { Logger } from './core/ports.ts';
import { KnowledgeService } from './knowledge-service.ts';

export interface Lotsen {
  config: Config;
  knowledge: KnowledgeService;
  answerer: Answerer;
  log: Logger;
}

async function loadPrompts(dir: string): Promise<Prompts> {
  const [system, user] = await Promise.all([readFile(join(dir, 'answer-system.md'), 'utf8'), readFile(join(dir, 'answer-user.md'), 'utf8')]);
  return { system, user };
}

/** Wires configuration to the core: the model and embeddings only when they are configured. */
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
  return { config, knowledge, answerer, log };
}
