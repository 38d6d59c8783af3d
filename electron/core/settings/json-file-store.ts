// A SettingsStore on a plain JSON file, written atomically (temp file + rename), mode 0600.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { raise } from '../../../shared/result.js';
import { type Settings, type SettingsStore, settingsSchema } from './settings.js';

/** Opens (or starts) the settings file at path. */
export function jsonFileSettingsStore(path: string): SettingsStore {
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return settingsSchema.parse({}) as Settings;
        throw e;
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        return raise('internal', `The settings file ${path} is not valid JSON.`, { hint: 'Fix or remove the file; your backups are not affected.' });
      }
      const parsed = settingsSchema.safeParse(data);
      if (!parsed.success) {
        return raise('internal', `The settings file ${path} has unexpected content.`, {
          hint: 'Fix or remove the file; your backups are not affected.',
          detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      }
      return parsed.data as Settings;
    },
    write(next) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
