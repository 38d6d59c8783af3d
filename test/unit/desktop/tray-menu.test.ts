import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../electron/desktop/tray-menu.js';
import type { TrayAction } from '../../../shared/tray-state.js';
import { computeTrayState } from '../../../shared/tray-state.js';

describe('menuTemplate (the Electron tray draws the core model, nothing more)', () => {
  it('maps labels, separators, actions, checkboxes and submenus, and routes clicks to the action', () => {
    const now = Date.parse('2026-06-10T12:00:00Z');
    const state = computeTrayState({
      now,
      jobs: [{ id: 'm', name: 'Music', createdAt: now - 3600_000, staleAfterDays: 3 }],
      runs: [{ id: 4, jobId: 'm', startedAt: now - 7300_000, endedAt: now - 7200_000, outcome: 'success', firstError: null, destinations: [] }],
      live: [],
      pause: null,
      startAtLogin: false,
    });
    const clicked: TrayAction[] = [];
    const t = menuTemplate(state.menu, (a) => clicked.push(a));
    expect(t[0]).toEqual({ label: 'All backups OK · last 2 h ago', enabled: false });
    expect(t[1]).toEqual({ type: 'separator' });
    const backUp = t.find((i) => i.label === 'Back up now')!;
    (backUp.click as () => void)();
    const pause = t.find((i) => i.label === 'Pause schedules')!;
    const forHour = (pause.submenu as typeof t).find((i) => i.label === 'For 1 hour')!;
    (forHour.click as () => void)();
    const recent = t.find((i) => i.label === 'Recent runs')!;
    ((recent.submenu as typeof t)[0]!.click as () => void)();
    expect(t.find((i) => i.label === 'Start at login')).toMatchObject({ type: 'checkbox', checked: false });
    expect(clicked).toEqual([{ type: 'run-now', jobId: 'm' }, { type: 'pause', choice: 'one-hour' }, { type: 'open-run', runId: 4 }]);
  });
});
