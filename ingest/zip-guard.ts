/**
 * A look at an .xlsx's ZIP structure before a spreadsheet library inflates it, so a zip bomb posing as
 * a workbook is refused instead of filling memory. Three checks, in order:
 *
 * 1. Declared sizes (the central directory), before anything is inflated: the total uncompressed size,
 *    the number of entries, and the compression ratio of each entry and of the whole archive (over a
 *    floor) must stay within `ZipLimits`. Encrypted entries, methods other than stored/deflate, ZIP64
 *    and multi-disk archives are refused.
 * 2. Structure: every local header must agree with its central-directory entry (name, method, sizes)
 *    and the entries must follow each other without gaps or overlaps, so a sequential reader (exceljs's
 *    streaming reader reads local headers) and a directory reader (its whole-file reader) see the same
 *    entries, and no two entries share compressed data (the overlapping-entry bomb).
 * 3. Actual sizes: each deflated entry is inflated once, streaming, and stopped as soon as it yields
 *    more than it declared (a lying header), so at most the declared total is ever inflated.
 *
 * Hand-written because the ZIP libraries at hand (jszip, unzipper) only expose sizes after starting to
 * inflate, and trust the headers they read.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { InputError } from '../common/errors';

export interface ZipLimits {
  /** Largest total uncompressed size declared (and inflated), bytes. */
  maxTotal: number;
  /** Most entries in the archive. */
  maxEntries: number;
  /** Largest compression ratio of an entry, or of the archive, whose uncompressed size exceeds `ratioFloor`. */
  maxRatio: number;
  ratioFloor: number;
}

/**
 * Workbooks read whole into memory (yearbook tables, CEADs inventories). Real ones inflate to 0.1–2 MB
 * at ratios of 4–8; exceljs takes ~20× the XML size in memory, so 100 MB is the ceiling.
 */
export const WORKBOOK_LIMITS: ZipLimits = {
  maxTotal: 100e6,
  maxEntries: 10_000,
  maxRatio: 100,
  ratioFloor: 10e6,
};

/** Workbooks streamed row by row (patent exports of millions of records): size is not memory. */
export const STREAMED_WORKBOOK_LIMITS: ZipLimits = { ...WORKBOOK_LIMITS, maxTotal: 4e9 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const STORED = 0;
const DEFLATE = 8;

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressed: number;
  uncompressed: number;
  offset: number;
}

