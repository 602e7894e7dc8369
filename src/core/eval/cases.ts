import { z } from 'zod';

export interface EvalCase {
  /** As written in the case file, so scripts can join results on it. */
  id: string | number;
  question: string;
  /** Article ids that answer the question; empty when the knowledge base should not answer it. */
  expected: string[];
}

const idList = z
  .union([z.string(), z.array(z.string()), z.null()])
  .transform((v) => (v === null ? [] : Array.isArray(v) ? v : v ? [v] : []));

// Case files are written by several people, so the usual spellings of "expected article" are accepted.
const caseSchema = z
  .object({
    id: z.union([z.string(), z.number()]),
    question: z.string().min(1),
    expected: idList.optional(),
    expected_id: idList.optional(),
    expected_ids: idList.optional(),
    article: idList.optional(),
    articles: idList.optional(),
    answer_id: idList.optional(),
    answerable: z.boolean().optional(),
  })
  .passthrough();

export function parseCases(text: string, file = 'cases'): EvalCase[] {
  const cases: EvalCase[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const result = caseSchema.safeParse(json);
    if (!result.success) throw new Error(`${file}:${i + 1}: ${result.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
    const c = result.data;
    const expected = c.expected ?? c.expected_ids ?? c.expected_id ?? c.articles ?? c.article ?? c.answer_id ?? [];
    cases.push({ id: c.id, question: c.question, expected: c.answerable === false ? [] : expected });
  });
  return cases;
}
