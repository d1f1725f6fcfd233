// Readiness and setup steps of a starting cluster: the dynamic config check, the frontend's
// health, the namespace and the order search attributes.
import { run } from '../process';
import { ensureSearchAttributes } from '../search-attributes';
import { type ManagedChild } from './child';
import { isListening } from './ports';
import { DYNAMIC_CONFIG_FILE, TEMPORAL_VERSIONS } from './settings';

/** The server only warns about unknown keys or wrong types; for our own file that is an error. */
export async function checkDynamicConfig(server: string): Promise<void> {
  const { stdout } = await run(server, ['validate-dynamic-config', DYNAMIC_CONFIG_FILE]);
  const findings = stdout.split('\n').filter((l) => /^\s*(warning|error):/.test(l));
  if (findings.length > 0) throw new Error(`${DYNAMIC_CONFIG_FILE} is not valid for server ${TEMPORAL_VERSIONS.server}:\n${findings.join('\n')}`);
}

export async function waitForFrontend(cli: string, address: string, nodes: Map<string, ManagedChild>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frontend = nodes.get('frontend')!;
    if (!frontend.running) throw new Error(`Temporal frontend exited while starting:\n${frontend.tail()}`);
    try {
      const { stdout } = await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeoutMs: 10_000 });
      if (/SERVING/.test(stdout) && !/NOT_SERVING/.test(stdout)) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`the Temporal frontend at ${address} did not become healthy within ${timeoutMs / 1000} s:\n${nodes.get('frontend')?.tail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function waitForPort(child: ManagedChild, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening(port))) {
    if (!child.running) throw new Error(`${child.spec.name} exited while starting:\n${child.tail()}`);
    if (Date.now() > deadline) throw new Error(`${child.spec.name} did not listen on ${port} within ${timeoutMs / 1000} s:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function ensureNamespace(cli: string, address: string, namespace: string): Promise<boolean> {
  const target = ['--address', address, '--namespace', namespace];
  try {
    await run(cli, ['operator', 'namespace', 'describe', ...target]);
    return false;
  } catch {
    // Closed orders stay visible to operators for a week.
    await run(cli, ['operator', 'namespace', 'create', ...target, '--retention', '168h']);
  }
  // The frontend learns of a new namespace at its next registry refresh (every 2 s).
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await run(cli, ['operator', 'search-attribute', 'list', ...target]);
      return true;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * ensureSearchAttributes() re-reads the list after creating; a frontend may still answer from its
 * namespace cache for up to 2 s, so a fresh cluster gets a few tries before we call it a failure.
 */
export async function ensureAttributes(cli: string, address: string, namespace: string): Promise<string[]> {
  const created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      for (const name of await ensureSearchAttributes(cli, address, namespace)) created.add(name);
      return [...created];
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}
