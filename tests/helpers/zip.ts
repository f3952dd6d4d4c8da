/**
 * Hand-built ZIP archives for the zip-guard tests: honest and lying headers, overlapping entries, and
 * deflate data that expands by a chosen factor without taking the test seconds to compress.
 */
import { writeFile } from 'node:fs/promises';
import { constants, deflateRawSync } from 'node:zlib';

/**
 * Deflate data for `megabytes` MiB of spaces: one MiB compressed with a full flush (byte-aligned, no
 * reference to earlier data), repeated, then the final empty block. About 1 KiB per MiB.
 */
export function spacesDeflated(megabytes: number): { data: Buffer; size: number } {
  const one = deflateRawSync(Buffer.alloc(1 << 20, 0x20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  return {
    data: Buffer.concat([...Array.from({ length: megabytes }, () => one), end]),
    size: megabytes * 2 ** 20,
  };
}

export interface ZipEntrySpec {
  name: string;
  /** Raw deflate data (method 8). */
  data: Buffer;
  /** What the headers say it inflates to. */
  uncompressed: number;
  /** Put this entry's directory record at another entry's data (the overlapping-entry bomb). */
  sameDataAs?: number;
  /** A different name in the local header than in the directory. */
  localName?: string;
}

export async function writeZip(path: string, entries: ZipEntrySpec[]): Promise<number> {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    if (e.sameDataAs !== undefined) {
      offsets.push(offsets[e.sameDataAs]);
      continue;
    }
    const name = Buffer.from(e.localName ?? e.name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(e.data.length, 18);
    head.writeUInt32LE(e.uncompressed, 22);
    head.writeUInt16LE(name.length, 26);
    offsets.push(at);
    parts.push(head, name, e.data);
    at += head.length + name.length + e.data.length;
  }
  const dirStart = at;
  for (const [i, e] of entries.entries()) {
    const source = e.sameDataAs !== undefined ? entries[e.sameDataAs] : e;
    const name = Buffer.from(e.name);
    const rec = Buffer.alloc(46);
    rec.writeUInt32LE(0x02014b50, 0);
    rec.writeUInt16LE(20, 4);
    rec.writeUInt16LE(20, 6);
    rec.writeUInt16LE(8, 10);
    rec.writeUInt32LE(source.data.length, 20);
    rec.writeUInt32LE(e.uncompressed, 24);
    rec.writeUInt16LE(name.length, 28);
    rec.writeUInt32LE(offsets[i], 42);
    parts.push(rec, name);
    at += rec.length + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(at - dirStart, 12);
  end.writeUInt32LE(dirStart, 16);
  parts.push(end);
  const file = Buffer.concat(parts);
  await writeFile(path, file);
  return file.length;
}
