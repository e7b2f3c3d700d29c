import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createClient } from '../../src/job/client.js';
import { tableInput } from '../../src/job/inputs.js';
import { describeFromOpenApi } from '../../src/server/openapi.js';
import { ManualClock } from '../../src/simulator/common/clock.js';
import { createServerSimulator } from '../../src/simulator/index.js';
import { loadWorkspace } from '../../src/simulator/workspace/load.js';
import { SteppingClock } from '../library/support.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';

describeWithFixtures('KNIME workflow fixtures', () => {
  it('reads the fragments KNIME wrote for test20190410', () => {
    const artifacts = fixturePath('knime-workspace', 'test20190410', '.artifacts');
    const read = (name: string) => JSON.parse(readFileSync(`${artifacts}/${name}`, 'utf8')) as unknown;
    const document = {
      components: {
        schemas: {
          InputParameters: read('openapi-input-parameters.json'),
          OutputParameters: read('openapi-output-parameters.json'),
        },
      },
    };
    const description = describeFromOpenApi('/test20190410', document);
    expect(description.inputs.map((p) => [p.name, p.shortName])).toEqual([['input-2', 'input']]);
    expect(description.outputs.map((p) => p.name)).toEqual(['output-1']);
    expect(description.inputs[0]?.example).toHaveProperty('table-data');
  });

  it('runs the table workflow with a short input name', async () => {
    const manual = new ManualClock();
    const simulator = await createServerSimulator({
      workspace: await loadWorkspace(fixturePath('knime-workspace')),
      clock: manual,
      createJob: 'background',
    });
    const client = createClient({
      url: simulator.baseUrl,
      fetch: simulator.fetch,
      clock: new SteppingClock(manual),
    });
    const description = await client.describeWorkflow('/test20190410');
    const name = description.inputs[0]!.name;
    const result = await client.run('/test20190410', {
      input: tableInput({ 'column-string': 'string' }, [['a'], ['b']]),
    });
    expect(name).toBe('input-2');
    expect(Object.keys(result.outputs)).toEqual(description.outputs.map((p) => p.name));
  });
});
