import { describe, expect, it } from 'vitest';
import { createJob, harness } from './harness.js';

describe('hub simulator smoke', () => {
  it('runs a job synchronously', async () => {
    const h = await harness();
    const id = await createJob(h, '/Services/Greeter');
    const run = h.json('POST', `/jobs/${id}`, { 'json-input': { name: 'Ann' } });
    await new Promise((r) => setImmediate(r));
    h.clock.advance(1000);
    const response = await run;
    const body = await response.json();
    console.log(response.status, JSON.stringify(body).slice(0, 1500));
    expect(response.status).toBe(200);
  });
});
