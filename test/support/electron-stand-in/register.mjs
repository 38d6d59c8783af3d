// `node --import ./register.mjs out/electron/desktop/main.js`: the built main process with `electron`
// resolved to the stand-in next to this file (Node's module customization hooks). The stand-in is
// TypeScript, loaded by Node's type stripping.
import { registerHooks } from 'node:module';

const standIn = new URL('./electron.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'electron') return { url: standIn, shortCircuit: true };
    return next(specifier, context);
  },
});
