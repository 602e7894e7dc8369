/** What the core needs from the outside. Adapters implement these; the core imports no SDK. */

export interface Embedder {
  /** One vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface ChatModel {
  complete(messages: ChatMessage[], signal: AbortSignal): Promise<string>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
