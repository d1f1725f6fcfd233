// The standalone Temporal UI server (github.com/temporalio/ui-server, the same code the CLI embeds,
// with the web assets compiled in), pointed at the cluster's frontend. The CLI's embedded UI cannot
// do this: it only ever serves the dev server it started itself.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ChildSpec } from './child';

export async function uiSpec(opts: { binary: string; dataDir: string; logDir: string; temporalAddress: string; port: number; namespace?: string }): Promise<ChildSpec> {
  const root = path.join(opts.dataDir, 'ui');
  await fs.mkdir(path.join(root, 'config'), { recursive: true });
  // The ui-server reads <root>/config/<env>.yaml.
  await fs.writeFile(
    path.join(root, 'config', 'cluster.yaml'),
    [
      `temporalGrpcAddress: ${opts.temporalAddress}`,
      'host: 127.0.0.1',
      `port: ${opts.port}`,
      'enableUi: true',
      `defaultNamespace: ${opts.namespace ?? 'default'}`,
      // No internet here: the UI would otherwise fetch Temporal's news feed.
      'disableNewsFetch: true',
      'cors:',
      '  cookieInsecure: true',
      '',
    ].join('\n'),
  );
  return {
    name: 'temporal-ui',
    command: opts.binary,
    args: ['--root', root, '--config', 'config', '--env', 'cluster', 'start'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    logFile: path.join(opts.logDir, 'temporal-ui.log'),
  };
}
