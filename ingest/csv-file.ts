/**
 * A CSV file read as a stream of records in its declared encoding, each with the line it starts on:
 * memory stays flat in the file's size (one chunk of the file and its records are held at a time), so
 * a multi-gigabyte export is read like a small one.
 *
 * Records come in batches, one per chunk of the file: csv-parse parses each chunk synchronously and the
 * caller loops over the batch, so there is no promise, event or wrapper object per record (on narrow
 * rows those cost more than the parse). UTF-8 files go to the parser as bytes, checked with
 * `buffer.isUtf8`, never decoded to a string first; other encodings are decoded by iconv-lite.
 *
 * Limits, each refused with an InputError naming the file and line: a field of at most
 * `CSV_LIMITS.field` bytes and a row of at most `CSV_LIMITS.row` bytes (a wrong delimiter or an
 * unclosed quote otherwise makes one "field" of the whole file); NUL bytes (a binary file); text that is
 * not valid in the declared encoding (for UTF-8, the line and the byte).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { CsvError, Parser, type Options } from 'csv-parse';
import iconv from 'iconv-lite';
import { InputError } from '../common/errors';

export const CSV_LIMITS = {
  /** Largest field, bytes (a patent abstract is a few kB; full claims texts stay well under this). */
  field: 1 << 20,
  /** Largest row, bytes. */
  row: 4 << 20,
};

export interface CsvRecord {
  /** Line the record starts on (1-based, counting comment and empty lines). */
  line: number;
  record: string[];
}

/** The records of one chunk of the file, in order, and the line of each (same index). */
export interface CsvBatch {
  records: string[][];
  lines: number[];
}

export interface CsvReadOptions {
  encoding?: string;
  /** Lines starting with this are comments (banners of synthetic files); never inside a line. */
  comment?: string;
  limits?: { field: number; row: number };
  /** Empty lines give no record (default true); a grid keeps them as empty rows. */
  skipEmptyLines?: boolean;
  /** A quote inside an unquoted field is text (`12"3`), as spreadsheet exports write it. */
  relaxQuotes?: boolean;
  signal?: AbortSignal;
  /** Called every few thousand records with the bytes read so far and the file size. */
  onProgress?: (bytes: number, size: number) => void;
}

const MiB = (n: number) => `${(n / 2 ** 20).toLocaleString('en')} MiB`;

/** Bytes read (and parsed) at a time: larger chunks save no time and hold more records at once. */
const CHUNK = 1 << 16;

/**
 * csv-parse's stream, its output collected into the current batch instead of its readable side: a
 * Transform hands every record it makes to `push`, synchronously within `write`.
 */
class BatchParser extends Parser {
  batch: CsvBatch = { records: [], lines: [] };

  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    this.batch.records.push(record as string[]);
    this.batch.lines.push(this.info.lines);
    return true;
  }

  takeBatch(): CsvBatch {
    const b = this.batch;
    this.batch = { records: [], lines: [] };
    return b;
  }
}

/** Where a byte sequence that is not UTF-8 starts in `buf`, or -1 (`isUtf8` says whether, not where). */
function invalidUtf8At(buf: Buffer): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i];
    const n =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || !isUtf8(buf.subarray(i, i + n))) return i;
    i += n;
  }
  return -1;
}

/** Bytes at the end of `buf` that start a UTF-8 sequence the next chunk completes (0–3). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n > back ? back : 0;
  }
  return 0;
}

/** The line (1-based) of byte `offset` of a file: its line feeds before it, counted again on error. */
async function lineAt(path: string, offset: number): Promise<number> {
  let line = 1;
  for await (const chunk of createReadStream(path, { end: Math.max(0, offset - 1), highWaterMark: CHUNK })) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) line += 1;
  }
  return offset === 0 ? 1 : line;
}

