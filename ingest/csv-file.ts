/**
 * A CSV file read as a stream of records in its declared encoding, each with the line it starts on:
 * memory stays flat in the file's size (only one record is held at a time), so a multi-gigabyte export
 * is read like a small one.
 *
 * Limits, each refused with an InputError naming the file and line: a field of at most
 * `CSV_LIMITS.field` bytes and a row of at most `CSV_LIMITS.row` bytes (a wrong delimiter or an
 * unclosed quote otherwise makes one "field" of the whole file); NUL bytes (a binary file); text that is
 * not valid in the declared encoding.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
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

export async function* csvRecords(
  file: { path: string; name: string },
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord> {
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
  const utf = encoding
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .startsWith('utf');

  const source = createReadStream(file.path);
  const decoder = iconv.decodeStream(encoding);
  let invalid = false;
  decoder.on('data', (chunk: string) => {
    // The decoder replaces bytes that are not valid in the encoding with U+FFFD.
    if (utf && chunk.includes('\uFFFD')) invalid = true;
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: options.skipEmptyLines ?? true,
    relax_quotes: options.relaxQuotes ?? false,
    max_record_size: limits.row,
    ...(options.comment ? { comment: options.comment, comment_no_infix: true } : {}),
  });
  // Each record with the parser's line count when it is emitted: what `info: true` reports, without
  // the two objects per record that option builds (a third of the time on narrow rows).
  const push = parser.push.bind(parser);
  parser.push = (record: unknown) =>
    push(record === null ? null : { record, info: { lines: parser.info.lines } });
  source.pipe(decoder).pipe(parser);
  source.on('error', (e) => parser.destroy(e));
  let count = 0;
  let last = 0;
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (invalid) break;
      const line = r.info.lines;
      for (const [i, field] of r.record.entries()) {
        if (Buffer.byteLength(field) > limits.field)
          throw new InputError(
            `${name} line ${line}, column ${i + 1}: a field over ${MiB(limits.field)} (the limit; an unclosed ` +
              `quote or a wrong delimiter?)`,
            `${name}:${line}`,
          );
      }
      if (++count % 10_000 === 0) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        options.onProgress?.(source.bytesRead, size);
      }
      last = line;
      yield { line, record: r.record };
    }
  } catch (e) {
    if (e instanceof CsvError) {
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
  } finally {
    source.destroy();
    (decoder as unknown as { destroy(): void }).destroy();
    parser.destroy();
  }
  if (invalid)
    throw new InputError(
      `${name}: not valid ${encoding} (is it a GBK export? set options.encoding to "gbk")`,
      name,
    );
}
