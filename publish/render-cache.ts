/**
 * Renderings by content key: a published part (a table's layout and its CSV, LaTeX and HTML, one
 * step's tidy rows and JSON, the report's spatial section) is stored under the hash of everything it
 * is rendered from — the publish code version, the study, the content keys of the estimations it
 * shows and the derived inputs it reads (a column's basis, a step's failure) — so a publish whose
 * inputs did not change for a part takes it from here instead of loading its estimations and rendering
 * it again. A key names its content: an entry is never replaced by different text, only pruned.
 *
 * On disk, one file per key (`<dir>/<key>`), its first line the sha256 of the rest: an entry written
 * halfway or altered counts as absent. Written to a temporary name and renamed, so concurrent
 * publishers of the same key leave one whole entry. Entries are touched when read and the least
 * recently used removed when the folder grows past `maxBytes` (256 MiB; a full publish of the sample
 * study adds about 1.2 MB in some 140 entries).
 *
 * The folder's size is kept beside the entries (`<dir>/.total`: the bytes as of the last look, plus
 * what each publish wrote since), so a publish looks at every entry only when that passes `maxBytes`:
 * a folder near its cap holds some 30,000 entries, and reading the size of each took a publish about
 * a tenth of a second per 10,000. Publishers that write at once may each miss the other's bytes (the
 * file is read, added to and written back), so the folder may pass its cap by their last publishes
 * before it is looked at; an entry removed by hand is counted until then.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RenderCache {
  get(key: string): Promise<string | undefined>;
  put(key: string, text: string): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The key of a part: the hash of its ingredients, in order. */
export const partKey = (...ingredients: unknown[]) => sha256(JSON.stringify(ingredients));

const KEY = /^[0-9a-f]{64}$/;

/** The folders this process has made, each once (a publish puts dozens of entries into one). */
const made = new Map<string, Promise<unknown>>();
function madeDir(dir: string): Promise<unknown> {
  let done = made.get(dir);
  if (!done) {
    done = mkdir(dir, { recursive: true });
    made.set(dir, done);
    done.catch(() => made.delete(dir));
  }
  return done;
}
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** The folder's size in bytes, not a key, so never taken for an entry. */
const TOTAL = '.total';

export function diskRenderCache(
  dir: string,
  { maxBytes = DEFAULT_MAX_BYTES }: { maxBytes?: number } = {},
): RenderCache & { prune(): Promise<void> } {
  /** Bytes this cache put since it last pruned. */
  let written = 0;
  const path = (key: string) => {
    if (!KEY.test(key)) throw new Error(`render cache: ${key} is not a part key (64 hex digits)`);
    return join(dir, key);
  };
  return {
    async get(key) {
      const file = path(key);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      const cut = text.indexOf('\n');
      const body = text.slice(cut + 1);
      if (cut !== 64 || text.slice(0, 64) !== sha256(body)) {
        await rm(file, { force: true });
        return undefined;
      }
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return body;
    },
    async put(key, text) {
      const file = path(key);
      await madeDir(dir);
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const entry = `${sha256(text)}\n${text}`;
      await writeFile(temp, entry).catch(async (e: NodeJS.ErrnoException) => {
        // The folder went away since it was made (removed by hand): made again, written again.
        if (e.code !== 'ENOENT') throw e;
        made.delete(dir);
        await madeDir(dir);
        await writeFile(temp, entry);
      });
      await rename(temp, file);
      written += Buffer.byteLength(entry);
    },
    /**
     * Removes the least recently used entries past `maxBytes` (only after this cache wrote any), by
     * looking at every entry only when the recorded size says the folder has passed it.
     */
    async prune() {
      if (!written) return;
      const recorded = Number(await readFile(join(dir, TOTAL), 'utf8').catch(() => NaN));
      const estimate = recorded + written;
      written = 0;
      if (Number.isFinite(estimate) && estimate <= maxBytes) return recordTotal(estimate);
      const all = await readdir(dir).catch(() => [] as string[]);
      // A temporary file of a publisher killed between write and rename, an hour on.
      for (const n of all.filter((n) => n.endsWith('.tmp'))) {
        const s = await stat(join(dir, n)).catch(() => undefined);
        if (s && Date.now() - s.mtimeMs > 3_600_000) await rm(join(dir, n), { force: true });
      }
      const names = all.filter((n) => KEY.test(n));
      const entries = (
        await Promise.all(
          names.map((n) =>
            stat(join(dir, n)).then(
              (s) => ({ n, size: s.size, used: s.mtimeMs }),
              () => undefined,
            ),
          ),
        )
      ).filter((e) => e !== undefined);
      let total = entries.reduce((sum, e) => sum + e.size, 0);
      entries.sort((a, b) => a.used - b.used);
      for (const e of entries) {
        if (total <= maxBytes) break;
        await rm(join(dir, e.n), { force: true });
        total -= e.size;
      }
      await recordTotal(total);
    },
  };

  /**
   * Writes the folder's size, whole or not at all. One that cannot be written (the folder removed
   * meanwhile) only means a look at every entry next time, never a failed publish.
   */
  async function recordTotal(total: number) {
    const temp = join(dir, `${TOTAL}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(temp, String(total))
      .then(() => rename(temp, join(dir, TOTAL)))
      .catch(() => undefined);
  }
}
