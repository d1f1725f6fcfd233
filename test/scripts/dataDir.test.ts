/** `npm start`'s state directory: DATA_DIR, and a lock so two stacks never share one SQLite file. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimDataDir, dataDir } from '../../scripts/data-dir';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';

test('DATA_DIR is taken relative to the checkout, .data by default', () => {
  expect(dataDir({})).toBe(path.join(PROJECT_ROOT, '.data'));
  expect(dataDir({ DATA_DIR: '.data-2' })).toBe(path.join(PROJECT_ROOT, '.data-2'));
  expect(dataDir({ DATA_DIR: '/var/tmp/stack' })).toBe('/var/tmp/stack');
});

test('a directory held by a running stack is refused; a stale lock is taken over and released', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'data-dir-'));
  const other = spawn('sleep', ['30']);
  try {
    writeFileSync(path.join(dir, 'stack.pid'), `${other.pid}\n`);
    await expect(claimDataDir(dir)).rejects.toThrow(`in use by a running stack (pid ${other.pid})`);
  } finally {
    other.kill();
  }
  await new Promise((resolve) => other.on('exit', resolve));
  const release = await claimDataDir(dir);
  expect(readFileSync(path.join(dir, 'stack.pid'), 'utf8').trim()).toBe(String(process.pid));
  await release();
  expect(existsSync(path.join(dir, 'stack.pid'))).toBe(false);
});
