/**
 * `aicarbon server`: the local Temporal dev server, kept up until Ctrl-C — state in `.data/temporal.db`,
 * the Web UI on its port, the search attributes registered — so the Web UI outlives any one run. `run`
 * and `refresh` use it while it is up; a server already on the port is adopted (kept up while this
 * runs). On Ctrl-C it is stopped unless another aicarbon process still uses it.
 */
import type { Connection } from '@temporalio/client';
import { loadConfig } from '../../common/config';
import { InputError } from '../../common/errors';
import { resolveTemporalCli } from '../../temporal/cli-binary';
import { connectClient } from '../../temporal/connection';
import { startDevServer } from '../../temporal/dev-server';
import { ensureSearchAttributes } from '../../temporal/search-attribute-registry';
import { say } from '../output';

export async function server(): Promise<void> {
  const config = loadConfig();
  if (config.temporalAddress)
    throw new InputError(
      `TEMPORAL_ADDRESS=${config.temporalAddress} names a cluster: \`aicarbon server\` runs the local dev server ` +
        '(unset TEMPORAL_ADDRESS, or use the cluster as it is)',
      'TEMPORAL_ADDRESS',
    );
  const cli = await resolveTemporalCli({
    cliPath: config.temporalCliPath,
    cacheDir: config.cacheDir,
    log: say,
  });
  const dev = await startDevServer({
    binary: cli.path,
    dataDir: config.dataDir,
    port: config.devServerPort,
    uiPort: config.devServerUiPort,
    namespace: config.temporalNamespace,
    user: 'aicarbon server',
    keep: true,
  });
  try {
    const client = await connectClient(dev.address, config.temporalNamespace);
    try {
      const added = await ensureSearchAttributes(client.connection as Connection, config.temporalNamespace, {
        register: true,
        where: `The dev server at ${dev.address}`,
      });
      if (added.length) say(`Registered the search attributes ${added.join(', ')}.`);
    } finally {
      await client.connection.close();
    }
  } catch (e) {
    await dev.stop();
    throw e;
  }
  say(
    dev.owned
      ? `Temporal dev server on ${dev.address}, state in ${config.dataDir}/temporal.db.`
      : `A Temporal server already answers on ${dev.address}${dev.pid ? ` (pid ${dev.pid})` : ''}: keeping it up.`,
  );
  say(`Web UI: ${dev.uiUrl}   (Ctrl-C stops the server unless another aicarbon process uses it)`);
  process.stdout.write(`${dev.uiUrl}\n`);
  // A signal listener does not keep the process alive; this timer does, until the signal.
  const alive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(alive);
  const { stopped, users } = await dev.stop();
  say(
    stopped
      ? 'Temporal dev server stopped.'
      : users
        ? `Temporal dev server left running: ${users} other aicarbon process${users > 1 ? 'es use' : ' uses'} it (the last one stops it).`
        : 'The server was not started by aicarbon: left running.',
  );
}
