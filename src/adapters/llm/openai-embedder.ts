import OpenAI, { AzureOpenAI } from 'openai';
import type { ModelConfig } from '../../config.ts';
import type { Embedder } from '../../core/ports.ts';

/** The embedder port on the openai SDK; undefined when no embedding model is configured. */
export function createEmbedder(config: ModelConfig, timeoutMs: number): Embedder | undefined {
  if (!config.embeddingModel) return undefined;
  const client = config.azure
    ? new AzureOpenAI({
        apiKey: config.apiKey,
        endpoint: config.azure.endpoint,
        apiVersion: config.azure.apiVersion,
        deployment: config.azure.embeddingDeployment,
        maxRetries: 0,
        timeout: timeoutMs,
      })
    : new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, maxRetries: 0, timeout: timeoutMs });
  const model = config.embeddingModel;
  return {
    async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
      // Some compatible servers cannot send base64, which the SDK asks for by default.
      const res = await client.embeddings.create({ model, input: texts, encoding_format: 'float' }, { signal });
      return [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    },
  };
}