const bytes = (n: number) => `${n.toLocaleString('en')} bytes`;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function centralDirectory(handle: FileHandle, size: number, name: string, limits: ZipLimits) {
  const tailLength = Math.min(size, 65_557);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new InputError(`${name}: truncated .xlsx (no ZIP end-of-directory record)`, name);
  const disk = tail.readUInt16LE(eocd + 4);
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (disk !== 0 || tail.readUInt16LE(eocd + 8) !== count)
    throw new InputError(`${name}: a multi-disk ZIP archive, not a workbook`, name);
  if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff)
    throw new InputError(
      `${name}: a ZIP64 archive (over 4 GB or 65,535 entries), not a plausible workbook`,
      name,
    );
  if (count > limits.maxEntries)
    throw new InputError(`${name}: ${count} ZIP entries (limit ${limits.maxEntries}); refused`, name);
  if (dirOffset + dirSize > size - tailLength + eocd)
    throw new InputError(`${name}: truncated .xlsx (ZIP directory points past the end of the file)`, name);
  const dir = await readAt(handle, dirOffset, dirSize);
  const entries: Entry[] = [];
  let at = 0;
  for (let e = 0; e < count; e++) {
    if (at + 46 > dir.length || dir.readUInt32LE(at) !== CENTRAL)
      throw new InputError(`${name}: corrupt .xlsx (bad ZIP directory entry ${e + 1})`, name);
    const nameLength = dir.readUInt16LE(at + 28);
    entries.push({
      flags: dir.readUInt16LE(at + 8),
      method: dir.readUInt16LE(at + 10),
      compressed: dir.readUInt32LE(at + 20),
      uncompressed: dir.readUInt32LE(at + 24),
      offset: dir.readUInt32LE(at + 42),
      name: dir.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
  }
  return { entries, dirOffset };
}

/** Check 1: what the directory declares, before inflating anything. */
function checkDeclared(entries: Entry[], name: string, limits: ZipLimits) {
  let total = 0;
  let compressedTotal = 0;
  for (const e of entries) {
    const where = `${name} (ZIP entry ${e.name})`;
    if (e.flags & 1) throw new InputError(`${where}: encrypted, not a workbook part`, name);
    if (e.uncompressed === 0xffffffff || e.compressed === 0xffffffff)
      throw new InputError(`${where}: a ZIP64 entry over 4 GB, not a plausible workbook part`, name);
    if (e.method !== STORED && e.method !== DEFLATE)
      throw new InputError(`${where}: compression method ${e.method} (expected stored or deflate)`, name);
    if (e.method === STORED && e.compressed !== e.uncompressed)
      throw new InputError(`${where}: a stored entry whose sizes differ (corrupt archive)`, name);
    if (e.uncompressed > limits.ratioFloor && e.uncompressed > limits.maxRatio * Math.max(e.compressed, 1))
      throw new InputError(
        `${where}: expands ${bytes(e.compressed)} to ${bytes(e.uncompressed)} (ratio over ${limits.maxRatio}); ` +
          `refused as a likely zip bomb`,
        name,
      );
    total += e.uncompressed;
    compressedTotal += e.compressed;
  }
  if (total > limits.maxTotal)
    throw new InputError(
      `${name}: expands to ${bytes(total)} (limit ${bytes(limits.maxTotal)}); refused as a likely zip bomb`,
      name,
    );
  if (total > limits.ratioFloor && total > limits.maxRatio * Math.max(compressedTotal, 1))
    throw new InputError(
      `${name}: its ${entries.length} entries expand ${bytes(compressedTotal)} to ${bytes(total)} ` +
        `(ratio over ${limits.maxRatio}); refused as a likely zip bomb`,
      name,
    );
}

/** Check 2: local headers agree with the directory; entries are contiguous and do not overlap. */
async function checkStructure(handle: FileHandle, entries: Entry[], dirOffset: number, name: string) {
  const corrupt = (what: string) =>
    new InputError(`${name}: ${what}; refused (a corrupt or crafted archive)`, name);
  const ordered = [...entries].sort((a, b) => a.offset - b.offset);
  let expected = 0;
  const starts = new Map<Entry, number>();
  for (const e of ordered) {
    if (e.offset !== expected)
      throw corrupt(
        e.offset < expected
          ? `ZIP entry ${e.name} overlaps the entry before it`
          : `a gap of ${bytes(e.offset - expected)} before ZIP entry ${e.name}`,
      );
    const head = await readAt(handle, e.offset, 30);
    if (head.length < 30 || head.readUInt32LE(0) !== LOCAL)
      throw corrupt(`no local header for ZIP entry ${e.name}`);
    const nameLength = head.readUInt16LE(26);
    const extraLength = head.readUInt16LE(28);
    const localName = (await readAt(handle, e.offset + 30, nameLength)).toString('utf8');
    const flags = head.readUInt16LE(6);
    if (localName !== e.name || head.readUInt16LE(8) !== e.method)
      throw corrupt(`the local header of ZIP entry ${e.name} names "${localName}" or another method`);
    const hasDescriptor = (flags & 8) !== 0;
    if (
      !hasDescriptor &&
      (head.readUInt32LE(18) !== e.compressed || head.readUInt32LE(22) !== e.uncompressed)
    )
      throw corrupt(`the local header of ZIP entry ${e.name} declares other sizes than the directory`);
    const start = e.offset + 30 + nameLength + extraLength;
    starts.set(e, start);
    expected = start + e.compressed;
    if (hasDescriptor) {
      const d = await readAt(handle, expected, 16);
      expected += d.length >= 4 && d.readUInt32LE(0) === DESCRIPTOR ? 16 : 12;
    }
  }
  if (expected > dirOffset) throw corrupt('the last ZIP entry runs into the directory');
  return starts;
}

/** Check 3: inflate each deflated entry once, stopping at the first byte past its declared size. */
async function checkInflated(path: string, entries: Entry[], starts: Map<Entry, number>, name: string) {
  for (const e of entries) {
    if (e.method !== DEFLATE || e.compressed === 0) continue;
    const start = starts.get(e)!;
    let out = 0;
    await new Promise<void>((resolve, reject) => {
      const source = createReadStream(path, { start, end: start + e.compressed - 1 });
      const inflate = createInflateRaw();
      const fail = (error: Error) => {
        source.destroy();
        inflate.destroy();
        reject(error);
      };
      inflate.on('data', (chunk: Buffer) => {
        out += chunk.length;
        if (out > e.uncompressed)
          fail(
            new InputError(
              `${name} (ZIP entry ${e.name}): declares ${bytes(e.uncompressed)} but inflates to more ` +
                `(stopped after ${bytes(out)}); refused as a zip bomb with a lying header`,
              name,
            ),
          );
      });
      inflate.on('end', () =>
        out === e.uncompressed
          ? resolve()
          : reject(
              new InputError(
                `${name} (ZIP entry ${e.name}): declares ${bytes(e.uncompressed)} but inflates to ${bytes(out)}; ` +
                  `refused (a corrupt or crafted archive)`,
                name,
              ),
            ),
      );
      inflate.on('error', (error) =>
        fail(new InputError(`${name} (ZIP entry ${e.name}): corrupt deflate data (${error.message})`, name)),
      );
      source.on('error', fail);
      source.pipe(inflate);
    });
  }
}

export async function checkZipSizes(path: string, name: string, limits = WORKBOOK_LIMITS): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { entries, dirOffset } = await centralDirectory(handle, size, name, limits);
    checkDeclared(entries, name, limits);
    const starts = await checkStructure(handle, entries, dirOffset, name);
    await checkInflated(path, entries, starts, name);
  } finally {
    await handle.close();
  }
}