export async function* csvBatches(
  file: { path: string; name: string },
  options: CsvReadOptions = {},
): AsyncGenerator<CsvBatch> {
  const { name } = file;
  const encoding = options.encoding ?? 'utf8';
  const limits = options.limits ?? CSV_LIMITS;
  if (!iconv.encodingExists(encoding)) throw new InputError(`${name}: unknown encoding "${encoding}"`, name);
  const handle = await open(file.path, 'r');
  const head = Buffer.alloc(4096);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  await handle.close();
  if (head.subarray(0, bytesRead).includes(0))
    throw new InputError(`${name}: binary data where a ${encoding} text file was expected`, name);
  const { size } = await stat(file.path);
  const canonical = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
  const utf8 = canonical === 'utf8';
  const utf = canonical.startsWith('utf');
  const decoder = utf8 ? undefined : iconv.getDecoder(encoding);

  const parserOptions: Options = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: options.skipEmptyLines ?? true,
    relax_quotes: options.relaxQuotes ?? false,
    max_record_size: limits.row,
    ...(options.comment ? { comment: options.comment, comment_no_infix: true } : {}),
  };
  const parser = new BatchParser(parserOptions);
  // Errors reach us through write's and end's callbacks; the listener keeps them from being unhandled.
  parser.on('error', () => {});
  const write = (chunk: Buffer | string) =>
    new Promise<void>((resolve, reject) => parser.write(chunk, (e) => (e ? reject(e) : resolve())));
  const source = createReadStream(file.path, { highWaterMark: CHUNK });
  let count = 0;
  let last = 0;
  let bytes = 0;
  /** UTF-8: the bytes of a sequence the previous chunk left incomplete. */
  let pending: Buffer = Buffer.alloc(0);

  /** The batch, its fields checked against the field limit. */
  function checked(batch: CsvBatch): CsvBatch {
    const { records, lines } = batch;
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      for (let i = 0; i < record.length; i++) {
        const field = record[i];
        // A string of n UTF-16 units takes at most 3n bytes: only long fields are measured.
        if (field.length * 3 > limits.field && Buffer.byteLength(field) > limits.field)
          throw new InputError(
            `${name} line ${lines[r]}, column ${i + 1}: a field over ${MiB(limits.field)} (the limit; an ` +
              `unclosed quote or a wrong delimiter?)`,
            `${name}:${lines[r]}`,
          );
      }
      last = lines[r];
    }
    count += records.length;
    return batch;
  }

  try {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        if (utf8) {
          const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          const end = data.length - incompleteTail(data);
          if (!isUtf8(data.subarray(0, end))) {
            const at = invalidUtf8At(data.subarray(0, end));
            const offset = bytes - pending.length + at;
            // The records before the bad byte are read first: an earlier error in the file wins.
            await write(chunk.subarray(0, Math.max(0, at - pending.length)));
            yield checked(parser.takeBatch());
            const line = await lineAt(file.path, offset);
            throw new InputError(
              `${name} line ${line}: not valid ${encoding} (byte 0x${data[at].toString(16).toUpperCase()} at ` +
                `offset ${offset.toLocaleString('en')}; is it a GBK export? set options.encoding to "gbk")`,
              `${name}:${line}`,
            );
          }
          pending = data.subarray(end);
          await write(chunk);
        } else {
          const text = decoder!.write(chunk);
          // The decoder replaces bytes that are not valid in the encoding with U+FFFD.
          if (utf && text.includes('\uFFFD'))
            throw new InputError(
              `${name}: not valid ${encoding} (is it a GBK export? set options.encoding to "gbk")`,
              name,
            );
          await write(text);
        }
        bytes += chunk.length;
        const before = count;
        yield checked(parser.takeBatch());
        if (Math.floor(count / 10_000) > Math.floor(before / 10_000)) options.onProgress?.(bytes, size);
      }
      if (utf8 && pending.length) {
        const at = bytes - pending.length;
        const line = await lineAt(file.path, at);
        throw new InputError(
          `${name} line ${line}: not valid ${encoding} (the file ends inside a character; is it a GBK ` +
            `export? set options.encoding to "gbk")`,
          `${name}:${line}`,
        );
      }
      const rest = decoder?.end();
      if (rest) await write(rest);
      parser.end();
      await finished(parser, { readable: false });
      yield checked(parser.takeBatch());
    } catch (e) {
      if (e instanceof CsvError) {
        // What was parsed before the error is read first (an earlier error in the file wins).
        const before = parser.takeBatch();
        if (before.records.length) yield checked(before);
        const line = (e as unknown as { lines?: number }).lines;
        const at = line ? `${name} line ${line}` : name;
        if (e.code === 'CSV_MAX_RECORD_SIZE') {
          // Named by where the runaway row began (after the last good record), not where it was stopped.
          const where = `${name}, the row after line ${last}`;
          throw new InputError(
            `${where}: over ${MiB(limits.row)} (the limit; a field over ${MiB(limits.field)}, an unclosed ` +
              `quote or a wrong delimiter?)`,
            where,
          );
        }
        throw new InputError(`${at}: not readable as CSV (${e.message})`, at);
      }
      throw e;
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** The records one by one (for layouts whose files are small; large ones loop over `csvBatches`). */
export async function* csvRecords(
  file: { path: string; name: string },
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord> {
  for await (const { records, lines } of csvBatches(file, options))
    for (let i = 0; i < records.length; i++) yield { line: lines[i], record: records[i] };
}
