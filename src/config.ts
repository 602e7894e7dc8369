import { resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.ts';

/**
 * The one place that reads the environment. Every setting is documented in .env.example;
 * a bad value stops the start with a message that names the variable.
 */
// Blank variables are dropped before parsing (see loadConfig), so here a value is never empty.
const optionalString = z.string().trim().optional();
const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), `${name} must be an http(s) URL`);
const numberIn = (min: number, max: number, fallback: number, whole: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!(whole ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  PORT: numberIn(0, 65535, 3000, true),
  HOST: optionalString.default('127.0.0.1'),
  LOTSEN_KB_DIR: optionalString.default('knowledge'),
  LOTSEN_PROMPTS_DIR: optionalString.default('prompts'),
  LOTSEN_ANSWER_THRESHOLD: numberIn(0, 1, 0.45, false),
  LOTSEN_MODEL_TIMEOUT_MS: numberIn(100, 120_000, 8000, true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  OPENAI_CHAT_MODEL: optionalString.default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: optionalString,
  AZURE_OPENAI_API_KEY: optionalString,
  AZURE_OPENAI_ENDPOINT: url('AZURE_OPENAI_ENDPOINT'),
  AZURE_OPENAI_API_VERSION: optionalString.default('2024-10-21'),
  AZURE_OPENAI_CHAT_DEPLOYMENT: optionalString,
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: optionalString,
});

export interface ModelConfig {
  kind: 'openai' | 'azure';
  apiKey: string;
  baseUrl?: string;
  chatModel: string;
  embeddingModel?: string;
  azure?: { endpoint: string; apiVersion: string; chatDeployment: string; embeddingDeployment?: string };
}

export interface Config {
  port: number;
  host: string;
  kbDir: string;
  promptsDir: string;
  answerThreshold: number;
  modelTimeoutMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  model?: ModelConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `FOO= command`.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(set);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = result.data;
  let model: ModelConfig | undefined;
  if (e.AZURE_OPENAI_ENDPOINT || e.AZURE_OPENAI_API_KEY) {
    const missing = [
      ['AZURE_OPENAI_ENDPOINT', e.AZURE_OPENAI_ENDPOINT],
      ['AZURE_OPENAI_API_KEY', e.AZURE_OPENAI_API_KEY],
      ['AZURE_OPENAI_CHAT_DEPLOYMENT', e.AZURE_OPENAI_CHAT_DEPLOYMENT],
    ].filter(([, v]) => !v);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.map(([k]) => `${k}: required when Azure OpenAI is configured`).join('\n  ')}`);
    model = {
      kind: 'azure',
      apiKey: e.AZURE_OPENAI_API_KEY!,
      chatModel: e.AZURE_OPENAI_CHAT_DEPLOYMENT!,
      embeddingModel: e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
      azure: {
        endpoint: e.AZURE_OPENAI_ENDPOINT!,
        apiVersion: e.AZURE_OPENAI_API_VERSION,
        chatDeployment: e.AZURE_OPENAI_CHAT_DEPLOYMENT!,
        embeddingDeployment: e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
      },
    };
  } else if (e.OPENAI_API_KEY || e.OPENAI_BASE_URL) {
    // Self-hosted OpenAI-compatible servers often need no key; the SDK still wants a string.
    model = {
      kind: 'openai',
      apiKey: e.OPENAI_API_KEY ?? 'not-needed',
      baseUrl: e.OPENAI_BASE_URL,
      chatModel: e.OPENAI_CHAT_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
    };
  }
  return {
    port: e.PORT,
    host: e.HOST,
    kbDir: resolve(projectRoot, e.LOTSEN_KB_DIR),
    promptsDir: resolve(projectRoot, e.LOTSEN_PROMPTS_DIR),
    answerThreshold: e.LOTSEN_ANSWER_THRESHOLD,
    modelTimeoutMs: e.LOTSEN_MODEL_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    model,
  };
}
