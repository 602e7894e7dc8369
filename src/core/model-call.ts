import type { ChatModel, Logger } from './ports.ts';

/** A configured chat model with its system prompt, asked with a deadline. */
export interface ModelCall {
  model: ChatModel;
  systemPrompt: string;
  timeoutMs: number;
  log: Logger;
}

/**
 * The model's raw answer to one user message, or undefined when it fails or is too slow: the caller
 * then decides without it. Only the error's name is logged, never the message.
 */
export async function askWithin(call: ModelCall, user: string, what: string): Promise<string | undefined> {
  try {
    return await call.model.complete([{ role: 'system', content: call.systemPrompt }, { role: 'user', content: user }], AbortSignal.timeout(call.timeoutMs));
  } catch (err) {
    call.log.warn({ err: err instanceof Error ? err.name : 'error' }, `model ${what} failed; lexical ${what} used`);
    return undefined;
  }
}

/** The JSON object in a model's answer ("Sure! {…}" included), or undefined when there is none that parses. */
export function jsonIn(raw: string): Record<string, unknown> | undefined {
  const json = /\{[\s\S]*\}/.exec(raw)?.[0];
  if (!json) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
