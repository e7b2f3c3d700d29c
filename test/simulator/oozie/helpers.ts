import { ManualClock } from '../../../src/simulator/common/clock.js';
import {
  createOozieSimulator,
  DEFAULT_APP_ROOT,
  IN_PROCESS_OOZIE_URL,
  type OozieSimulatorOptions,
} from '../../../src/simulator/oozie/index.js';

export const BASE = `${IN_PROCESS_OOZIE_URL}/v2`;

/** Simulator on a manual clock plus small request helpers for the raw wire tests. */
export function setup(options: OozieSimulatorOptions = {}) {
  const clock = new ManualClock(Date.UTC(2024, 4, 1, 8, 31, 2));
  const sim = createOozieSimulator({ clock, ...options });

  const configXml = (properties: Record<string, string>) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<configuration>${Object.entries(properties)
      .map(([name, value]) => `<property><name>${name}</name><value>${value}</value></property>`)
      .join('')}</configuration>`;

  const submit = async (
    app: string,
    extra: Record<string, string> = {},
    query = 'action=start&user.name=etl',
  ) =>
    sim.fetch(`${BASE}/jobs?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml;charset=UTF-8' },
      body: configXml({
        'user.name': 'etl',
        'oozie.wf.application.path': `${DEFAULT_APP_ROOT}/${app}`,
        ...extra,
      }),
    });

  const submitId = async (app: string, extra: Record<string, string> = {}) => {
    const response = await submit(app, extra);
    if (response.status !== 201) throw new Error(`submit failed with HTTP ${response.status}`);
    return ((await response.json()) as { id: string }).id;
  };

  const info = async (id: string) => {
    const response = await sim.fetch(`${BASE}/job/${id}?show=info&user.name=etl`);
    // biome-ignore lint/suspicious/noExplicitAny: wire bodies are checked field by field in the tests
    return { response, body: response.ok ? ((await response.json()) as Record<string, any>) : undefined };
  };

  const command = (id: string, action: string) =>
    sim.fetch(`${BASE}/job/${id}?action=${action}&user.name=etl`, { method: 'PUT' });

  return { sim, clock, configXml, submit, submitId, info, command };
}
