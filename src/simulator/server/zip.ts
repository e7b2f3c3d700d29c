import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** One file or folder to store in a ZIP archive. */
interface ZipEntry {
  /** Path inside the archive with `/` separators; folders end with `/`. */
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * Collects the files below `dir` as archive entries under `prefix` (such as `Scoring/`), sorted by
 * path, skipping names for which `skip` returns true.
 */
export async function collectEntries(
  dir: string,
  prefix: string,
  skip: (name: string) => boolean,
): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = prefix === '' ? [] : [{ name: prefix, data: new Uint8Array() }];
  const children = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const child of children) {
    if (skip(child.name)) continue;
    const path = join(dir, child.name);
    if (child.isDirectory()) {
      entries.push(...(await collectEntries(path, `${prefix}${child.name}/`, skip)));
    } else if (child.isFile()) {
      entries.push({ name: `${prefix}${child.name}`, data: new Uint8Array(await readFile(path)) });
    }
  }
  return entries;
}

/**
 * Builds a ZIP archive (PKWARE APPNOTE 6.3, UTF-8 names). Level 0 stores the files, levels 1 to 9
 * deflate them.
 *
 * NOTE: no ZIP64 records, so archives and files must stay below 4 GiB and 65,535 entries.
 */
export function buildZip(entries: readonly ZipEntry[], level: number): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;

  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const isFolder = entry.name.endsWith('/');
    const method = level === 0 || isFolder ? 0 : 8;
    const stored = method === 0 ? Buffer.from(entry.data) : deflateRawSync(entry.data, { level });
    const crc = crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, stored);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(stored.length, 20);
    header.writeUInt32LE(entry.data.byteLength, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(isFolder ? 0x10 : 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);

    offset += local.length + name.length + stored.length;
  }

  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, ...central, end]));
}
