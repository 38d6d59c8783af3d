// Small helpers of the wizard UI.
import type { WizardEntry, WizardModel } from '../../../shared/remotes/wizard-model';

export type { WizardEntry, WizardModel };

// A suggested remote name for a provider, e.g. "webdav" or "wasabi".
export function buildFormState(entry: WizardEntry): string {
  const base = (entry.preset.provider ?? entry.type).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return base.replace(/^-+|-+$/g, '') || 'remote';
}
