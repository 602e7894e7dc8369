import { test } from 'vitest';
import { checkGrounding } from '../src/core/answer/grounding.ts';
import { testLotsen } from './helpers.ts';
test('probe', async () => {
  const l = await testLotsen();
  const r = await l.answerer.ask(l.knowledge.state.retriever, 'How do I print a new wristband?');
  console.log(JSON.stringify(r.ranked), r.lang, r.outcome);
  const ids = new Set(r.ranked.slice(0,3));
  console.log(JSON.stringify(checkGrounding('1. Open the patient [print-wristband]. Details [here](/kb/print-wristband).', ids, new Set(l.knowledge.state.retriever.articles.keys()))));
  console.log(JSON.stringify(checkGrounding('1. Open the patient [print-wristband]. See [Print a wristband](/kb/print-wristband).', ids, new Set(l.knowledge.state.retriever.articles.keys()))));
});
