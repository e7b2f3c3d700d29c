/**
 * The list of step kinds. Adding a kind means adding its module to this folder and one entry here;
 * the loader, the JSON Schema and the runner read this list.
 */
import { alteryxStep } from './alteryx.js';
import { commandStep } from './command.js';
import { knimeStep } from './knime.js';
import { oozieStep } from './oozie.js';
import type { AnyStepKind } from './types.js';
import { waitStep } from './wait.js';

export const stepKinds: readonly AnyStepKind[] = [commandStep, waitStep, knimeStep, oozieStep, alteryxStep];

/** Returns the step kind named `name`, or `undefined`. */
export function findStepKind(name: string): AnyStepKind | undefined {
  return stepKinds.find((kind) => kind.name === name);
}
