/**
 * A look at an .xlsx's ZIP central directory before anything inflates it, so a zip bomb posing as a
 * workbook is refused by its declared sizes instead of filling memory. Hand-written because the ZIP
 * libraries at hand (jszip, unzipper) only expose sizes after starting to read the archive.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../common/errors';

export interface ZipLimits {
  /** Largest total uncompressed size accepted, bytes. */
  maxTotal: number;
  /** Largest compression ratio accepted for an entry bigger than `ratioFloor` bytes. */
  maxRatio: number;
  ratioFloor: number;
}

/** Real yearbook sheets and 1M-record exports stay well inside these (an XML sheet compresses ~10–30×). */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotal: 4e9, maxRatio: 200, ratioFloor: 50e6 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

export async function checkZipSizes(path: string, name: string, limits = DEFAULT_ZIP_LIMITS): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new InputError(`${name}: truncated .xlsx (no ZIP end-of-directory record)`, name);
    const entries = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirOffset + dirSize > size)
      throw new InputError(`${name}: truncated .xlsx (ZIP directory points past the end of the file)`, name);
    const dir = Buffer.alloc(dirSize);
    await handle.read(dir, 0, dirSize, dirOffset);
    let at = 0;
    let total = 0;
    for (let e = 0; e < entries; e++) {
      if (at + 46 > dir.length || dir.readUInt32LE(at) !== CENTRAL)
        throw new InputError(`${name}: corrupt .xlsx (bad ZIP directory entry ${e + 1})`, name);
      const compressed = dir.readUInt32LE(at + 20);
      const uncompressed = dir.readUInt32LE(at + 24);
      const nameLength = dir.readUInt16LE(at + 28);
      const entryName = dir.toString('utf8', at + 46, at + 46 + nameLength);
      const where = `${name} (ZIP entry ${entryName})`;
      if (uncompressed === 0xffffffff || compressed === 0xffffffff)
        throw new InputError(`${where}: a ZIP64 entry over 4 GB, not a plausible workbook part`, name);
      total += uncompressed;
      if (uncompressed > limits.ratioFloor && uncompressed > limits.maxRatio * Math.max(compressed, 1)) {
        throw new InputError(
          `${where}: expands ${compressed} bytes to ${uncompressed} (ratio over ${limits.maxRatio}); ` +
            `refused as a likely zip bomb`,
          name,
        );
      }
      at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
    }
    if (total > limits.maxTotal)
      throw new InputError(
        `${name}: expands to ${total} bytes (limit ${limits.maxTotal}); refused as a likely zip bomb`,
        name,
      );
  } finally {
    await handle.close();
  }
}
