// The Electron host keeps settings with electron-store, in the same data dir and file the CLI uses.
import Store from 'electron-store';
import { raise } from '../../shared/result.js';
import { type Settings, type SettingsStore, settingsSchema } from '../core/api/host.js';

/** A SettingsStore backed by electron-store (settings.json in the data dir). */
export function electronStoreSettings(dataDir: string): SettingsStore {
  const store = new Store<Record<string, unknown>>({ cwd: dataDir, name: 'settings', clearInvalidConfig: false });
  return {
    read() {
      const parsed = settingsSchema.safeParse(store.store);
      if (!parsed.success) raise('internal', `The settings file in ${dataDir} has unexpected content.`, { hint: 'Fix or remove settings.json; your backups are not affected.' });
      return parsed.data as Settings;
    },
    write(next) {
      store.store = next as unknown as Record<string, unknown>;
    },
  };
}
