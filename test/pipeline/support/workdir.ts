/** Temporary folders with a pipeline file and a ledger, for runner tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PipelineEvent } from '../../../src/pipeline/events.js';

export interface WorkDir {
  readonly dir: string;
  readonly ledgerPath: string;
  /** Writes `pipeline.yaml` (or `name`) and returns its path. */
  writePipeline(text: string, name?: string): string;
  remove(): void;
}

export function createWorkDir(): WorkDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'knimectl-pipeline-'));
  return {
    dir,
    ledgerPath: path.join(dir, '.knimectl', 'ledger.db'),
    writePipeline(text, name = 'pipeline.yaml') {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Collects events and answers questions about their order. */
export class EventLog {
  readonly events: PipelineEvent[] = [];
  readonly onEvent = (event: PipelineEvent) => {
    this.events.push(event);
  };

  ofType<T extends PipelineEvent['type']>(type: T): Extract<PipelineEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<PipelineEvent, { type: T }> => event.type === type);
  }

  indexOf(type: PipelineEvent['type'], step: string): number {
    return this.events.findIndex((event) => event.type === type && 'step' in event && event.step === step);
  }

  /** Highest number of steps between their first start and their end at any time. */
  maxConcurrent(): number {
    let current = 0;
    let max = 0;
    for (const event of this.events) {
      if (event.type === 'step-starting' && event.attempt === 1) current++;
      if (event.type === 'step-ended') current--;
      max = Math.max(max, current);
    }
    return max;
  }
}
