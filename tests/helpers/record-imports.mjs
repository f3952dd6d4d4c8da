// Loaded with `node --import`: appends the URL of every module the process loads to the file named
// by AICARBON_RECORD_IMPORTS (the start-up test reads it to see what `--help` pulls in).
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { file: process.env.AICARBON_RECORD_IMPORTS },
});
