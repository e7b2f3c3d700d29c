import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkspace } from '../engine/workspace-builder.js';
import { harness } from './harness.js';

/** Reads the central directory of a ZIP archive and returns each entry's name and content. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let position = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(position)).toBe(0x02014b50);
    const method = zip.readUInt16LE(position + 10);
    const storedSize = zip.readUInt32LE(position + 20);
    const nameLength = zip.readUInt16LE(position + 28);
    const localOffset = zip.readUInt32LE(position + 42);
    const name = zip.subarray(position + 46, position + 46 + nameLength).toString('utf8');
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const dataStart = localOffset + 30 + localNameLength;
    const stored = zip.subarray(dataStart, dataStart + storedSize);
    files.set(name, method === 8 ? inflateRawSync(stored) : stored);
    position += 46 + nameLength;
  }
  return files;
}

describe(':data downloads', () => {
  const root = mkdtempSync(join(tmpdir(), 'knimectl-sim-ws-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  mkdirSync(join(root, 'Team A', 'Q1 Sales', 'Node (#1)'), { recursive: true });
  writeFileSync(join(root, 'Team A', 'Q1 Sales', 'workflow.knime'), '<config/>');
  writeFileSync(join(root, 'Team A', 'Q1 Sales', 'Node (#1)', 'settings.xml'), 'x'.repeat(5000));
  writeFileSync(join(root, 'Team A', 'Q1 Sales', 'knimectl-simulation.json'), '{}');
  writeFileSync(join(root, 'Team A', 'data.csv'), 'a,b\n1,2\n');
  const workspace = buildWorkspace(
    { '/Team A/Q1 Sales': { simulation: {} }, '/Team A/data.csv': 'data' },
    root,
  );

  it('downloads a workflow as a knwf archive', async () => {
    const h = await harness({ workspace });
    const response = await h.call('GET', '/repository/Team%20A/Q1%20Sales:data');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''Q1%20Sales.knwf");
    const files = readZip(Buffer.from(await response.arrayBuffer()));
    expect([...files.keys()]).toEqual([
      'Q1 Sales/',
      'Q1 Sales/Node (#1)/',
      'Q1 Sales/Node (#1)/settings.xml',
      'Q1 Sales/workflow.knime',
    ]);
    expect(files.get('Q1 Sales/Node (#1)/settings.xml')?.toString()).toBe('x'.repeat(5000));
  });

  it('stores without compression at level 0', async () => {
    const h = await harness({ workspace });
    const stored = await h.call('GET', '/repository/Team%20A/Q1%20Sales:data?compressionLevel=0');
    const deflated = await h.call('GET', '/repository/Team%20A/Q1%20Sales:data?compressionLevel=9');
    const storedBytes = Buffer.from(await stored.arrayBuffer());
    expect(storedBytes.length).toBeGreaterThan(Buffer.from(await deflated.arrayBuffer()).length);
    expect(readZip(storedBytes).get('Q1 Sales/workflow.knime')?.toString()).toBe('<config/>');
    expect((await h.call('GET', '/repository/Team%20A/Q1%20Sales:data?compressionLevel=12')).status).toBe(
      400,
    );
  });

  it('downloads a folder and a data file', async () => {
    const h = await harness({ workspace });
    const folder = await h.call('GET', '/repository/Team%20A:data');
    expect(folder.headers.get('content-disposition')).toContain('Team%20A.knar');
    expect([...readZip(Buffer.from(await folder.arrayBuffer())).keys()]).toContain('Team A/data.csv');

    const file = await h.call('GET', '/repository/Team%20A/data.csv:data');
    expect(file.headers.get('content-length')).toBe('8');
    expect(await file.text()).toBe('a,b\n1,2\n');
  });
});
