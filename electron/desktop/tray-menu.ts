// Turns the core's tray menu model into Electron menu templates. No logic of its own: what the
// menu says and offers is decided by shared/tray-state.ts, this only maps items to Electron's shape.
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayMenuItem } from '../../shared/tray-state.js';

/** The Electron template for a menu model; clicks go to `act`. */
export function menuTemplate(items: readonly TrayMenuItem[], act: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'label':
        return { label: item.text, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => act(item.action) };
      case 'checkbox':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: () => act(item.action) };
      case 'submenu':
        return { label: item.label, submenu: menuTemplate(item.items, act) };
      default: {
        const never: never = item;
        throw new Error(`Unknown menu item ${JSON.stringify(never)}`);
      }
    }
  });
}
