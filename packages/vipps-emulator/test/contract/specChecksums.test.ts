import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_FILES, specsDir } from './openApiContract';

/** The vendored specs must stay verbatim copies: their SHA-256 must match the table in the README. */
function readmeChecksums(): Map<string, string> {
  const readme = readFileSync(join(specsDir(), 'README.md'), 'utf8');
  const entries = [...readme.matchAll(/^([0-9a-f]{64})\s+(\S+)$/gm)].map((m) => [m[2] ?? '', m[1] ?? ''] as const);
  return new Map(entries);
}

describe('vendored OpenAPI files', () => {
  const checksums = readmeChecksums();

  it('lists a checksum for every spec the contract tests use, and more', () => {
    for (const file of Object.values(SPEC_FILES)) expect(checksums.has(file)).toBe(true);
    expect(checksums.size).toBeGreaterThanOrEqual(8);
  });

  it.each([...checksums.entries()])('%s matches its SHA-256 in README.md', (file, expected) => {
    const actual = createHash('sha256').update(readFileSync(join(specsDir(), file))).digest('hex');
    expect(actual).toBe(expected);
  });
});
