import { AlteryxInvalidInputError, type UnknownQuestion } from './errors.js';
import type { AlteryxQuestion } from './wire.js';

/** An answer as the caller gives it. Arrays are for questions with `multiple: true`. */
export type AlteryxAnswer = string | number | boolean | readonly string[];

/** One entry of the `questions` array of a queue request; values are always strings. */
export interface QuestionValue {
  name: string;
  value: string;
}

/**
 * Checks answers against the app's questions and builds the `questions` array of a queue request.
 *
 * Every answer name must be a question of the app (an unknown name is reported with the closest
 * known one). Every question whose default `value` is empty must be answered. A question with list
 * items accepts only item keys. Questions with a default that got no answer are sent with their
 * default, so the job does not depend on how the server fills gaps.
 *
 * @throws AlteryxInvalidInputError listing every missing and unknown name and every invalid value.
 */
export function buildQuestionValues(
  workflow: string,
  questions: readonly AlteryxQuestion[],
  answers: Readonly<Record<string, AlteryxAnswer>>,
  multiValueSeparator = ',',
): QuestionValue[] {
  const known = new Map(questions.map((question) => [question.name, question]));
  const unknown: UnknownQuestion[] = [];
  const problems: string[] = [];
  const invalidNames: string[] = [];

  for (const name of Object.keys(answers)) {
    if (!known.has(name)) unknown.push({ name, suggestion: closestName(name, [...known.keys()]) });
  }

  const missing = questions
    .filter((question) => question.value === '' && !Object.hasOwn(answers, question.name))
    .map((question) => question.name);

  const values: QuestionValue[] = [];
  for (const question of questions) {
    if (!Object.hasOwn(answers, question.name)) {
      if (question.value !== '') values.push({ name: question.name, value: question.value });
      continue;
    }

    const answer = answers[question.name] as AlteryxAnswer;
    const problem = checkAnswer(question, answer, multiValueSeparator);
    if (problem) {
      problems.push(problem);
      invalidNames.push(question.name);
      continue;
    }
    values.push({ name: question.name, value: toAnswerString(answer, multiValueSeparator) });
  }

  if (unknown.length === 0 && missing.length === 0 && problems.length === 0) return values;

  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing answers for ${missing.join(', ')}`);
  for (const entry of unknown) {
    const hint = entry.suggestion ? `; did you mean '${entry.suggestion}'?` : '';
    parts.push(`unknown question '${entry.name}'${hint}`);
  }
  parts.push(...problems);
  const knownList = questions.length > 0 ? questions.map((q) => q.name).join(', ') : 'none';
  throw new AlteryxInvalidInputError(
    `invalid answers for workflow ${workflow}: ${parts.join('; ')}. Questions of this app: ${knownList}`,
    { missing, unknown, names: [...missing, ...unknown.map((entry) => entry.name), ...invalidNames] },
  );
}

function checkAnswer(
  question: AlteryxQuestion,
  answer: AlteryxAnswer,
  separator: string,
): string | undefined {
  if (Array.isArray(answer)) {
    if (!question.multiple) {
      return `question '${question.name}' takes one value, got a list of ${answer.length}`;
    }
    const invalid = answer.find((value) => typeof value !== 'string');
    if (invalid !== undefined) return `question '${question.name}' takes strings, got ${typeof invalid}`;
  } else if (!['string', 'number', 'boolean'].includes(typeof answer)) {
    return `question '${question.name}' takes a string, got ${typeof answer}`;
  }

  if (question.items.length === 0) return undefined;
  const keys = question.items.map((item) => item.key);
  const given = Array.isArray(answer)
    ? answer
    : question.multiple
      ? String(answer).split(separator)
      : [String(answer)];
  for (const value of given) {
    if (keys.includes(value)) continue;
    const byLabel = question.items.find((item) => item.value === value);
    const hint = byLabel ? `; '${value}' is the label of key '${byLabel.key}'` : '';
    return `'${value}' is not an item of question '${question.name}' (keys: ${keys.join(', ')})${hint}`;
  }
  return undefined;
}

// NOTE: the API documents no encoding for booleans or multi-select answers; booleans are sent as
// "true"/"false" and several values are joined with the separator (default ",").
function toAnswerString(answer: AlteryxAnswer, separator: string): string {
  if (Array.isArray(answer)) return answer.join(separator);
  return String(answer);
}

/**
 * Returns the known name closest to `name`: a case-insensitive match first, else the smallest edit
 * distance of at most a third of the name's length (at least 2).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameCase) return sameCase;

  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbouring characters counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    d.push(row);
  }
  for (let j = 0; j < cols; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const previous = d[i - 1] as number[];
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}
