import { describe, expect, it } from 'vitest';
import {
  AlteryxInvalidInputError,
  type AlteryxQuestion,
  buildQuestionValues,
  closestName,
  jobState,
} from '../../src/alteryx/index.js';

const question = (name: string, extra: Partial<AlteryxQuestion> = {}): AlteryxQuestion => ({
  name,
  questionType: 'QuestionTextBox',
  description: '',
  value: '',
  multiple: false,
  items: [],
  ...extra,
});

const questions = [
  question('Region', {
    value: 'EMEA',
    items: [
      { key: 'EMEA', value: 'Europe' },
      { key: 'AMER', value: 'Americas' },
    ],
  }),
  question('StartDate'),
  question('Channels', {
    multiple: true,
    value: 'Retail',
    items: [
      { key: 'Retail', value: 'Shops' },
      { key: 'Online', value: 'Web' },
    ],
  }),
  question('Limit'),
];

function rejection(
  answers: Record<string, never | string | number | boolean | string[]>,
): AlteryxInvalidInputError {
  try {
    buildQuestionValues('wf', questions, answers);
  } catch (error) {
    if (error instanceof AlteryxInvalidInputError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('alteryx question values', () => {
  it('builds strings in question order with defaults', () => {
    expect(
      buildQuestionValues('wf', questions, {
        Limit: 10,
        StartDate: '2024-05-01',
        Channels: ['Online', 'Retail'],
      }),
    ).toEqual([
      { name: 'Region', value: 'EMEA' },
      { name: 'StartDate', value: '2024-05-01' },
      { name: 'Channels', value: 'Online,Retail' },
      { name: 'Limit', value: '10' },
    ]);
  });

  it('joins multiple values with the configured separator', () => {
    const values = buildQuestionValues(
      'wf',
      questions,
      { StartDate: 'x', Limit: '1', Channels: ['Retail', 'Online'] },
      ';',
    );
    expect(values.find((value) => value.name === 'Channels')?.value).toBe('Retail;Online');
  });

  it('lists every missing answer', () => {
    const error = rejection({});
    expect(error.missing).toEqual(['StartDate', 'Limit']);
    expect(error.names).toEqual(['StartDate', 'Limit']);
  });

  it('reports unknown names with suggestions', () => {
    const error = rejection({ StartDate: 'x', Limit: '1', startdate: 'y', Chanels: 'Retail', Zebra: '1' });
    expect(error.unknown).toEqual([
      { name: 'startdate', suggestion: 'StartDate' },
      { name: 'Chanels', suggestion: 'Channels' },
      { name: 'Zebra', suggestion: undefined },
    ]);
    expect(error.message).toContain('Questions of this app: Region, StartDate, Channels, Limit');
  });

  it('rejects a list for a single-value question', () => {
    const error = rejection({ StartDate: ['a', 'b'], Limit: '1' });
    expect(error.message).toContain("question 'StartDate' takes one value, got a list of 2");
    expect(error.names).toEqual(['StartDate']);
  });

  it('rejects values outside the items', () => {
    expect(rejection({ StartDate: 'x', Limit: '1', Channels: 'Retail,Mail' }).message).toContain(
      "'Mail' is not an item of question 'Channels' (keys: Retail, Online)",
    );
  });

  it('picks the closest name within the limit', () => {
    expect(closestName('Regoin', ['Region', 'StartDate'])).toBe('Region');
    expect(closestName('REGION', ['Region'])).toBe('Region');
    expect(closestName('Quarter', ['Region', 'StartDate'])).toBeUndefined();
  });
});

describe('alteryx job state', () => {
  it.each([
    ['Queued', '', 'queued'],
    ['Created', '', 'queued'],
    ['Running', '', 'running'],
    ['Completed', 'Success', 'succeeded'],
    ['Completed', 'Warning', 'succeeded'],
    ['Completed', 'Error', 'failed'],
    ['Completed', '', 'failed'],
    ['Completed', 'Something', 'failed'],
    ['Complete', 'Success', 'succeeded'],
    ['Completed', 'Cancelled', 'cancelled'],
    ['Cancelled', '', 'cancelled'],
    ['Error', 'Error', 'failed'],
    ['Paused', '', 'unknown'],
  ] as const)('%s with %j is %s', (status, disposition, state) => {
    expect(jobState({ status, disposition })).toBe(state);
  });

  it('fails warnings with warningsAsErrors', () => {
    expect(jobState({ status: 'Completed', disposition: 'Warning' }, true)).toBe('failed');
  });
});
