import { AzureChatOpenAI, ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ModelConfig } from '../../config.ts';
import type { ChatMessage, ChatModel } from '../../core/ports.ts';

/** The chat model port on langchain: OpenAI, Azure OpenAI and OpenAI-compatible servers. */
export function createChatModel(config: ModelConfig): ChatModel {
  const common = { temperature: 0, maxRetries: 0, useResponsesApi: false } as const;
  const llm = config.azure
    ? new AzureChatOpenAI({
        ...common,
        azureOpenAIApiKey: config.apiKey,
        azureOpenAIEndpoint: config.azure.endpoint,
        azureOpenAIApiDeploymentName: config.azure.chatDeployment,
        azureOpenAIApiVersion: config.azure.apiVersion,
      })
    : new ChatOpenAI({
        ...common,
        model: config.chatModel,
        apiKey: config.apiKey,
        configuration: config.baseUrl ? { baseURL: config.baseUrl } : undefined,
      });
  return {
    async complete(messages: ChatMessage[], signal: AbortSignal): Promise<string> {
      const reply = await llm.invoke(
        messages.map((m) => (m.role === 'system' ? new SystemMessage(m.content) : new HumanMessage(m.content))),
        { signal },
      );
      return typeof reply.content === 'string'
        ? reply.content
        : reply.content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
    },
  };
}
