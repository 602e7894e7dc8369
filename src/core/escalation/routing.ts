import type { Article } from '../kb/article.ts';
import { fold } from '../text/normalize.ts';

export interface Destination {
  id: string;
  label: string;
  /** Where an unclaimed question goes after the re-escalation time. */
  backup?: string;
  /** Incoming webhook (Slack, Teams or any JSON receiver) told of new questions and reminders. */
  webhook?: string;
  /** Set by the chat adapters' configuration: a Slack channel or Teams conversation for the cards. */
  slackChannel?: string;
  teamsConversation?: string;
}

export interface Topic {
  id: string;
  label: string;
  destination: string;
  systems: string[];
  tags: string[];
  words: string[];
}

export interface Routing {
  default: string;
  destinations: Destination[];
  topics: Topic[];
}

export interface Route {
  topic: string;
  topicLabel: string;
  destination: Destination;
}

const GENERAL = 'general';

/**
 * Picks the topic of an escalated question: the Millennium module and tags of the best articles
 * found for it (the best counts most), and words in the question. No match: the default destination.
 */
export class Router {
  private readonly byId: Map<string, Destination>;
  readonly routing: Routing;

  constructor(routing: Routing) {
    this.routing = routing;
    this.byId = new Map(routing.destinations.map((d) => [d.id, d]));
  }

  destination(id: string | undefined): Destination {
    return (id && this.byId.get(id)) || this.byId.get(this.routing.default)!;
  }

  /** The backup of a destination, or undefined when it has none (or is its own). */
  backupOf(id: string | undefined): string | undefined {
    const backup = this.destination(id).backup;
    return backup && backup !== id ? backup : undefined;
  }

  topicLabel(id: string | undefined): string {
    return this.routing.topics.find((t) => t.id === id)?.label ?? 'Allmänt';
  }

  route(text: string, best: readonly Article[]): Route {
    const words = ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    let winner: Topic | undefined;
    let top = 0;
    for (const topic of this.routing.topics) {
      const systems = new Set(topic.systems.map(fold));
      const tags = new Set(topic.tags.map(fold));
      let score = 0;
      best.slice(0, 3).forEach((a, rank) => {
        const weight = 3 - rank;
        if (a.system && systems.has(fold(a.system))) score += 2 * weight;
        score += a.tags.filter((t) => tags.has(fold(t))).length * weight;
      });
      // Word starts, so "skrivaren" and "doserna" count.
      score += 2 * topic.words.filter((w) => words.includes(` ${fold(w)}`)).length;
      if (score > top) {
        top = score;
        winner = topic;
      }
    }
    if (!winner) return { topic: GENERAL, topicLabel: this.topicLabel(GENERAL), destination: this.destination(undefined) };
    return { topic: winner.id, topicLabel: winner.label, destination: this.destination(winner.destination) };
  }
}
