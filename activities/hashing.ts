/**
 * Content hashes. A file is hashed once per process while it stays as it was: `aicarbon run` hashes
 * every input to plan the refresh, and its worker hashes them all again moments later to look the
 * stored files up (5.8 MB for the sample: ~40 ms of the workflow). The memo is keyed on the file's
 * identity and change times (device, inode, size, mtime and ctime in nanoseconds — a write moves
 * ctime, which no tool can set back). As git does for "racily clean" files, a file changed less than
 * two seconds before it is read is not memoised: the kernel stamps times from a clock that ticks every
 * few milliseconds, so a second same-size write within one tick would keep the stamp.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

export { sha256Json } from '../freshness/keys';

const RACY_NS = 2_000_000_000n;
const memo = new Map<string, { stamp: string; hash: string }>();
const stampOf = (s: BigIntStats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

export async function sha256File(path: string): Promise<string> {
  const key = resolve(path);
  const startedNs = BigInt(Date.now()) * 1_000_000n;
  const before = await stat(key, { bigint: true });
  const stamp = stampOf(before);
  const hit = memo.get(key);
  if (hit?.stamp === stamp) return hit.hash;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(key)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  const settled = startedNs - before.ctimeNs > RACY_NS && startedNs - before.mtimeNs > RACY_NS;
  // Kept only when the file did not change while it was read.
  if (settled && stampOf(await stat(key, { bigint: true })) === stamp) memo.set(key, { stamp, hash: digest });
  return digest;
}
