/**
 * Reading a whole text source in its declared encoding (NBS portal exports are GBK), for layouts that
 * need the table at once (declared grid layouts). Bounded: a file over `WHOLE_TEXT_LIMIT` bytes is
 * refused before it is read — long files go through a streaming layout (tidy-csv, ingest/csv-file.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { InputError } from '../common/errors';

/** A yearbook or portal table is kilobytes; 100 MB of text is a few GB as a grid of strings. */
export const WHOLE_TEXT_LIMIT = 100e6;

export async function readText(path: string, name: string, encoding = 'utf8'): Promise<string> {
  const { size } = await stat(path);
  if (size > WHOLE_TEXT_LIMIT)
    throw new InputError(
      `${name}: ${(size / 1e6).toFixed(0)} MB, more than a layout that reads the whole table accepts ` +
        `(${WHOLE_TEXT_LIMIT / 1e6} MB); a long file is read by a streaming layout (tidy-csv)`,
      name,
    );
  const bytes = await readFile(path);
  if (bytes.includes(0))
    throw new InputError(`${name}: binary data where a ${encoding} text file was expected`, name);
  if (!iconv.encodingExists(encoding)) throw new InputError(`${name}: unknown encoding "${encoding}"`, name);
  const text = iconv.decode(bytes, encoding);
  if (encoding.toLowerCase().startsWith('utf') && text.includes('\uFFFD')) {
    throw new InputError(
      `${name}: not valid ${encoding} (is it a GBK export? set options.encoding to "gbk")`,
      name,
    );
  }
  return text.replace(/^\uFEFF/, '');
}
