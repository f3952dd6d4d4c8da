/** Reading a text source in its declared encoding (NBS portal exports are GBK). */
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { InputError } from '../common/errors';

export async function readText(path: string, name: string, encoding = 'utf8'): Promise<string> {
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
