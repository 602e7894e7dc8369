// Child process of bench/retrieval.ts: loads and indexes one knowledge base once, answers a few
// questions, and prints its resident memory, so the figure is that of a fresh server process.
import { loadKnowledgeBase } from '../src/core/kb/load.ts';
import { Retriever } from '../src/core/retrieval/retriever.ts';

const retriever = await Retriever.create((await loadKnowledgeBase(process.argv[2]!)).articles);
for (const q of ['hur skriver jag ut ett id-band', 'läkemedelslistan', 'how do I grant a proxy']) await retriever.retrieve(q);
globalThis.gc?.();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(JSON.stringify({ rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20, articles: retriever.articles.size }));
