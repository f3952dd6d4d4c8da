/** Opening the store for a command: a store that cannot be opened is a configuration error (exit 2). */
import type { Config } from '../common/config';
import { InputError } from '../common/errors';
import { openDb, type Db } from '../store/db';

export async function openStore(config: Config): Promise<Db> {
  try {
    return await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (e) {
    throw new InputError((e as Error).message, config.databaseUrl ? 'DATABASE_URL' : 'AICARBON_DATA_DIR');
  }
}
