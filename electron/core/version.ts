// Reprise's own version, read from package.json wherever the code runs from (source or out/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

let cached: string | undefined;

// The two fields read of a package.json; another project's package.json may have neither.
const packageSchema = z.looseObject({ name: z.string().optional(), version: z.string().optional() });

function packageOf(file: string): z.infer<typeof packageSchema> | null {
  const r = packageSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return r.success ? r.data : null;
}

/** The version in Reprise's package.json. */
export function repriseVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = packageOf(candidate);
      if (pkg?.name === 'reprise' && pkg.version) return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}

/** The repository/app root: the folder holding Reprise's package.json. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      if (packageOf(candidate)?.name === 'reprise') return dir;
    }
    dir = dirname(dir);
  }
  throw new Error('Reprise package.json not found above ' + fileURLToPath(import.meta.url));
}
