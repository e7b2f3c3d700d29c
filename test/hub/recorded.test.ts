import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import type { z } from 'zod';
import { toDeployment, toExecutionContext } from '../../src/hub/parse.js';
import {
  billboardSchema,
  deploymentListSchema,
  executionContextListSchema,
  identitySchema,
  installationSchema,
  itemVersionListSchema,
  problemSchema,
  repositoryItemSchema,
} from '../../src/hub/wire.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';

/** Schema of each recorded reply the client reads, by file name pattern below `hub-recorded/`. */
const READ_BY_CLIENT: ReadonlyArray<[RegExp, z.ZodType]> = [
  [/^apiEntities\/rfc9457.*\.json$/, problemSchema],
  [/^accountEntities\/accountIdentity.*\.json$/, identitySchema],
  [/^accountEntities\/hubGlobal.*\.json$/, installationSchema],
  [/^accountEntities\/billboard.*\.json$/, billboardSchema],
  [/^executionEntities\/deploymentList\.json$/, deploymentListSchema],
  [/^executionEntities\/executionContextList\.json$/, executionContextListSchema],
  [
    /^catalogEntities\/(workflow|largeWorkflow|workflowGroup|space|component|largeComponent|data|largeData|userGroupWithContribSpaces)(WithDetails)?\.json$/,
    repositoryItemSchema,
  ],
  [/^catalogEntities\/(empty|nonEmpty)NamedItemVersionsList\.json$/, itemVersionListSchema],
];

/** Recorded bodies of catalog uploads and downloads, which the client never requests. */
const NOT_READ =
  /^catalogEntities\/(preparedDownloadWith(Id|URL)|downloadStatus|itemUploadInstructions|uploadManifest|uploadStarted|uploadStatus)\.json$/;

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

function read(file: string): unknown {
  return JSON.parse(readFileSync(fixturePath('hub-recorded', file), 'utf8'));
}

describeWithFixtures('recorded Hub replies', () => {
  it('every recorded reply parses or is known as unread', () => {
    const root = fixturePath('hub-recorded');
    const files = walk(root)
      .filter((file) => file.endsWith('.json'))
      .map((file) => relative(root, file).split('\\').join('/'));
    expect(files.length).toBeGreaterThan(20);

    for (const file of files) {
      const schema = READ_BY_CLIENT.find(([pattern]) => pattern.test(file))?.[1];
      if (!schema) {
        expect(NOT_READ.test(file), `${file} is neither parsed nor listed as unread`).toBe(true);
        continue;
      }
      const result = schema.safeParse(read(file));
      expect(result.success, `${file}: ${result.error?.issues[0]?.message ?? ''}`).toBe(true);
    }
  });

  it('reads the recorded deployments of all four types', () => {
    const list = deploymentListSchema.parse(read('executionEntities/deploymentList.json'));
    const deployments = list.deployments.map(toDeployment);
    expect(deployments.map((deployment) => deployment.type).sort()).toEqual([
      'data-app',
      'rest',
      'schedule',
      'trigger',
    ]);
    const rest = deployments.find((deployment) => deployment.type === 'rest');
    expect(rest).toMatchObject({
      id: 'rest:d7dc336a-a0db-464c-aaae-cbdf29fc8f53',
      name: 'Notify User Service',
      itemVersion: '2',
      executionContext: 'bf19bdde-eed8-46a9-a060-9997e6a958f0',
      workflowId: '*vN0W1rL3XgdIuhXt',
    });
    expect(rest?.createdAt).toBe(Date.parse('2025-06-26T10:02:58.103Z'));
    expect(list.pagination).toMatchObject({ totalItemCount: 111, totalPageCount: 14 });
  });

  it('reads the recorded disabled execution context', () => {
    const list = executionContextListSchema.parse(read('executionEntities/executionContextList.json'));
    const context = toExecutionContext(list.executionContexts[0]!);
    expect(context.name).toBe('AP 5.5 Editor');
    // The recorded context has `isDisabled: true`, no job limit and no loaded job.
    expect(context.capacity).toMatchObject({ status: 'disabled', loadedJobs: 0, maxLoadedJobs: undefined });
    expect(context.defaultForSpaces).toEqual(['*ghKFrLNw4DrjixF0']);
  });

  it('reads problem details in both spellings', () => {
    expect(problemSchema.parse(read('apiEntities/rfc9457.json')).details).toEqual([]);
    expect(problemSchema.parse(read('apiEntities/rfc9457WithCode.json')).code).toBe('PermissionError');
    expect(typeof problemSchema.parse(read('apiEntities/rfc9457AdditionalProps.json')).detail).toBe('string');
  });

  it('reads the teams of a recorded identity', () => {
    const identity = identitySchema.parse(read('accountEntities/accountIdentityWithTeam.json'));
    expect(identity.id).toMatch(/^account:user:/);
    expect(identity.teams?.[0]?.id).toMatch(/^account:team:/);
  });
});
